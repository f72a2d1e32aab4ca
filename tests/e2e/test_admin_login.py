"""A person signs in to the Vietnamese admin and finds an enterprise by a name typed without
diacritics."""

from __future__ import annotations

from tests.factories import make_enterprise
from unions import access


def test_province_admin_signs_in_and_searches_without_diacritics(
    page, login, e2e_user, live_server
):
    make_enterprise(name="Công ty TNHH Điện tử Quang Minh", tax_code="2400123458")
    make_enterprise(name="Công ty Cổ phần May Bắc Giang")
    login(e2e_user(access.PROVINCE_ADMIN))
    assert page.locator("#user-tools").is_visible()
    page.goto(f"{live_server.url}/admin/unions/enterprise/?q=dien+tu+quang+minh")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert "Công ty TNHH Điện tử Quang Minh" in rows.first.inner_text()
    assert "2400123458" in rows.first.inner_text()


def test_wrong_password_is_refused_in_vietnamese(page, live_server, e2e_user):
    user = e2e_user(access.DISTRICT_STAFF, district_code="213")
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", "not-the-password")
    page.click("input[type=submit]")
    assert page.locator(".errornote").is_visible()
    assert "/admin/login/" in page.url
