"""The referral pipeline: every stage change, correction and closing, and the rules they obey.

This is the one place the rules live (DESIGN.md, "Referral"). The admin's actions and forms,
the register import and anything later call these functions; `check_milestones` is the pure
rule check the import runs on each row before it writes.

Rules:
- no date lies in the future, and no milestone is recorded before its stage is reached;
- an introduction needs a certificate dated on or before it and still valid
  (`CERTIFICATE_VALID_MONTHS`: valid until the day before that many months have passed);
- an admission needs a decision number and date, an introduction on or before it, and the
  member aged `ADMISSION_MIN_AGE` to `ADMISSION_MAX_AGE` in full years on its date (both
  included);
- full recognition comes no earlier than `PROBATION_MONTHS` after admission;
- stages only move forward; declining or withdrawing is refused once admitted;
- a member has at most one open referral.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.models import (
    ADMITTED_STAGES,
    Commendation,
    Enrollment,
    IntroducerType,
    Outcome,
    PartyOrganization,
    Referral,
    ReferralEvent,
    Stage,
    stage_rank,
)
from referrals.workdays import add_months
from unions.enterprises.models import GrassrootsUnion
from unions.importing.models import ImportBatch
from unions.members.models import Member

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

DATE_FIELDS = (
    "commended_on",
    "certificate_on",
    "applied_on",
    "introduced_on",
    "cell_resolution_on",
    "admitted_on",
    "ceremony_on",
    "recognized_on",
)
MILESTONE_FIELDS = (*DATE_FIELDS, "certificate_number", "decision_number")
# What a correction may change besides the milestones.
DETAIL_FIELDS = ("union", "introducer_type", "party_organization")


@dataclass(frozen=True)
class RuleViolation:
    """One broken rule: the field it is about, a stable code, and the message for people."""

    field: str
    code: str
    message: str


class PipelineRefusal(ValidationError):
    """A refused change. `violations` keeps the structure; as a ValidationError it maps each
    field to its messages, so forms and the admin show it as they show any other."""

    def __init__(self, violations: Iterable[RuleViolation]):
        self.violations = list(violations)
        errors: dict[str, list[ValidationError]] = {}
        for violation in self.violations:
            errors.setdefault(violation.field, []).append(
                ValidationError(violation.message, code=violation.code)
            )
        super().__init__(errors)

    @property
    def codes(self) -> list[str]:
        return [violation.code for violation in self.violations]


def violations_as_error(violations: Iterable[RuleViolation]) -> PipelineRefusal:
    return PipelineRefusal(violations)


def _refuse(field: str, code: str, message: str) -> PipelineRefusal:
    return PipelineRefusal([RuleViolation(field, code, message)])


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Age in full years on a date."""
    return (
        on.year
        - date_of_birth.year
        - ((on.month, on.day) < (date_of_birth.month, date_of_birth.day))
    )


def certificate_expires_on(certificate_on: datetime.date) -> datetime.date:
    """The first day a certificate is no longer valid."""
    return add_months(certificate_on, settings.CERTIFICATE_VALID_MONTHS)


def earliest_recognition(admitted_on: datetime.date) -> datetime.date:
    return add_months(admitted_on, settings.PROBATION_MONTHS)


def furthest_stage(
    *,
    commended_on: datetime.date | None = None,
    certificate_on: datetime.date | None = None,
    introduced_on: datetime.date | None = None,
    admitted_on: datetime.date | None = None,
    recognized_on: datetime.date | None = None,
) -> str | None:
    """The stage a register row's dates reach (IMPORT.md, "Matching and stages")."""
    for stage, value in (
        (Stage.FULL_MEMBER, recognized_on),
        (Stage.ADMITTED, admitted_on),
        (Stage.INTRODUCED, introduced_on),
        (Stage.CLASS_COMPLETED, certificate_on),
        (Stage.IDENTIFIED, commended_on),
    ):
        if value:
            return stage
    return None


