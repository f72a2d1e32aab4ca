"""Sign-in limits by username and address together, and by address alone (unions.web.login_limits).

The numbers are the settings' defaults: 10 wrong passwords per (username, address) pair, 30 per
address whatever the usernames, each counted within the 15-minute cool-off.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse

from tests import factories
from unions import access
from unions.web.login_limits import client_ip_address

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.make_user's
START = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.UTC)
OFFICE = "198.51.100.7"  # a district office's one public address
STRANGER = "203.0.113.9"


def sign_in(client, username: str, password: str, address: str):
    data = {"username": username, "password": password, "next": reverse("admin:index")}
    return client.post(reverse("admin:login"), data, REMOTE_ADDR=address)


def lockout_text(response) -> str:
    assert response.status_code == 429
    return response.content.decode()


def test_the_defaults_are_the_documented_numbers():
    assert settings.AXES_FAILURE_LIMIT == 10
    assert settings.AXES_ADDRESS_FAILURE_LIMIT == 30
    assert settings.AXES_COOLOFF_TIME == 0.25
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_ten_wrong_passwords_lock_the_pair_but_not_the_account_elsewhere(
    client, district_staff, client_factory
):
    with time_machine.travel(START, tick=False):
        for _ in range(9):
            assert sign_in(client, district_staff.username, "wrong", OFFICE).status_code == 200
        assert sign_in(client, district_staff.username, "wrong", OFFICE).status_code == 429
        # Locked at that address, even with the right password...
        refused = sign_in(client, district_staff.username, PASSWORD, OFFICE)
        assert 'data-testid="lockout"' in lockout_text(refused)
        assert "data-by-address" not in refused.content.decode()
        # ...while the same person signs in from another address (home, a phone).
        home = sign_in(client_factory(), district_staff.username, PASSWORD, "192.0.2.44")
        assert home.status_code == 302


def test_a_stranger_cannot_lock_the_provincial_admin_out_of_their_office(
    client, province_admin, client_factory
):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(25):  # under the address limit, far over the pair's
            sign_in(client, province_admin.username, "guess", STRANGER)
            traveller.shift(datetime.timedelta(seconds=5))
        assert sign_in(client, province_admin.username, PASSWORD, STRANGER).status_code == 429
        office = client_factory()
        assert sign_in(office, province_admin.username, PASSWORD, OFFICE).status_code == 302


def test_fifteen_usernames_sprayed_from_one_address_are_throttled(
    client, district_staff, client_factory
):
    usernames = [f"canbo{n:02d}" for n in range(14)] + [district_staff.username]
    answers = []
    with time_machine.travel(START, tick=False) as traveller:
        for password in ("123456", "matkhau1"):  # two common passwords on each of 15 accounts
            for username in usernames:
                answers.append(sign_in(client, username, password, STRANGER).status_code)
                traveller.shift(datetime.timedelta(seconds=2))
        # No pair reached 10, but the address reached 30: its last try was refused...
        assert answers[:29] == [200] * 29 and answers[29] == 429
        # ...and from there every account is refused, even with its right password.
        refused = sign_in(client, district_staff.username, PASSWORD, STRANGER)
        assert "data-by-address" in lockout_text(refused)
        # Other addresses are not affected.
        office = client_factory()
        assert sign_in(office, district_staff.username, PASSWORD, OFFICE).status_code == 302

        traveller.shift(datetime.timedelta(hours=settings.AXES_COOLOFF_TIME, minutes=1))
        again = client_factory()
        assert sign_in(again, district_staff.username, PASSWORD, STRANGER).status_code == 302


def test_one_persons_typos_never_throttle_their_office(client, client_factory):
    typist = factories.make_user(access.DISTRICT_STAFF, username="go_nham", district_code="213")
    colleague = factories.make_user(
        access.DISTRICT_STAFF, username="dong_nghiep", district_code="213"
    )
    with time_machine.travel(START, tick=False):
        for _ in range(40):  # locked after 10; the tries while locked are not counted
            sign_in(client, typist.username, "wrong", OFFICE)
        for _ in range(9):  # a colleague's bad morning too
            sign_in(client_factory(), colleague.username, "wrong", OFFICE)
        assert sign_in(client_factory(), colleague.username, PASSWORD, OFFICE).status_code == 302


def test_a_successful_sign_in_clears_its_failures_from_the_address_count(client, client_factory):
    users = [
        factories.make_user(access.DISTRICT_STAFF, username=f"nv{n}", district_code="213")
        for n in range(4)
    ]
    with time_machine.travel(START, tick=False):
        for user in users:  # each mistypes 9 times, then gets it right: 36 failures in all
            for _ in range(9):
                sign_in(client_factory(), user.username, "wrong", OFFICE)
            assert sign_in(client_factory(), user.username, PASSWORD, OFFICE).status_code == 302


# --- The client's address behind the proxy ---------------------------------------------------


def request_with(**meta):
    return RequestFactory().post("/admin/login/", **meta)


def test_without_a_proxy_header_the_connection_address_counts(settings):
    settings.CLIENT_IP_HEADER = ""
    request = request_with(REMOTE_ADDR="10.1.2.3", HTTP_X_REAL_IP="192.0.2.1")
    assert client_ip_address(request) == "10.1.2.3"


def test_behind_the_proxy_its_header_gives_the_client_address(settings):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    request = request_with(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="192.0.2.1")
    assert client_ip_address(request) == "192.0.2.1"


@pytest.mark.parametrize("value", ["", "not-an-address", "192.0.2.1, 10.0.0.1"])
def test_a_missing_or_malformed_header_falls_back_to_the_connection(settings, value):
    settings.CLIENT_IP_HEADER = "X-Real-IP"
    request = request_with(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=value)
    assert client_ip_address(request) == "127.0.0.1"


def test_production_reads_the_address_nginx_sets(production_settings):
    assert production_settings.CLIENT_IP_HEADER == "X-Real-IP"


@pytest.fixture
def client_factory():
    """A fresh browser: another session, as another person or place would have."""
    from django.test import Client

    return Client
