"""Data for the dashboard tests: a small province with every kind of row, at a frozen date."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass
from zoneinfo import ZoneInfo

import pytest
import time_machine

from referrals.models import Stage, Target
from referrals.snapshots import take_snapshot
from tests.factories import (
    district,
    federation,
    make_enterprise,
    make_member,
    make_union,
    zone,
    zone_union,
)
from tests.referrals.builders import (
    make_class,
    make_commendation,
    make_enrollment,
    make_party_organization,
    make_referral,
)
from unions.models import Enterprise, GrassrootsUnion
from unions.taxcode import make_tax_code

D = datetime.date
_bulk_serial = itertools.count(5_000_000)
TODAY = D(2025, 6, 16)
YEAR = 2024
AS_OF = D(2024, 12, 31)
# The dashboard's filters for the seeded year, as query parameters.
PARAMS = {"year": YEAR, "as_of": AS_OF.isoformat()}


@pytest.fixture(autouse=True)
def today():
    """Freeze the clock at 10:00 on 16/06/2025 in Hà Nội time; yields that date."""
    moment = datetime.datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=False):
        yield TODAY


@dataclass
class Seeded:
    gap_enterprise: Enterprise
    formula_enterprise: Enterprise


def member_in(code: str, **enterprise_fields):
    return make_member(make_union(make_enterprise(district=code, **enterprise_fields)))


@pytest.fixture
def seeded(db) -> Seeded:
    """2024 data in three districts, with zone enterprises, small and suspended ones, unions
    founded and dissolved around the as-of date, a pipeline and a Workers' Month class."""
    quang_chau = zone("kcn quang chau")
    song_khe = zone("kcn song khe noi hoang")
    # Thành phố Bắc Giang (213): covered, gap (one inside KCN Song Khê – Nội Hoàng), small,
    # suspended, unknown headcount, a union dissolved on the as-of date, one founded after it.
    for workers in (25, 80, 300):
        make_union(make_enterprise(workers=workers), members_reported=workers // 2)
    gap = make_enterprise(workers=1250, name="Công ty TNHH May Việt Tiến Bắc Giang")
    formula = make_enterprise(workers=45, name='=HYPERLINK("x")', address="+84 đường Lê Lợi")
    make_enterprise(workers=60, industrial_zone=song_khe, ownership=Enterprise.Ownership.FOREIGN)
    make_union(make_enterprise(workers=8))
    make_union(make_enterprise(workers=200, status=Enterprise.Status.SUSPENDED))
    make_enterprise(workers=None)
    make_union(make_enterprise(workers=70), dissolved_on=AS_OF)
    make_union(make_enterprise(workers=90), founded_on=D(2025, 1, 2))
    make_union(
        make_enterprise(workers=150, ownership=Enterprise.Ownership.STATE),
        founded_on=D(2024, 4, 2),
        members_reported=120,
    )
    # Huyện Yên Thế (215): one covered, one gap.
    make_union(make_enterprise(district="215", workers=40), founded_on=D(2024, 9, 9))
    make_enterprise(district="215", workers=35)
    # Thị xã Việt Yên (222): KCN Quang Châu enterprises managed by the zone union.
    for workers in (500, 900):
        make_union(
            make_enterprise(
                district="222",
                workers=workers,
                industrial_zone=quang_chau,
                ownership=Enterprise.Ownership.FOREIGN,
            ),
            members_reported=workers - 100,
        )
    make_enterprise(
        district="222",
        workers=650,
        industrial_zone=quang_chau,
        ownership=Enterprise.Ownership.FOREIGN,
    )
    make_enterprise(district="222", workers=30)

    # The pipeline: commended, certified in a Workers' Month class, introduced, admitted.
    may_class = make_class(
        title="Lớp nhận thức về Đảng Tháng Công nhân",
        starts_on=D(2024, 5, 6),
        ends_on=D(2024, 5, 10),
        venue="Nhà văn hóa Công nhân",
    )
    make_class(title="Lớp mùa thu", starts_on=D(2024, 9, 9), ends_on=D(2024, 9, 13))
    make_class(
        title="Lớp KCN Quang Châu",
        district=district("222"),
        upper_union=zone_union(),
        starts_on=D(2024, 5, 20),
        ends_on=D(2024, 5, 24),
    )
    cell = make_party_organization()
    for index in range(4):
        member = member_in("213")
        make_commendation(member, date=D(2024, 2, 1 + index))
        make_enrollment(may_class, member, certificate_on=D(2024, 5, 10))
        if index < 3:
            make_referral(
                member,
                stage=Stage.ADMITTED if index < 2 else Stage.DOSSIER,
                commended_on=D(2024, 2, 1 + index),
                certificate_on=D(2024, 5, 10),
                introduced_on=D(2024, 6, 3),
                cell_resolution_on=D(2024, 6, 20),
                admitted_on=D(2024, 9, 2) if index < 2 else None,
                decision_number="12-QĐ/HU" if index < 2 else "",
                party_organization=cell,
            )
    make_enrollment(
        may_class, member_in("213"), passed=False, certificate_on=None, certificate_number=""
    )
    zone_member = member_in("222", industrial_zone=quang_chau)
    make_commendation(zone_member, date=D(2024, 4, 30))
    make_referral(
        member_in("215"),
        stage=Stage.ADMITTED,
        commended_on=D(2023, 5, 1),
        certificate_on=D(2024, 1, 5),
        introduced_on=D(2024, 2, 5),
        admitted_on=D(2024, 11, 5),
        decision_number="2-QĐ",
    )
    Target.objects.create(year=YEAR, indicator="admitted", value=25, district=district("213"))
    Target.objects.create(year=YEAR, indicator="admitted", value=200)
    Target.objects.create(year=YEAR, indicator="commended", value=10, district=district("213"))
    for month in (D(2024, 10, 1), D(2024, 11, 1), D(2024, 12, 1)):
        take_snapshot(month=month)
    return Seeded(gap_enterprise=gap, formula_enterprise=formula)


def bulk_enterprises(count: int, *, code: str = "213") -> None:
    """Many eligible enterprises quickly (bulk_create), a third with a union: page costs must
    not notice them."""
    target = district(code)
    union = federation(code)
    enterprises = []
    for n in range(count):
        code10 = None
        while not code10:
            code10 = make_tax_code(f"24{next(_bulk_serial):07d}")
        enterprises.append(
            Enterprise(
                tax_code=code10,
                name=f"Công ty Số Lượng Lớn {n}",
                search_key=f"cong ty so luong lon {n}",
                district=target,
                workers=20 + n % 500,
                ownership=Enterprise.Ownership.DOMESTIC,
                managing_union=union,
            )
        )
    created = Enterprise.objects.bulk_create(enterprises, batch_size=500)
    GrassrootsUnion.objects.bulk_create(
        [
            GrassrootsUnion(
                enterprise=enterprise,
                name=f"CĐCS {enterprise.name}",
                search_key=f"cdcs {enterprise.search_key}",
                founded_on=D(2020, 1, 1),
                upper_union=union,
                members_reported=20,
            )
            for enterprise in created[::3]
        ],
        batch_size=500,
    )
