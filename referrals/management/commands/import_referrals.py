"""`manage.py import_referrals PATH`: import a referral register of milestone dates."""

from __future__ import annotations

from referrals.importing import ReferralImport
from unions.importing.command import ImportCommand


class Command(ImportCommand):
    help = "Import a referral register (.xlsx, .xls, .ods or .csv); exit 0, 1 or 2."
    spec = ReferralImport
