"""`purge_import_uploads`: delete uploaded import files left unconfirmed past their time."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from unions.importing.uploads import purge_expired


class Command(BaseCommand):
    help = "Delete uploaded import files older than IMPORT_UPLOAD_TTL_HOURS and expire them."

    def handle(self, *args, **options):
        expired = purge_expired()
        if options["verbosity"] >= 1:
            self.stdout.write(
                _("%(count)d pending upload(s) expired (older than %(hours)d hours).")
                % {"count": expired, "hours": settings.IMPORT_UPLOAD_TTL_HOURS}
            )
