"""A person imports an enterprise list in the browser: upload, preview, confirm, history."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import factories
from tests.imports_web.files import enterprise_file
from unions import access
from unions.importing import uploads
from unions.models import Enterprise, ImportBatch

SAMPLE = Path(__file__).resolve().parents[3] / "shared" / "samples" / "enterprises_sample.xlsx"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


def upload_and_preview(page, live_server, path: Path) -> None:
    page.goto(f"{live_server.url}/imports/")
    page.click('[data-testid="new-enterprises"]')
    page.set_input_files("#id_file", str(path))
    page.click('[data-testid="upload-submit"]')
    page.wait_for_selector('[data-testid="preview-counts"]')


def test_province_admin_imports_the_sample_and_finds_it_in_the_history(
    page, login, e2e_user, live_server, screenshot
):
    if not SAMPLE.is_file():
        pytest.skip(f"sample file not found at {SAMPLE}")
    login(e2e_user(access.PROVINCE_ADMIN))
    upload_and_preview(page, live_server, SAMPLE)
    assert page.inner_text('[data-testid="count-created"]') == "120"
    assert page.inner_text('[data-testid="count-errors"]') == "0"
    assert "STT" in page.inner_text('[data-testid="ignored-columns"]')
    screenshot("import-preview")
    assert Enterprise.objects.count() == 0

    page.click('[data-testid="confirm"]')
    page.wait_for_selector('[data-testid="batch-counts"]')
    assert page.get_attribute('[data-testid="outcome"]', "data-outcome") == "succeeded"
    assert Enterprise.objects.count() == 120

    page.click('[data-testid="nav-imports"]')
    rows = page.locator('[data-testid="batch-row"]')
    assert rows.count() == 1
    assert "enterprises_sample.xlsx" in rows.first.inner_text()
    screenshot("import-history")


def test_district_staff_previews_errors_and_downloads_them(
    page, login, e2e_user, live_server, tmp_path
):
    path = tmp_path / "ds_213.xlsx"
    district = factories.district("213").name
    path.write_bytes(enterprise_file(3, extra=[[9, "24000000", "Công ty Mã Ngắn", district, 5]]))
    login(e2e_user(access.DISTRICT_STAFF, district_code="213"))
    upload_and_preview(page, live_server, path)
    assert page.inner_text('[data-testid="count-created"]') == "3"
    assert page.inner_text('[data-testid="count-invalid"]') == "1"
    assert page.locator('[data-testid="error-list"] tbody tr').count() == 1
    with page.expect_download() as download:
        page.click('[data-testid="error-download"]')
    assert download.value.suggested_filename == "ds_213-loi.xlsx"

    page.check("#id_skip_errors")
    page.click('[data-testid="confirm"]')
    page.wait_for_selector('[data-testid="batch-counts"]')
    assert page.get_attribute('[data-testid="outcome"]', "data-outcome") == "partial"
    assert Enterprise.objects.count() == 3


def test_the_progress_bar_follows_a_background_import(page, login, e2e_user, live_server, tmp_path):
    user = e2e_user(access.DISTRICT_STAFF, district_code="213")
    path = tmp_path / "ds.xlsx"
    path.write_bytes(enterprise_file(2))
    login(user)
    upload_and_preview(page, live_server, path)
    batch = ImportBatch.objects.get()
    # As the worker would: the import is claimed and a quarter of the rows are done.
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)
    uploads.write_progress(batch.stored_file, state="running", rows=250, total=1000)
    page.goto(f"{live_server.url}/imports/{batch.pk}/preview/")
    bar = page.locator("#import-progress-bar")
    page.wait_for_function("() => document.getElementById('import-progress-bar').value === 25")
    assert "250" in page.inner_text("#import-progress-text")

    uploads.write_progress(batch.stored_file, state="running", rows=750, total=1000)
    page.wait_for_function("() => document.getElementById('import-progress-bar').value === 75")
    assert bar.is_visible()
    # The worker finishes: the page moves on by itself to the preview.
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.WAITING)
    page.wait_for_selector('[data-testid="preview-counts"]')
