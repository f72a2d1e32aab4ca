"""Load the province in force, its predecessors of 30/6/2025, their links, unions and zones."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from unions.enterprises.placing import place_by_crosswalk
from unions.organisations.loading import load_province
from unions.territory.loading import ProvinceNotCurrent, UnknownProvince


class Command(BaseCommand):
    help = (
        "Load the province in force, its communes, the provinces it was formed from with their "
        "districts and communes, the crosswalk, federations and zones."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", default=None, help="GSO code of the province (default: PROVINCE_CODE)"
        )

    def handle(self, *args, province=None, **options):
        code = province or settings.PROVINCE_CODE
        try:
            with transaction.atomic():
                summary = load_province(code)
                placed = place_by_crosswalk()
        except ProvinceNotCurrent as error:
            raise CommandError(
                _(
                    "The province with the code %(code)s no longer exists: since 1/7/2025 it is "
                    "part of %(successor)s. Load that province instead."
                )
                % {"code": error.code, "successor": error.successor}
            ) from None
        except UnknownProvince:
            raise CommandError(_("No province has the code %(code)s.") % {"code": code}) from None
        self.stdout.write(
            _("%(province)s: %(communes)d communes; %(created)d created, %(updated)d updated.")
            % {
                "province": summary.province,
                "communes": summary.communes,
                "created": summary.created,
                "updated": summary.updated,
            }
        )
        if placed:
            self.stdout.write(
                _("%(count)d enterprises placed in their commune of today.") % {"count": placed}
            )
        for former in summary.predecessors:
            self.stdout.write(
                _(
                    "Formed from %(province)s (%(code)s): %(districts)d districts, "
                    "%(communes)d communes."
                )
                % {
                    "province": former.name,
                    "code": former.code,
                    "districts": former.districts,
                    "communes": former.communes,
                }
            )
