"""Create or update a staff account with its role and scope (see `unions.staff.create_staff`).

With `--issue-otp-code` it also prints a one-time code with which the user sets up two-factor
sign-in (`unions.access.second_factor`): how the first provincial admin gets theirs, and how an
admin who lost their phone, with no other admin to ask, gets a new one.
"""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unions.access import ROLE_LABELS, ROLES
from unions.access.second_factor import issue_enrolment
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
        parser.add_argument(
            "--issue-otp-code",
            action="store_true",
            help="also issue a one-time two-factor set-up code (replaces the user's device)",
        )

    def handle(
        self, *args, username, role, district, upper_union, password, issue_otp_code, **options
    ):
        try:
            # Operators' passwords meet the project's rules; demo data calls the service directly.
            validate_password(password)
            with transaction.atomic():
                user = create_staff(
                    username=username,
                    role=role,
                    password=password,
                    district_code=district,
                    upper_union_id=upper_union,
                )
                issued = issue_enrolment(user=user) if issue_otp_code else None
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
        if issued is not None:
            self.stdout.write(
                _(
                    "Two-factor set-up code for %(username)s: %(code)s (valid until %(until)s). "
                    "It is shown only now: give it to the user in person or by telephone."
                )
                % {
                    "username": issued.username,
                    "code": issued.code,
                    "until": timezone.localtime(issued.expires_at).strftime("%d/%m/%Y %H:%M"),
                }
            )
