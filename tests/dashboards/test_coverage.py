"""The coverage figures' rules (IMPORT.md, `coverage_report --json`), on factory data."""

from __future__ import annotations

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from tests.factories import make_enterprise, make_union, zone
from unions.access import access_for
from unions.enterprises.coverage import coverage_figures, coverage_pct
from unions.models import Enterprise

D = datetime.date(2024, 6, 30)
DISTRICT_CODES = ["213", "215", "216", "217", "218", "219", "220", "222", "223", "224"]


def district_row(document: dict, code: str) -> dict:
    return next(row for row in document["districts"] if row["code"] == code)


@pytest.mark.parametrize(
    ("with_union", "eligible", "expected"),
    [
        (1, 16, 6.3),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (35, 55, 63.6),
        (0, 5, 0.0),
        (7, 7, 100.0),
        (1, 8, 12.5),
        (1, 40, 2.5),
        (1, 80, 1.3),
        (0, 0, None),
    ],
)
def test_coverage_pct_rounds_half_up_to_one_decimal(with_union, eligible, expected):
    assert coverage_pct(with_union, eligible) == expected


@pytest.mark.django_db
def test_empty_province_lists_every_district_in_code_order_with_null_pct():
    document = coverage_figures(as_of=D)
    assert document["as_of"] == "2024-06-30"
    assert document["threshold"] == 20
    assert [row["code"] for row in document["districts"]] == DISTRICT_CODES
    assert document["province"] == {
        "code": "24",
        "name": "Tỉnh Bắc Giang",
        "eligible": 0,
        "with_union": 0,
        "coverage_pct": None,
        "gap": 0,
        "unions_total": 0,
    }
    assert set(document["districts"][0]) == {
        "code",
        "name",
        "eligible",
        "with_union",
        "coverage_pct",
        "gap",
        "unions_total",
    }


@pytest.mark.django_db
def test_eligibility_needs_active_status_and_known_headcount_at_threshold():
    make_enterprise(workers=20)  # eligible: at the threshold
    make_enterprise(workers=500, ownership=Enterprise.Ownership.FOREIGN)  # any ownership
    make_enterprise(workers=None, ownership=None)  # eligible too: unknown ownership counts
    make_enterprise(workers=19)  # too small
    make_enterprise(workers=None)  # unknown headcount: never counted as 20+
    make_enterprise(workers=300, status=Enterprise.Status.SUSPENDED)
    make_enterprise(workers=300, status=Enterprise.Status.DISSOLVED)
    row = district_row(coverage_figures(as_of=D), "213")
    assert row["eligible"] == 2
    assert row["gap"] == 2
    assert row["coverage_pct"] == 0.0


@pytest.mark.django_db
@override_settings(UNION_THRESHOLD=25)
def test_threshold_is_the_setting():
    make_enterprise(workers=24)
    make_enterprise(workers=25)
    document = coverage_figures(as_of=D)
    assert document["threshold"] == 25
    assert document["province"]["eligible"] == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("founded_on", "dissolved_on", "counts"),
    [
        (D, None, True),  # founded on the day: active
        (D + datetime.timedelta(days=1), None, False),  # founded the day after
        (datetime.date(2020, 1, 1), D, False),  # dissolved on the day: no longer active
        (datetime.date(2020, 1, 1), D + datetime.timedelta(days=1), True),  # dissolved after
        (datetime.date(2020, 1, 1), D - datetime.timedelta(days=1), False),
    ],
)
def test_union_is_active_on_the_as_of_date_by_founding_and_dissolution(
    founded_on, dissolved_on, counts
):
    enterprise = make_enterprise(workers=40)
    make_union(enterprise, founded_on=founded_on, dissolved_on=dissolved_on)
    row = district_row(coverage_figures(as_of=D), "213")
    assert row["eligible"] == 1
    assert row["with_union"] == int(counts)
    assert row["unions_total"] == int(counts)
    assert row["gap"] == int(not counts)


