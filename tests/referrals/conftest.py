"""Fixtures for the referral tests: a fixed "today" in Vietnam's time zone."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

TODAY = datetime.date(2025, 6, 16)


@pytest.fixture
def today():
    """Freeze the clock at 10:00 on 16/06/2025 in Hà Nội time; yields that date."""
    moment = datetime.datetime(2025, 6, 16, 10, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    with time_machine.travel(moment, tick=False):
        yield TODAY
