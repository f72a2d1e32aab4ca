"""Two-factor set-up only with a code a provincial admin issued (unions.access.second_factor).

The threat: a thief who has the password of an admin without a device signs in and enrols
their own phone. These tests follow that thief, and the legitimate path: an admin issues a code
(the user admin's action, or create_staff on the server), the user types it, then confirms the
authenticator with its first code.
"""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests import factories
from unions import access
from unions.access.account_models import SecondFactorEnrolment
from unions.access.second_factor import check_code, issue_enrolment, normalise_code
from unions.admin.users import second_factor_state

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.make_user's
START = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.UTC)
SETUP = reverse("admin:otp_setup")
USERS = reverse("admin:auth_user_changelist")


def sign_in(client, username: str, token: str | None = None):
    data = {"username": username, "password": PASSWORD, "next": reverse("admin:index")}
    if token is not None:
        data["otp_token"] = token
    return client.post(reverse("admin:login"), data)


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


@pytest.fixture(autouse=True)
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_PROVINCE_ADMINS = True


@pytest.fixture
def second_admin(db):
    """A provincial admin who has not set up a device yet."""
    return factories.make_user(access.PROVINCE_ADMIN, username="pho_chanh_vp")


@pytest.fixture
def verified_admin(province_admin):
    """A provincial admin signed in with their authenticator, as production requires."""
    device = TOTPDevice.objects.create(user=province_admin, name="phone", confirmed=True)
    client = Client()
    assert sign_in(client, province_admin.username, current_token(device)).status_code == 302
    return client


# --- Defaults ----------------------------------------------------------------------------------


def test_production_requires_a_second_factor_of_provincial_admins(production_settings):
    assert production_settings.OTP_REQUIRED_FOR_PROVINCE_ADMINS is True


def test_development_and_the_demo_leave_it_optional():
    from config.settings import base

    assert base.OTP_REQUIRED_FOR_PROVINCE_ADMINS is False


# --- The thief with a password -----------------------------------------------------------------


def test_a_password_alone_never_shows_a_key_nor_enrols_a_device(client, second_admin):
    assert sign_in(client, second_admin.username).status_code == 302
    # Everything sends them to the set-up page...
    response = client.get(reverse("admin:unions_member_changelist"))
    assert response["Location"] == SETUP
    page = client.get(SETUP)
    assert page.status_code == 200 and page.context["step"] == "code"
    # ...which asks for a set-up code, and shows no key.
    assert "secret" not in page.context and 'data-testid="otp-secret"' not in page.text
    for guess in ("AAAA-BBBB-CCCC", "123456", ""):
        refused = client.post(SETUP, {"code": guess})
        assert refused.status_code == 200 and refused.context["form"].errors
    assert not TOTPDevice.objects.filter(user=second_admin).exists()
    assert client.get(reverse("admin:index"))["Location"] == SETUP


def test_wrong_codes_void_an_open_code(client, second_admin):
    issued = issue_enrolment(user=second_admin)
    sign_in(client, second_admin.username)
    for _ in range(settings.OTP_ENROLMENT_MAX_WRONG_CODES):
        client.post(SETUP, {"code": "AAAA-BBBB-CCCC"})
    late = client.post(SETUP, {"code": issued.code})
    assert late.context["step"] == "code" and late.context["form"].errors
    assert not TOTPDevice.objects.filter(user=second_admin).exists()


def test_a_code_expires(client, second_admin):
    with time_machine.travel(START, tick=False) as traveller:
        issued = issue_enrolment(user=second_admin)
        assert issued.expires_at == START + datetime.timedelta(hours=72)
        traveller.shift(datetime.timedelta(hours=72, seconds=1))
        sign_in(client, second_admin.username)
        assert client.post(SETUP, {"code": issued.code}).context["form"].errors


def test_a_code_is_for_its_own_user_only(client, second_admin, district_staff):
    issued = issue_enrolment(user=second_admin)
    client.force_login(district_staff)
    assert client.post(SETUP, {"code": issued.code}).context["form"].errors
    assert check_code(user=second_admin, code=issued.code) is not None


def test_only_a_digest_of_the_code_is_stored(second_admin):
    issued = issue_enrolment(user=second_admin)
    stored = SecondFactorEnrolment.objects.get(user=second_admin)
    raw = normalise_code(issued.code)
    assert len(raw) == 12 and raw not in stored.code_digest and issued.code not in str(stored)


# --- The legitimate path -----------------------------------------------------------------------


def issue_with_the_action(admin_client, *users, confirm: bool = True):
    data = {"action": "issue_setup_codes", ACTION_CHECKBOX_NAME: [user.pk for user in users]}
    if confirm:
        data["confirm"] = "yes"
    return admin_client.post(USERS, data)