@pytest.mark.django_db
def test_a_dissolved_union_and_its_successor_count_the_enterprise_once():
    enterprise = make_enterprise(workers=40)
    make_union(
        enterprise, founded_on=datetime.date(2019, 1, 1), dissolved_on=datetime.date(2021, 1, 1)
    )
    make_union(enterprise, founded_on=datetime.date(2022, 1, 1))
    row = district_row(coverage_figures(as_of=D), "213")
    assert (row["eligible"], row["with_union"], row["unions_total"]) == (1, 1, 1)
    earlier = district_row(coverage_figures(as_of=datetime.date(2020, 6, 1)), "213")
    assert (earlier["with_union"], earlier["unions_total"]) == (1, 1)
    between = district_row(coverage_figures(as_of=datetime.date(2021, 6, 1)), "213")
    assert (between["with_union"], between["unions_total"]) == (0, 0)


@pytest.mark.django_db
def test_unions_total_counts_unions_of_small_and_inactive_enterprises():
    make_union(make_enterprise(workers=5))
    make_union(make_enterprise(workers=None))
    make_union(make_enterprise(workers=300, status=Enterprise.Status.SUSPENDED))
    make_union(make_enterprise(workers=300))
    row = district_row(coverage_figures(as_of=D), "213")
    assert row["unions_total"] == 4
    assert (row["eligible"], row["with_union"]) == (1, 1)


@pytest.mark.django_db
def test_province_totals_sum_the_districts_and_round_their_own_pct():
    for _ in range(3):
        make_union(make_enterprise(workers=30, district="213"))
    make_enterprise(workers=30, district="213")
    make_union(make_enterprise(workers=30, district="215"))
    for _ in range(3):
        make_enterprise(workers=30, district="215")
    document = coverage_figures(as_of=D)
    assert district_row(document, "213")["coverage_pct"] == 75.0
    assert district_row(document, "215")["coverage_pct"] == 25.0
    assert document["province"] | {"name": None} == {
        "code": "24",
        "name": None,
        "eligible": 8,
        "with_union": 4,
        "coverage_pct": 50.0,
        "gap": 4,
        "unions_total": 4,
    }


@pytest.mark.django_db
def test_ownership_and_zone_narrow_enterprises_in_districts_and_province():
    make_union(
        make_enterprise(
            workers=30,
            ownership=Enterprise.Ownership.FOREIGN,
            industrial_zone=zone(),
            district="222",
        )
    )
    make_enterprise(workers=30, ownership=Enterprise.Ownership.FOREIGN, district="222")
    make_union(make_enterprise(workers=30, ownership=Enterprise.Ownership.DOMESTIC))
    make_enterprise(workers=30, ownership=None)
    foreign = coverage_figures(as_of=D, ownership=Enterprise.Ownership.FOREIGN)
    assert (foreign["province"]["eligible"], foreign["province"]["with_union"]) == (2, 1)
    assert foreign["province"]["unions_total"] == 1
    assert district_row(foreign, "213")["eligible"] == 0
    in_zone = coverage_figures(as_of=D, zone=zone().pk)
    assert (in_zone["province"]["eligible"], in_zone["province"]["gap"]) == (1, 0)
    everything = coverage_figures(as_of=D)
    assert everything["province"]["eligible"] == 4  # unknown ownership counts in the total


@pytest.mark.django_db
def test_union_members_are_reported_members_of_active_unions_only_when_asked():
    make_union(make_enterprise(), members_reported=120)
    make_union(make_enterprise(workers=3), members_reported=5)
    make_union(make_enterprise(), members_reported=None)
    make_union(make_enterprise(), members_reported=99, dissolved_on=D)
    document = coverage_figures(as_of=D, with_members=True)
    assert document["province"]["union_members"] == 125
    assert district_row(document, "213")["union_members"] == 125
    assert "union_members" not in coverage_figures(as_of=D)["province"]


