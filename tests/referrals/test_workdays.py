"""Working days across Tết 2025 and the overdue flags counted in them."""

from __future__ import annotations

import datetime

import pytest

from referrals import workdays
from referrals.models import Outcome, Referral, Stage
from referrals.workdays import add_months, add_working_days, is_working_day, working_days_between
from tests.referrals.builders import make_referral

D = datetime.date
pytestmark = pytest.mark.django_db

TET_2025 = [D(2025, 1, 25) + datetime.timedelta(days=n) for n in range(9)]  # 25/1 to 2/2


def test_every_day_of_the_tet_2025_break_is_a_day_off():
    assert TET_2025[0] == D(2025, 1, 25) and TET_2025[-1] == D(2025, 2, 2)
    assert [day for day in TET_2025 if is_working_day(day)] == []


def test_the_weekdays_of_the_tet_break_are_public_holidays_in_the_package():
    # Pins down that holidays 0.109 has them; if an upgrade drops one, add it as decreed data.
    weekdays = [day for day in TET_2025 if day.weekday() < 5]
    assert weekdays == [
        D(2025, 1, 27),
        D(2025, 1, 28),
        D(2025, 1, 29),
        D(2025, 1, 30),
        D(2025, 1, 31),
    ]
    assert all(day in workdays._CALENDAR for day in weekdays)


def test_the_days_around_tet_are_working_days():
    assert is_working_day(D(2025, 1, 24))  # Friday before
    assert is_working_day(D(2025, 2, 3))  # Monday after


def test_one_working_day_after_the_friday_before_tet_is_the_monday_after():
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)
    assert working_days_between(D(2025, 1, 24), D(2025, 2, 3)) == 1


def test_ten_working_days_across_tet():
    # 21-24/1 are four, 3-7/2 five more, and Monday 10/2 the tenth.
    assert add_working_days(D(2025, 1, 20), 10) == D(2025, 2, 10)
    assert working_days_between(D(2025, 1, 20), D(2025, 2, 10)) == 10


def test_a_swapped_saturday_is_worked_and_its_weekday_is_off():
    assert is_working_day(D(2025, 4, 26))  # Saturday worked in exchange for Friday 2/5
    assert not is_working_day(D(2025, 5, 2))
    assert not is_working_day(D(2025, 4, 30)) and not is_working_day(D(2025, 5, 1))


def test_counting_back_and_forth_agree():
    start = D(2024, 12, 20)
    for days in (0, 1, 5, 30, 60):
        assert working_days_between(start, add_working_days(start, days)) == days
    assert working_days_between(D(2025, 2, 3), D(2025, 1, 24)) == -1


def test_adding_months_keeps_the_day_or_takes_the_months_last():
    assert add_months(D(2024, 5, 19), 12) == D(2025, 5, 19)
    assert add_months(D(2024, 2, 29), 12) == D(2025, 2, 28)
    assert add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)
    assert add_months(D(2020, 6, 16), 60) == D(2025, 6, 16)


# --- Deadlines --------------------------------------------------------------------------------


def test_the_ceremony_deadline_skips_tet():
    # 30 working days after Monday 20/1/2025: 4 in January, then 3/2 onwards: Monday 10/3.
    assert workdays.ceremony_due(D(2025, 1, 20)) == D(2025, 3, 10)


def test_the_recognition_deadline_counts_after_twelve_months_and_skips_tet():
    # Probation ends 24/1/2025; 30 working days from 3/2 end on Friday 14/3/2025.
    assert workdays.recognition_due(D(2024, 1, 24)) == D(2025, 3, 14)


def test_the_decision_deadline_is_a_setting(settings):
    settings.DECISION_DEADLINE_WORKING_DAYS = 5
    assert workdays.decision_due(D(2025, 1, 24)) == D(2025, 2, 7)


def flags_in_database(referral: Referral, today: datetime.date) -> dict[str, bool]:
    row = Referral.objects.with_overdue(today).get(pk=referral.pk)
    return {
        "decision_overdue": row.decision_overdue,
        "ceremony_overdue": row.ceremony_overdue,
        "recognition_overdue": row.recognition_overdue,
    }


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (D(2025, 3, 10), False),  # the last day for the ceremony
        (D(2025, 3, 11), True),  # the day after
    ],
)
def test_a_ceremony_is_overdue_from_the_day_after_its_deadline(today, overdue):
    referral = make_referral(stage=Stage.ADMITTED, admitted_on=D(2025, 1, 20))
    expected = {
        "decision_overdue": False,
        "ceremony_overdue": overdue,
        "recognition_overdue": False,
    }
    assert referral.deadlines.flags(today) == expected
    assert flags_in_database(referral, today) == expected


def test_a_recorded_milestone_is_never_overdue_even_when_late():
    referral = make_referral(
        stage=Stage.ADMITTED, admitted_on=D(2025, 1, 20), ceremony_on=D(2025, 4, 1)
    )
    assert not referral.deadlines.overdue(D(2025, 6, 16))
    assert flags_in_database(referral, D(2025, 6, 16))["ceremony_overdue"] is False


@pytest.mark.parametrize(
    ("today", "overdue"),
    [(D(2025, 3, 14), False), (D(2025, 3, 17), True)],
)
def test_recognition_is_overdue_thirty_working_days_after_the_probation(today, overdue):
    referral = make_referral(
        stage=Stage.ADMITTED, admitted_on=D(2024, 1, 24), ceremony_on=D(2024, 2, 1)
    )
    assert referral.deadlines.flags(today)["recognition_overdue"] is overdue
    assert flags_in_database(referral, today)["recognition_overdue"] is overdue


@pytest.mark.parametrize(("today", "overdue"), [(D(2025, 2, 7), False), (D(2025, 2, 10), True)])
def test_the_decision_is_overdue_after_its_working_days(settings, today, overdue):
    settings.DECISION_DEADLINE_WORKING_DAYS = 5
    referral = make_referral(stage=Stage.DOSSIER, cell_resolution_on=D(2025, 1, 24))
    assert referral.deadlines.flags(today)["decision_overdue"] is overdue
    assert flags_in_database(referral, today)["decision_overdue"] is overdue


def test_a_closed_referral_is_not_overdue():
    referral = make_referral(
        stage=Stage.DOSSIER,
        cell_resolution_on=D(2024, 4, 25),
        outcome=Outcome.DECLINED,
        closed_on=D(2024, 12, 1),
        outcome_reason="Không đủ điều kiện",
    )
    assert not referral.deadlines.overdue(D(2025, 6, 16))
    assert not Referral.objects.overdue(D(2025, 6, 16)).filter(pk=referral.pk).exists()


def test_the_database_flags_agree_with_the_property_day_by_day_across_tet():
    referrals = [
        make_referral(
            stage=Stage.DOSSIER, cell_resolution_on=D(2024, 10, 20) + datetime.timedelta(days=n)
        )
        for n in range(0, 40, 3)
    ] + [
        make_referral(stage=Stage.ADMITTED, admitted_on=D(2024, 12, 1) + datetime.timedelta(days=n))
        for n in range(0, 60, 4)
    ]
    for offset in range(0, 120, 5):
        today = D(2025, 1, 10) + datetime.timedelta(days=offset)
        annotated = {r.pk: r.is_overdue for r in Referral.objects.with_overdue(today)}
        for referral in referrals:
            assert annotated[referral.pk] == referral.deadlines.overdue(today), (referral, today)
