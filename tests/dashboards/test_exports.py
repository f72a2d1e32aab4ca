"""Every dashboard table downloads as an .xlsx report: unit, title, date, header row, data, and
never a formula."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from referrals.exports import cell_value
from tests.dashboards.conftest import AS_OF, PARAMS
from tests.factories import make_enterprise
from unions.enterprises.coverage import coverage_figures

PROVINCE_TABLES = ["districts", "funnel", "trend", "campaign"]
DISTRICT_TABLES = ["gap", "referrals", "classes", "funnel", "trend", "campaign"]


def download(client, url: str, params: dict | None = None):
    response = client.get(url, PARAMS if params is None else params)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;") and disposition.endswith('.xlsx"')
    return load_workbook(BytesIO(response.content)).active


def header_row(sheet) -> int:
    """The header row is the one the panes are frozen under."""
    return sheet[sheet.freeze_panes].row - 1


def data_rows(sheet) -> list[tuple]:
    first = header_row(sheet) + 1
    rows = []
    for row in sheet.iter_rows(min_row=first, values_only=True):
        if all(value is None for value in row):
            break
        rows.append(row)
    return rows


def check_layout(sheet, *, unit: str, columns: int) -> None:
    assert sheet["A1"].value == unit.upper()
    assert sheet["A1"].font.b
    title = sheet["A4"]
    assert title.value and title.font.b and title.font.sz == 14
    # The as-of date (today's for the referral table, whose overdue flags are today's).
    assert re.search(r"(31/12/2024|16/06/2025)", sheet["A5"].value)
    header = header_row(sheet)
    assert header >= 6
    labels = [cell.value for cell in sheet[header]][:columns]
    assert all(isinstance(label, str) and label for label in labels)
    assert all(cell.font.b for cell in sheet[header][:columns])
    assert sheet.page_setup.orientation == "landscape"


@pytest.mark.django_db
@pytest.mark.parametrize("table", PROVINCE_TABLES)
def test_province_tables_export_as_reports(client, seeded, party_viewer, table):
    client.force_login(party_viewer)
    sheet = download(client, reverse("referrals:export", args=[table]))
    check_layout(sheet, unit="Tỉnh Bắc Giang", columns=3)


@pytest.mark.django_db
@pytest.mark.parametrize("table", DISTRICT_TABLES)
def test_district_tables_export_as_reports(client, seeded, district_viewer, table):
    client.force_login(district_viewer)
    sheet = download(client, reverse("referrals:district_export", args=["213", table]))
    check_layout(sheet, unit="Thành phố Bắc Giang", columns=3)


@pytest.mark.django_db
def test_district_table_export_holds_the_reports_numbers(client, seeded, province_admin):
    client.force_login(province_admin)
    sheet = download(client, reverse("referrals:export", args=["districts"]))
    document = coverage_figures(as_of=AS_OF)
    rows = data_rows(sheet)
    assert len(rows) == len(document["districts"]) + 1  # and the province's total
    for values, row in zip(rows, [*document["districts"], document["province"]], strict=True):
        assert values[1] == row["name"]
        assert values[2:7] == (
            row["eligible"],
            row["with_union"],
            row["gap"],
            row["coverage_pct"],
            row["unions_total"],
        )


@pytest.mark.django_db
def test_gap_list_export_has_every_gap_enterprise_biggest_first(client, seeded, district_staff):
    client.force_login(district_staff)
    sheet = download(client, reverse("referrals:district_export", args=["213", "gap"]))
    rows = data_rows(sheet)
    listed = rows[:-1]  # the last row is the total
    gap = next(r for r in coverage_figures(as_of=AS_OF)["districts"] if r["code"] == "213")
    assert len(listed) == gap["gap"] == 5
    assert [row[0] for row in listed] == [1, 2, 3, 4, 5]
    assert listed[0][1:3] == (seeded.gap_enterprise.tax_code, seeded.gap_enterprise.name)
    assert [row[7] for row in listed] == sorted((row[7] for row in listed), reverse=True)


@pytest.mark.django_db
def test_an_enterprise_named_like_a_formula_exports_as_text(client, seeded, district_staff):
    client.force_login(district_staff)
    sheet = download(client, reverse("referrals:district_export", args=["213", "gap"]))
    cells = {
        cell.value: cell
        for row in sheet.iter_rows(min_row=header_row(sheet) + 1)
        for cell in row
        if isinstance(cell.value, str)
    }
    name = cells['\'=HYPERLINK("x")']
    assert name.data_type == "s"
    assert "'+84 đường Lê Lợi" in cells
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+84 912", "'+84 912"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Công ty = 1", "Công ty = 1"),
        ("a\x00b\x1fc", "abc"),  # control characters Excel refuses are dropped
        (42, 42),
        (None, None),
    ],
)
def test_cell_values_are_escaped(value, expected):
    assert cell_value(value) == expected


@pytest.mark.django_db
def test_exported_names_starting_with_each_formula_character_stay_text(client, district_staff):
    for name in ["+Tân Tiến", "-Hòa Phát", "@Việt Nhật"]:
        make_enterprise(workers=40, name=name)
    client.force_login(district_staff)
    sheet = download(client, reverse("referrals:district_export", args=["213", "gap"]), {})
    names = {row[2] for row in data_rows(sheet)}
    assert {"'+Tân Tiến", "'-Hòa Phát", "'@Việt Nhật"} <= names


@pytest.mark.django_db
def test_unknown_tables_are_not_found(client, party_viewer):
    client.force_login(party_viewer)
    assert client.get(reverse("referrals:export", args=["gap"])).status_code == 404
    assert client.get(reverse("referrals:export", args=["users"])).status_code == 404
    assert (
        client.get(reverse("referrals:district_export", args=["213", "users"])).status_code == 404
    )


@pytest.mark.django_db
def test_exporting_referrals_is_written_to_the_read_log(client, seeded, district_viewer):
    from referrals.models import Referral
    from unions.models import ReadLog

    client.force_login(district_viewer)
    download(client, reverse("referrals:district_export", args=["213", "gap"]))
    assert not ReadLog.objects.exists()  # enterprises are not personal data
    url = reverse("referrals:district_export", args=["213", "referrals"])
    sheet = download(client, url)
    entry = ReadLog.objects.get()
    assert entry.action == ReadLog.Action.EXPORT
    assert entry.user == district_viewer
    assert entry.content_type.model_class() is Referral
    assert entry.rows == len(data_rows(sheet)) == 3
    assert "table=referrals" in entry.query and "district=213" in entry.query
    assert entry.path.startswith(url)
