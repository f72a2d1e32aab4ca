"""Working days in Vietnam, and the referral deadlines counted in them.

The calendar is the `holidays` package's Vietnam (pinned 0.109): Saturdays and Sundays off, the
Labour Code's public holidays, the five Tết days with the day moved off a weekend ("29 Tết"), and
the days off and working Saturdays the government decreed by swapping (2 May 2025 off, Saturday
26 April 2025 worked). For Tết 2025 the government's break ran from Saturday 25 January to Sunday
2 February (Announcement 6150/TB-BLĐTBXH): the package has every weekday of it, Monday 27 to
Friday 31 January, as a holiday, so nothing needs adding (a test pins this down).

When a decree the package lacks comes out, add its days to `DECREED_DAYS_OFF` or
`DECREED_WORKING_DAYS` below.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import holidays
from dateutil.relativedelta import relativedelta
from django.conf import settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from referrals.models import Referral

_CALENDAR = holidays.country_holidays("VN")

DECREED_DAYS_OFF: frozenset[datetime.date] = frozenset()
DECREED_WORKING_DAYS: frozenset[datetime.date] = frozenset()

# How far back a milestone can lie and still have an open deadline: far beyond the longest one
# (twelve months of probation plus the recognition deadline).
_SEARCH_SPAN = datetime.timedelta(days=3 * 366)


@lru_cache(maxsize=16384)
def is_working_day(day: datetime.date) -> bool:
    if day in DECREED_DAYS_OFF:
        return False
    if day in DECREED_WORKING_DAYS:
        return True
    # The membership test loads the day's year, decreed working weekend days included, before
    # is_working_day consults them.
    _ = day in _CALENDAR
    return _CALENDAR.is_working_day(day)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start` (`start` itself is not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day = start
    while days:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            days -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier.

    `working_days_between(d, add_working_days(d, n)) == n`.
    """
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        count += is_working_day(day)
    return count


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later, or that month's last day (29/2/2024 + 12 months = 28/2/2025)."""
    return day + relativedelta(months=months)


def decision_due(cell_resolution_on: datetime.date) -> datetime.date:
    """The last day for the admission decision after the Party cell's resolution."""
    return add_working_days(cell_resolution_on, settings.DECISION_DEADLINE_WORKING_DAYS)


def ceremony_due(admitted_on: datetime.date) -> datetime.date:
    """The last day for the admission ceremony after the decision."""
    return add_working_days(admitted_on, settings.CEREMONY_DEADLINE_WORKING_DAYS)


def recognition_due(admitted_on: datetime.date) -> datetime.date:
    """The last day to decide on full membership: working days after the probation ends."""
    return add_working_days(
        add_months(admitted_on, settings.PROBATION_MONTHS),
        settings.RECOGNITION_DEADLINE_WORKING_DAYS,
    )


@dataclass(frozen=True)
class Deadlines:
    """A referral's deadlines and whether each milestone is recorded."""

    is_open: bool
    decision_due: datetime.date | None
    decision_recorded: bool
    ceremony_due: datetime.date | None
    ceremony_recorded: bool
    recognition_due: datetime.date | None
    recognition_recorded: bool

    def flags(self, today: datetime.date) -> dict[str, bool]:
        """Each deadline that has passed (before today) with its milestone still unrecorded."""

        def passed(due: datetime.date | None, recorded: bool) -> bool:
            return self.is_open and due is not None and not recorded and due < today

        return {
            "decision_overdue": passed(self.decision_due, self.decision_recorded),
            "ceremony_overdue": passed(self.ceremony_due, self.ceremony_recorded),
            "recognition_overdue": passed(self.recognition_due, self.recognition_recorded),
        }

    def overdue(self, today: datetime.date) -> bool:
        return any(self.flags(today).values())


def referral_deadlines(referral: Referral) -> Deadlines:
    """The deadlines of a referral, from its own fields (no queries)."""
    admitted = referral.admitted_on
    return Deadlines(
        is_open=referral.outcome is None,
        decision_due=decision_due(referral.cell_resolution_on)
        if referral.cell_resolution_on
        else None,
        decision_recorded=admitted is not None,
        ceremony_due=ceremony_due(admitted) if admitted else None,
        ceremony_recorded=referral.ceremony_on is not None,
        recognition_due=recognition_due(admitted) if admitted else None,
        recognition_recorded=referral.recognized_on is not None,
    )


@dataclass(frozen=True)
class Cutoffs:
    """For each deadline, the latest milestone date whose deadline had passed by a day."""

    decision: datetime.date
    ceremony: datetime.date
    recognition: datetime.date


def _latest_passed(today: datetime.date, due: Callable[[datetime.date], datetime.date]):
    # `due` never decreases as its milestone moves later, so the milestones whose deadline has
    # passed (due < today) are exactly those on or before one date: find it by bisection.
    low, high = today - _SEARCH_SPAN, today
    if due(low) >= today:
        return low - datetime.timedelta(days=1)
    while (high - low).days > 1:
        middle = low + (high - low) // 2
        if due(middle) < today:
            low = middle
        else:
            high = middle
    return low


@lru_cache(maxsize=32)
def _cutoffs(today: datetime.date, decision: int, ceremony: int, recognition: int, probation: int):
    return Cutoffs(
        decision=_latest_passed(today, decision_due),
        ceremony=_latest_passed(today, ceremony_due),
        recognition=_latest_passed(today, recognition_due),
    )


def overdue_cutoffs(today: datetime.date) -> Cutoffs:
    """Cutoffs for `ReferralQuerySet.with_overdue`; the settings are part of the cache key so a
    test that overrides them gets fresh ones."""
    return _cutoffs(
        today,
        settings.DECISION_DEADLINE_WORKING_DAYS,
        settings.CEREMONY_DEADLINE_WORKING_DAYS,
        settings.RECOGNITION_DEADLINE_WORKING_DAYS,
        settings.PROBATION_MONTHS,
    )
