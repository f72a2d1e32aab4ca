"""Files over IMPORT_BACKGROUND_ROWS rows run as a django-tasks task, with a progress page."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django_tasks.signals import task_enqueued

from tests.imports_web.files import enterprise_file, upload
from unions.importing import tasks, uploads
from unions.models import Enterprise, ImportBatch

pytestmark = pytest.mark.django_db


@pytest.fixture
def enqueued():
    """The tasks enqueued during a test, by function name and arguments."""
    seen = []

    def record(sender, task_result, **kwargs):
        seen.append((task_result.task.name, list(task_result.args)))

    task_enqueued.connect(record)
    yield seen
    task_enqueued.disconnect(record)


def test_a_long_file_is_previewed_and_imported_by_the_worker(
    client, district_staff, settings, enqueued
):
    settings.IMPORT_BACKGROUND_ROWS = 5
    client.force_login(district_staff)
    upload(client, enterprise_file(8))
    batch = ImportBatch.objects.get()
    assert batch.total_rows > 5
    assert enqueued == [("process_upload", [batch.pk, "preview"])]
    # The immediate backend ran the task at once: the preview is ready.
    assert (batch.state, batch.created) == ("waiting", 8)
    assert uploads.read_progress(batch.stored_file)["state"] == "done"

    response = client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert enqueued[1] == ("process_upload", [batch.pk, "import"])
    assert response["Location"] == reverse("unions:import_detail", args=[batch.pk])
    assert Enterprise.objects.count() == 8


def test_a_short_file_runs_in_the_request(client, district_staff, settings, enqueued):
    settings.IMPORT_BACKGROUND_ROWS = 5_000
    client.force_login(district_staff)
    upload(client, enterprise_file(3))
    assert enqueued == []
    assert ImportBatch.objects.get().created == 3


def running(batch: ImportBatch, step: str, rows: int, total: int) -> None:
    """As the worker leaves an upload mid-step."""
    ImportBatch.objects.filter(pk=batch.pk).update(state=tasks.STEP_STATES[step])
    uploads.write_progress(batch.stored_file, state="running", rows=rows, total=total)


def test_the_progress_page_and_status_follow_a_running_task(client, district_staff):
    client.force_login(district_staff)
    upload(client, enterprise_file(3))
    batch = ImportBatch.objects.get()
    running(batch, tasks.IMPORT, rows=2000, total=8000)

    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.status_code == 200
    assert page.templates[0].name == "unions/import_progress.html"
    assert b'<meta http-equiv="refresh"' in page.content  # inside <noscript>
    assert b"js/import_progress.js" in page.content
    assert b'value="25"' in page.content

    status = client.get(reverse("unions:import_status", args=[batch.pk]))
    assert status["Cache-Control"] == "no-store"
    assert json.loads(status.content) == {
        "state": "running",
        "step": "import",
        "rows": 2000,
        "total": 8000,
        "percent": 25,
        "writing": False,
        "next": reverse("unions:import_preview", args=[batch.pk]),
    }
    # The batch page sends its uploader to the progress too.
    detail = client.get(reverse("unions:import_detail", args=[batch.pk]))
    assert detail["Location"] == reverse("unions:import_preview", args=[batch.pk])
    # Busy: neither a second confirm nor a cancel touches it.
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    client.post(reverse("unions:import_cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.RUNNING
    assert Enterprise.objects.count() == 0

    running(batch, tasks.IMPORT, rows=8000, total=8000)
    status = json.loads(client.get(reverse("unions:import_status", args=[batch.pk])).content)
    assert (status["percent"], status["writing"]) == (99, True)


def test_status_sends_the_page_on_when_the_task_is_over(client, district_staff):
    client.force_login(district_staff)
    upload(client, enterprise_file(3))
    batch = ImportBatch.objects.get()
    status_url = reverse("unions:import_status", args=[batch.pk])
    assert json.loads(client.get(status_url).content)["state"] == "ready"
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert json.loads(client.get(status_url).content) == {
        "state": "done",
        "next": reverse("unions:import_detail", args=[batch.pk]),
    }


def test_a_queued_task_says_it_waits_for_the_worker(client, district_staff):
    client.force_login(district_staff)
    upload(client, enterprise_file(3))
    batch = ImportBatch.objects.get()
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.PREVIEWING)
    uploads.write_progress(batch.stored_file, state="queued", rows=0, total=3)
    status = json.loads(client.get(reverse("unions:import_status", args=[batch.pk])).content)
    assert (status["state"], status["percent"]) == ("queued", 0)


def test_a_task_crashing_in_the_worker_leaves_the_upload_retryable(
    client, district_staff, settings, monkeypatch
):
    settings.IMPORT_BACKGROUND_ROWS = 1
    client.force_login(district_staff)

    def crash(**kwargs):
        raise RuntimeError("worker died")

    monkeypatch.setattr(tasks.importing, "run_import", crash)
    upload(client, enterprise_file(3))
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.report) == ("failed", {"failure": "preview"})
    status = json.loads(client.get(reverse("unions:import_status", args=[batch.pk])).content)
    assert status["state"] == "failed"
