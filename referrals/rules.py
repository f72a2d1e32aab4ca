"""The referral's rules and every stage decision, as pure functions of plain values.

`check_milestones` says which rules a set of milestones breaks. `plan` decides what one change
does to a referral: its new stage, the fields it sets, the events it records and the rules it
breaks. The services (`referrals.pipeline`: the admin's forms and actions) and the register
import (`referrals.importing`) both call `plan` and only carry out what it decides, so the two
paths cannot disagree. Nothing here queries the database.

Rules (DESIGN.md, "Referral"; IMPORT.md, "Rules"):
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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.stages import (
    ADMITTED_STAGES,
    DATE_FIELDS,
    MILESTONE_STAGES,
    NUMBER_FIELDS,
    REGISTER_STAGES,
    RULE_FIELDS,
    STAGE_DATES,
    IntroducerType,
    Outcome,
    Stage,
    reaches,
    stage_rank,
)
from unions.members.models import age_on

# A stage change records the day of the change when the stage's own date is not given.
DATED_BY_THE_CHANGE = frozenset({"introduced_on", "admitted_on", "recognized_on"})


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


def certificate_expires_on(certificate_on: datetime.date) -> datetime.date:
    """The first day a certificate is no longer valid."""
    return certificate_on + relativedelta(months=settings.CERTIFICATE_VALID_MONTHS)


def earliest_recognition(admitted_on: datetime.date) -> datetime.date:
    return admitted_on + relativedelta(months=settings.PROBATION_MONTHS)


def furthest_stage(
    *,
    commended_on: datetime.date | None = None,
    certificate_on: datetime.date | None = None,
    introduced_on: datetime.date | None = None,
    admitted_on: datetime.date | None = None,
    recognized_on: datetime.date | None = None,
) -> str | None:
    """The stage a register row's dates reach (IMPORT.md, "Matching and stages")."""
    dates = {
        "commended_on": commended_on,
        "certificate_on": certificate_on,
        "introduced_on": introduced_on,
        "admitted_on": admitted_on,
        "recognized_on": recognized_on,
    }
    reached = [stage for name, stage in REGISTER_STAGES.items() if dates[name]]
    return reached[-1] if reached else None


# --- The rules ---------------------------------------------------------------------------------


def check_milestones(
    *,
    stage: str,
    date_of_birth: datetime.date,
    today: datetime.date | None = None,
    **milestones: Any,
) -> list[RuleViolation]:
    """Every rule broken by a referral at `stage` with these milestones; empty when none.

    `milestones` are the fields of `RULE_FIELDS` (missing ones are blank). Each violation names
    the field the rule is about; a rule spanning fields names the later milestone, such as
    `admitted_on` for the age rule.
    """
    unknown = set(milestones) - set(RULE_FIELDS)
    if unknown:
        raise TypeError(f"check_milestones() got unexpected fields: {sorted(unknown)}")
    today = today or timezone.localdate()
    values = {name: milestones.get(name) for name in RULE_FIELDS}
    for name in NUMBER_FIELDS:
        values[name] = values[name] or ""
    found: list[RuleViolation] = []
    for rule in (
        _no_future_dates,
        _no_milestone_beyond_its_stage,
        _introduction_rests_on_a_valid_certificate,
        _resolution_follows_the_introduction,
        _admission_is_complete,
        _admission_follows_the_introduction_at_an_allowed_age,
        _full_membership_follows_the_probation,
    ):
        found.extend(rule(stage, values, today=today, date_of_birth=date_of_birth))
    return found


def _no_future_dates(stage, values, *, today, **context) -> list[RuleViolation]:
    return [
        RuleViolation(name, "future_date", _("This date is in the future."))
        for name in DATE_FIELDS
        if values[name] and values[name] > today
    ]


def _no_milestone_beyond_its_stage(stage, values, **context) -> list[RuleViolation]:
    message = _(
        "This milestone belongs to a later stage: change the referral's stage to record it."
    )
    return [
        RuleViolation(name, "milestone_beyond_stage", message)
        for name, first_stage in MILESTONE_STAGES.items()
        if values[name] and first_stage and not reaches(stage, first_stage)
    ]


