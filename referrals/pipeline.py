"""The referral services: every stage change, correction and closing a person makes.

Each service locks the referral, checks that the user may write it, asks `referrals.rules.plan`
what the change does, and writes that: the referral's fields, its events, a commendation. The
rules themselves live in `referrals.rules`; the register import calls the same `plan`.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from referrals.models import (
    Commendation,
    Enrollment,
    PartyOrganization,
    Referral,
    ReferralEvent,
)
from referrals.rules import (
    Advance,
    Close,
    Correct,
    PipelineRefusal,
    Plan,
    ReferralState,
    RuleViolation,
    Start,
    check_milestones,
    check_referral,
    plan,
)
from referrals.stages import (
    DATE_FIELDS,
    DETAIL_FIELDS,
    MILESTONE_FIELDS,
    RULE_FIELDS,
    IntroducerType,
)
from unions.enterprises.models import GrassrootsUnion
from unions.importing.models import ImportBatch
from unions.members.models import Member

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

__all__ = [
    "DATE_FIELDS",
    "DETAIL_FIELDS",
    "MILESTONE_FIELDS",
    "PipelineRefusal",
    "RuleViolation",
    "advance_referral",
    "check_milestones",
    "check_referral",
    "close_referral",
    "correct_referral",
    "record_commendation",
    "start_referral",
]


# --- Services ---------------------------------------------------------------------------------


def _ensure_writable(by: AbstractBaseUser | None, member: Member) -> None:
    """A user may change the referrals of members they may write; `None` is the operator."""
    if by is not None and not Member.objects.writable_by(by).filter(pk=member.pk).exists():
        raise PermissionDenied


def _lock(referral: Referral) -> Referral:
    """The referral as stored, locked for the rest of the transaction (PostgreSQL)."""
    return Referral.objects.select_for_update().select_related("member").get(pk=referral.pk)


def _state(
    referral: Referral | None,
    member: Member,
    *,
    details: Iterable[str] = (),
    certificate: bool = False,
) -> ReferralState:
    """A referral (or its absence) as the plain values the rules decide on.

    Only the `details` named are read (each may cost a query), and the member's class
    certificate only when asked for.
    """
    if referral is None or not referral.is_open:
        return ReferralState(date_of_birth=member.date_of_birth)
    latest = enrollment_certificate(member) if certificate else None
    return ReferralState(
        date_of_birth=member.date_of_birth,
        stage=referral.stage,
        milestones={name: getattr(referral, name) for name in RULE_FIELDS},
        details={name: getattr(referral, name) for name in details},
        certificate=(latest.certificate_number, latest.certificate_on) if latest else None,
    )


def _carry_out(
    decision: Plan,
    referral: Referral,
    *,
    by: AbstractBaseUser | None,
    note: str,
    batch: ImportBatch | None,
) -> Referral:
    """Write what a plan decided: the fields (validated), then its events."""
    if decision.refused:
        raise PipelineRefusal(decision.violations)
    for name, value in decision.values.items():
        setattr(referral, name, value)
    referral.full_clean()
    if batch is not None:
        referral.last_import_batch = batch
    referral.save()
    ReferralEvent.objects.bulk_create(
        ReferralEvent(
            referral=referral,
            kind=event.kind,
            from_stage=event.from_stage,
            to_stage=event.to_stage,
            on=event.on,
            by=by,
            note=note or event.note,
            changes=dict(event.changes),
            batch=batch,
        )
        for event in decision.events
    )
    return referral


def enrollment_certificate(member: Member) -> Enrollment | None:
    """The member's latest certificate from a passed class, if any."""
    return (
        Enrollment.objects.certificates()
        .filter(member=member)
        .order_by("-certificate_on", "-id")
        .first()
    )


@transaction.atomic
def record_commendation(
    *,
    member: Member,
    on: datetime.date,
    movement: str = "",
    title: str = "",
    batch: ImportBatch | None = None,
) -> tuple[Commendation, bool]:
    """The member's commendation dated `on`, created unless one with that date exists."""
    existing = Commendation.objects.filter(member=member, date=on).first()
    if existing is not None:
        return existing, False
    commendation = Commendation(member=member, date=on, movement=movement, title=title, batch=batch)
    commendation.full_clean()
    commendation.save()
    return commendation, True


