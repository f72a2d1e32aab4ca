"""Setting up a second factor only with a one-time code that a provincial admin issued.

Self-service set-up let anyone holding a password, a thief included, enrol their own phone on
an account that had none. Now:

1. A provincial admin issues a set-up code for a user (the user admin's action, or
   `create_staff --issue-otp-code` on the server for the first admin). Issuing removes the
   user's current authenticator and voids their earlier codes: it is also how a lost phone is
   replaced. The code is shown once, valid for `OTP_ENROLMENT_VALID_HOURS`, and handed over in
   person or by telephone; only a digest is stored.
2. The user signs in with their password and types the code on the set-up page; only then does
   the page show a fresh key for the authenticator app.
3. The first code from the app confirms the device and uses up the set-up code.

A stolen password alone therefore never enrols a device, and `OTP_ENROLMENT_MAX_WRONG_CODES`
wrong codes void an open code, so it cannot be guessed either.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from unions.access.account_models import SecondFactorEnrolment

# Capital letters and digits that cannot be mistaken for one another when read out or copied
# from paper: no 0/O, 1/I/L. Twelve of them: about 59 bits.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 12
CODE_GROUP = 4


@dataclass(frozen=True)
class IssuedCode:
    """What the issuing admin is shown once: the code, its end and the devices it replaced."""

    username: str
    code: str
    expires_at: datetime.datetime
    removed_devices: int


def normalise_code(text: str) -> str:
    """The code as typed, without spaces or dashes, in capitals."""
    return "".join(character for character in text.upper() if character.isalnum())


def format_code(code: str) -> str:
    """ABCDEFGHJKMN → ABCD-EFGH-JKMN, easier to read out over the telephone."""
    return "-".join(code[start : start + CODE_GROUP] for start in range(0, len(code), CODE_GROUP))


def _digest(code: str) -> str:
    return salted_hmac(
        "unions.access.second_factor.enrolment", normalise_code(code), algorithm="sha256"
    ).hexdigest()


@transaction.atomic
def issue_enrolment(*, user, issued_by=None) -> IssuedCode:
    """A new set-up code for the user; their devices and earlier open codes stop working."""
    now = timezone.now()
    SecondFactorEnrolment.objects.filter(user=user).open().update(expires_at=now)
    _total, deleted = TOTPDevice.objects.filter(user=user).delete()
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    enrolment = SecondFactorEnrolment.objects.create(
        user=user,
        issued_by=issued_by,
        code_digest=_digest(code),
        issued_at=now,
        expires_at=now + datetime.timedelta(hours=settings.OTP_ENROLMENT_VALID_HOURS),
    )
    return IssuedCode(
        username=user.get_username(),
        code=format_code(code),
        expires_at=enrolment.expires_at,
        removed_devices=deleted.get(TOTPDevice._meta.label, 0),
    )


def check_code(*, user, code: str) -> SecondFactorEnrolment | None:
    """The user's open set-up code that this text matches, or None.

    A wrong code counts against every open code of the user, so guessing voids them.
    """
    digest = _digest(code)
    open_codes = list(SecondFactorEnrolment.objects.filter(user=user).open())
    for enrolment in open_codes:
        if constant_time_compare(enrolment.code_digest, digest):
            return enrolment
    SecondFactorEnrolment.objects.filter(pk__in=[enrolment.pk for enrolment in open_codes]).update(
        failed_attempts=F("failed_attempts") + 1
    )
    return None


def open_enrolment(*, user, enrolment_id: int) -> SecondFactorEnrolment | None:
    """The set-up code a session accepted earlier, if it is still open."""
    return SecondFactorEnrolment.objects.filter(user=user, pk=enrolment_id).open().first()


def start_device(*, user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the set-up page: a new key every time."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=gettext("Authenticator app"), confirmed=False)


@transaction.atomic
def complete_enrolment(*, enrolment: SecondFactorEnrolment, device: TOTPDevice) -> bool:
    """Use up the code and confirm the device, once; False if the code was no longer open."""
    used = (
        SecondFactorEnrolment.objects.filter(pk=enrolment.pk).open().update(used_at=timezone.now())
    )
    if not used:
        return False
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return True
