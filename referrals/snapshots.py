"""Monthly snapshots of each district's figures, per ownership: what the trend charts read.

Coverage comes from `unions.enterprises.coverage.coverage_figures` on the month's last day
(today for the running month), so a snapshot is the coverage report of that date. The month's
admissions and new unions are counted by the pipeline's rules for that month: distinct members
whose admission decision is dated in it, in the district of the member's enterprise, and unions
founded in it.

Writing is an upsert on (month, district, ownership), so running it again rewrites the same
rows: `snapshot_indicators` can run daily from cron, and `backfill_snapshots` fills the history.
"""

from __future__ import annotations

import calendar
import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from referrals.models import IndicatorSnapshot, Referral
from referrals.workdays import add_months
from unions.enterprises.coverage import coverage_figures, province_units
from unions.enterprises.models import Enterprise, GrassrootsUnion

# "" is every enterprise, whatever its ownership; then one row per ownership.
OWNERSHIPS = ("", *Enterprise.Ownership.values)
UPDATED_FIELDS = [
    "as_of",
    "eligible",
    "with_union",
    "unions_total",
    "union_members",
    "new_unions",
    "admitted",
    "taken_at",
]


def month_start(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


@transaction.atomic
def take_snapshot(*, month: datetime.date, today: datetime.date | None = None) -> int:
    """Write every district's figures for the month (one row per ownership); returns the rows.

    Fixed cost: four coverage documents, two grouped counts and one upsert.
    """
    today = today or timezone.localdate()
    first = month_start(month)
    if first > today:
        raise ValueError(f"{first:%m/%Y} has not started yet")
    as_of = min(month_end(first), today)
    _province, districts = province_units()
    pks = {unit.code: unit.pk for unit in districts}
    monthly = _monthly_counts(first, as_of, district_ids=list(pks.values()))
    now = timezone.now()
    snapshots = []
    for ownership in OWNERSHIPS:
        document = coverage_figures(as_of=as_of, ownership=ownership or None, with_members=True)
        for row in document["districts"]:
            pk = pks[row["code"]]
            counts = monthly.get((pk, ownership), {})
            snapshots.append(
                IndicatorSnapshot(
                    month=first,
                    district_id=pk,
                    ownership=ownership,
                    as_of=as_of,
                    eligible=row["eligible"],
                    with_union=row["with_union"],
                    unions_total=row["unions_total"],
                    union_members=row["union_members"],
                    new_unions=counts.get("new_unions", 0),
                    admitted=counts.get("admitted", 0),
                    taken_at=now,
                )
            )
    IndicatorSnapshot.objects.bulk_create(
        snapshots,
        update_conflicts=True,
        unique_fields=["month", "district", "ownership"],
        update_fields=UPDATED_FIELDS,
    )
    return len(snapshots)


def backfill_snapshots(months: int = 24, *, today: datetime.date | None = None) -> int:
    """Snapshots of the last `months` months, the running one included; returns the rows.

    The history uses today's eligibility (IMPORT.md: eligibility uses each enterprise's current
    status and headcount), with each month's own union founding and dissolution dates.
    """
    today = today or timezone.localdate()
    current = month_start(today)
    written = 0
    for back in range(months - 1, -1, -1):
        written += take_snapshot(month=add_months(current, -back), today=today)
    return written


def _monthly_counts(
    first: datetime.date, last: datetime.date, *, district_ids: list[int]
) -> dict[tuple[int, str], dict[str, int]]:
    """Admissions (distinct members) and new unions in the month, by district and ownership."""
    counts: dict[tuple[int, str], dict[str, int]] = {}

    def add(district_id: int, ownership: str | None, key: str, value: int) -> None:
        # Each member and each union has one enterprise, so the ownerships' counts add up to
        # the all-ownership row.
        for bucket in {"", ownership or ""}:
            row = counts.setdefault((district_id, bucket), {})
            row[key] = row.get(key, 0) + value

    admitted = (
        Referral.objects.filter(
            admitted_on__range=(first, last),
            member__union__enterprise__district_id__in=district_ids,
        )
        .order_by()
        .values("member__union__enterprise__district_id", "member__union__enterprise__ownership")
        .annotate(n=Count("member", distinct=True))
    )
    for row in admitted:
        add(
            row["member__union__enterprise__district_id"],
            row["member__union__enterprise__ownership"],
            "admitted",
            row["n"],
        )
    founded = (
        GrassrootsUnion.objects.filter(
            founded_on__range=(first, last), enterprise__district_id__in=district_ids
        )
        .order_by()
        .values("enterprise__district_id", "enterprise__ownership")
        .annotate(n=Count("pk"))
    )
    for row in founded:
        add(row["enterprise__district_id"], row["enterprise__ownership"], "new_unions", row["n"])
    return counts
