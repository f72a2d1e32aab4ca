"""Production static files: collected by the manifest storage, found by every page.

The production settings use ManifestStaticFilesStorage. It refuses to collect a file that names
another one it cannot find (a script's source map), and a page whose asset is missing from its
manifest is a 500. Both are checked here with that storage, as production runs it.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

STATIC_URL_IN_PAGE = re.compile(r'(?:src|href)="/static/([^"?#]+)"')


MANIFEST_STORAGE = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}


@pytest.fixture(scope="module")
def collected_root(tmp_path_factory):
    """collectstatic with the production storage into a fresh STATIC_ROOT, once for the module."""
    root = tmp_path_factory.mktemp("static")
    with override_settings(
        STATIC_ROOT=root, STORAGES={**django_settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    ):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.fixture
def collected(settings, collected_root):
    """Pages rendered with that storage and those files, as in production."""
    settings.STATIC_ROOT = collected_root
    settings.STORAGES = {**settings.STORAGES, "staticfiles": MANIFEST_STORAGE}
    return collected_root


def assets_of(html: str) -> list[str]:
    return STATIC_URL_IN_PAGE.findall(html)


def test_collectstatic_keeps_the_chart_library_and_its_source_map(collected):
    chart_dir = collected / "vendor" / "chartjs"
    assert (chart_dir / "chart.umd.min.js.map").is_file()
    hashed = [path.name for path in chart_dir.glob("chart.umd.min.*.js")]
    assert len(hashed) == 1
    # The storage rewrote the script's reference to the map's hashed name, which it collected.
    map_name = re.search(r"sourceMappingURL=(\S+)", (chart_dir / hashed[0]).read_text())[1]
    assert map_name != "chart.umd.min.js.map" and (chart_dir / map_name).is_file()


def test_the_login_page_renders_with_the_collected_files(client, collected):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 200
    assets = assets_of(response.content.decode())
    assert any(re.fullmatch(r"admin/css/base\.[0-9a-f]{12}\.css", name) for name in assets)
    assert all((collected / name).is_file() for name in assets), assets


def test_a_dashboard_renders_with_the_collected_files(client, collected, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("referrals:dashboard"))
    assert response.status_code == 200
    assets = assets_of(response.content.decode())
    assert any(name.startswith("vendor/chartjs/chart.umd.min.") for name in assets)
    assert all((collected / name).is_file() for name in assets), assets
