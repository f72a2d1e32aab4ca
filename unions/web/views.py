"""Import screens (IMPORT.md, "Outcome"): upload, preview, confirm, progress, history, error
download and template files, for staff within their scope.

Who may use them: provincial admins, district staff and zone-union staff (`Access.can_write`).
Party viewers never import, and the history of imports (file names, who imported what) is a
working tool of the union staff, so every import URL is 403 for them, reads included. Batches
outside the user's scope are 404. An upload waiting for confirmation belongs to its uploader:
another user, even in the same district, gets 404 on its preview, confirm and cancel.
"""

from __future__ import annotations

from functools import wraps
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from unions import importing
from unions.access import access_for
from unions.importing import tasks, template_files, uploads
from unions.importing.models import UPLOADS, ImportBatch
from unions.web.forms import ConfirmForm, SheetForm, UploadForm

if TYPE_CHECKING:
    from django.http import HttpRequest


Outcome = ImportBatch.Outcome
State = ImportBatch.State
HISTORY_PAGE_SIZE = 25
# How many errors and warnings a page lists; the error download holds every erroneous row.
SHOWN_ENTRIES = 50
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def import_staff(view):
    """Signed in (else the admin's login page) and allowed to write (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not access_for(request.user).can_write:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapped


def _kind_or_404(kind: str):
    specs = tasks.specs()
    if kind not in specs:
        raise Http404
    return specs[kind]


def _batch_or_404(request: HttpRequest, pk: int) -> ImportBatch:
    """A batch in the user's scope; an upload still waiting only for its uploader."""
    batch = get_object_or_404(
        ImportBatch.objects.reports_for(request.user).select_related("user"), pk=pk
    )
    if batch.is_upload and batch.user_id != request.user.pk:
        raise Http404  # an upload's own flow (preview, confirm, cancel) is its uploader's
    return batch


def _kinds() -> list[tuple[str, str]]:
    return [(kind, spec.label) for kind, spec in tasks.specs().items()]


# History and batch pages ----------------------------------------------------------------------


