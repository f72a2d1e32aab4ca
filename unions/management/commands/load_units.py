"""Load a province's administrative units (vietnam-provinces 0.6.0), federations and zones."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unions.organisations.loading import load_province
from unions.territory.loading import UnknownProvince


class Command(BaseCommand):
    help = "Load the province, its districts and communes, former units, federations and zones."

    def add_arguments(self, parser):
        parser.add_argument(
            "--province", default=None, help="GSO code of the province (default: PROVINCE_CODE)"
        )

    def handle(self, *args, province=None, **options):
        code = province or settings.PROVINCE_CODE
        try:
            summary = load_province(code)
        except UnknownProvince as error:
            raise CommandError(
                _("No province has the code %(code)s.") % {"code": error.args[0]}
            ) from None
        self.stdout.write(
            _(
                "%(province)s: %(districts)d district-level units, %(communes)d communes; "
                "%(created)d created, %(updated)d updated."
            )
            % {
                "province": summary.province,
                "districts": summary.counts.get("district", 0),
                "communes": summary.counts.get("commune", 0),
                "created": summary.created,
                "updated": summary.updated,
            }
        )