def check_milestones(
    *,
    stage: str,
    date_of_birth: datetime.date,
    commended_on: datetime.date | None = None,
    certificate_number: str = "",
    certificate_on: datetime.date | None = None,
    applied_on: datetime.date | None = None,
    introduced_on: datetime.date | None = None,
    cell_resolution_on: datetime.date | None = None,
    admitted_on: datetime.date | None = None,
    decision_number: str = "",
    ceremony_on: datetime.date | None = None,
    recognized_on: datetime.date | None = None,
    today: datetime.date | None = None,
) -> list[RuleViolation]:
    """Every rule broken by a referral at `stage` with these milestones; empty when none.

    Pure: no queries. Each violation names the field the rule is about (a rule spanning
    fields names the later milestone, such as `admitted_on` for the age rule).
    """
    today = today or timezone.localdate()
    values: dict[str, Any] = {
        "commended_on": commended_on,
        "certificate_number": certificate_number,
        "certificate_on": certificate_on,
        "applied_on": applied_on,
        "introduced_on": introduced_on,
        "cell_resolution_on": cell_resolution_on,
        "admitted_on": admitted_on,
        "decision_number": decision_number,
        "ceremony_on": ceremony_on,
        "recognized_on": recognized_on,
    }
    rank = stage_rank(stage)

    def reached(other: str) -> bool:
        return rank >= stage_rank(other)

    found: list[RuleViolation] = []

    def add(field: str, code: str, message: str) -> None:
        found.append(RuleViolation(field, code, message))

    for field in DATE_FIELDS:
        if values[field] and values[field] > today:
            add(field, "future_date", _("This date is in the future."))
    for field, first_stage in Referral.MILESTONE_STAGES.items():
        if values[field] and first_stage and not reached(first_stage):
            add(
                field,
                "milestone_beyond_stage",
                _(
                    "This milestone belongs to a later stage: change the referral's stage to "
                    "record it."
                ),
            )

    # An introduction and the certificate it rests on.
    if introduced_on:
        if not certificate_on:
            add(
                "introduced_on",
                "certificate_missing",
                _("An introduction needs a Party-awareness class certificate."),
            )
        elif certificate_on > introduced_on:
            add(
                "introduced_on",
                "certificate_after_introduction",
                _("The certificate is dated after the introduction."),
            )
        elif introduced_on >= certificate_expires_on(certificate_on):
            add(
                "introduced_on",
                "certificate_expired",
                _(
                    "The certificate of %(date)s was no longer valid on the introduction date "
                    "(valid %(months)d months)."
                )
                % {
                    "date": f"{certificate_on:%d/%m/%Y}",
                    "months": settings.CERTIFICATE_VALID_MONTHS,
                },
            )
    elif reached(Stage.INTRODUCED) and not reached(Stage.ADMITTED):
        add("introduced_on", "introduction_missing", _("The introduction date is missing."))
    elif reached(Stage.CLASS_COMPLETED) and not certificate_on:
        add(
            "certificate_on",
            "certificate_missing",
            _('A Party-awareness class certificate is needed from the stage "class completed" on.'),
        )

    if cell_resolution_on and introduced_on and cell_resolution_on < introduced_on:
        add(
            "cell_resolution_on",
            "resolution_before_introduction",
            _("The cell's resolution cannot come before the introduction."),
        )

    # The admission.
    if reached(Stage.ADMITTED) or admitted_on or decision_number:
        if not admitted_on:
            add(
                "admitted_on",
                "admission_date_missing",
                _("An admission needs the date of its decision."),
            )
        if not decision_number:
            add(
                "decision_number",
                "decision_number_missing",
                _("An admission needs the number of its decision."),
            )
    if admitted_on:
        if not introduced_on:
            add(
                "admitted_on",
                "introduction_missing",
                _("An admission needs an introduction on or before its date."),
            )
        elif introduced_on > admitted_on:
            add(
                "admitted_on",
                "introduction_after_admission",
                _("The introduction is dated after the admission."),
            )
        age = age_on(date_of_birth, admitted_on)
        if not settings.ADMISSION_MIN_AGE <= age <= settings.ADMISSION_MAX_AGE:
            add(
                "admitted_on",
                "age_out_of_range",
                _(
                    "The member is %(age)d on the admission date; an admission needs an age of "
                    "%(min)d to %(max)d."
                )
                % {
                    "age": age,
                    "min": settings.ADMISSION_MIN_AGE,
                    "max": settings.ADMISSION_MAX_AGE,
                },
            )
        if cell_resolution_on and cell_resolution_on > admitted_on:
            add(
                "cell_resolution_on",
                "resolution_after_admission",
                _("The cell's resolution cannot come after the admission decision."),
            )
        if ceremony_on and ceremony_on < admitted_on:
            add(
                "ceremony_on",
                "ceremony_before_admission",
                _("The ceremony cannot come before the admission decision."),
            )

    # Full membership.
    if reached(Stage.FULL_MEMBER) and not recognized_on:
        add(
            "recognized_on",
            "recognition_date_missing",
            _("Full membership needs the date it was recognised."),
        )
    if recognized_on:
        if not admitted_on:
            add(
                "recognized_on", "admission_missing", _("Full membership needs an admission first.")
            )
        elif recognized_on < earliest_recognition(admitted_on):
            add(
                "recognized_on",
                "probation_too_short",
                _(
                    "Full membership comes no earlier than %(months)d months after admission "
                    "(%(date)s)."
                )
                % {
                    "months": settings.PROBATION_MONTHS,
                    "date": f"{earliest_recognition(admitted_on):%d/%m/%Y}",
                },
            )
    return found


