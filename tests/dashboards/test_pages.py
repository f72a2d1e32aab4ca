"""The dashboards show exactly the reports' figures, to the users allowed to see them."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.dashboards.conftest import AS_OF, PARAMS, YEAR
from tests.factories import make_user

COVERAGE_KEYS = ("eligible", "with_union", "gap", "unions_total")
PIPELINE_KEYS = ("commended", "certified", "introduced", "admitted")


class PageIds(HTMLParser):
    """Every element with a data-testid: its data-value (or text) and its link."""

    def __init__(self, html: str):
        super().__init__()
        self.values: dict[str, str] = {}
        self.links: dict[str, str] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        testid = attrs.get("data-testid")
        if testid is None:
            return
        if "data-value" in attrs:
            self.values[testid] = attrs["data-value"]
        if tag == "a":
            self.links[testid] = attrs["href"]


def command_json(name: str, *args: str) -> dict:
    out = StringIO()
    call_command(name, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def page_ids(client, url: str, params: dict | None = None) -> PageIds:
    response = client.get(url, params or PARAMS)
    assert response.status_code == 200
    return PageIds(response.content.decode())


@pytest.mark.django_db
def test_province_dashboard_equals_the_reports_number_by_number(client, seeded, party_viewer):
    coverage = command_json("coverage_report", "--as-of", AS_OF.isoformat())
    pipeline = command_json("pipeline_report", "--year", str(YEAR))
    client.force_login(party_viewer)
    ids = page_ids(client, reverse("referrals:dashboard"))

    assert coverage["province"]["eligible"] > 0 and pipeline["province"]["admitted"] > 0
    for row, counts in zip(coverage["districts"], pipeline["districts"], strict=True):
        code = row["code"]
        for key in COVERAGE_KEYS:
            assert int(ids.values[f"cell-{key}-{code}"]) == row[key], (code, key)
        pct = ids.values[f"cell-coverage_pct-{code}"]
        assert (None if pct == "-1" else float(pct)) == row["coverage_pct"]
        for key in PIPELINE_KEYS:
            assert int(ids.values[f"cell-{key}-{code}"]) == counts[key], (code, key)
    for key in COVERAGE_KEYS:
        assert int(ids.values[f"kpi-{key}"]) == coverage["province"][key]
        assert int(ids.values[f"cell-{key}-province"]) == coverage["province"][key]
    assert float(ids.values["kpi-coverage_pct"]) == coverage["province"]["coverage_pct"]
    for key in (*PIPELINE_KEYS, "new_unions", "recognized"):
        assert int(ids.values[f"kpi-{key}"]) == pipeline["province"][key]
    for key in ("commended", "certified", "introduced", "admitted", "recognized"):
        assert int(ids.values[f"funnel-{key}"]) == pipeline["province"][key]


@pytest.mark.django_db
def test_district_page_equals_the_reports_district_row(client, seeded, province_admin):
    coverage = command_json("coverage_report", "--as-of", AS_OF.isoformat())
    pipeline = command_json("pipeline_report", "--year", str(YEAR))
    row = next(row for row in coverage["districts"] if row["code"] == "213")
    counts = next(row for row in pipeline["districts"] if row["code"] == "213")
    client.force_login(province_admin)
    response = client.get(reverse("referrals:district", args=["213"]), PARAMS)
    ids = PageIds(response.content.decode())
    for key in COVERAGE_KEYS:
        assert int(ids.values[f"kpi-{key}"]) == row[key]
    for key in (*PIPELINE_KEYS, "new_unions", "recognized"):
        assert int(ids.values[f"kpi-{key}"]) == counts[key]
    assert float(ids.values["kpi-coverage_pct"]) == row["coverage_pct"]
    # The gap list: exactly the gap, biggest first.
    gap_list = list(response.context["gap_list"])
    assert len(gap_list) == row["gap"] == 5
    assert [item.workers for item in gap_list] == sorted(
        (item.workers for item in gap_list), reverse=True
    )
    assert gap_list[0] == seeded.gap_enterprise
    assert 'data-testid="gap-list"' in response.content.decode()
    # The target is shown against the count.
    assert "kpi-admitted-target" in response.content.decode()
    assert response.context["district"]["targets"] == {"commended": 10, "admitted": 25}


@pytest.mark.django_db
def test_district_page_lists_open_referrals_with_overdue_flags_and_classes(
    client, seeded, district_staff
):
    client.force_login(district_staff)
    response = client.get(reverse("referrals:district", args=["213"]), PARAMS)
    referrals = list(response.context["referrals"])
    # The dossier's cell resolution (20/06/2024) is more than 60 working days before today:
    # the decision is overdue; the two admitted ones have their ceremony overdue.
    assert len(referrals) == 3
    assert all(item.is_overdue for item in referrals)
    assert response.content.decode().count('data-testid="overdue-flag"') == 3
    titles = [item.title for item in response.context["classes"]]
    assert titles == ["Lớp nhận thức về Đảng Tháng Công nhân", "Lớp mùa thu"]
    may = response.context["classes"][0]
    assert (may.enrolled, may.attended, may.passed) == (5, 5, 4)


@pytest.mark.django_db
def test_workers_month_panel_shows_that_years_campaign_classes(client, seeded, party_viewer):
    client.force_login(party_viewer)
    response = client.get(reverse("referrals:dashboard"), PARAMS)
    panel = response.context["campaign"]
    assert panel["campaign"] == "Tháng Công nhân 2024"
    assert [item.title for item in panel["classes"]] == [
        "Lớp nhận thức về Đảng Tháng Công nhân",
        "Lớp KCN Quang Châu",
    ]
    assert (panel["enrolled"], panel["attended"], panel["passed"]) == (5, 5, 4)
    other_year = client.get(reverse("referrals:dashboard"), {"year": 2023})
    assert other_year.context["campaign"]["classes"] == []


@pytest.mark.django_db
def test_filters_narrow_the_page_like_the_json(client, seeded, party_viewer):
    from tests.factories import zone

    client.force_login(party_viewer)
    for extra in ({"ownership": "foreign"}, {"zone": zone("kcn quang chau").pk}):
        response = client.get(reverse("referrals:dashboard"), PARAMS | extra)
        document = client.get(
            reverse("referrals:coverage_json"), {"as_of": AS_OF.isoformat(), **extra}
        ).json()
        rows = {row["code"]: row for row in response.context["rows"]}
        for row in document["districts"]:
            for key in COVERAGE_KEYS:
                assert rows[row["code"]][key] == row[key]
        assert response.context["province"]["eligible"] == document["province"]["eligible"]
    foreign = client.get(reverse("referrals:dashboard"), PARAMS | {"ownership": "foreign"})
    assert foreign.context["province"]["eligible"] == 4


@pytest.mark.django_db
def test_invalid_filters_fall_back_to_the_defaults(client, seeded, party_viewer, today):
    client.force_login(party_viewer)
    response = client.get(
        reverse("referrals:dashboard"),
        {"year": "nope", "as_of": "31/02/2024", "ownership": "x", "zone": "999999"},
    )
    assert response.status_code == 200
    filters = response.context["filters"]
    assert (filters.year, filters.as_of, filters.ownership, filters.zone) == (
        today.year,
        today,
        None,
        None,
    )
    assert response.context["form"].errors


# --- Access ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_login_page(client):
    for url in [
        reverse("home"),
        reverse("referrals:dashboard"),
        reverse("referrals:district", args=["213"]),
        reverse("referrals:coverage_json"),
        reverse("referrals:pipeline_json"),
        reverse("referrals:export", args=["districts"]),
        reverse("referrals:members") + "?indicator=admitted",
    ]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
def test_a_user_without_a_role_is_refused(client):
    client.force_login(make_user(None))
    for url in [
        reverse("home"),
        reverse("referrals:dashboard"),
        reverse("referrals:district", args=["213"]),
        reverse("referrals:coverage_json"),
        reverse("referrals:export", args=["districts"]),
    ]:
        assert client.get(url).status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["party_viewer", "province_admin"])
def test_home_is_the_province_dashboard_for_province_readers(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert response.templates[0].name == "referrals/province_dashboard.html"
    assert len(response.context["rows"]) == 10


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_staff", "district_viewer"])
def test_home_is_their_district_page_for_district_users(request, client, persona):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("referrals:district", args=["213"])


@pytest.mark.django_db
def test_district_viewer_sees_their_district_and_the_province_totals_only(
    client, seeded, district_viewer
):
    client.force_login(district_viewer)
    response = client.get(reverse("referrals:dashboard"), PARAMS)
    assert [row["code"] for row in response.context["rows"]] == ["213"]
    html = response.content.decode()
    assert "district-row-213" in html and "district-row-215" not in html
    assert "Huyện Yên Thế" not in html
    everyone = command_json("coverage_report", "--as-of", AS_OF.isoformat())
    assert response.context["province"]["eligible"] == everyone["province"]["eligible"]
    # The province's totals are not links: the rows behind them are outside the scope.
    assert response.context["province"]["links"] == {}
    assert "kpi-gap-link" not in html


@pytest.mark.django_db
def test_other_districts_pages_are_not_found(client, seeded, district_viewer, district_staff):
    for user in (district_viewer, district_staff):
        client.force_login(user)
        assert client.get(reverse("referrals:district", args=["215"])).status_code == 404
        assert client.get(reverse("referrals:district", args=["213"])).status_code == 200
        assert (
            client.get(reverse("referrals:district_export", args=["215", "gap"])).status_code == 404
        )
        members = reverse("referrals:members") + "?indicator=admitted&district=215"
        assert client.get(members).status_code == 404


@pytest.mark.django_db
def test_unknown_district_and_commune_codes_are_not_found(client, province_admin):
    client.force_login(province_admin)
    for code in ["999", "24", "07186", "abc"]:
        assert client.get(reverse("referrals:district", args=[code])).status_code == 404


@pytest.mark.django_db
def test_zone_staff_see_the_districts_of_their_unions_enterprises(client, seeded, zone_staff):
    client.force_login(zone_staff)
    response = client.get(reverse("home"), PARAMS)
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.context["rows"]}
    assert set(rows) == {"213", "222"}
    assert (rows["222"]["eligible"], rows["222"]["with_union"]) == (4, 3)
    assert rows["213"]["eligible"] == 1  # only the KCN Song Khê – Nội Hoàng enterprise
    assert client.get(reverse("referrals:district", args=["222"])).status_code == 200
    assert client.get(reverse("referrals:district", args=["215"])).status_code == 404
    # District snapshots count enterprises outside their union: no trend for them.
    assert response.context["trend"] == []


@pytest.mark.django_db
def test_pages_use_the_vendored_chart_library_and_give_each_chart_a_table(
    client, seeded, party_viewer
):
    client.force_login(party_viewer)
    html = client.get(reverse("referrals:dashboard"), PARAMS).content.decode()
    assert "vendor/chartjs/chart.umd.min.js" in html
    assert "cdn" not in html.lower()
    for chart, table in [
        ("coverage-chart", "coverage-chart-table"),
        ("funnel-chart", "funnel-table"),
        ("trend-chart", "trend-table"),
    ]:
        assert f'id="{chart}"' in html
        assert f'data-testid="{table}"' in html
    for testid in ["district-table", "export-districts", "kpi-gap", "kpi-gap-link", "print"]:
        assert f'data-testid="{testid}"' in html


def test_print_stylesheet_lays_pages_out_on_a4_landscape(settings):
    css = (settings.BASE_DIR / "static" / "css" / "app.css").read_text()
    assert "@page { size: A4 landscape" in css
    assert "@media print" in css
    chart_js = settings.BASE_DIR / "static" / "vendor" / "chartjs"
    assert (chart_js / "chart.umd.min.js").read_text().startswith("/*!\n * Chart.js v4")
    assert "MIT" in (chart_js / "LICENSE.md").read_text()


@pytest.mark.django_db
def test_the_language_switch_turns_the_dashboard_to_english_and_back(client, party_viewer):
    client.force_login(party_viewer)
    assert '<html lang="vi">' in client.get(reverse("referrals:dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get(reverse("referrals:dashboard")).content.decode()
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert '<html lang="vi">' in client.get(reverse("referrals:dashboard")).content.decode()
