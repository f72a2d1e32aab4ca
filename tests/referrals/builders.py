"""Builders for referral test data, with realistic defaults (see tests/factories.py)."""

from __future__ import annotations

import datetime
import itertools

from referrals.models import (
    AwarenessClass,
    Commendation,
    Enrollment,
    PartyOrganization,
    Referral,
    ReferralEvent,
    Stage,
)
from referrals.stages import stage_rank
from tests.factories import district, make_member
from unions.models import Member

_serial = itertools.count(1)

# Milestones that satisfy every rule for a member born in 1990, one stage after another.
VALID_MILESTONES: dict[str, dict[str, object]] = {
    Stage.IDENTIFIED: {"commended_on": datetime.date(2024, 1, 15)},
    Stage.FOSTERING: {},
    Stage.CLASS_COMPLETED: {
        "certificate_number": "GCN-01",
        "certificate_on": datetime.date(2024, 3, 20),
    },
    Stage.INTRODUCED: {"introduced_on": datetime.date(2024, 4, 10)},
    Stage.DOSSIER: {"cell_resolution_on": datetime.date(2024, 4, 25)},
    Stage.ADMITTED: {
        "admitted_on": datetime.date(2024, 5, 19),
        "decision_number": "123-QĐ/HU",
    },
    Stage.FULL_MEMBER: {"recognized_on": datetime.date(2025, 5, 20)},
}


def milestones_up_to(stage: str) -> dict[str, object]:
    values: dict[str, object] = {}
    for step, fields in VALID_MILESTONES.items():
        if stage_rank(step) <= stage_rank(stage):
            values.update(fields)
    return values


def make_class(**overrides) -> AwarenessClass:
    n = next(_serial)
    values = {
        "title": f"Lớp bồi dưỡng nhận thức về Đảng khóa {n}",
        "district": district("213"),
        "starts_on": datetime.date(2024, 3, 11),
        "ends_on": datetime.date(2024, 3, 15),
        "organiser": "Trung tâm Chính trị thành phố",
    }
    values.update(overrides)
    awareness_class = AwarenessClass(**values)
    awareness_class.save()
    return awareness_class


def make_enrollment(
    awareness_class: AwarenessClass | None = None, member: Member | None = None, **overrides
) -> Enrollment:
    values = {
        "awareness_class": awareness_class or make_class(),
        "member": member or make_member(),
        "attended": True,
        "passed": True,
        "certificate_number": f"GCN-{next(_serial)}",
        "certificate_on": datetime.date(2024, 3, 20),
    }
    values.update(overrides)
    enrollment = Enrollment(**values)
    enrollment.save()
    return enrollment


def make_party_organization(**overrides) -> PartyOrganization:
    values = {"name": f"Chi bộ Công ty Thử Nghiệm {next(_serial)}", "district": district("213")}
    values.update(overrides)
    organization = PartyOrganization(**values)
    organization.save()
    return organization


def make_referral(member: Member | None = None, *, stage: str = Stage.IDENTIFIED, **overrides):
    """A referral saved directly at a stage, with valid milestones up to it and one event."""
    member = member or make_member()
    values = {"member": member, "union": member.union, "stage": stage, **milestones_up_to(stage)}
    values.update(overrides)
    referral = Referral(**values)
    referral.save()
    ReferralEvent.objects.create(
        referral=referral,
        kind=ReferralEvent.Kind.STARTED,
        to_stage=stage,
        on=datetime.date(2024, 1, 15),
    )
    return referral


def make_commendation(member: Member | None = None, **overrides) -> Commendation:
    values = {
        "member": member or make_member(),
        "movement": "Lao động giỏi, lao động sáng tạo",
        "title": "Đoàn viên ưu tú",
        "date": datetime.date(2024, 1, 15),
    }
    values.update(overrides)
    commendation = Commendation(**values)
    commendation.save()
    return commendation
