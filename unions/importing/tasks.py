"""Running an uploaded import: its preview (a dry run) and its confirmed run.

One `ImportBatch` row follows an upload from start to end through its states
(`unions.importing.models.TRANSITIONS`): created here `uploaded`, with the stored file; its
preview (a dry run, `previewing`) fills in counts and `report` and leaves it `waiting`; the
confirmed run (`running`) turns it into the record of the import (`done`, with its outcome). The
uploaded file is deleted once the real run is over, or when the upload is cancelled or expires.

The views call `claim`, which moves the upload into the step's state once (a second click finds
it taken), then `start`, which runs the step in the request, or for files over
`settings.IMPORT_BACKGROUND_ROWS` rows enqueues `process_upload` for the django-tasks-db worker
(`manage.py db_worker`). Both paths run the same functions; the engine reports rows done
through its `progress` callback into a sidecar file (see `unions.importing.uploads` for why a file).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django_tasks import TaskResultStatus, task

from unions import importing
from unions.access import access_for
from unions.importing import uploads
from unions.importing.models import STEP_OF_STATE, ImportBatch

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile

logger = logging.getLogger(__name__)

PREVIEW = "preview"
IMPORT = "import"
# How many rows the preview describes old → new.
CHANGES_SHOWN = 50

Outcome = ImportBatch.Outcome
State = ImportBatch.State
# The state a batch is in while each step runs on it.
STEP_STATES = {step: state for state, step in STEP_OF_STATE.items()}


def specs() -> dict[str, Any]:
    """The kinds of import on offer, in the order the apps registered them."""
    return importing.specs()


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
            state=State.UPLOADED,
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
    """Move an idle upload into the step's state, once; False if it is busy, done or gone.

    A preview may run again on an idle upload (another sheet, or after a fault); the import
    only after a preview that found the file readable.
    """
    if step == PREVIEW:
        claimed = ImportBatch.objects.exclude(stored_file="").move(
            upload.pk, State.PREVIEWING, task_id=""
        )
    else:
        readable = ImportBatch.objects.exclude(outcome=Outcome.FILE_ERROR).exclude(stored_file="")
        claimed = readable.move(upload.pk, State.RUNNING, task_id="")
    upload.refresh_from_db()
    return claimed


def start(upload: ImportBatch, step: str) -> None:
    """Run a claimed step now, or hand it to the worker for a long file."""
    if not is_background(upload):
        run_step(upload, step)
        return
    uploads.write_progress(upload.stored_file, state="queued", rows=0, total=upload.total_rows)
    # Views run in autocommit: the claim is committed, so the worker finds the upload taken.
    result = process_upload.enqueue(upload.pk, step)
    ImportBatch.objects.filter(pk=upload.pk, state=STEP_STATES[step]).update(task_id=str(result.id))


@task()
def process_upload(batch_id: int, step: str) -> None:
    """The worker's entry point."""
    upload = ImportBatch.objects.select_related("user").filter(pk=batch_id).first()
    if upload is None or upload.state != STEP_STATES[step] or not upload.stored_file:
        return  # cancelled or expired meanwhile
    run_step(upload, step)


def run_step(upload: ImportBatch, step: str) -> None:
    """The preview or the real run of an upload, with its uploader's scope.

    An unexpected fault leaves the upload `failed` (the engine marks it), for the page to say
    so; the domain rows are safe, since the engine writes in one transaction.
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
        # The engine marks its own failures; this covers a fault around it too.
        ImportBatch.objects.move(upload.pk, State.FAILED, report={"failure": step})
        uploads.write_progress(name, state="failed")
        raise
    if step == IMPORT:
        # The row first: a status poll in between must not find the progress record gone.
        ImportBatch.objects.filter(pk=upload.pk).update(stored_file="")
        uploads.discard(name)
    else:
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
    """Give up on a step whose task died: the upload is `failed`, with the step noted."""
    step = STEP_OF_STATE[upload.state]
    ImportBatch.objects.filter(pk=upload.pk, state=upload.state).update(
        state=State.FAILED, finished_at=None, report={"failure": step}
    )
    upload.refresh_from_db()