@transaction.atomic
def start_referral(
    *,
    member: Member,
    by: AbstractBaseUser | None,
    on: datetime.date,
    union: GrassrootsUnion | None = None,
    introducer_type: str = IntroducerType.UNION_COMMITTEE,
    party_organization: PartyOrganization | None = None,
    commended_on: datetime.date | None = None,
    note: str = "",
    batch: ImportBatch | None = None,
) -> Referral:
    """Open a referral for a member at the stage "identified".

    A commendation date also records a commendation dated then, unless one exists.
    """
    _ensure_writable(by, member)
    open_referral = Referral.objects.filter(member=member).open().first()
    decision = plan(
        _state(open_referral, member),
        Start(
            on=on,
            commended_on=commended_on,
            details={"introducer_type": introducer_type, "party_organization": party_organization},
        ),
        today=timezone.localdate(),
    )
    referral = Referral(member=member, union=union or member.union, last_import_batch=batch)
    referral = _carry_out(decision, referral, by=by, note=note, batch=batch)
    if decision.commendation_on:
        record_commendation(member=member, on=decision.commendation_on, batch=batch)
    return referral


@transaction.atomic
def advance_referral(
    *,
    referral: Referral,
    to_stage: str,
    on: datetime.date,
    by: AbstractBaseUser | None,
    note: str = "",
    batch: ImportBatch | None = None,
    **milestones: Any,
) -> Referral:
    """Move an open referral forward to `to_stage`, recording its milestones, with one event.

    `milestones` are the Referral fields of `MILESTONE_FIELDS` plus `party_organization` and
    `introducer_type`; empty ones are ignored. The stage's own milestone date defaults to `on`
    (introduced_on, admitted_on, recognized_on); a certificate, when none is given or recorded,
    comes from the member's latest passed class. The event is dated with the stage's milestone,
    or `on` for stages without one.
    """
    _reject_unknown("advance_referral", milestones)
    current = _lock(referral)
    _ensure_writable(by, current.member)
    change = Advance(
        to_stage=to_stage,
        on=on,
        milestones={k: v for k, v in milestones.items() if k in MILESTONE_FIELDS},
        details={k: v for k, v in milestones.items() if k in DETAIL_FIELDS},
    )
    # The class certificate is looked up only when the referral has none and the change none.
    certificate = current.certificate_on is None and not milestones.get("certificate_on")
    state = _state(current, current.member, certificate=certificate)
    decision = plan(state, change, today=timezone.localdate())
    return _carry_out(decision, current, by=by, note=note, batch=batch)


@transaction.atomic
def correct_referral(
    *,
    referral: Referral,
    by: AbstractBaseUser | None,
    note: str = "",
    on: datetime.date | None = None,
    batch: ImportBatch | None = None,
    **fields: Any,
) -> Referral:
    """Change recorded milestones or details without changing the stage.

    The rules apply to the result. A change of a milestone is recorded as one "corrected" event
    listing the old and new values; nothing changed, nothing written.
    """
    _reject_unknown("correct_referral", fields)
    current = _lock(referral)
    _ensure_writable(by, current.member)
    today = timezone.localdate()
    state = _state(current, current.member, details=set(fields) & set(DETAIL_FIELDS))
    decision = plan(state, Correct(on=on or today, fields=fields), today=today)
    if not decision.refused and not decision.changes_anything:
        return current
    return _carry_out(decision, current, by=by, note=note, batch=batch)


@transaction.atomic
def close_referral(
    *,
    referral: Referral,
    outcome: str,
    reason: str,
    on: datetime.date,
    by: AbstractBaseUser | None,
    note: str = "",
    batch: ImportBatch | None = None,
) -> Referral:
    """End an open referral before admission: not admitted (declined) or withdrawn."""
    current = _lock(referral)
    _ensure_writable(by, current.member)
    decision = plan(
        _state(current, current.member),
        Close(outcome=outcome, reason=reason, on=on),
        today=timezone.localdate(),
    )
    return _carry_out(decision, current, by=by, note=note, batch=batch)


def _reject_unknown(service: str, fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(MILESTONE_FIELDS) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"{service}() got unexpected fields: {sorted(unknown)}")