def _introduction_rests_on_a_valid_certificate(stage, values, **context) -> list[RuleViolation]:
    introduced_on, certificate_on = values["introduced_on"], values["certificate_on"]
    if not introduced_on:
        if reaches(stage, Stage.INTRODUCED) and not reaches(stage, Stage.ADMITTED):
            message = _("The introduction date is missing.")
            return [RuleViolation("introduced_on", "introduction_missing", message)]
        if reaches(stage, Stage.CLASS_COMPLETED) and not certificate_on:
            message = _(
                'A Party-awareness class certificate is needed from the stage "class completed" on.'
            )
            return [RuleViolation("certificate_on", "certificate_missing", message)]
        return []
    if not certificate_on:
        message = _("An introduction needs a Party-awareness class certificate.")
        return [RuleViolation("introduced_on", "certificate_missing", message)]
    if certificate_on > introduced_on:
        message = _("The certificate is dated after the introduction.")
        return [RuleViolation("introduced_on", "certificate_after_introduction", message)]
    if introduced_on >= certificate_expires_on(certificate_on):
        message = _(
            "The certificate of %(date)s was no longer valid on the introduction date "
            "(valid %(months)d months)."
        ) % {"date": f"{certificate_on:%d/%m/%Y}", "months": settings.CERTIFICATE_VALID_MONTHS}
        return [RuleViolation("introduced_on", "certificate_expired", message)]
    return []


def _resolution_follows_the_introduction(stage, values, **context) -> list[RuleViolation]:
    resolution, introduced_on = values["cell_resolution_on"], values["introduced_on"]
    if resolution and introduced_on and resolution < introduced_on:
        message = _("The cell's resolution cannot come before the introduction.")
        return [RuleViolation("cell_resolution_on", "resolution_before_introduction", message)]
    return []


def _admission_is_complete(stage, values, **context) -> list[RuleViolation]:
    if not (reaches(stage, Stage.ADMITTED) or values["admitted_on"] or values["decision_number"]):
        return []
    found = []
    if not values["admitted_on"]:
        message = _("An admission needs the date of its decision.")
        found.append(RuleViolation("admitted_on", "admission_date_missing", message))
    if not values["decision_number"]:
        message = _("An admission needs the number of its decision.")
        found.append(RuleViolation("decision_number", "decision_number_missing", message))
    return found


def _admission_follows_the_introduction_at_an_allowed_age(
    stage, values, *, date_of_birth, **context
) -> list[RuleViolation]:
    admitted_on, introduced_on = values["admitted_on"], values["introduced_on"]
    if not admitted_on:
        return []
    found = []
    if not introduced_on:
        message = _("An admission needs an introduction on or before its date.")
        found.append(RuleViolation("admitted_on", "introduction_missing", message))
    elif introduced_on > admitted_on:
        message = _("The introduction is dated after the admission.")
        found.append(RuleViolation("admitted_on", "introduction_after_admission", message))
    age = age_on(date_of_birth, admitted_on)
    if not settings.ADMISSION_MIN_AGE <= age <= settings.ADMISSION_MAX_AGE:
        message = _(
            "The member is %(age)d on the admission date; an admission needs an age of "
            "%(min)d to %(max)d."
        ) % {"age": age, "min": settings.ADMISSION_MIN_AGE, "max": settings.ADMISSION_MAX_AGE}
        found.append(RuleViolation("admitted_on", "age_out_of_range", message))
    resolution, ceremony = values["cell_resolution_on"], values["ceremony_on"]
    if resolution and resolution > admitted_on:
        message = _("The cell's resolution cannot come after the admission decision.")
        found.append(RuleViolation("cell_resolution_on", "resolution_after_admission", message))
    if ceremony and ceremony < admitted_on:
        message = _("The ceremony cannot come before the admission decision.")
        found.append(RuleViolation("ceremony_on", "ceremony_before_admission", message))
    return found


def _full_membership_follows_the_probation(stage, values, **context) -> list[RuleViolation]:
    recognized_on, admitted_on = values["recognized_on"], values["admitted_on"]
    if not recognized_on:
        if reaches(stage, Stage.FULL_MEMBER):
            message = _("Full membership needs the date it was recognised.")
            return [RuleViolation("recognized_on", "recognition_date_missing", message)]
        return []
    if not admitted_on:
        message = _("Full membership needs an admission first.")
        return [RuleViolation("recognized_on", "admission_missing", message)]
    earliest = earliest_recognition(admitted_on)
    if recognized_on < earliest:
        message = _(
            "Full membership comes no earlier than %(months)d months after admission (%(date)s)."
        ) % {"months": settings.PROBATION_MONTHS, "date": f"{earliest:%d/%m/%Y}"}
        return [RuleViolation("recognized_on", "probation_too_short", message)]
    return []


