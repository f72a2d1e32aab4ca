"""pipeline_report and pipeline_figures against figures the test computes from its own data."""

from __future__ import annotations

import datetime
import io
import json
from collections import defaultdict

import pytest
from django.core.management import call_command

from referrals.models import Outcome, Stage, Target
from referrals.reports import INDICATORS, pipeline_figures
from tests.factories import district, make_enterprise, make_member, make_union, zone, zone_union
from tests.referrals.builders import make_class, make_commendation, make_enrollment, make_referral
from unions.models import AdministrativeUnit, Enterprise

pytestmark = pytest.mark.django_db

D = datetime.date


class Ledger:
    """What the test expects: the members (or unions) behind each count, per district code."""

    def __init__(self):
        self.sets: dict[str, dict[str, set]] = defaultdict(lambda: defaultdict(set))

    def add(self, code: str, indicator: str, key) -> None:
        self.sets[code][indicator].add(key)

    def counts(self, code: str) -> dict[str, int]:
        return {indicator: len(self.sets[code][indicator]) for indicator in INDICATORS}


def member_in(code: str, **enterprise_fields):
    enterprise = make_enterprise(district=code, **enterprise_fields)
    return make_member(make_union(enterprise))


@pytest.fixture
def seeded():
    """Data for 2024 with the traps: doubles, other years, failed classes, closed referrals."""
    ledger = Ledger()
    a_class = make_class(starts_on=D(2024, 5, 6), ends_on=D(2024, 5, 10))

    # 213: commended twice in 2024 (by a commendation and on the register): counted once.
    a = member_in("213")
    make_commendation(a, date=D(2024, 2, 1))
    make_enrollment(a_class, a, certificate_on=D(2024, 5, 10))
    make_referral(
        a,
        stage=Stage.ADMITTED,
        commended_on=D(2024, 2, 1),
        certificate_on=D(2024, 5, 10),
        introduced_on=D(2024, 6, 1),
        admitted_on=D(2024, 9, 2),
        decision_number="1-QĐ",
    )
    for indicator in ("commended", "certified", "introduced", "admitted"):
        ledger.add("213", indicator, a.pk)

    # 213: commended in 2023 only; certified in 2024 by a class, never referred.
    b = member_in("213")
    make_commendation(b, date=D(2023, 11, 1))
    make_enrollment(a_class, b, certificate_on=D(2024, 5, 10))
    ledger.add("213", "certified", b.pk)

    # 213: attended but failed, two commendations in 2024.
    c = member_in("213")
    make_enrollment(a_class, c, passed=False, certificate_number="", certificate_on=None)
    make_commendation(c, date=D(2024, 3, 1))
    make_commendation(c, date=D(2024, 8, 1))
    ledger.add("213", "commended", c.pk)

    # 215: certificate from a register only; introduced in 2024, admitted in 2025.
    d = member_in("215")
    make_referral(
        d,
        stage=Stage.ADMITTED,
        commended_on=D(2023, 5, 1),
        certificate_on=D(2024, 1, 5),
        introduced_on=D(2024, 11, 5),
        admitted_on=D(2025, 1, 6),
        decision_number="2-QĐ",
    )
    ledger.add("215", "certified", d.pk)
    ledger.add("215", "introduced", d.pk)

    # 215: admitted in 2023, recognised in 2024.
    e = member_in("215")
    make_referral(
        e,
        stage=Stage.FULL_MEMBER,
        commended_on=D(2022, 5, 1),
        certificate_on=D(2022, 6, 1),
        introduced_on=D(2022, 9, 1),
        admitted_on=D(2023, 2, 1),
        decision_number="3-QĐ",
        recognized_on=D(2024, 2, 1),
    )
    ledger.add("215", "recognized", e.pk)

    # 215: introduced in 2024, then withdrawn: the introduction still counts.
    f = member_in("215")
    make_referral(
        f,
        stage=Stage.INTRODUCED,
        commended_on=D(2023, 5, 1),
        certificate_on=D(2023, 6, 1),
        introduced_on=D(2024, 3, 1),
        outcome=Outcome.WITHDRAWN,
        outcome_reason="Nghỉ việc",
        closed_on=D(2024, 4, 1),
    )
    ledger.add("215", "introduced", f.pk)

    # A KCN enterprise in Việt Yên (222), managed by the zone union: counts in 222.
    g = member_in("222", industrial_zone=zone("kcn quang chau"))
    make_commendation(g, date=D(2024, 4, 30))
    ledger.add("222", "commended", g.pk)

    # New unions: two founded in 2024 in 213, one in 222 (zone), one in 2023.
    for code, founded, kwargs in [
        ("213", D(2024, 3, 1), {}),
        ("213", D(2024, 12, 31), {"ownership": Enterprise.Ownership.FOREIGN}),
        ("222", D(2024, 7, 1), {"industrial_zone": zone("kcn quang chau")}),
        ("215", D(2023, 12, 31), {}),
    ]:
        union = make_union(make_enterprise(district=code, **kwargs), founded_on=founded)
        if founded.year == 2024:
            ledger.add(code, "new_unions", union.pk)

    Target.objects.create(year=2024, indicator="admitted", value=25, district=district("213"))
    Target.objects.create(year=2024, indicator="introduced", value=40, district=district("213"))
    Target.objects.create(year=2024, indicator="admitted", value=200)
    Target.objects.create(year=2023, indicator="admitted", value=150)
    Target.objects.create(year=2024, indicator="admitted", value=30, upper_union=zone_union())
    return ledger


