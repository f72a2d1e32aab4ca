"""Fill an empty database with deterministic, realistic demo data and print the demo logins.

It lives in `referrals` because it seeds both apps: `referrals` may import `unions`, never the
reverse.
"""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from referrals.demo import seed_referrals
from referrals.snapshots import backfill_snapshots
from unions.demo import SCALES, ensure_demo_users, seed_unions
from unions.enterprises.models import Enterprise
from unions.territory.models import AdministrativeUnit


class Command(BaseCommand):
    help = "Create demo enterprises, unions, members and one demo user per role (demo only)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            choices=list(SCALES),
            default="small",
            help="small: ~300 enterprises (default); province: ~3,000 enterprises, 80,000 members",
        )
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same data")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="do nothing, successfully, when enterprises already exist",
        )

    def handle(self, *args, scale: str, seed: int, if_empty: bool, **options):
        if Enterprise.objects.exists():
            if if_empty:
                self.stdout.write(_("Enterprises already exist: no demo data added."))
                call_command("demo_logins", stdout=self.stdout)
                return
            raise CommandError(
                _("Enterprises already exist; seed_demo only fills an empty database.")
            )
        if not AdministrativeUnit.objects.filter(level=AdministrativeUnit.Level.DISTRICT).exists():
            raise CommandError(_("No administrative units: run load_units first."))

        started = time.perf_counter()
        today = timezone.localdate()
        summary = seed_unions(scale=scale, seed=seed, today=today)
        referrals = seed_referrals(seed=seed, today=today, scale=scale)
        # After the referrals, so the trend charts have two years of history to show.
        backfill_snapshots(24, today=today)
        ensure_demo_users()
        self.stdout.write(
            _(
                "Demo data: %(enterprises)d enterprises, %(headcounts)d headcount reports, "
                "%(unions)d grassroots unions, %(members)d members in %(seconds).1f s."
            )
            % {
                "enterprises": summary.enterprises,
                "headcounts": summary.headcounts,
                "unions": summary.unions,
                "members": summary.members,
                "seconds": time.perf_counter() - started,
            }
        )
        self.stdout.write(
            _(
                "Referral demo data: %(classes)d classes, %(commendations)d commendations, "
                "%(referrals)d referrals."
            )
            % {
                "classes": referrals.classes,
                "commendations": referrals.commendations,
                "referrals": referrals.referrals,
            }
        )
        call_command("demo_logins", stdout=self.stdout)
