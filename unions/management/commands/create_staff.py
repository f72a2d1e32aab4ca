"""Create or update a staff account with its role and scope (see `unions.staff.create_staff`)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from unions.access import ROLE_LABELS, ROLES
from unions.staff import create_staff


class Command(BaseCommand):
    help = (
        "Create a staff user, or update an existing one's role, scope and password. District "
        "roles need --district, zone_staff needs --upper-union, province roles take neither."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--district", help="GSO code of the district (district roles)")
        parser.add_argument("--upper-union", type=int, help="id of the upper union (zone_staff)")
        parser.add_argument("--password", required=True)

    def handle(self, *args, username, role, district, upper_union, password, **options):
        try:
            # Operators' passwords meet the project's rules; demo data calls the service directly.
            validate_password(password)
            user = create_staff(
                username=username,
                role=role,
                password=password,
                district_code=district,
                upper_union_id=upper_union,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        scope = getattr(user, "scope", None)
        self.stdout.write(
            _("%(username)s: %(role)s, %(scope)s.")
            % {
                "username": user.username,
                "role": ROLE_LABELS[role],
                "scope": scope if scope is not None else _("whole province"),
            }
        )
