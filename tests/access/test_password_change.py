"""The password-change form limits guesses of the current password (unions.web.password_change)."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from unions.access.account_models import PasswordChangeFailures

pytestmark = pytest.mark.django_db

PASSWORD = "secret-pass-123"  # tests.factories.make_user's
NEW_PASSWORD = "Mat-khau-moi-2024!"
START = datetime.datetime(2024, 5, 6, 8, 0, tzinfo=datetime.UTC)
URL = reverse("admin:password_change")


def change(client, old: str, new: str = NEW_PASSWORD):
    return client.post(URL, {"old_password": old, "new_password1": new, "new_password2": new})


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


@pytest.fixture
def staff_client(district_staff):
    client = Client()
    client.force_login(district_staff)
    return client


def test_the_limits_are_the_documented_numbers():
    assert settings.PASSWORD_CHANGE_FAILURE_LIMIT == 5
    assert settings.PASSWORD_CHANGE_COOLOFF_MINUTES == 15


def test_the_right_current_password_changes_it(staff_client, district_staff):
    response = change(staff_client, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:password_change_done")
    district_staff.refresh_from_db()
    assert district_staff.check_password(NEW_PASSWORD)


def test_a_wrong_current_password_is_refused_and_says_how_many_tries_are_left(
    staff_client, district_staff
):
    response = change(staff_client, "wrong")
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("old_password", "password_incorrect")
    assert "4" in " ".join(form.errors["old_password"])
    district_staff.refresh_from_db()
    assert district_staff.check_password(PASSWORD)
    assert PasswordChangeFailures.objects.get(user=district_staff).count == 1


def test_five_wrong_current_passwords_sign_out_and_close_the_form_for_the_cool_off(
    staff_client, district_staff
):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            assert change(staff_client, "wrong").status_code == 200
        fifth = change(staff_client, "wrong")
        assert fifth.status_code == 302
        assert fifth["Location"].startswith(reverse("admin:login"))
        # The sign-in page says why, in Vietnamese.
        login_page = staff_client.get(fifth["Location"])
        notices = [str(message) for message in get_messages(login_page.wsgi_request)]
        assert len(notices) == 1 and "15" in notices[0]
        assert notices[0] in login_page.content.decode()
        assert "đăng xuất" in notices[0]
        assert not signed_in(staff_client)

        # Another session of the same user (or the thief signing in again) finds it closed,
        # even with the right current password.
        other = Client()
        other.force_login(district_staff)
        refused = change(other, PASSWORD)
        assert refused.status_code == 200
        assert refused.context["form"].has_error("old_password", "locked")
        district_staff.refresh_from_db()
        assert district_staff.check_password(PASSWORD)

        traveller.shift(datetime.timedelta(minutes=14))
        assert change(other, PASSWORD).context["form"].has_error("old_password", "locked")

        traveller.shift(datetime.timedelta(minutes=2))
        assert change(other, PASSWORD).status_code == 302
        district_staff.refresh_from_db()
        assert district_staff.check_password(NEW_PASSWORD)
        assert not PasswordChangeFailures.objects.filter(user=district_staff).exists()


def test_four_wrong_then_the_right_one_changes_it_and_clears_the_count(
    staff_client, district_staff
):
    for _ in range(4):
        change(staff_client, "wrong")
    assert change(staff_client, PASSWORD).status_code == 302
    assert not PasswordChangeFailures.objects.filter(user=district_staff).exists()


def test_wrong_passwords_older_than_the_cool_off_are_forgotten(staff_client, district_staff):
    with time_machine.travel(START, tick=False) as traveller:
        for _ in range(4):
            change(staff_client, "wrong")
        traveller.shift(datetime.timedelta(minutes=16))
        # Counted from one again: the form stays open, and the user stays signed in.
        assert change(staff_client, "wrong").status_code == 200
        assert PasswordChangeFailures.objects.get(user=district_staff).count == 1
        assert signed_in(staff_client)


def test_the_count_is_per_user(staff_client, other_district_staff):
    for _ in range(5):
        change(staff_client, "wrong")
    colleague = Client()
    colleague.force_login(other_district_staff)
    assert change(colleague, PASSWORD).status_code == 302


def test_a_party_viewer_may_change_their_own_password_too(party_viewer):
    client = Client()
    client.force_login(party_viewer)
    assert change(client, PASSWORD).status_code == 302
