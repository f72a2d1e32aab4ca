"""Uploads left unconfirmed expire: their files are deleted and their batches marked."""

from __future__ import annotations

import datetime
import os

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.imports_web.files import enterprise_file, upload
from unions.importing.uploads import purge_expired
from unions.models import ImportBatch

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 25, 9, 0, tzinfo=datetime.UTC)


def uploaded(client, user) -> ImportBatch:
    """An upload made at NOW. Sessions are idle-timed, so whoever travels in time signs in
    again there."""
    with time_machine.travel(NOW, tick=False):
        client.force_login(user)
        upload(client, enterprise_file(1))
    client.force_login(user)
    return ImportBatch.objects.get()


def test_an_upload_older_than_the_ttl_expires(client, district_staff, upload_dir, settings):
    settings.IMPORT_UPLOAD_TTL_HOURS = 24
    batch = uploaded(client, district_staff)
    stored = upload_dir / batch.stored_file

    assert purge_expired(now=NOW + datetime.timedelta(hours=23)) == 0
    assert stored.is_file()

    assert purge_expired(now=NOW + datetime.timedelta(hours=25)) == 1
    assert not stored.exists()
    batch.refresh_from_db()
    assert (batch.state, batch.stored_file) == (ImportBatch.State.EXPIRED, "")
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.status_code == 410
    assert client.post(reverse("unions:import_confirm", args=[batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.EXPIRED


def test_confirmed_batches_never_expire(client, district_staff):
    batch = uploaded(client, district_staff)
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert purge_expired(now=timezone.now() + datetime.timedelta(days=30)) == 0
    batch.refresh_from_db()
    assert batch.outcome == ImportBatch.Outcome.SUCCEEDED


def test_stray_files_older_than_the_ttl_are_removed(upload_dir, settings):
    upload_dir.mkdir(parents=True)
    stray = upload_dir / ("a" * 32 + ".xlsx")
    stray.write_bytes(b"left by a crash")
    old = (NOW - datetime.timedelta(hours=settings.IMPORT_UPLOAD_TTL_HOURS + 1)).timestamp()
    os.utime(stray, (old, old))
    fresh = upload_dir / ("b" * 32 + ".csv")
    fresh.write_bytes(b"just uploaded")
    purge_expired(now=NOW)
    assert not stray.exists()
    assert fresh.exists()


def test_uploading_purges_expired_uploads(client, district_staff, upload_dir):
    first = uploaded(client, district_staff)
    stored = upload_dir / first.stored_file
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        client.force_login(district_staff)
        upload(client, enterprise_file(1))
    assert not stored.exists()
    first.refresh_from_db()
    assert first.state == ImportBatch.State.EXPIRED


def test_the_purge_command_expires_old_uploads(client, district_staff, upload_dir):
    batch = uploaded(client, district_staff)
    with time_machine.travel(NOW + datetime.timedelta(days=2), tick=False):
        call_command("purge_import_uploads", verbosity=0)
    assert not (upload_dir / batch.stored_file).exists()
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.EXPIRED


def test_an_import_left_running_by_a_killed_worker_expires(client, district_staff, upload_dir):
    batch = uploaded(client, district_staff)
    ImportBatch.objects.filter(pk=batch.pk).update(state=ImportBatch.State.RUNNING)
    assert purge_expired(now=NOW + datetime.timedelta(days=2)) == 1
    batch.refresh_from_db()
    assert (batch.state, batch.stored_file) == ("expired", "")
    assert not any(upload_dir.iterdir())