def check_referral(referral: Any, *, today: datetime.date | None = None) -> list[RuleViolation]:
    """`check_milestones` on a referral's own fields (a query if its member is not loaded)."""
    if referral.member_id is None:
        return []
    return check_milestones(
        stage=referral.stage,
        date_of_birth=referral.member.date_of_birth,
        today=today,
        **{name: getattr(referral, name) for name in RULE_FIELDS},
    )


# --- Decisions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReferralState:
    """What is recorded of a member's referral, as plain values.

    `stage` is None when the member has no open referral. `details` holds the referral's
    `DETAIL_FIELDS` as the caller knows them (objects or ids): they are only compared.
    """

    date_of_birth: datetime.date
    stage: str | None = None
    milestones: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    # The member's latest certificate from a passed class: (number, date).
    certificate: tuple[str, datetime.date] | None = None
    commendation_dates: frozenset[datetime.date] = frozenset()

    @property
    def is_open(self) -> bool:
        return self.stage is not None

    def recorded(self) -> dict[str, Any]:
        values = {name: self.milestones.get(name) for name in RULE_FIELDS}
        for name in NUMBER_FIELDS:
            values[name] = values[name] or ""
        return values


@dataclass(frozen=True)
class Start:
    """Open a referral at "identified" (the admin's add form)."""

    on: datetime.date
    commended_on: datetime.date | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Advance:
    """A person moves an open referral forward to a stage, in one step."""

    to_stage: str
    on: datetime.date
    milestones: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Correct:
    """A person changes recorded milestones or details without changing the stage."""

    on: datetime.date
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Close:
    """A person ends an open referral before admission: declined or withdrawn."""

    outcome: str
    reason: str
    on: datetime.date


@dataclass(frozen=True)
class RegisterRow:
    """A register row: the milestones it gives, each reached one its own step, never backward.

    `details` are the introducer type and the receiving organisation the row names; `label`
    turns a detail's value into the text its correction records.
    """

    on: datetime.date
    milestones: Mapping[str, Any] = field(default_factory=dict)
    details: Mapping[str, Any] = field(default_factory=dict)
    outcome: str | None = None
    reason: str = ""
    label: Callable[[str, Any], str | None] | None = None


Change = Start | Advance | Correct | Close | RegisterRow


@dataclass(frozen=True)
class Event:
    """One row of the referral's history, as `ReferralEvent` stores it."""

    kind: str
    from_stage: str | None
    to_stage: str
    on: datetime.date
    note: str = ""
    changes: Mapping[str, list[str | None]] = field(default_factory=dict)


@dataclass
class Plan:
    """What a change does: refused (`violations`), nothing, or the values and events to write.

    `changes` lists (field, old, new) for the import's preview, stage and outcome included.
    """

    stage: str | None
    values: dict[str, Any] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    violations: list[RuleViolation] = field(default_factory=list)
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)
    commendation_on: datetime.date | None = None

    @property
    def refused(self) -> bool:
        return bool(self.violations)

    @property
    def changes_anything(self) -> bool:
        return bool(self.values or self.events or self.commendation_on)


# Event kinds, as ReferralEvent.Kind stores them.
STARTED, ADVANCED, CORRECTED, CLOSED = "started", "advanced", "corrected", "closed"


def plan(state: ReferralState, change: Change, *, today: datetime.date) -> Plan:
    """What `change` does to the member's referral in `state`, by the rules above."""
    if isinstance(change, Start):
        return _start(state, change, today)
    if isinstance(change, Advance):
        return _advance(state, change, today)
    if isinstance(change, Correct):
        return _correct(state, change, today)
    if isinstance(change, Close):
        return _close(state, change, today)
    return _register_row(state, change, today)


def _refused(state: ReferralState, name: str, code: str, message: str) -> Plan:
    return Plan(stage=state.stage, violations=[RuleViolation(name, code, message)])


def _future(on: datetime.date, today: datetime.date) -> bool:
    return on > today


