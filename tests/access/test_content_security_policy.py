"""The Content-Security-Policy: enforced on every page, and no page needs an exception to it.

The policy allows scripts and styles from the site's own files only, so a template must carry no
inline <script> (JSON data in <script type="application/json"> is not run, so it may), no inline
event handler (onclick=), no javascript: link and no style= attribute. The crawl opens, as a
provincial admin, the admin's every changelist, add, change and history page, the dashboards,
the import screens with a previewed upload, and the account pages; tests/e2e checks the same
pages in Chromium, where any refusal fails the test.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from tests.access.pages import PAGES
from tests.imports_web.files import enterprise_file, upload

pytestmark = pytest.mark.django_db

POLICY_HEADER = "Content-Security-Policy"


class InlineCodeFinder(HTMLParser):
    """Collects what a strict CSP would refuse to run or apply in a page."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not values.get("src") and values.get("type") != "application/json":
            self.found.append(f"inline <script {values}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            elif name == "style":
                self.found.append(f"<{tag} style={value!r}>")
            elif name in {"href", "src", "action"} and (value or "").strip().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}={value!r}>")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found


def directives(response) -> dict[str, set[str]]:
    policy = response[POLICY_HEADER]
    parsed = {}
    for directive in policy.split(";"):
        name, *sources = directive.split()
        parsed[name] = set(sources)
    return parsed


def assert_enforced(response, url: str) -> None:
    assert POLICY_HEADER in response, f"{url} has no {POLICY_HEADER} header"
    policy = directives(response)
    assert policy["script-src"] == {"'self'"}, url
    assert policy["style-src"] == {"'self'"}, url
    assert policy["default-src"] == {"'self'"}, url
    assert policy["object-src"] == {"'none'"} and policy["frame-ancestors"] == {"'none'"}, url


def is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def test_the_policy_is_enforced_not_only_reported(client):
    response = client.get(reverse("admin:login"))
    assert_enforced(response, "login")
    assert "Content-Security-Policy-Report-Only" not in response


@pytest.mark.parametrize(
    "path", ["/admin/login/", "/no-such-page/", "/dashboard/"], ids=["login", "404", "redirect"]
)
def test_anonymous_answers_carry_the_policy_too(client, path):
    assert_enforced(client.get(path), path)


def admin_pages(admin_request) -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change"), reverse("admin:otp_setup")]
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        urls.append(reverse(f"{prefix}_changelist"))
        if model_admin.has_add_permission(admin_request):
            urls.append(reverse(f"{prefix}_add"))
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls.append(reverse(f"{prefix}_change", args=[row.pk]))
            urls.append(reverse(f"{prefix}_history", args=[row.pk]))
        urls.append(reverse("admin:app_list", args=[opts.app_label]))
    return urls


def project_pages(world) -> list[str]:
    urls = []
    own = world["own"]
    for page in PAGES:
        try:
            url = reverse(page.url_name, kwargs=page.url_kwargs(own))
        except NoReverseMatch:
            continue
        urls.append(f"{url}?{page.query}" if page.query else url)
    return urls


def test_no_page_a_provincial_admin_opens_has_inline_script_or_style(
    client, world, province_admin, request_as, settings, tmp_path
):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"  # never the project's var/
    client.force_login(province_admin)
    preview = upload(client, enterprise_file(2))
    assert preview.status_code == 302
    urls = [
        *admin_pages(request_as(province_admin)),
        *project_pages(world),
        reverse("unions:import_list"),
        reverse("unions:import_upload", args=["enterprises"]),
        preview["Location"],
    ]
    checked = 0
    for url in dict.fromkeys(urls):
        response = client.get(url, follow=True)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert_enforced(response, url)
        if not is_html(response):
            continue  # a spreadsheet or JSON document
        found = inline_code(response.content.decode())
        assert not found, f"{url}: {found}"
        checked += 1
    assert checked > 60  # every admin page and more, not a handful


def test_the_finder_sees_what_the_policy_would_refuse():
    html = (
        '<script>alert(1)</script><script src="/static/js/a.js"></script>'
        '<script type="application/json" id="d">{"a": 1}</script>'
        '<button onclick="go()">x</button><a href="javascript:go()">y</a>'
        '<span style="width: 5%"></span>'
    )
    assert len(inline_code(html)) == 4
