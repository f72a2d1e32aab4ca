"""Browser tests: Playwright driving Debian's Chromium against the live test server.

Nothing is downloaded: the browser is /usr/bin/chromium from apt. Without it the tests skip with
a reason, unless REQUIRE_BROWSER is set (as in CI), where a missing browser fails the run.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import factories
from unions.organisations.loading import load_province

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
PASSWORD = "secret-pass-123"

# Playwright's sync API runs an event loop in this thread; the test body's ORM calls are still
# synchronous and safe, so Django's async guard is lifted for these tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install -y chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(reason + "; REQUIRE_BROWSER is set", pytrace=False)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def units(transactional_db):
    """The live server's tests flush the database after each test, so units load each time."""
    load_province("24")


@pytest.fixture
def csp_violations():
    """What the browser refused under the Content-Security-Policy during the test."""
    return []


@pytest.fixture
def page(browser, live_server, units, csp_violations):
    """A browser tab; any script, style or other resource the CSP blocks fails the test."""
    context = browser.new_context(
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        accept_downloads=True,
        viewport={"width": 1400, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.on("console", lambda message: note_csp_violation(message, page.url, csp_violations))
    yield page
    context.close()
    assert not csp_violations, "\n".join(csp_violations)


def note_csp_violation(message, url: str, violations: list[str]) -> None:
    # Chromium reports each refusal as a console error naming the Content Security Policy.
    if message.type == "error" and "Content Security Policy" in message.text:
        violations.append(f"{url}: {message.text}")


@pytest.fixture
def login(page, live_server):
    def login_as(user):
        page.goto(f"{live_server.url}/admin/login/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_load_state()
        return page

    return login_as


@pytest.fixture
def screenshot(page):
    def save(name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def e2e_user(units):
    def make(role, **scope):
        return factories.make_user(role, password=PASSWORD, **scope)

    return make