def check_referral(
    referral: Referral, *, today: datetime.date | None = None
) -> list[RuleViolation]:
    """`check_milestones` on a referral's own fields (one query if its member is not loaded)."""
    if referral.member_id is None:
        return []
    return check_milestones(
        stage=referral.stage,
        date_of_birth=referral.member.date_of_birth,
        today=today,
        **{field: getattr(referral, field) for field in MILESTONE_FIELDS},
    )


# --- Services ---------------------------------------------------------------------------------


def _ensure_writable(by: AbstractBaseUser | None, member: Member) -> None:
    """A user may change the referrals of members they may write; `None` is the operator."""
    if by is not None and not Member.objects.writable_by(by).filter(pk=member.pk).exists():
        raise PermissionDenied


def _ensure_not_future(on: datetime.date, field: str = "on") -> None:
    if on > timezone.localdate():
        raise _refuse(field, "future_date", _("This date is in the future."))


def _lock(referral: Referral) -> Referral:
    """The referral as stored, locked for the rest of the transaction (PostgreSQL)."""
    return Referral.objects.select_for_update().select_related("member").get(pk=referral.pk)


def _blank(value: Any) -> bool:
    return value is None or value == ""


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
    _ensure_not_future(on)
    if Referral.objects.filter(member=member).open().exists():
        raise _refuse(
            "member", "open_referral_exists", _("This member already has an open referral.")
        )
    referral = Referral(
        member=member,
        union=union or member.union,
        introducer_type=introducer_type or IntroducerType.UNION_COMMITTEE,
        party_organization=party_organization,
        stage=Stage.IDENTIFIED,
        commended_on=commended_on,
        last_import_batch=batch,
    )
    violations = check_referral(referral)
    if violations:
        raise PipelineRefusal(violations)
    referral.full_clean()
    referral.save()
    if commended_on:
        record_commendation(member=member, on=commended_on, batch=batch)
    ReferralEvent.objects.create(
        referral=referral,
        kind=ReferralEvent.Kind.STARTED,
        from_stage=None,
        to_stage=Stage.IDENTIFIED,
        on=commended_on or on,
        by=by,
        note=note,
        batch=batch,
    )
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
    unknown = set(milestones) - set(MILESTONE_FIELDS) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"advance_referral() got unexpected fields: {sorted(unknown)}")
    current = _lock(referral)
    _ensure_writable(by, current.member)
    _ensure_not_future(on)
    if not current.is_open:
        raise _refuse(NON_FIELD_ERRORS, "closed", _("This referral is closed."))
    if to_stage not in Stage.values:
        raise _refuse("stage", "unknown_stage", _("Unknown stage."))
    if stage_rank(to_stage) <= stage_rank(current.stage):
        raise _refuse(
            "stage",
            "not_forward",
            _('A referral only moves forward: it is already at "%(stage)s".')
            % {"stage": current.get_stage_display()},
        )
    for field, value in milestones.items():
        if not _blank(value):
            setattr(current, field, value)
    date_field = Referral.STAGE_DATES.get(to_stage)
    reaches_certificate = stage_rank(to_stage) >= stage_rank(Stage.CLASS_COMPLETED)
    if reaches_certificate and current.certificate_on is None:
        enrollment = enrollment_certificate(current.member)
        if enrollment is not None:
            current.certificate_on = enrollment.certificate_on
            current.certificate_number = current.certificate_number or enrollment.certificate_number
    if (
        date_field in ("introduced_on", "admitted_on", "recognized_on")
        and getattr(current, date_field) is None
    ):
        setattr(current, date_field, on)
    from_stage = current.stage
    current.stage = to_stage
    violations = check_referral(current)
    if violations:
        raise PipelineRefusal(violations)
    current.full_clean()
    if batch is not None:
        current.last_import_batch = batch
    current.save()
    event_on = (getattr(current, date_field) if date_field else None) or on
    ReferralEvent.objects.create(
        referral=current,
        kind=ReferralEvent.Kind.ADVANCED,
        from_stage=from_stage,
        to_stage=to_stage,
        on=event_on,
        by=by,
        note=note,
        batch=batch,
    )
    return current


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
    unknown = set(fields) - set(MILESTONE_FIELDS) - set(DETAIL_FIELDS)
    if unknown:
        raise TypeError(f"correct_referral() got unexpected fields: {sorted(unknown)}")
    current = _lock(referral)
    _ensure_writable(by, current.member)
    if not current.is_open:
        raise _refuse(NON_FIELD_ERRORS, "closed", _("This referral is closed."))
    changes: dict[str, list[str | None]] = {}
    for field, value in fields.items():
        if value is None and field in ("certificate_number", "decision_number"):
            value = ""
        old = getattr(current, field)
        if old != value:
            setattr(current, field, value)
            changes[field] = [_as_text(old), _as_text(value)]
    if not changes:
        return current
    violations = check_referral(current)
    if violations:
        raise PipelineRefusal(violations)
    current.full_clean()
    if batch is not None:
        current.last_import_batch = batch
    current.save()
    ReferralEvent.objects.create(
        referral=current,
        kind=ReferralEvent.Kind.CORRECTED,
        from_stage=current.stage,
        to_stage=current.stage,
        on=on or timezone.localdate(),
        by=by,
        note=note,
        changes=changes,
        batch=batch,
    )
    return current


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


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
    _ensure_not_future(on)
    if outcome not in Outcome.values:
        raise _refuse("outcome", "unknown_outcome", _("Unknown outcome."))
    if not current.is_open:
        raise _refuse(NON_FIELD_ERRORS, "closed", _("This referral is closed."))
    if current.stage in ADMITTED_STAGES:
        raise _refuse(
            "outcome",
            "closed_after_admission",
            _("A referral cannot be declined or withdrawn once the member is admitted."),
        )
    if not (reason or "").strip():
        raise _refuse("outcome_reason", "reason_required", _("Give the reason."))
    current.outcome = outcome
    current.outcome_reason = reason
    current.closed_on = on
    current.full_clean()
    if batch is not None:
        current.last_import_batch = batch
    current.save()
    ReferralEvent.objects.create(
        referral=current,
        kind=ReferralEvent.Kind.CLOSED,
        from_stage=current.stage,
        to_stage=current.stage,
        on=on,
        by=by,
        note=note or reason,
        batch=batch,
    )
    return current