def expected_document(ledger: Ledger, year: int = 2024) -> dict:
    province = AdministrativeUnit.objects.former().get(code="24", level="province")
    units = AdministrativeUnit.objects.filter(parent=province, level="district").order_by("code")
    targets = {"213": {"introduced": 40, "admitted": 25}}
    districts = [
        {
            "code": unit.code,
            "name": unit.name,
            **ledger.counts(unit.code),
            "targets": targets.get(unit.code, {}),
        }
        for unit in units
    ]
    totals = {i: sum(row[i] for row in districts) for i in INDICATORS}
    return {
        "year": year,
        "districts": districts,
        "province": {"code": "24", "name": province.name, **totals, "targets": {"admitted": 200}},
    }


def test_pipeline_report_json_matches_the_figures_computed_from_the_data(seeded):
    out = io.StringIO()
    call_command("pipeline_report", "--year", "2024", "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert document == expected_document(seeded)
    # The seed reaches every indicator, so a count stuck at zero cannot pass.
    assert all(document["province"][i] > 0 for i in INDICATORS)
    assert [row["code"] for row in document["districts"]] == sorted(
        row["code"] for row in document["districts"]
    )
    assert "Tỉnh Bắc Giang" in out.getvalue()  # not escaped


def test_pipeline_report_counts_another_year_apart(seeded):
    document = pipeline_figures(year=2023)
    by_code = {row["code"]: row for row in document["districts"]}
    assert by_code["213"]["commended"] == 1  # member b
    assert by_code["215"]["admitted"] == 1  # member e
    assert by_code["215"]["new_unions"] == 1
    assert document["province"]["targets"] == {"admitted": 150}
    assert by_code["213"]["targets"] == {}


def test_pipeline_report_year_defaults_to_this_year(seeded, today):
    out = io.StringIO()
    call_command("pipeline_report", "--json", stdout=out)
    assert json.loads(out.getvalue())["year"] == 2025


def test_pipeline_report_prints_a_table_without_json(seeded):
    out = io.StringIO()
    call_command("pipeline_report", "--year", "2024", stdout=out)
    lines = out.getvalue().splitlines()
    assert any(line.startswith("213") and "Thành phố Bắc Giang" in line for line in lines)
    assert any(line.startswith("24 ") for line in lines)


def test_district_staff_see_only_their_district_and_the_province_totals(seeded, district_staff):
    document = pipeline_figures(year=2024, user=district_staff)
    assert [row["code"] for row in document["districts"]] == ["213"]
    expected = expected_document(seeded)
    assert document["districts"][0] == expected["districts"][0]
    assert document["province"] == expected["province"]


def test_zone_staff_count_only_their_unions_enterprises(seeded, zone_staff):
    document = pipeline_figures(year=2024, user=zone_staff)
    assert [row["code"] for row in document["districts"]] == ["222"]
    row = document["districts"][0]
    assert (row["commended"], row["new_unions"]) == (1, 1)
    assert document["province"] == expected_document(seeded)["province"]


def test_a_province_viewer_gets_the_commands_document(seeded, party_viewer):
    assert pipeline_figures(year=2024, user=party_viewer) == expected_document(seeded)


def test_ownership_and_zone_narrow_every_count(seeded):
    foreign = pipeline_figures(year=2024, ownership=Enterprise.Ownership.FOREIGN)
    assert foreign["province"]["new_unions"] == 1
    assert foreign["province"]["commended"] == 0
    in_zone = pipeline_figures(year=2024, zone=zone("kcn quang chau").pk)
    assert {i: in_zone["province"][i] for i in INDICATORS} == {
        "new_unions": 1,
        "commended": 1,
        "certified": 0,
        "introduced": 0,
        "admitted": 0,
        "recognized": 0,
    }


@pytest.mark.parametrize("n", [1, 12])
def test_pipeline_figures_cost_the_same_for_any_amount_of_data(
    django_assert_num_queries, zone_staff, n
):
    for _ in range(n):
        member = member_in("222", industrial_zone=zone("kcn quang chau"))
        make_commendation(member, date=D(2024, 2, 1))
        make_referral(member, stage=Stage.ADMITTED)
    # Caches the user's access on the object, with the districts the user reads enterprises in.
    pipeline_figures(year=2024, user=zone_staff)
    with django_assert_num_queries(6):
        # 1 the province and its districts, 2 member counts by district (everyone's),
        # 3 new unions by district (everyone's), 4 member counts in the user's scope,
        # 5 new unions in the user's scope, 6 targets.
        pipeline_figures(year=2024, user=zone_staff)
