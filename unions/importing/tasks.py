"""Running an uploaded import: its preview (a dry run) and its confirmed run.

One `ImportBatch` row follows an upload from start to end, as the engine's web flow intends
(`unions.importing`, `batch=`): created here at upload (outcome "pending", `dry_run`, with the
stored file), filled in by the engine's dry run (counts, `report`), then turned by the real run
into the record of the import (outcome "imported", "refused", ...; `dry_run` False). The
uploaded file is deleted once the real run is over, or when the upload is cancelled or expires.

The views call `start`, which runs a step in the request, or for files over
`settings.IMPORT_BACKGROUND_ROWS` rows enqueues `process_upload` for the django-tasks-db worker
(`manage.py db_worker`). Both paths run the same functions. `in_progress` names the step being
run, so a second click does nothing and the page shows progress; the engine reports rows done
through its `progress` callback into a sidecar file (see `unions.importing.uploads` for why a file).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Q
from django_tasks import TaskResultStatus, task

from unions import importing
from unions.access import access_for
from unions.importing import uploads
from unions.importing.models import ImportBatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

PREVIEW = "preview"
IMPORT = "import"
# How many rows the preview describes old → new.
CHANGES_SHOWN = 50

Outcome = ImportBatch.Outcome


def specs() -> dict[str, Any]:
    """The kinds of import on offer, in `ImportBatch.Kind` order: those with a registered spec
    (members and referrals appear once the referrals app registers theirs)."""
    registry = importing.specs()
    return {kind: registry[kind] for kind in ImportBatch.Kind.values if kind in registry}


def new_upload(
    *, kind: str, uploaded: UploadedFile, user: AbstractBaseUser, skip_errors: bool
) -> ImportBatch:
    """Store an uploaded file out of the web root and record it as a pending batch."""
    stored = uploads.store_upload(uploaded)
    access = access_for(user)
    try:
        return ImportBatch.objects.create(
            kind=kind,
            file_name=(uploaded.name or "")[:255],
            sha256=stored.sha256,
            user=user,
            district_id=access.district_id,
            upper_union_id=access.upper_union_id,
            outcome=Outcome.PENDING,
            dry_run=True,
            skip_errors=skip_errors,
            stored_file=stored.name,
            total_rows=uploads.count_rows(uploads.stored_path(stored.name)),
        )
    except BaseException:
        uploads.discard(stored.name)
        raise


def is_background(upload: ImportBatch) -> bool:
    return upload.total_rows > settings.IMPORT_BACKGROUND_ROWS


def claim(upload: ImportBatch, step: str) -> bool:
    """Mark a step as running on an idle upload, once; False if it is busy, done or gone.

    A preview may run again on an idle upload (another sheet, or after a crash); the import
    only after a preview that found the file readable.
    """
    idle = (
        Q(pk=upload.pk, dry_run=True, in_progress="")
        & ~Q(stored_file="")
        & Q(outcome__in=[Outcome.PENDING, Outcome.FILE_ERROR])
    )
    if step == IMPORT:
        idle &= Q(outcome=Outcome.PENDING, finished_at__isnull=False)
    claimed = ImportBatch.objects.filter(idle).update(in_progress=step, task_id="")
    upload.refresh_from_db()
    return bool(claimed)


def start(upload: ImportBatch, step: str) -> None:
    """Run a claimed step now, or hand it to the worker for a long file."""
    if not is_background(upload):
        run_step(upload, step)
        return
    uploads.write_progress(upload.stored_file, state="queued", rows=0, total=upload.total_rows)
    # Views run in autocommit: the claim is committed, so the worker finds the upload taken.
    result = process_upload.enqueue(upload.pk, step)
    ImportBatch.objects.filter(pk=upload.pk, in_progress=step).update(task_id=str(result.id))


@task()
def process_upload(batch_id: int, step: str) -> None:
    """The worker's entry point."""
    upload = ImportBatch.objects.select_related("user").filter(pk=batch_id).first()
    if upload is None or upload.in_progress != step or not upload.stored_file:
        return  # cancelled or expired meanwhile
    run_step(upload, step)


def run_step(upload: ImportBatch, step: str) -> None:
    """The preview or the real run of an upload, with its uploader's scope.

    An unexpected crash leaves the upload idle and marked, for the page to say so; the domain
    rows are safe, since the engine writes in one transaction.
    """
    name = upload.stored_file
    path = uploads.stored_path(name)

    def progress(done: int, total: int | None) -> None:
        uploads.write_progress(name, state="running", rows=done, total=total or upload.total_rows)

    progress(0, None)
    try:
        importing.run_import(
            spec=upload.kind,
            path=path,
            user=upload.user,
            dry_run=step == PREVIEW,
            skip_errors=upload.skip_errors,
            sheet=upload.sheet or None,
            file_name=upload.file_name,
            batch=upload,
            changes_limit=CHANGES_SHOWN if step == PREVIEW else 0,
            progress=progress,
        )
    except Exception:
        logger.exception("The %s of import upload %s failed", step, upload.pk)
        ImportBatch.objects.filter(pk=upload.pk).update(
            in_progress="",
            dry_run=True,
            outcome=Outcome.PENDING,
            finished_at=None,
            report={"failure": step},
        )
        uploads.write_progress(name, state="failed")
        raise
    if step == IMPORT:
        # The row first: a status poll in between must not find the progress record gone.
        ImportBatch.objects.filter(pk=upload.pk).update(in_progress="", stored_file="")
        uploads.discard(name)
    else:
        ImportBatch.objects.filter(pk=upload.pk).update(in_progress="")
        uploads.write_progress(name, state="done")
    upload.refresh_from_db()


def task_crashed(upload: ImportBatch) -> bool:
    """Whether the worker recorded the upload's task as failed while the upload still says it
    is running (a worker killed mid-run): the page then stops waiting."""
    if not upload.task_id:
        return False
    try:
        return process_upload.get_result(upload.task_id).status == TaskResultStatus.FAILED
    except Exception:  # noqa: BLE001 - a backend without stored results (tests) knows nothing
        return False


def release(upload: ImportBatch) -> None:
    """Give up on a crashed step: the upload becomes idle again, with the failure noted."""
    ImportBatch.objects.filter(pk=upload.pk, in_progress=upload.in_progress).update(
        in_progress="",
        dry_run=True,
        outcome=Outcome.PENDING,
        finished_at=None,
        report={"failure": upload.in_progress},
    )
    upload.refresh_from_db()
