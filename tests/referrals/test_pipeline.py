"""The pipeline's rules through its services: each with an allowed and a refused case."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction

from referrals import pipeline
from referrals.models import Outcome, Referral, ReferralEvent, Stage
from referrals.pipeline import PipelineRefusal, check_milestones
from tests.factories import make_member
from tests.referrals.builders import make_enrollment, make_referral, milestones_up_to

pytestmark = pytest.mark.django_db

D = datetime.date


def refused_codes(call) -> list[str]:
    with pytest.raises(PipelineRefusal) as caught:
        call()
    return caught.value.codes


# --- Starting, one open referral per member ---------------------------------------------------


def test_starting_a_referral_records_the_commendation_and_one_event(district_staff, today):
    member = make_member()
    referral = pipeline.start_referral(
        member=member, by=district_staff, on=today, commended_on=D(2025, 5, 1), note="Tháng 5"
    )
    assert referral.stage == Stage.IDENTIFIED
    assert referral.union == member.union
    assert member.commendations.get().date == D(2025, 5, 1)
    event = referral.events.get()
    assert (event.kind, event.from_stage, event.to_stage) == ("started", None, "identified")
    assert (event.on, event.by, event.note) == (D(2025, 5, 1), district_staff, "Tháng 5")


def test_a_member_cannot_have_two_open_referrals(district_staff, today):
    member = make_member()
    pipeline.start_referral(member=member, by=district_staff, on=today)
    codes = refused_codes(
        lambda: pipeline.start_referral(member=member, by=district_staff, on=today)
    )
    assert codes == ["open_referral_exists"]


def test_a_withdrawn_referral_lets_the_member_start_again(district_staff, today):
    member = make_member()
    first = pipeline.start_referral(member=member, by=district_staff, on=today)
    pipeline.close_referral(
        referral=first,
        outcome=Outcome.WITHDRAWN,
        reason="Chuyển công tác",
        on=today,
        by=district_staff,
    )
    second = pipeline.start_referral(member=member, by=district_staff, on=today)
    assert second.pk != first.pk


def test_database_refuses_two_open_referrals_for_one_member():
    member = make_member()
    make_referral(member)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(member=member, union=member.union)


# --- Moving forward ---------------------------------------------------------------------------


def test_each_stage_change_writes_one_event_with_who_when_and_note(district_staff, today):
    referral = make_referral()
    pipeline.advance_referral(
        referral=referral,
        to_stage=Stage.FOSTERING,
        on=D(2025, 6, 2),
        by=district_staff,
        note="Giao đảng viên kèm cặp",
    )
    event = referral.events.get(kind=ReferralEvent.Kind.ADVANCED)
    assert (event.from_stage, event.to_stage, event.on) == (
        "identified",
        "fostering",
        D(2025, 6, 2),
    )
    assert (event.by, event.note) == (district_staff, "Giao đảng viên kèm cặp")


def test_a_stage_change_is_dated_with_its_milestone(district_staff, today):
    referral = make_referral(stage=Stage.CLASS_COMPLETED)
    pipeline.advance_referral(
        referral=referral,
        to_stage=Stage.INTRODUCED,
        on=today,
        by=district_staff,
        introduced_on=D(2025, 6, 10),
    )
    referral.refresh_from_db()
    assert referral.introduced_on == D(2025, 6, 10)
    assert referral.events.get(to_stage=Stage.INTRODUCED).on == D(2025, 6, 10)


def test_the_stage_date_defaults_to_the_day_of_the_change(district_staff, today):
    referral = make_referral(stage=Stage.CLASS_COMPLETED)
    pipeline.advance_referral(
        referral=referral, to_stage=Stage.INTRODUCED, on=D(2024, 4, 1), by=district_staff
    )
    referral.refresh_from_db()
    assert referral.introduced_on == D(2024, 4, 1)


@pytest.mark.parametrize("to_stage", [Stage.IDENTIFIED, Stage.FOSTERING])
def test_a_referral_never_moves_backwards_or_stays(district_staff, today, to_stage):
    referral = make_referral(stage=Stage.FOSTERING)
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral, to_stage=to_stage, on=today, by=district_staff
        )
    )
    assert codes == ["not_forward"]
    assert Referral.objects.get(pk=referral.pk).stage == Stage.FOSTERING


def test_a_referral_may_skip_stages_when_the_rules_hold(district_staff, today):
    referral = make_referral()
    pipeline.advance_referral(
        referral=referral,
        to_stage=Stage.INTRODUCED,
        on=today,
        by=district_staff,
        certificate_on=D(2025, 3, 1),
        introduced_on=D(2025, 4, 1),
    )
    assert Referral.objects.get(pk=referral.pk).stage == Stage.INTRODUCED


def test_a_closed_referral_does_not_move(district_staff, today):
    referral = make_referral(
        outcome=Outcome.DECLINED, closed_on=D(2024, 2, 1), outcome_reason="Chưa đủ điều kiện"
    )
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral, to_stage=Stage.FOSTERING, on=today, by=district_staff
        )
    )
    assert codes == ["closed"]


# --- No future dates --------------------------------------------------------------------------


def test_a_stage_change_dated_today_is_allowed_and_tomorrow_refused(district_staff, today):
    referral = make_referral()
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral,
            to_stage=Stage.FOSTERING,
            on=today + datetime.timedelta(days=1),
            by=district_staff,
        )
    )
    assert codes == ["future_date"]
    pipeline.advance_referral(
        referral=referral, to_stage=Stage.FOSTERING, on=today, by=district_staff
    )


def test_a_milestone_in_the_future_is_refused(district_staff, today):
    referral = make_referral(stage=Stage.FOSTERING)
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral,
            to_stage=Stage.CLASS_COMPLETED,
            on=today,
            by=district_staff,
            certificate_on=today + datetime.timedelta(days=1),
        )
    )
    assert codes == ["future_date"]


# --- Certificates -----------------------------------------------------------------------------


def test_class_completed_needs_a_certificate(district_staff, today):
    referral = make_referral(stage=Stage.FOSTERING)
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral, to_stage=Stage.CLASS_COMPLETED, on=today, by=district_staff
        )
    )
    assert codes == ["certificate_missing"]


def test_the_certificate_comes_from_a_passed_class(district_staff, today):
    referral = make_referral(stage=Stage.FOSTERING)
    make_enrollment(
        member=referral.member, certificate_number="GCN-77", certificate_on=D(2025, 5, 20)
    )
    pipeline.advance_referral(
        referral=referral, to_stage=Stage.CLASS_COMPLETED, on=today, by=district_staff
    )
    referral.refresh_from_db()
    assert (referral.certificate_number, referral.certificate_on) == ("GCN-77", D(2025, 5, 20))
    assert referral.events.get(to_stage=Stage.CLASS_COMPLETED).on == D(2025, 5, 20)


def test_a_class_attended_but_not_passed_gives_no_certificate(district_staff, today):
    referral = make_referral(stage=Stage.FOSTERING)
    make_enrollment(
        member=referral.member, passed=False, certificate_number="", certificate_on=None
    )
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral, to_stage=Stage.CLASS_COMPLETED, on=today, by=district_staff
        )
    )
    assert codes == ["certificate_missing"]


def test_no_introduction_without_a_certificate(district_staff, today):
    referral = make_referral(stage=Stage.FOSTERING)
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral, to_stage=Stage.INTRODUCED, on=today, by=district_staff
        )
    )
    assert codes == ["certificate_missing"]


def test_the_certificate_may_be_dated_the_day_of_the_introduction_but_not_after(
    district_staff, today
):
    late = make_referral(stage=Stage.CLASS_COMPLETED, certificate_on=D(2025, 4, 2))
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=late, to_stage=Stage.INTRODUCED, on=D(2025, 4, 1), by=district_staff
        )
    )
    assert codes == ["certificate_after_introduction"]
    same_day = make_referral(stage=Stage.CLASS_COMPLETED, certificate_on=D(2025, 4, 1))
    pipeline.advance_referral(
        referral=same_day, to_stage=Stage.INTRODUCED, on=D(2025, 4, 1), by=district_staff
    )


def test_a_certificate_is_valid_for_sixty_months(district_staff, today):
    # Issued 16/06/2020: valid up to 15/06/2025, no longer on 16/06/2025.
    valid = make_referral(stage=Stage.CLASS_COMPLETED, certificate_on=D(2020, 6, 16))
    pipeline.advance_referral(
        referral=valid, to_stage=Stage.INTRODUCED, on=D(2025, 6, 15), by=district_staff
    )
    expired = make_referral(stage=Stage.CLASS_COMPLETED, certificate_on=D(2020, 6, 16))
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=expired, to_stage=Stage.INTRODUCED, on=D(2025, 6, 16), by=district_staff
        )
    )
    assert codes == ["certificate_expired"]


def test_the_validity_period_is_a_setting(district_staff, today, settings):
    settings.CERTIFICATE_VALID_MONTHS = 12
    referral = make_referral(stage=Stage.CLASS_COMPLETED, certificate_on=D(2024, 3, 20))
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=referral, to_stage=Stage.INTRODUCED, on=D(2025, 3, 20), by=district_staff
        )
    )
    assert codes == ["certificate_expired"]


# --- Admission --------------------------------------------------------------------------------


def admit(referral, by, **fields):
    values = {"admitted_on": D(2025, 5, 19), "decision_number": "45-QĐ/ĐU"} | fields
    return pipeline.advance_referral(
        referral=referral, to_stage=Stage.ADMITTED, on=D(2025, 6, 1), by=by, **values
    )


def test_an_admission_needs_a_decision_number(district_staff, today):
    referral = make_referral(stage=Stage.DOSSIER)
    codes = refused_codes(lambda: admit(referral, district_staff, decision_number=""))
    assert codes == ["decision_number_missing"]
    admit(referral, district_staff)
    referral.refresh_from_db()
    assert (referral.stage, referral.decision_number) == (Stage.ADMITTED, "45-QĐ/ĐU")


def test_an_admission_needs_an_introduction_on_or_before_it(district_staff, today):
    referral = make_referral(stage=Stage.INTRODUCED, introduced_on=D(2025, 5, 20))
    codes = refused_codes(lambda: admit(referral, district_staff, admitted_on=D(2025, 5, 19)))
    assert codes == ["introduction_after_admission"]
    admit(referral, district_staff, admitted_on=D(2025, 5, 20))


@pytest.mark.parametrize(
    ("born", "allowed"),
    [
        (D(2007, 5, 20), False),  # 17, a day short of 18
        (D(2007, 5, 19), True),  # 18 on the day
        (D(1964, 5, 20), True),  # 60, the last day before 61
        (D(1964, 5, 19), False),  # 61 on the day
    ],
)
def test_the_member_is_18_to_60_on_the_admission_date(district_staff, today, born, allowed):
    referral = make_referral(make_member(date_of_birth=born), stage=Stage.DOSSIER)
    if allowed:
        admit(referral, district_staff, admitted_on=D(2025, 5, 19))
    else:
        codes = refused_codes(lambda: admit(referral, district_staff, admitted_on=D(2025, 5, 19)))
        assert codes == ["age_out_of_range"]


def test_the_age_limits_are_settings(district_staff, today, settings):
    settings.ADMISSION_MAX_AGE = 30
    referral = make_referral(make_member(date_of_birth=D(1990, 1, 1)), stage=Stage.DOSSIER)
    assert refused_codes(lambda: admit(referral, district_staff)) == ["age_out_of_range"]


# --- Full membership --------------------------------------------------------------------------


def test_full_membership_comes_twelve_months_after_admission(district_staff, today):
    early = make_referral(stage=Stage.ADMITTED, admitted_on=D(2024, 5, 19))
    codes = refused_codes(
        lambda: pipeline.advance_referral(
            referral=early, to_stage=Stage.FULL_MEMBER, on=D(2025, 5, 18), by=district_staff
        )
    )
    assert codes == ["probation_too_short"]
    pipeline.advance_referral(
        referral=early, to_stage=Stage.FULL_MEMBER, on=D(2025, 5, 19), by=district_staff
    )
    assert Referral.objects.get(pk=early.pk).recognized_on == D(2025, 5, 19)


# --- Closing ----------------------------------------------------------------------------------


@pytest.mark.parametrize("stage", [Stage.IDENTIFIED, Stage.DOSSIER])
def test_a_referral_can_be_declined_before_admission(district_staff, today, stage):
    referral = make_referral(stage=stage)
    closed = pipeline.close_referral(
        referral=referral,
        outcome=Outcome.DECLINED,
        reason="Chi bộ không đồng ý",
        on=today,
        by=district_staff,
    )
    assert (closed.outcome, closed.closed_on) == (Outcome.DECLINED, today)
    event = closed.events.get(kind=ReferralEvent.Kind.CLOSED)
    assert (event.by, event.note) == (district_staff, "Chi bộ không đồng ý")


@pytest.mark.parametrize("stage", [Stage.ADMITTED, Stage.FULL_MEMBER])
@pytest.mark.parametrize("outcome", [Outcome.DECLINED, Outcome.WITHDRAWN])
def test_declining_or_withdrawing_is_refused_after_admission(district_staff, today, stage, outcome):
    referral = make_referral(stage=stage)
    codes = refused_codes(
        lambda: pipeline.close_referral(
            referral=referral, outcome=outcome, reason="x", on=today, by=district_staff
        )
    )
    assert codes == ["closed_after_admission"]
    assert Referral.objects.get(pk=referral.pk).outcome is None


def test_closing_needs_a_reason(district_staff, today):
    referral = make_referral()
    codes = refused_codes(
        lambda: pipeline.close_referral(
            referral=referral, outcome=Outcome.WITHDRAWN, reason=" ", on=today, by=district_staff
        )
    )
    assert codes == ["reason_required"]


# --- Corrections and scope --------------------------------------------------------------------


def test_a_correction_keeps_the_stage_and_records_old_and_new_values(district_staff, today):
    referral = make_referral(stage=Stage.INTRODUCED)
    pipeline.correct_referral(referral=referral, by=district_staff, introduced_on=D(2024, 4, 12))
    event = referral.events.get(kind=ReferralEvent.Kind.CORRECTED)
    assert event.changes == {"introduced_on": ["2024-04-10", "2024-04-12"]}
    assert event.to_stage == Stage.INTRODUCED


def test_a_correction_must_keep_the_rules(district_staff, today):
    referral = make_referral(stage=Stage.INTRODUCED)
    codes = refused_codes(
        lambda: pipeline.correct_referral(
            referral=referral, by=district_staff, introduced_on=D(2024, 3, 1)
        )
    )
    assert codes == ["certificate_after_introduction"]


def test_a_milestone_of_a_later_stage_needs_a_stage_change(district_staff, today):
    referral = make_referral(stage=Stage.INTRODUCED)
    codes = refused_codes(
        lambda: pipeline.correct_referral(
            referral=referral, by=district_staff, admitted_on=D(2025, 1, 1)
        )
    )
    assert "milestone_beyond_stage" in codes


def test_staff_of_another_district_cannot_move_a_referral(other_district_staff, today):
    referral = make_referral()
    with pytest.raises(PermissionDenied):
        pipeline.advance_referral(
            referral=referral, to_stage=Stage.FOSTERING, on=today, by=other_district_staff
        )


def test_viewers_cannot_move_a_referral(party_viewer, today):
    referral = make_referral()
    with pytest.raises(PermissionDenied):
        pipeline.advance_referral(
            referral=referral, to_stage=Stage.FOSTERING, on=today, by=party_viewer
        )


# --- The pure check the import reuses ---------------------------------------------------------


def test_check_milestones_passes_a_complete_valid_history():
    values = milestones_up_to(Stage.FULL_MEMBER)
    assert (
        check_milestones(
            stage=Stage.FULL_MEMBER, date_of_birth=D(1990, 5, 17), today=D(2025, 6, 16), **values
        )
        == []
    )


def test_check_milestones_names_the_field_of_each_broken_rule():
    found = check_milestones(
        stage=Stage.FULL_MEMBER,
        date_of_birth=D(1990, 5, 17),
        today=D(2025, 6, 16),
        certificate_on=D(2024, 3, 20),
        introduced_on=D(2024, 3, 1),
        admitted_on=D(2024, 5, 19),
        decision_number="",
        recognized_on=D(2025, 1, 1),
    )
    assert {(v.field, v.code) for v in found} == {
        ("introduced_on", "certificate_after_introduction"),
        ("decision_number", "decision_number_missing"),
        ("recognized_on", "probation_too_short"),
    }
