"""People use the dashboards in the browser: the Party's province table, a district's gap list and
its drill-down, the gap list's Excel file, and a district viewer kept to their own district.

The figures are built by hand so every number on the page is known. The last test seeds the
demo data and takes the screenshots the README shows: to refresh them, run it and copy
artifacts/province-dashboard-demo.png and artifacts/district-dashboard-demo.png to
docs/screenshots/province-dashboard.png and docs/screenshots/district-dashboard.png.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from tests.e2e.conftest import ARTIFACTS
from tests.factories import make_enterprise, make_union
from unions import access
from unions.enterprises.coverage import coverage_figures
from unions.models import AdministrativeUnit, Enterprise

# The headers of the gap list's Excel file, in order (referrals/exports.py `gap_report`).
GAP_HEADERS = (
    "No.",
    "Tax code",
    "Enterprise",
    "Address",
    "Commune",
    "Industrial zone",
    "Ownership",
    "Workers",
)


@dataclass
class Built:
    gap_213: list[Enterprise]  # biggest first
    gap_215: list[Enterprise]
    all_215: list[Enterprise]


def build() -> Built:
    """213: 7 eligible, 4 with a union, gap 3 (plus one too small to count); 215: 3 eligible,
    1 with a union, gap 2. The province: 10 eligible, 5 with a union, 50.0 %."""
    for workers in (1200, 300, 45, 20):
        make_union(make_enterprise(district="213", workers=workers), members_reported=workers // 3)
    gap_213 = [
        make_enterprise(district="213", workers=workers, name=name, address=address)
        for workers, name, address in (
            (860, "Công ty TNHH May Xuất khẩu Hà Bắc", "Số 12 đường Lê Lợi"),
            (240, "Công ty Cổ phần Bao bì Xương Giang", "Lô B2 cụm công nghiệp Xương Giang"),
            (35, "Công ty TNHH Cơ khí Đa Mai", "Thôn Mé, xã Đa Mai"),
        )
    ]
    make_enterprise(district="213", workers=8, name="Hộ kinh doanh Nhỏ Lẻ")
    with_union_215 = make_enterprise(district="215", workers=150, name="Công ty TNHH Gỗ Yên Thế")
    make_union(with_union_215, members_reported=90)
    gap_215 = [
        make_enterprise(district="215", workers=410, name="Công ty TNHH Chè Bố Hạ"),
        make_enterprise(district="215", workers=60, name="Công ty TNHH Vải thiều Phồn Xương"),
    ]
    return Built(gap_213=gap_213, gap_215=gap_215, all_215=[with_union_215, *gap_215])


def data_value(page, testid: str) -> str:
    return page.get_attribute(f'[data-testid="{testid}"]', "data-value")


def number_in(text: str) -> int:
    """The first whole number in a text such as "3 doanh nghiệp" or "1.234 doanh nghiệp"."""
    match = re.search(r"\d[\d.]*", text)
    assert match, text
    return int(match.group().replace(".", ""))


def save_top(page, name: str, last: str) -> Path:
    """A screenshot from the page's top to the bottom of `last`: the README's pictures stay
    small (a few hundred KB) while showing the figures, the table and the charts."""
    bottom = page.locator(last).first.evaluate(
        "element => element.getBoundingClientRect().bottom + window.scrollY"
    )
    width = page.viewport_size["width"]
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    clip = {"x": 0, "y": 0, "width": width, "height": int(bottom) + 16}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path


def district_codes() -> list[str]:
    return sorted(
        AdministrativeUnit.objects.filter(
            level=AdministrativeUnit.Level.DISTRICT, parent__code="24"
        ).values_list("code", flat=True)
    )


def test_party_viewer_signs_in_and_sees_every_districts_figures(
    page, login, e2e_user, live_server, screenshot
):
    build()
    login(e2e_user(access.PARTY_VIEWER_PROVINCE))
    page.goto(f"{live_server.url}/")
    assert page.locator('[data-testid="page-title"]').is_visible()

    rows = page.locator('[data-testid^="district-row-"]')
    shown = sorted(
        row.get_attribute("data-testid").removeprefix("district-row-") for row in rows.all()
    )
    assert len(district_codes()) == 10
    assert shown == district_codes()

    for code, eligible, with_union, gap in (("213", 7, 4, 3), ("215", 3, 1, 2), ("216", 0, 0, 0)):
        assert data_value(page, f"cell-eligible-{code}") == str(eligible)
        assert data_value(page, f"cell-with_union-{code}") == str(with_union)
        assert data_value(page, f"cell-gap-{code}") == str(gap)
        assert page.inner_text(f'[data-testid="cell-gap-{code}"]') == str(gap)
    assert data_value(page, "cell-coverage_pct-213") == "57.1"  # 4 / 7
    assert "57,1" in page.inner_text('[data-testid="cell-coverage_pct-213"]')
    assert data_value(page, "cell-union_members-213") == str(400 + 100 + 15 + 6)
    assert data_value(page, "cell-gap-province") == "5"

    # The cards: the province's coverage, written the Vietnamese way.
    assert data_value(page, "kpi-coverage_pct") == "50.0"
    assert page.inner_text('[data-testid="kpi-coverage_pct"]').replace("\xa0", " ") == "50,0 %"
    assert data_value(page, "kpi-eligible") == "10"
    assert data_value(page, "kpi-with_union") == "5"
    assert data_value(page, "kpi-gap") == "5"
    screenshot("province-dashboard")


def test_opening_a_district_and_its_gap_number_lists_exactly_that_many_enterprises(
    page, login, e2e_user, live_server, screenshot
):
    built = build()
    login(e2e_user(access.PARTY_VIEWER_PROVINCE))
    page.goto(f"{live_server.url}{reverse('referrals:dashboard')}")
    page.click('[data-testid="district-link-213"]')
    page.wait_for_selector('[data-testid="gap-list"]')
    assert page.url.startswith(f"{live_server.url}/dashboard/213/")

    shown_gap = number_in(page.inner_text('[data-testid="gap-count-link"]'))
    assert shown_gap == 3
    assert data_value(page, "kpi-gap") == "3"
    gap_rows = page.locator('[data-testid="gap-list"] tbody tr')
    assert [row.locator("td").nth(1).inner_text() for row in gap_rows.all()] == [
        enterprise.tax_code for enterprise in built.gap_213
    ]
    screenshot("district-dashboard")

    page.click('[data-testid="gap-count-link"]')
    page.wait_for_selector("#result_list")
    assert "/admin/unions/enterprise/" in page.url
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == shown_gap
    # The changelist's own count says the same, and the rows are the gap's enterprises.
    assert number_in(page.inner_text(".paginator")) == shown_gap
    listed = page.inner_text("#result_list tbody")
    for enterprise in built.gap_213:
        assert enterprise.tax_code in listed
    for enterprise in built.gap_215:
        assert enterprise.tax_code not in listed


def test_the_gap_list_downloads_as_a_report_of_exactly_the_gap_biggest_first(
    page, login, e2e_user, live_server
):
    built = build()
    login(e2e_user(access.PARTY_VIEWER_DISTRICT, district_code="213"))
    page.goto(f"{live_server.url}/dashboard/213/")
    with page.expect_download() as download_info:
        page.click('[data-testid="export-gap"]')
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    assert download.suggested_filename.startswith("chua-co-cong-doan-213-")
    sheet = openpyxl.load_workbook(io.BytesIO(download.path().read_bytes())).active

    with translation.override("vi"):
        title = _("Enterprises with %(threshold)d+ workers without a grassroots union") % {
            "threshold": 20
        }
        headers = [_(header) for header in GAP_HEADERS]
    assert sheet["A1"].value == "Thành phố Bắc Giang".upper()
    assert sheet["A4"].value == title
    header_row = next(
        row for row in range(5, 12) if sheet.cell(row=row, column=1).value == headers[0]
    )
    assert [cell.value for cell in sheet[header_row]][: len(headers)] == headers

    data = []
    for row in sheet.iter_rows(min_row=header_row + 1, values_only=True):
        if not isinstance(row[0], int):
            break  # the total row, then the footer
        data.append(row)
    assert [row[0] for row in data] == [1, 2, 3]
    assert [row[1] for row in data] == [enterprise.tax_code for enterprise in built.gap_213]
    assert [row[2] for row in data] == [enterprise.name for enterprise in built.gap_213]
    assert [row[7] for row in data] == [860, 240, 35]
    assert number_in(sheet.cell(row=header_row + 4, column=3).value) == 3  # the total row


def test_a_district_viewer_is_refused_another_districts_page(page, login, e2e_user, live_server):
    built = build()
    login(e2e_user(access.PARTY_VIEWER_DISTRICT, district_code="213"))

    response = page.goto(f"{live_server.url}/dashboard/215/")
    assert response.status == 404
    content = page.content()
    for enterprise in built.all_215:
        assert enterprise.name not in content
        assert enterprise.tax_code not in content

    # The other district's gap list cannot be downloaded either.
    response = page.goto(f"{live_server.url}/dashboard/215/export/gap.xlsx")
    assert response.status == 404

    response = page.goto(f"{live_server.url}/dashboard/213/")
    assert response.status == 200
    assert data_value(page, "kpi-gap") == "3"
    gap_list = page.inner_text('[data-testid="gap-list"]')
    for enterprise in built.gap_213:
        assert enterprise.name in gap_list

    # Their home is their district; the province page lists only their row.
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/dashboard/213/")
    page.goto(f"{live_server.url}{reverse('referrals:dashboard')}")
    rows = page.locator('[data-testid^="district-row-"]')
    assert [row.get_attribute("data-testid") for row in rows.all()] == ["district-row-213"]
    assert page.locator('[data-testid="district-link-215"]').count() == 0


def test_both_dashboards_on_demo_data_match_the_coverage_report(page, login, e2e_user, live_server):
    """The README's screenshots, on the demo data; the pages' figures are the report's."""
    call_command("seed_demo", scale="small", seed=1, verbosity=0, stdout=io.StringIO())
    report = coverage_figures()
    login(e2e_user(access.PARTY_VIEWER_PROVINCE))
    page.goto(f"{live_server.url}/")
    page.wait_for_load_state("networkidle")
    for row in report["districts"]:
        for key in ("eligible", "with_union", "gap"):
            assert data_value(page, f"cell-{key}-{row['code']}") == str(row[key])
    assert data_value(page, "kpi-coverage_pct") == str(report["province"]["coverage_pct"])
    save_top(page, "province-dashboard-demo", ".panel-grid")

    page.click('[data-testid="district-link-213"]')
    page.wait_for_selector('[data-testid="gap-list"]')
    page.wait_for_load_state("networkidle")
    district = next(row for row in report["districts"] if row["code"] == "213")
    assert number_in(page.inner_text('[data-testid="gap-count-link"]')) == district["gap"]
    save_top(page, "district-dashboard-demo", 'section[aria-labelledby="referrals-title"]')