@pytest.fixture
def scoped_data():
    """Two districts' enterprises, and zone ones in Việt Yên managed by the zone union."""
    make_union(make_enterprise(workers=30, district="213"))
    make_enterprise(workers=30, district="213")
    make_union(make_enterprise(workers=30, district="215"))
    make_union(make_enterprise(workers=30, district="222", industrial_zone=zone()))
    make_enterprise(workers=30, district="222", industrial_zone=zone())
    make_enterprise(workers=30, district="222")  # the district federation's, not the zone's


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["province_admin", "party_viewer"])
def test_province_wide_users_get_exactly_the_operators_document(request, scoped_data, persona):
    user = request.getfixturevalue(persona)
    assert coverage_figures(as_of=D, user=user) == coverage_figures(as_of=D)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_staff", "district_viewer"])
def test_district_users_see_their_district_and_the_province_totals(request, scoped_data, persona):
    user = request.getfixturevalue(persona)
    scoped = coverage_figures(as_of=D, user=user)
    full = coverage_figures(as_of=D)
    assert [row["code"] for row in scoped["districts"]] == ["213"]
    assert scoped["districts"][0] == district_row(full, "213")
    assert scoped["province"] == full["province"]
    assert scoped["province"]["eligible"] == 6


@pytest.mark.django_db
def test_district_users_see_their_district_even_when_it_is_empty(other_district_staff):
    document = coverage_figures(as_of=D, user=other_district_staff)
    assert [row["code"] for row in document["districts"]] == ["215"]


@pytest.mark.django_db
def test_zone_staff_see_only_their_unions_enterprises_per_district(scoped_data, zone_staff):
    document = coverage_figures(as_of=D, user=zone_staff, with_members=True)
    assert [row["code"] for row in document["districts"]] == ["222"]
    row = document["districts"][0]
    assert (row["eligible"], row["with_union"], row["gap"], row["unions_total"]) == (2, 1, 1, 1)
    assert row["union_members"] == 30
    assert district_row(coverage_figures(as_of=D), "222")["eligible"] == 3
    assert document["province"]["eligible"] == 6


@pytest.mark.django_db
def test_a_user_without_a_role_sees_no_district(scoped_data):
    from tests.factories import make_user

    document = coverage_figures(as_of=D, user=make_user(None))
    assert document["districts"] == []


@pytest.mark.django_db
def test_figures_cost_three_queries_whatever_the_data(django_assert_num_queries, zone_staff):
    # The units; enterprises grouped by district; active unions grouped by district.
    with django_assert_num_queries(3):
        coverage_figures(as_of=D)
    for _ in range(5):
        make_union(make_enterprise(workers=30, industrial_zone=zone(), district="222"))
        make_enterprise(workers=30, district="215")
    with django_assert_num_queries(3):
        coverage_figures(as_of=D)
    access_for(zone_staff)  # the user's role and scope are read once per request, before
    zone_id = zone().pk
    with django_assert_num_queries(3):
        coverage_figures(as_of=D, user=zone_staff, ownership="foreign", zone=zone_id)


@pytest.mark.django_db
def test_command_prints_the_document_as_json():
    make_union(make_enterprise(workers=30, name="Công ty Cổ phần Đồng Tiến"))
    out = StringIO()
    call_command("coverage_report", "--as-of", "2024-06-30", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert document == coverage_figures(as_of=D)
    assert "Tỉnh Bắc Giang" in out.getvalue()  # ensure_ascii=False: readable Vietnamese


@pytest.mark.django_db
def test_command_prints_a_table_with_every_district_and_the_province():
    make_union(make_enterprise(workers=1250))
    out = StringIO()
    call_command("coverage_report", "--as-of", "2024-06-30", stdout=out)
    text = out.getvalue()
    assert "30/06/2024" in text
    for name in ["Thành phố Bắc Giang", "Thị xã Chũ", "Tỉnh Bắc Giang"]:
        assert name in text
    assert "100,0" in text  # Vietnamese decimal comma


@pytest.mark.django_db
def test_command_refuses_a_malformed_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("coverage_report", "--as-of", "30/06/2024")
