"""`snapshot_indicators`: store each district's monthly figures per ownership for the trends.

Idempotent: it rewrites the rows of the months it covers. Run it daily from cron, e.g.
`15 1 * * * cd /srv/congdoan && .venv/bin/python manage.py snapshot_indicators`, which keeps the
running month current and closes the previous month on its last day's figures.
"""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.snapshots import backfill_snapshots, month_start, take_snapshot
from referrals.workdays import add_months


def parse_month(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(f"{value}-01")
    except ValueError:
        raise CommandError(
            _("%(value)s is not a month in the form YYYY-MM.") % {"value": value}
        ) from None


class Command(BaseCommand):
    help = "Store each district's monthly figures per ownership (the dashboards' trends)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--month", default=None, help="YYYY-MM: only this month (default: last and this month)"
        )
        parser.add_argument(
            "--backfill", type=int, default=None, metavar="N", help="the last N months"
        )

    def handle(self, *args, month=None, backfill=None, **options):
        today = timezone.localdate()
        if backfill is not None:
            if backfill < 1:
                raise CommandError(_("--backfill needs a number of months of at least 1."))
            rows = backfill_snapshots(backfill, today=today)
        elif month is not None:
            first = parse_month(month)
            if first > today:
                raise CommandError(_("That month has not started yet."))
            rows = take_snapshot(month=first, today=today)
        else:
            current = month_start(today)
            rows = take_snapshot(month=add_months(current, -1), today=today)
            rows += take_snapshot(month=current, today=today)
        self.stdout.write(_("%(rows)d snapshot rows written.") % {"rows": rows})