@require_GET
@import_staff
def import_list(request: HttpRequest) -> HttpResponse:
    """The history of real runs in the user's scope, and the user's uploads still waiting."""
    scoped = ImportBatch.objects.for_user(request.user).defer("report")
    batches = scoped.records().select_related("user").order_by("-started_at", "-pk")
    page = Paginator(batches, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    waiting = list(scoped.waiting_uploads().filter(user=request.user).order_by("-started_at")[:10])
    return render(
        request,
        "unions/import_list.html",
        {"page": page, "waiting": waiting, "kinds": _kinds()},
    )


@require_GET
@import_staff
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _batch_or_404(request, pk)
    if batch.is_upload or (batch.is_working and batch.user_id == request.user.pk):
        return redirect("unions:import_preview", pk=batch.pk)  # the preview, or the progress
    report = batch.report or {}
    return render(
        request,
        "unions/import_detail.html",
        {
            "batch": batch,
            "report": report,
            "errors": _first(report.get("errors")),
            "warnings": _first(report.get("warnings")),
            "has_error_rows": bool(report.get("invalid_rows")),
        },
    )


def _first(entries) -> list:
    return list(entries or [])[:SHOWN_ENTRIES]


@require_GET
@import_staff
def import_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The rows with errors as .xlsx, with their messages: of a preview or of a real run.

    Built from the batch's report (the engine keeps the rows there), so it works after the
    upload itself is gone. Every cell goes through the formula escaping rule.
    """
    batch = _batch_or_404(request, pk)
    report = batch.report or {}
    if not report.get("invalid_rows"):
        raise Http404
    response = HttpResponse(importing.error_rows_workbook(report), content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"{_stem(batch.file_name)}-loi.xlsx")
    return response


def _stem(file_name: str) -> str:
    stem = file_name.rsplit(".", 1)[0] if "." in file_name else file_name
    return "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in stem)[:80] or "import"


def _attachment(file_name: str) -> str:
    from django.utils.http import content_disposition_header

    return content_disposition_header(as_attachment=True, filename=file_name)


@require_GET
@import_staff
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind_or_404(kind)
    content = template_files.template_workbook(kind, spec.columns, request.user)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = _attachment(f"mau-{kind}.xlsx")
    return response


# Upload, preview, confirm, cancel ---------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@import_staff
def import_upload(request: HttpRequest, kind: str) -> HttpResponse:
    spec = _kind_or_404(kind)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        uploads.purge_expired()  # opportunistic: the management command does it on a schedule
        upload = tasks.new_upload(
            kind=kind,
            uploaded=form.cleaned_data["file"],
            user=request.user,
            skip_errors=form.cleaned_data["skip_errors"],
        )
        _run(request, upload, tasks.PREVIEW)
        return redirect("unions:import_preview", pk=upload.pk)
    return render(
        request,
        "unions/import_upload.html",
        {
            "form": form,
            "kind": kind,
            "kind_label": spec.label,
            "background_rows": settings.IMPORT_BACKGROUND_ROWS,
        },
    )


def _run(request: HttpRequest, upload: ImportBatch, step: str) -> bool:
    """Claim the upload for a step and run it, here or in the worker; False if it was taken."""
    if not tasks.claim(upload, step):
        return False
    try:
        tasks.start(upload, step)
    except Exception:  # noqa: BLE001 - logged by the task; the user gets a message, not a 500
        messages.error(
            request,
            _(
                "The import stopped because of an unexpected problem. Nothing was written; "
                "please try again or tell the provincial administrator."
            ),
        )
    upload.refresh_from_db()
    return True


@require_http_methods(["GET", "POST"])
@import_staff
def import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _batch_or_404(request, pk)
    if upload.is_working:
        if not tasks.task_crashed(upload):
            return _progress_page(request, upload)
        tasks.release(upload)
    if not upload.is_upload:
        return redirect("unions:import_detail", pk=upload.pk)
    if upload.state == State.EXPIRED or not upload.stored_file:
        return render(request, "unions/import_expired.html", {"upload": upload}, status=410)
    sheets = _sheets(upload)
    if request.method == "POST":
        sheet_form = SheetForm(request.POST, sheets=sheets)
        if sheet_form.is_valid():
            upload.sheet = sheet_form.cleaned_data["sheet"]
            upload.save(update_fields=["sheet"])
            _run(request, upload, tasks.PREVIEW)
        return redirect("unions:import_preview", pk=upload.pk)
    report = upload.report or {}
    failure = report.get("failure")
    if upload.finished_at is None and not failure:
        # Never previewed (the worker lost it, say): preview now.
        _run(request, upload, tasks.PREVIEW)
        return redirect("unions:import_preview", pk=upload.pk)
    file_error = upload.outcome == Outcome.FILE_ERROR
    return render(
        request,
        "unions/import_preview.html",
        {
            "upload": upload,
            "preview": report if not failure else None,
            "failure": failure,
            "file_error": file_error,
            "invalid_rows": report.get("invalid", 0),
            "errors": _first(report.get("errors")),
            "warnings": _first(report.get("warnings")),
            "updated_rows": [
                c for c in report.get("changes") or [] if c.get("status") == "updated"
            ],
            "has_error_rows": bool(report.get("invalid_rows")),
            "sheet_form": (
                SheetForm(initial={"sheet": upload.sheet}, sheets=sheets)
                if len(sheets) > 1
                else None
            ),
            "confirm_form": ConfirmForm(initial={"skip_errors": upload.skip_errors}),
        },
    )


def _sheets(upload: ImportBatch) -> list[str]:
    """The workbook's visible sheets, for the sheet picker; none when it cannot be read."""
    try:
        return importing.list_sheets(
            uploads.stored_path(upload.stored_file), file_name=upload.file_name
        )
    except (importing.FileError, OSError):
        return []


def _progress_page(request: HttpRequest, upload: ImportBatch) -> HttpResponse:
    return render(
        request,
        "unions/import_progress.html",
        {
            "upload": upload,
            "status": _status(upload),
            "status_url": reverse("unions:import_status", args=[upload.pk]),
        },
    )


@require_POST
@import_staff
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _batch_or_404(request, pk)
    if upload.is_working:
        return redirect("unions:import_preview", pk=upload.pk)  # the progress
    if not upload.is_upload:
        return redirect("unions:import_detail", pk=upload.pk)  # imported already
    form = ConfirmForm(request.POST)
    skip_errors = form.is_valid() and form.cleaned_data["skip_errors"]
    if upload.skip_errors != skip_errors:
        upload.skip_errors = skip_errors
        upload.save(update_fields=["skip_errors"])
    _run(request, upload, tasks.IMPORT)
    if upload.state == State.DONE:
        return redirect("unions:import_detail", pk=upload.pk)
    return redirect("unions:import_preview", pk=upload.pk)  # the progress, or why it failed


@require_POST
@import_staff
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    upload = _batch_or_404(request, pk)
    if upload.is_working:
        messages.error(request, _("The file is being processed; it cannot be cancelled now."))
        return redirect("unions:import_preview", pk=upload.pk)
    if not upload.is_upload:
        return redirect("unions:import_detail", pk=upload.pk)
    # Only an idle upload is deleted: a step claimed meanwhile keeps it.
    idle = ImportBatch.objects.filter(pk=upload.pk, state__in=UPLOADS)
    deleted, _rows = idle.delete()
    if deleted:
        uploads.discard(upload.stored_file)
        messages.success(request, _("The upload was cancelled and its file deleted."))
    return redirect("unions:import_list")


# Progress -----------------------------------------------------------------------------------


@require_GET
@import_staff
def import_status(request: HttpRequest, pk: int) -> JsonResponse:
    """What the background task is doing, for the progress bar (static/js/import_progress.js)."""
    upload = _batch_or_404(request, pk)
    if upload.is_working and tasks.task_crashed(upload):
        tasks.release(upload)
    response = JsonResponse(_status(upload))
    response["Cache-Control"] = "no-store"
    return response


def _status(upload: ImportBatch) -> dict:
    preview_url = reverse("unions:import_preview", args=[upload.pk])
    if not upload.is_working:
        if upload.state == State.DONE:
            return {"state": "done", "next": reverse("unions:import_detail", args=[upload.pk])}
        if upload.state == State.EXPIRED or not upload.stored_file:
            return {"state": "expired", "next": preview_url}
        failed = bool((upload.report or {}).get("failure"))
        return {"state": "failed" if failed else "ready", "next": preview_url}
    progress = uploads.read_progress(upload.stored_file)
    rows = int(progress.get("rows") or 0)
    total = int(progress.get("total") or upload.total_rows or 0)
    return {
        "state": "running" if progress.get("state") == "running" else "queued",
        "step": tasks.STEP_OF_STATE[upload.state],
        "rows": rows,
        "total": total,
        "percent": min(99, rows * 100 // total) if total else 0,
        "writing": upload.state == State.RUNNING and total > 0 and rows >= total,
        "next": preview_url,
    }