def _start(state: ReferralState, change: Start, today: datetime.date) -> Plan:
    if _future(change.on, today):
        return _refused(state, "on", "future_date", _("This date is in the future."))
    if state.is_open:
        message = _("This member already has an open referral.")
        return _refused(state, "member", "open_referral_exists", message)
    milestones = {"commended_on": change.commended_on}
    violations = check_milestones(
        stage=Stage.IDENTIFIED, date_of_birth=state.date_of_birth, today=today, **milestones
    )
    details = {"introducer_type": IntroducerType.UNION_COMMITTEE, **_given(change.details)}
    event_on = change.commended_on or change.on
    return Plan(
        stage=Stage.IDENTIFIED,
        values={**details, "commended_on": change.commended_on, "stage": Stage.IDENTIFIED},
        events=[Event(STARTED, None, Stage.IDENTIFIED, event_on)],
        violations=violations,
        commendation_on=change.commended_on,
    )


def _advance(state: ReferralState, change: Advance, today: datetime.date) -> Plan:
    refusal = _advance_refusal(state, change, today)
    if refusal is not None:
        return refusal
    to_stage = change.to_stage
    milestones = {**state.recorded(), **_given(change.milestones)}
    _take_certificate(milestones, state.certificate, to_stage)
    date_field = STAGE_DATES.get(to_stage)
    if date_field in DATED_BY_THE_CHANGE and milestones[date_field] is None:
        milestones[date_field] = change.on
    violations = check_milestones(
        stage=to_stage, date_of_birth=state.date_of_birth, today=today, **milestones
    )
    values = _changed(state.recorded(), milestones)
    values.update(_given(change.details))
    values["stage"] = to_stage
    event_on = (milestones[date_field] if date_field else None) or change.on
    return Plan(
        stage=to_stage,
        values=values,
        events=[Event(ADVANCED, state.stage, to_stage, event_on)],
        violations=violations,
    )


def _advance_refusal(state: ReferralState, change: Advance, today: datetime.date) -> Plan | None:
    if _future(change.on, today):
        return _refused(state, "on", "future_date", _("This date is in the future."))
    if not state.is_open:
        return _refused(state, NON_FIELD_ERRORS, "closed", _("This referral is closed."))
    if change.to_stage not in Stage.values:
        return _refused(state, "stage", "unknown_stage", _("Unknown stage."))
    if stage_rank(change.to_stage) <= stage_rank(state.stage):
        message = _('A referral only moves forward: it is already at "%(stage)s".') % {
            "stage": Stage(state.stage).label
        }
        return _refused(state, "stage", "not_forward", message)
    return None


def _correct(state: ReferralState, change: Correct, today: datetime.date) -> Plan:
    if not state.is_open:
        return _refused(state, NON_FIELD_ERRORS, "closed", _("This referral is closed."))
    before = {**state.recorded(), **state.details}
    after = dict(before)
    for name, value in change.fields.items():
        after[name] = "" if value is None and name in NUMBER_FIELDS else value
    values = _changed(before, after)
    if not values:
        return Plan(stage=state.stage)
    milestones = {name: after[name] for name in RULE_FIELDS}
    violations = check_milestones(
        stage=state.stage, date_of_birth=state.date_of_birth, today=today, **milestones
    )
    corrections = {
        name: [_as_text(before[name]), _as_text(value)] for name, value in values.items()
    }
    event = Event(CORRECTED, state.stage, state.stage, change.on, changes=corrections)
    return Plan(stage=state.stage, values=values, events=[event], violations=violations)


def _close(state: ReferralState, change: Close, today: datetime.date) -> Plan:
    if _future(change.on, today):
        return _refused(state, "on", "future_date", _("This date is in the future."))
    if change.outcome not in Outcome.values:
        return _refused(state, "outcome", "unknown_outcome", _("Unknown outcome."))
    if not state.is_open:
        return _refused(state, NON_FIELD_ERRORS, "closed", _("This referral is closed."))
    violations = _outcome_violations(state.stage, change.reason)
    if violations:
        return Plan(stage=state.stage, violations=violations[:1])
    values = {"outcome": change.outcome, "outcome_reason": change.reason, "closed_on": change.on}
    event = Event(CLOSED, state.stage, state.stage, change.on, note=change.reason)
    return Plan(stage=state.stage, values=values, events=[event])


def _outcome_violations(stage: str | None, reason: str) -> list[RuleViolation]:
    found = []
    if stage in ADMITTED_STAGES:
        message = _("A referral cannot be declined or withdrawn once the member is admitted.")
        found.append(RuleViolation("outcome", "closed_after_admission", message))
    if not (reason or "").strip():
        message = _("Give the reason for this outcome.")
        found.append(RuleViolation("outcome_reason", "reason_required", message))
    return found


