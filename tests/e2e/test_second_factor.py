"""Two-factor sign-in in the browser: a provincial admin issues a set-up code from the list of
users, and the user sets up their authenticator with it (unions.access.second_factor)."""

from __future__ import annotations

import re

from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.e2e.conftest import PASSWORD, note_csp_violation
from unions import access


def token_of(device: TOTPDevice) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def test_an_admin_issues_a_code_and_the_user_sets_up_two_factor_sign_in(
    page, browser, e2e_user, live_server, csp_violations
):
    admin = e2e_user(access.PROVINCE_ADMIN)
    admin_device = TOTPDevice.objects.create(user=admin, name="phone", confirmed=True)
    officer = e2e_user(access.DISTRICT_STAFF, district_code="213")

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", admin.username)
    page.fill("#id_password", PASSWORD)
    page.fill("#id_otp_token", token_of(admin_device))
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/auth/user/")
    page.check(f'input[name="_selected_action"][value="{officer.pk}"]')
    page.select_option('select[name="action"]', "issue_setup_codes")
    page.click('button[name="index"]')
    page.click('[data-testid="confirm-issue"]')
    code = page.inner_text('[data-testid="setup-code"]')
    assert re.fullmatch(r"[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}", code)

    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    officer_page = context.new_page()
    officer_page.on(
        "console", lambda message: note_csp_violation(message, officer_page.url, csp_violations)
    )
    officer_page.goto(f"{live_server.url}/admin/login/")
    officer_page.fill("#id_username", officer.username)
    officer_page.fill("#id_password", PASSWORD)
    officer_page.click("input[type=submit]")
    officer_page.goto(f"{live_server.url}/admin/two-factor/")
    assert officer_page.locator('[data-testid="otp-secret"]').count() == 0
    officer_page.fill("#id_code", code.lower())
    officer_page.click("input[type=submit]")
    assert officer_page.locator('[data-testid="otp-secret"]').is_visible()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    officer_page.fill("#id_token", token_of(device))
    officer_page.click("input[type=submit]")
    officer_page.wait_for_selector(".messagelist .success")
    assert TOTPDevice.objects.get(user=officer).confirmed
    context.close()
