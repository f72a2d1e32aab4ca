"""Deterministic demo data for the referral pipeline, on top of `unions.demo`'s members.

Party organisations per district, awareness classes (one in each Workers' Month), commendations,
enrollments, referrals at every stage with one event per milestone, and the year's targets.
Everything comes from one ``random.Random`` seeded from the demo seed, with dates relative to an
explicit reference date. Every referral is checked with the pipeline's own rules
(`referrals.rules.check_milestones`), so the demo never shows a state the app would refuse;
some decisions and ceremonies are left late on purpose, so the overdue flags have rows to show.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from referrals.models import (
    AwarenessClass,
    Commendation,
    Enrollment,
    Outcome,
    PartyOrganization,
    Referral,
    ReferralEvent,
    Stage,
    Target,
    workers_month_campaign,
)
from referrals.rules import check_milestones, furthest_stage
from referrals.workdays import add_months
from unions.demo import DEMO_CHANGE_REASON
from unions.enterprises.models import GrassrootsUnion
from unions.members.models import Member
from unions.organisations.models import UpperUnion
from unions.territory.models import AdministrativeUnit
from unions.text import fold

__all__ = ["ReferralSeedSummary", "seed_referrals"]

BATCH_SIZE = 2000
# Share of members commended in a year, and of those referred.
COMMENDED_SHARE = 0.01
REFERRED_SHARE = 0.7
MOVEMENTS = (
    ("Lao động giỏi, lao động sáng tạo", "Lao động giỏi"),
    ("Xanh - Sạch - Đẹp, bảo đảm an toàn vệ sinh lao động", "Đoàn viên tiêu biểu"),
    ("Giỏi việc nước, đảm việc nhà", "Đoàn viên ưu tú"),
    ("Thi đua Tháng Công nhân", "Đoàn viên ưu tú"),
)
KIND_WORDS = {
    AdministrativeUnit.Kind.CITY: "Thành ủy",
    AdministrativeUnit.Kind.TOWN: "Thị ủy",
    AdministrativeUnit.Kind.RURAL_DISTRICT: "Huyện ủy",
    AdministrativeUnit.Kind.URBAN_DISTRICT: "Quận ủy",
}


@dataclass
class ReferralSeedSummary:
    party_organizations: int = 0
    classes: int = 0
    commendations: int = 0
    enrollments: int = 0
    referrals: int = 0
    events: int = 0
    targets: int = 0


def _days(rng: random.Random, low: int, high: int) -> datetime.timedelta:
    return datetime.timedelta(days=rng.randint(low, high))


def _date_in(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, max((end - start).days, 0)))


@transaction.atomic
def seed_referrals(
    *, seed: int = 1, today: datetime.date, scale: str = "small"
) -> ReferralSeedSummary:
    """Create the referral demo data for the members the database holds. Deterministic for a
    given seed, date and set of members."""
    rng = random.Random(f"referrals-{seed}")
    summary = ReferralSeedSummary()
    # The demo's 2024 history lies in the districts of the province of 30/6/2025.
    province = AdministrativeUnit.objects.former().get(
        level=AdministrativeUnit.Level.PROVINCE, code=str(settings.PROVINCE_CODE).zfill(2)
    )
    districts = list(
        AdministrativeUnit.objects.filter(
            parent=province, level=AdministrativeUnit.Level.DISTRICT
        ).order_by("code")
    )
    members = list(
        Member.objects.filter(
            union__in=GrassrootsUnion.objects.active(today),
            union__enterprise__district__in=districts,
        )
        .order_by("pk")
        .values("pk", "union_id", "date_of_birth", "union__enterprise__district_id")
    )
    by_district: dict[int, list[dict]] = defaultdict(list)
    for member in members:
        by_district[member["union__enterprise__district_id"]].append(member)

    organizations = _party_organizations(rng, province, districts)
    summary.party_organizations = len(organizations)
    classes = _classes(rng, districts, today)
    summary.classes = len(classes)

    commendations: list[Commendation] = []
    enrollments: list[Enrollment] = []
    referrals: list[Referral] = []
    events: list[tuple[Referral, list[dict]]] = []
    years = (today.year - 2, today.year - 1, today.year)
    for district in districts:
        district_classes = [c for c in classes if c.district_id == district.pk]
        cells = [o for o in organizations if o.district_id == district.pk]
        pool = by_district.get(district.pk, [])
        chosen = rng.sample(pool, k=min(len(pool), round(len(pool) * COMMENDED_SHARE * len(years))))
        for member in chosen:
            year = rng.choice(years)
            start = datetime.date(year, 1, 1)
            commended_on = _date_in(rng, start, min(datetime.date(year, 12, 31), today))
            movement, title = rng.choice(MOVEMENTS)
            commendations.append(
                Commendation(
                    member_id=member["pk"], movement=movement, title=title, date=commended_on
                )
            )
            if rng.random() > REFERRED_SHARE:
                continue
            plan = _referral(rng, member, commended_on, district_classes, cells, today)
            if plan is None:
                continue
            referral, enrollment, milestones = plan
            if enrollment is not None:
                enrollments.append(enrollment)
            referrals.append(referral)
            events.append((referral, milestones))

    bulk_create_with_history(
        commendations, Commendation, batch_size=BATCH_SIZE, default_change_reason=DEMO_CHANGE_REASON
    )
    bulk_create_with_history(
        enrollments, Enrollment, batch_size=BATCH_SIZE, default_change_reason=DEMO_CHANGE_REASON
    )
    bulk_create_with_history(
        referrals, Referral, batch_size=BATCH_SIZE, default_change_reason=DEMO_CHANGE_REASON
    )
    rows = [
        ReferralEvent(referral_id=referral.pk, **event)
        for referral, milestones in events
        for event in milestones
    ]
    ReferralEvent.objects.bulk_create(rows, batch_size=BATCH_SIZE)
    summary.commendations = len(commendations)
    summary.enrollments = len(enrollments)
    summary.referrals = len(referrals)
    summary.events = len(rows)
    summary.targets = _targets(by_district, today.year)
    return summary


def _party_organizations(
    rng: random.Random, province: AdministrativeUnit, districts: list[AdministrativeUnit]
) -> list[PartyOrganization]:
    province_short = province.name.removeprefix("Tỉnh ").removeprefix("Thành phố ")
    rows = [
        PartyOrganization(
            name=f"Đảng ủy Khối Doanh nghiệp tỉnh {province_short}",
            kind=PartyOrganization.Kind.BLOC_COMMITTEE,
        )
    ]
    communes = defaultdict(list)
    for commune in AdministrativeUnit.objects.filter(parent__in=districts).order_by("code"):
        communes[commune.parent_id].append(commune)
    for district in districts:
        short = district.name
        for prefix in ("Thành phố ", "Thị xã ", "Huyện ", "Quận "):
            short = short.removeprefix(prefix)
        committee = PartyOrganization(
            name=f"{KIND_WORDS.get(district.kind, 'Huyện ủy')} {short}",
            kind=PartyOrganization.Kind.DISTRICT_COMMITTEE,
            district=district,
        )
        rows.append(committee)
        for commune in rng.sample(communes[district.pk], k=min(4, len(communes[district.pk]))):
            rows.append(
                PartyOrganization(
                    name=f"Đảng ủy {commune.name}",
                    kind=PartyOrganization.Kind.COMMUNE_COMMITTEE,
                    district=district,
                )
            )
    existing = set(PartyOrganization.objects.values_list("district_id", "search_key"))
    for row in rows:
        row.search_key = fold(row.name)
    # Seeding again (after the enterprises were cleared, say) keeps the organisations there.
    PartyOrganization.objects.bulk_create(
        [row for row in rows if (row.district_id, row.search_key) not in existing]
    )
    return list(PartyOrganization.objects.order_by("pk"))


def _classes(
    rng: random.Random, districts: list[AdministrativeUnit], today: datetime.date
) -> list[AwarenessClass]:
    federations = {
        union.district_id: union.pk
        for union in UpperUnion.objects.district_federations().filter(district__in=districts)
    }
    rows = []
    for district in districts:
        for year in (today.year - 2, today.year - 1, today.year):
            for month, campaign in ((5, workers_month_campaign(year)), (10, "")):
                starts_on = datetime.date(year, month, rng.randint(5, 20))
                if starts_on > today:
                    continue
                rows.append(
                    AwarenessClass(
                        title=f"Lớp bồi dưỡng nhận thức về Đảng khóa {month // 5}/{year}",
                        organiser="Trung tâm Chính trị",
                        district=district,
                        upper_union_id=federations.get(district.pk),
                        starts_on=starts_on,
                        ends_on=starts_on + datetime.timedelta(days=4),
                        venue="Hội trường Trung tâm Chính trị",
                        capacity=rng.choice((60, 80, 100)),
                        campaign=campaign,
                        campaign_key=fold(campaign),
                    )
                )
    return AwarenessClass.objects.bulk_create(rows)


def _referral(
    rng: random.Random,
    member: dict,
    commended_on: datetime.date,
    classes: list[AwarenessClass],
    cells: list[PartyOrganization],
    today: datetime.date,
):
    """A referral as far along as its dates allow, valid under the pipeline's rules."""
    values: dict = {"commended_on": commended_on}
    enrollment = None
    later = [c for c in classes if c.starts_on >= commended_on and c.ends_on <= today]
    if later and rng.random() < 0.85:
        awareness_class = later[0]
        values["certificate_on"] = awareness_class.ends_on
        values["certificate_number"] = f"{rng.randint(1, 999)}/GCN-TTCT"
        enrollment = Enrollment(
            awareness_class=awareness_class,
            member_id=member["pk"],
            attended=True,
            passed=True,
            certificate_number=values["certificate_number"],
            certificate_on=values["certificate_on"],
        )
        steps = (
            ("introduced_on", 10, 60),
            ("cell_resolution_on", 15, 40),
            ("admitted_on", 20, 100),  # some beyond 60 working days: late decisions
            ("ceremony_on", 5, 50),
        )
        previous = values["certificate_on"]
        for name, low, high in steps:
            if rng.random() < 0.15:
                break
            day = previous + _days(rng, low, high)
            if day > today:
                break
            values[name] = day
            previous = day
        if "admitted_on" in values:
            values["decision_number"] = f"{rng.randint(1, 999)}-QĐ/ĐU"
            recognized = add_months(values["admitted_on"], settings.PROBATION_MONTHS) + _days(
                rng, 0, 40
            )
            if recognized <= today and rng.random() < 0.9:
                values["recognized_on"] = recognized
    stage = furthest_stage(
        **{k: values.get(k) for k in ("commended_on", "certificate_on", "introduced_on",
                                      "admitted_on", "recognized_on")}
    )  # fmt: skip
    if stage == Stage.INTRODUCED and values.get("cell_resolution_on"):
        stage = Stage.DOSSIER
    if check_milestones(stage=stage, date_of_birth=member["date_of_birth"], today=today, **values):
        return None  # too young or old at admission, say: leave this member out
    referral = Referral(
        member_id=member["pk"],
        union_id=member["union_id"],
        stage=stage,
        party_organization=rng.choice(cells) if cells and "introduced_on" in values else None,
        **values,
    )
    milestones = []
    previous_stage = None
    for name, reached in (
        ("commended_on", Stage.IDENTIFIED),
        ("certificate_on", Stage.CLASS_COMPLETED),
        ("introduced_on", Stage.INTRODUCED),
        ("cell_resolution_on", Stage.DOSSIER),
        ("admitted_on", Stage.ADMITTED),
        ("recognized_on", Stage.FULL_MEMBER),
    ):
        if name not in values:
            continue
        milestones.append(
            {
                "kind": ReferralEvent.Kind.STARTED if previous_stage is None else "advanced",
                "from_stage": previous_stage,
                "to_stage": reached,
                "on": values[name],
            }
        )
        previous_stage = reached
    if stage not in (Stage.ADMITTED, Stage.FULL_MEMBER) and rng.random() < 0.06:
        closed_on = max(values[name] for name in values if name.endswith("_on"))
        outcome = rng.choice((Outcome.DECLINED, Outcome.WITHDRAWN))
        reason = "Chưa đủ điều kiện" if outcome == Outcome.DECLINED else "Chuyển công tác"
        referral.outcome, referral.outcome_reason, referral.closed_on = outcome, reason, closed_on
        milestones.append(
            {"kind": ReferralEvent.Kind.CLOSED, "from_stage": stage, "to_stage": stage,
             "on": closed_on, "note": reason}
        )  # fmt: skip
    return referral, enrollment, milestones


def _targets(by_district: dict[int, list[dict]], year: int) -> int:
    """This year's targets: admissions in proportion to members (200 for 80,000), and the
    other indicators in proportion to admissions."""
    ratios = {"commended": 5.0, "certified": 3.0, "introduced": 1.5, "admitted": 1.0,
              "recognized": 0.8}  # fmt: skip
    rows = []
    total = 0
    for district_id, members in sorted(by_district.items()):
        admitted = max(1, round(len(members) * 0.0025))
        total += admitted
        rows += [
            Target(year=year, indicator=indicator, value=max(1, round(admitted * ratio)),
                   district_id=district_id)
            for indicator, ratio in ratios.items()
        ]  # fmt: skip
    rows += [
        Target(year=year, indicator=indicator, value=max(1, round(total * ratio)))
        for indicator, ratio in ratios.items()
    ]
    # Targets already set (by a previous seeding, or by hand) are kept.
    return len(Target.objects.bulk_create(rows, ignore_conflicts=True))
