"""Login protection: lockout with a finite cool-off, the second factor, idle expiry.

The limits by address are in test_login_limits.py, setting up a device in
test_second_factor_enrolment.py.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from unions import access
from unions.access.second_factor import issue_enrolment

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.make_user's
START = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.UTC)


def sign_in(client, username: str, password: str, token: str | None = None):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    if token is not None:
        data["otp_token"] = token
    return client.post(reverse("admin:login"), data)


def current_token(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


# --- django-axes: ten wrong passwords pause the account for the cool-off, and no longer --------


def test_ten_wrong_passwords_lock_the_account_for_the_cool_off_and_no_longer(
    client, district_staff
):
    cool_off = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    assert settings.AXES_FAILURE_LIMIT == 10
    with time_machine.travel(START, tick=False) as traveller:
        for attempt in range(1, 10):
            response = sign_in(client, district_staff.username, "wrong")
            assert response.status_code == 200, attempt  # the form again, with its error
        assert sign_in(client, district_staff.username, "wrong").status_code == 429

        # The 11th attempt is refused even with the right password.
        locked = sign_in(client, district_staff.username, PASSWORD)
        assert locked.status_code == 429
        assert 'data-testid="lockout"' in locked.content.decode()
        assert not signed_in(client)

        traveller.shift(cool_off - datetime.timedelta(minutes=1))
        assert sign_in(client, district_staff.username, PASSWORD).status_code == 429

        traveller.shift(datetime.timedelta(minutes=2))
        response = sign_in(client, district_staff.username, PASSWORD)
        assert response.status_code == 302
        assert signed_in(client)


def test_the_lock_is_per_account_not_per_office(client, district_staff, other_district_staff):
    with time_machine.travel(START, tick=False):
        for _ in range(10):
            sign_in(client, district_staff.username, "wrong")
        # A colleague behind the same router still signs in.
        assert sign_in(client, other_district_staff.username, PASSWORD).status_code == 302


def test_nine_wrong_passwords_do_not_lock(client, district_staff):
    with time_machine.travel(START, tick=False):
        for _ in range(9):
            sign_in(client, district_staff.username, "wrong")
        assert sign_in(client, district_staff.username, PASSWORD).status_code == 302


# --- Optional TOTP -----------------------------------------------------------------------------


@pytest.fixture
def device(district_staff):
    return TOTPDevice.objects.create(user=district_staff, name="phone", confirmed=True)


def test_staff_without_a_device_sign_in_with_their_password_alone(client, district_staff):
    assert sign_in(client, district_staff.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_a_user_with_a_device_must_give_its_code(client, district_staff, device):
    response = sign_in(client, district_staff.username, PASSWORD)
    assert response.status_code == 200
    assert response.context["form"].has_error("__all__", "token_required")
    assert not signed_in(client)

    response = sign_in(client, district_staff.username, PASSWORD, token="000000")
    assert response.context["form"].has_error("__all__", "invalid_token")
    assert not signed_in(client)


def test_a_user_with_a_device_signs_in_with_the_right_code(client, district_staff, device):
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        # Past the throttling delay the earlier wrong code would have set.
        response = sign_in(client, district_staff.username, PASSWORD, current_token(device))
        assert response.status_code == 302
        assert signed_in(client)


def test_a_session_that_did_not_use_the_device_is_sent_back_to_sign_in(
    client, district_staff, device
):
    client.force_login(district_staff)  # a password-only session
    response = client.get(reverse("admin:unions_enterprise_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


@pytest.fixture
def otp_required(settings):
    settings.OTP_REQUIRED_FOR_PROVINCE_ADMINS = True


def test_provincial_admins_without_a_device_are_sent_to_set_one_up(
    client, province_admin, otp_required
):
    issued = issue_enrolment(user=province_admin)  # as another admin would
    with time_machine.travel(START, tick=False) as traveller:
        assert sign_in(client, province_admin.username, PASSWORD).status_code == 302
        response = client.get(reverse("admin:unions_member_changelist"))
        assert response.status_code == 302
        assert response["Location"] == reverse("admin:otp_setup")

        # The set-up page asks for the set-up code before it shows any key.
        page = client.get(reverse("admin:otp_setup"))
        assert page.status_code == 200 and "secret" not in page.context
        client.post(reverse("admin:otp_setup"), {"code": issued.code})
        page = client.get(reverse("admin:otp_setup"))
        device = TOTPDevice.objects.get(user=province_admin, confirmed=False)
        assert page.context["secret"]

        wrong = client.post(reverse("admin:otp_setup"), {"token": "000000"})
        assert wrong.status_code == 200 and wrong.context["form"].errors
        assert client.get(reverse("admin:index")).status_code == 302

        traveller.shift(datetime.timedelta(minutes=5))  # past the throttling delay
        confirmed = client.post(reverse("admin:otp_setup"), {"token": current_token(device)})
        assert confirmed.status_code == 302
        device.refresh_from_db()
        assert device.confirmed
        assert client.get(reverse("admin:unions_member_changelist")).status_code == 200


def test_the_requirement_is_for_provincial_admins_only(client, district_staff, otp_required):
    assert sign_in(client, district_staff.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_without_the_setting_provincial_admins_need_no_device(client, province_admin):
    assert not settings.OTP_REQUIRED_FOR_PROVINCE_ADMINS
    assert sign_in(client, province_admin.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_any_staff_user_given_a_set_up_code_may_turn_on_the_second_factor(client, party_viewer):
    issued = issue_enrolment(user=party_viewer)
    client.force_login(party_viewer)
    # A viewer's POSTs here are allowed: they change only their own account.
    client.post(reverse("admin:otp_setup"), {"code": issued.code})
    page = client.get(reverse("admin:otp_setup"))
    device = TOTPDevice.objects.get(user=party_viewer)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        response = client.post(reverse("admin:otp_setup"), {"token": current_token(device)})
    assert page.status_code == 200 and response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed


# --- Idle sessions expire ----------------------------------------------------------------------


def test_a_session_expires_after_the_idle_time_but_not_while_in_use(client, district_staff):
    idle = datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert settings.SESSION_SAVE_EVERY_REQUEST
    with time_machine.travel(START, tick=False) as traveller:
        client.force_login(district_staff)
        # Used every 20 minutes for an hour: still signed in.
        for _ in range(3):
            traveller.shift(idle - datetime.timedelta(minutes=10))
            assert signed_in(client)
        traveller.shift(idle + datetime.timedelta(seconds=1))
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert reverse("admin:login") in response["Location"]


def test_roles_are_unaffected_by_sign_in_state(district_staff):
    assert access.access_for(district_staff).role == access.DISTRICT_STAFF


def test_the_second_factor_rules_hold_outside_the_admin_too(
    client, province_admin, district_staff, device, otp_required
):
    dashboard = reverse("home")
    client.force_login(province_admin)
    response = client.get(dashboard)
    assert response.status_code == 302 and response["Location"] == reverse("admin:otp_setup")
    client.force_login(district_staff)  # has a device, this session never used it
    response = client.get(dashboard)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_pages_outside_the_admin_open_for_users_without_a_device(client, district_staff):
    client.force_login(district_staff)
    assert client.get(reverse("home")).status_code in {200, 302}
    assert reverse("admin:login") not in client.get(reverse("home")).get("Location", "")