def test_an_admin_issues_a_code_and_the_user_sets_up_their_phone(verified_admin, second_admin):
    asked = issue_with_the_action(verified_admin, second_admin, confirm=False)
    assert asked.status_code == 200
    assert 'data-testid="issue-setup-codes"' in asked.text
    assert not SecondFactorEnrolment.objects.exists()  # nothing before the confirmation

    shown = issue_with_the_action(verified_admin, second_admin)
    assert shown.status_code == 200
    (issued,) = shown.context["issued"]
    assert issued.username == second_admin.username and issued.code in shown.text
    assert "no-store" in shown["Cache-Control"]
    enrolment = SecondFactorEnrolment.objects.get(user=second_admin)
    assert enrolment.issued_by.username == "tinh_admin"

    user = Client()
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(user, second_admin.username)
        accepted = user.post(SETUP, {"code": issued.code.lower().replace("-", " ")})
        assert accepted.status_code == 302 and accepted["Location"] == SETUP
        key_page = user.get(SETUP)
        assert key_page.context["step"] == "device" and key_page.context["secret"]
        device = TOTPDevice.objects.get(user=second_admin, confirmed=False)

        wrong = user.post(SETUP, {"token": "000000"})
        assert wrong.context["form"].errors
        traveller.shift(datetime.timedelta(minutes=5))  # past the throttling delay
        confirmed = user.post(SETUP, {"token": current_token(device)})
        assert confirmed.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        enrolment.refresh_from_db()
        assert enrolment.used_at is not None
        assert user.get(reverse("admin:unions_member_changelist")).status_code == 200


def test_a_used_code_cannot_enrol_a_second_device(client, second_admin):
    issued = issue_enrolment(user=second_admin)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, second_admin.username)
        client.post(SETUP, {"code": issued.code})
        device = TOTPDevice.objects.get(user=second_admin, confirmed=False)
        traveller.shift(datetime.timedelta(minutes=5))
        assert client.post(SETUP, {"token": current_token(device)}).status_code == 302
    # Someone else, with the same password and the same (now used) code, gets nowhere.
    thief = Client()
    thief.force_login(second_admin)
    response = thief.post(SETUP, {"code": issued.code})
    assert response.status_code == 200
    assert TOTPDevice.objects.filter(user=second_admin).count() == 1


def test_issuing_replaces_the_current_device_and_voids_earlier_codes(second_admin):
    old_device = TOTPDevice.objects.create(user=second_admin, name="old phone", confirmed=True)
    first = issue_enrolment(user=second_admin)
    second = issue_enrolment(user=second_admin)
    assert first.removed_devices == 1 and second.removed_devices == 0
    assert not TOTPDevice.objects.filter(pk=old_device.pk).exists()
    assert check_code(user=second_admin, code=first.code) is None
    assert check_code(user=second_admin, code=second.code) is not None


def test_the_confirmation_names_users_whose_authenticator_will_stop(verified_admin, second_admin):
    TOTPDevice.objects.create(user=second_admin, name="phone", confirmed=True)
    asked = issue_with_the_action(verified_admin, second_admin, confirm=False)
    assert asked.context["rows"] == [(second_admin, True)]


def test_an_admin_never_issues_a_code_for_their_own_account(verified_admin, province_admin):
    response = issue_with_the_action(verified_admin, province_admin)
    assert response.status_code == 302  # back to the list, with a warning
    assert not SecondFactorEnrolment.objects.exists()


@pytest.mark.parametrize("persona", ["district_staff", "party_viewer"])
def test_only_provincial_admins_issue_codes(client, request, persona, second_admin):
    client.force_login(request.getfixturevalue(persona))
    response = issue_with_the_action(client, second_admin)
    assert response.status_code == 403
    assert not SecondFactorEnrolment.objects.exists()


def test_the_user_pages_show_who_has_a_second_factor(verified_admin, second_admin):
    page = reverse("admin:auth_user_change", args=[second_admin.pk])
    off = second_factor_state(second_admin)  # off, and how to issue a code
    assert off in verified_admin.get(page).text
    issue_enrolment(user=second_admin)
    waiting = second_factor_state(second_admin)  # a code is waiting, until when
    assert waiting != off and waiting in verified_admin.get(page).text
    listing = verified_admin.get(USERS)
    states = {user.username: user.has_second_factor for user in listing.context["cl"].result_list}
    assert states == {"tinh_admin": True, "pho_chanh_vp": False}


# --- On the server: the first admin's code ------------------------------------------------------


def test_create_staff_issues_a_code_for_the_first_admin(capsys):
    call_command(
        "create_staff",
        "admin_tinh",
        "--role",
        access.PROVINCE_ADMIN,
        "--password",
        "Mat-khau-ban-dau-2024!",
        "--issue-otp-code",
    )
    out = capsys.readouterr().out
    assert "admin_tinh" in out
    code = re.search(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}\b", out)[0]
    user = SecondFactorEnrolment.objects.get().user
    assert check_code(user=user, code=code) is not None


def test_create_staff_without_the_option_issues_nothing():
    call_command(
        "create_staff",
        "admin_tinh",
        "--role",
        access.PROVINCE_ADMIN,
        "--password",
        "Mat-khau-ban-dau-2024!",
    )
    assert not SecondFactorEnrolment.objects.exists()