def _register_row(state: ReferralState, row: RegisterRow, today: datetime.date) -> Plan:
    recorded = state.recorded()
    merged = {**recorded, **_given(row.milestones)}
    reached = furthest_stage(**{name: merged[name] for name in REGISTER_STAGES}) or Stage.IDENTIFIED
    stage = reached
    if state.is_open and stage_rank(state.stage) > stage_rank(stage):
        stage = state.stage  # never backward
    _take_certificate(merged, state.certificate, stage)
    violations = check_milestones(
        stage=stage, date_of_birth=state.date_of_birth, today=today, **merged
    )
    if row.outcome is not None:
        violations.extend(_outcome_violations(stage, row.reason))
    result = Plan(stage=stage, violations=violations)
    if violations:
        return result
    corrections = _register_milestones(result, state, recorded, merged)
    _register_details(result, state, row, corrections)
    if not state.is_open or stage != state.stage:
        result.changes.append(("stage", state.stage, stage))
    result.values["stage"] = stage
    result.events = _register_events(state, merged, stage, corrections, row.on)
    if row.outcome is not None:
        result.values |= {"outcome": row.outcome, "outcome_reason": row.reason, "closed_on": row.on}
        result.changes.append(("outcome", None, row.outcome))
        result.events.append(Event(CLOSED, stage, stage, row.on, note=row.reason))
    commended_on = row.milestones.get("commended_on")
    if commended_on and commended_on not in state.commendation_dates:
        result.commendation_on = commended_on
        if not result.changes:
            result.changes.append(("commendation", None, commended_on))
    if not result.changes:
        return Plan(stage=stage)  # unchanged: nothing to write
    return result


def _register_milestones(result: Plan, state: ReferralState, recorded, merged) -> dict:
    """The milestones a row changes; those already reachable at the old stage are corrections."""
    corrections: dict[str, list[str | None]] = {}
    for name in RULE_FIELDS:
        old, value = recorded[name], merged[name]
        if old == value:
            continue
        result.values[name] = value
        result.changes.append((name, old, value))
        first_stage = MILESTONE_STAGES.get(name)
        if state.is_open and (first_stage is None or reaches(state.stage, first_stage)):
            corrections[name] = [_as_text(old), _as_text(value)]
    return corrections


def _register_details(result: Plan, state: ReferralState, row: RegisterRow, corrections) -> None:
    """The introducer type and receiving organisation a row names."""
    label = row.label or (lambda name, value: _as_text(value))
    given = _given(row.details)
    if not state.is_open:
        given.setdefault("introducer_type", IntroducerType.UNION_COMMITTEE)
    for name, value in given.items():
        old = state.details.get(name)
        if state.is_open and value == old:
            continue
        result.values[name] = value
        if name == "introducer_type" and not state.is_open:
            continue  # a new referral's default is not a change of its own
        result.changes.append((name, old, value))
        if state.is_open:
            corrections[name] = [label(name, old), label(name, value)]


def _register_events(
    state: ReferralState, merged: dict, stage: str, corrections: dict, on: datetime.date
) -> list[Event]:
    """One event per milestone reached, dated with its date, after one for the corrections."""
    events = []
    if corrections:
        events.append(Event(CORRECTED, state.stage, state.stage, on, changes=corrections))
    previous = state.stage
    for name, reached in REGISTER_STAGES.items():
        milestone_on = merged.get(name)
        if not milestone_on or stage_rank(reached) > stage_rank(stage):
            continue
        if previous is not None and stage_rank(reached) <= stage_rank(previous):
            continue
        events.append(
            Event(STARTED if previous is None else ADVANCED, previous, reached, milestone_on)
        )
        previous = reached
    if not state.is_open and previous is None:
        events.append(Event(STARTED, None, stage, on))
    return events


def _take_certificate(milestones: dict, certificate, stage: str) -> None:
    """A certificate the change omits comes from the member's latest passed class."""
    if (
        milestones["certificate_on"] is None
        and certificate
        and reaches(stage, Stage.CLASS_COMPLETED)
    ):
        milestones["certificate_number"] = milestones["certificate_number"] or certificate[0]
        milestones["certificate_on"] = certificate[1]


def _given(values: Mapping[str, Any]) -> dict[str, Any]:
    """The values a change gives: blanks leave what is recorded."""
    return {name: value for name, value in values.items() if value is not None and value != ""}


def _changed(before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in after.items() if before.get(name) != value}


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)
