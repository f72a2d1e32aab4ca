"""The referral demo data: every referral passes the pipeline's rules, every figure has data."""

from __future__ import annotations

import pytest

from referrals.demo import seed_referrals
from referrals.models import Referral, Stage, Target
from referrals.pipeline import check_referral
from referrals.reports import INDICATORS, pipeline_figures
from unions.demo import seed_unions

pytestmark = pytest.mark.django_db


def test_demo_referrals_keep_every_rule_and_feed_every_figure(today):
    seed_unions(scale="small", seed=1, today=today)
    summary = seed_referrals(seed=1, today=today, scale="small")
    assert summary.referrals > 20
    referrals = list(Referral.objects.select_related("member"))
    assert all(check_referral(referral, today=today) == [] for referral in referrals)
    assert {r.stage for r in referrals} >= {Stage.IDENTIFIED, Stage.INTRODUCED, Stage.ADMITTED}
    assert all(referral.events.exists() for referral in referrals[:20])
    assert Referral.objects.overdue(today).exists()
    figures = pipeline_figures(year=today.year - 1)
    assert all(
        figures["province"][indicator] > 0 for indicator in INDICATORS if indicator != "new_unions"
    )
    assert Target.objects.filter(
        year=today.year, district__isnull=True, indicator="admitted"
    ).exists()
