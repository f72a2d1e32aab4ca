"""The admin's own scripts still work under the Content-Security-Policy (no inline script, no
inline style): autocomplete, the date shortcuts, the two-box group chooser and the inlines.

The `page` fixture fails any test during which the browser refused something under the CSP, so
opening these pages is itself the check that the policy and the admin agree.
"""

from __future__ import annotations

from tests.factories import make_enterprise, make_union
from unions import access


def test_admin_forms_work_under_the_content_security_policy(page, login, e2e_user, live_server):
    enterprise = make_enterprise(name="Công ty TNHH Điện tử Quang Minh", district="213")
    make_union(enterprise)
    admin = e2e_user(access.PROVINCE_ADMIN)
    login(admin)

    # Autocomplete (select2): typing finds a district.
    page.goto(f"{live_server.url}/admin/unions/enterprise/add/")
    page.click("[aria-labelledby=select2-id_district-container]")
    page.fill(".select2-search__field", "Yên Thế")
    page.wait_for_selector(".select2-results__option:has-text('Yên Thế')")

    # The calendar and "today" shortcuts next to a date field.
    page.goto(f"{live_server.url}/admin/unions/grassrootsunion/add/")
    page.click(".datetimeshortcuts a:has-text('Hôm nay')")
    assert page.input_value("#id_founded_on")

    # Django's two-box chooser of a user's groups, built by SelectFilter2.js.
    page.goto(f"{live_server.url}/admin/auth/user/{admin.pk}/change/")
    page.wait_for_selector("#id_groups_from")
    assert page.locator(".selector").count() >= 1

    # An enterprise's page with its inlines and recent changes.
    page.goto(f"{live_server.url}/admin/unions/enterprise/{enterprise.pk}/change/")
    assert page.locator('input[name="_save"]').is_visible()
