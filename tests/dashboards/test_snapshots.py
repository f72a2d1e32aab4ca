"""Monthly snapshots: each district's figures per month and ownership, idempotent, and what the
trend charts show."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Sum
from django.urls import reverse

from referrals.models import IndicatorSnapshot
from referrals.reports import pipeline_figures
from referrals.snapshots import backfill_snapshots, take_snapshot
from tests.dashboards.conftest import PARAMS
from tests.factories import make_enterprise, make_union, zone
from unions.enterprises.coverage import coverage_figures

D = datetime.date
DISTRICTS = 10
OWNERSHIPS = 4  # every enterprise, then state, domestic and foreign


def snapshot(month: datetime.date, code: str, ownership: str = "") -> IndicatorSnapshot:
    return IndicatorSnapshot.objects.get(month=month, district__code=code, ownership=ownership)


@pytest.mark.django_db
def test_a_snapshot_is_the_coverage_report_on_the_months_last_day(seeded):
    take_snapshot(month=D(2024, 12, 1))
    document = coverage_figures(as_of=D(2024, 12, 31), with_members=True)
    for row in document["districts"]:
        stored = snapshot(D(2024, 12, 1), row["code"])
        assert stored.as_of == D(2024, 12, 31)
        assert (stored.eligible, stored.with_union, stored.unions_total, stored.union_members) == (
            row["eligible"],
            row["with_union"],
            row["unions_total"],
            row["union_members"],
        )
    foreign = coverage_figures(as_of=D(2024, 12, 31), ownership="foreign")
    assert (
        snapshot(D(2024, 12, 1), "222", "foreign").eligible == foreign["districts"][7]["eligible"]
    )


@pytest.mark.django_db
def test_the_running_month_is_taken_as_of_today(seeded, today):
    take_snapshot(month=today)
    assert snapshot(today.replace(day=1), "213").as_of == today
    with pytest.raises(ValueError):
        take_snapshot(month=D(2025, 7, 1))


@pytest.mark.django_db
def test_taking_a_snapshot_again_rewrites_the_same_rows(seeded):
    month = D(2024, 6, 1)
    assert take_snapshot(month=month) == DISTRICTS * OWNERSHIPS
    before = snapshot(month, "213").eligible
    make_enterprise(workers=500)
    assert take_snapshot(month=month) == DISTRICTS * OWNERSHIPS
    assert IndicatorSnapshot.objects.filter(month=month).count() == DISTRICTS * OWNERSHIPS
    assert snapshot(month, "213").eligible == before + 1


@pytest.mark.django_db
def test_monthly_admissions_add_up_to_the_years_pipeline_count(seeded):
    for month in range(1, 13):
        take_snapshot(month=D(2024, month, 1))
    document = pipeline_figures(year=2024)
    for row in document["districts"]:
        months = IndicatorSnapshot.objects.filter(
            month__year=2024, district__code=row["code"], ownership=""
        )
        totals = months.aggregate(admitted=Sum("admitted"), new_unions=Sum("new_unions"))
        assert totals["admitted"] == row["admitted"], row["code"]
        assert totals["new_unions"] == row["new_unions"], row["code"]
    assert snapshot(D(2024, 9, 1), "213").admitted == 2
    assert snapshot(D(2024, 11, 1), "215").admitted == 1


@pytest.mark.django_db
def test_ownership_rows_add_up_to_the_all_ownership_row_for_monthly_counts(seeded):
    make_union(make_enterprise(workers=40, ownership=None), founded_on=D(2024, 4, 9))
    take_snapshot(month=D(2024, 4, 1))
    rows = IndicatorSnapshot.objects.filter(month=D(2024, 4, 1), district__code="213")
    by_ownership = {row.ownership: row for row in rows}
    assert by_ownership[""].new_unions == 2  # a state enterprise's and an unknown one's
    assert by_ownership["state"].new_unions == 1
    assert sum(by_ownership[o].new_unions for o in ("state", "domestic", "foreign")) == 1


@pytest.mark.django_db
def test_backfill_writes_the_last_24_months(seeded, today):
    assert backfill_snapshots(24) == 24 * DISTRICTS * OWNERSHIPS
    months = sorted(set(IndicatorSnapshot.objects.values_list("month", flat=True)))
    assert months[0] == D(2023, 7, 1) and months[-1] == D(2025, 6, 1)
    assert len(months) == 24
    assert backfill_snapshots(24) == 24 * DISTRICTS * OWNERSHIPS  # idempotent
    assert IndicatorSnapshot.objects.count() == 24 * DISTRICTS * OWNERSHIPS


@pytest.mark.django_db
def test_command_takes_last_and_this_month_by_default(seeded, today):
    IndicatorSnapshot.objects.all().delete()
    out = StringIO()
    call_command("snapshot_indicators", stdout=out)
    assert set(IndicatorSnapshot.objects.values_list("month", flat=True)) == {
        D(2025, 5, 1),
        D(2025, 6, 1),
    }
    assert str(2 * DISTRICTS * OWNERSHIPS) in out.getvalue()
    call_command("snapshot_indicators", "--month", "2024-02", stdout=out)
    assert IndicatorSnapshot.objects.filter(month=D(2024, 2, 1)).count() == DISTRICTS * OWNERSHIPS
    call_command("snapshot_indicators", "--backfill", "3", stdout=out)
    assert IndicatorSnapshot.objects.filter(month=D(2025, 4, 1)).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args",
    [["--month", "2024-13"], ["--month", "02/2024"], ["--month", "2025-07"], ["--backfill", "0"]],
)
def test_command_refuses_bad_months(args):
    with pytest.raises(CommandError):
        call_command("snapshot_indicators", *args, stdout=StringIO())


@pytest.mark.django_db
def test_trend_shows_the_snapshots_with_ownership_but_not_zone(client, seeded, party_viewer):
    client.force_login(party_viewer)
    response = client.get(reverse("referrals:dashboard"), PARAMS)
    trend = response.context["trend"]
    assert [point["month"] for point in trend] == [D(2024, 10, 1), D(2024, 11, 1), D(2024, 12, 1)]
    december = IndicatorSnapshot.objects.filter(month=D(2024, 12, 1), ownership="").aggregate(
        eligible=Sum("eligible"), with_union=Sum("with_union"), admitted=Sum("admitted")
    )
    assert trend[-1]["eligible"] == december["eligible"]
    assert trend[-1]["with_union"] == december["with_union"]
    assert trend[1]["admitted"] == 1  # the Yên Thế admission of 05/11/2024
    zoned = client.get(reverse("referrals:dashboard"), PARAMS | {"zone": zone().pk})
    assert zoned.context["trend"] == trend
    foreign = client.get(reverse("referrals:dashboard"), PARAMS | {"ownership": "foreign"})
    foreign_december = IndicatorSnapshot.objects.filter(
        month=D(2024, 12, 1), ownership="foreign"
    ).aggregate(eligible=Sum("eligible"))
    assert foreign.context["trend"][-1]["eligible"] == foreign_december["eligible"]
    assert foreign_december["eligible"] != december["eligible"]


@pytest.mark.django_db
def test_district_users_trend_counts_only_their_district(client, seeded, district_viewer):
    client.force_login(district_viewer)
    response = client.get(reverse("referrals:district", args=["213"]), PARAMS)
    december = snapshot(D(2024, 12, 1), "213")
    assert response.context["trend"][-1]["eligible"] == december.eligible
    assert response.context["trend"][-1]["admitted"] == 0
