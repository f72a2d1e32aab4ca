"""Uploaded import files waiting for confirmation: storage, inspection, progress and expiry.

A file uploaded in the browser is written under `settings.IMPORT_UPLOAD_DIR` (outside the web
root) under a random name, hashed with SHA-256 on the way in, and kept until its batch is
confirmed, cancelled or expires (`settings.IMPORT_UPLOAD_TTL_HOURS`). Next to it lives its
progress record, read by the status endpoint while a background task works.

Progress goes to a file rather than to the database because the import engine writes in one
transaction: a progress row written inside it would stay invisible to the web process until the
end, and on SQLite the worker holds the only write lock meanwhile.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import json
import os
import re
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone

from unions.importing.sandbox import call_bounded

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

ALLOWED_SUFFIXES = (".xlsx", ".xls", ".ods", ".csv")
# A stored name is ours: 32 hex characters and one allowed suffix, so a name read back from the
# database can never lead outside the upload directory.
STORED_NAME = re.compile(r"^[0-9a-f]{32}\.(xlsx|xls|ods|csv)$")
PROGRESS_SUFFIX = ".progress.json"


@dataclass(frozen=True)
class StoredUpload:
    name: str
    sha256: str
    size: int


def upload_dir() -> Path:
    path = Path(settings.IMPORT_UPLOAD_DIR)
    path.mkdir(parents=True, exist_ok=True)
    return path


def suffix_of(file_name: str) -> str:
    return Path(file_name).suffix.lower()


def store_upload(uploaded: UploadedFile) -> StoredUpload:
    """Write the upload under a random name, hashing it as it streams; nothing is kept in memory."""
    suffix = suffix_of(uploaded.name or "")
    if suffix not in ALLOWED_SUFFIXES:
        raise ValueError(suffix)
    name = secrets.token_hex(16) + suffix
    digest = hashlib.sha256()
    size = 0
    target = upload_dir() / name
    # O_EXCL: never follow or overwrite an existing path; 0o600: only the app reads uploads.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        for chunk in uploaded.chunks():
            digest.update(chunk)
            size += len(chunk)
            out.write(chunk)
    return StoredUpload(name=name, sha256=digest.hexdigest(), size=size)


def stored_path(name: str) -> Path:
    if not STORED_NAME.match(name or ""):
        raise FileNotFoundError(name)
    return upload_dir() / name


def exists(name: str) -> bool:
    try:
        return stored_path(name).is_file()
    except FileNotFoundError:
        return False


def discard(name: str) -> None:
    """Remove a stored upload and its progress record; missing files are fine."""
    if not STORED_NAME.match(name or ""):
        return
    base = upload_dir()
    for path in (base / name, base / (name + PROGRESS_SUFFIX)):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


# Sheets and rows ----------------------------------------------------------------------------


def count_rows(path: Path, sheet: str | None = None) -> int:
    """About how many rows the file holds, cheaply, to choose between the request and the worker.

    Without a sheet, the largest visible sheet counts (instruction sheets are small). An `.xlsx`
    is measured from each sheet's `<dimension>` element without parsing its cells; other
    workbooks through calamine; a CSV by counting line breaks.
    """
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            return _count_lines(path)
        # In a bounded child: a sheet whose last cell lies far out makes calamine ask for
        # terabytes and abort the process, which no `except` here could catch.
        return call_bounded(_count_workbook_rows, path, sheet)
    except Exception:  # noqa: BLE001 - an unreadable file is the engine's to report, quickly
        return 0


def _count_workbook_rows(path: Path, sheet: str | None) -> int:
    if path.suffix.lower() == ".xlsx":
        counted = _xlsx_dimension_rows(path, sheet)
        if counted is not None:
            return counted
    return _calamine_rows(path, sheet)


def _count_lines(path: Path) -> int:
    lines = 0
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            lines += chunk.count(b"\n")
    return lines


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]+\d+(?::[A-Z]+(\d+))?\"")


def _xlsx_dimension_rows(path: Path, sheet: str | None) -> int | None:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        metadata = list(workbook.sheets_metadata)
    finally:
        workbook.close()
    wanted = [
        index
        for index, meta in enumerate(metadata)
        if (meta.name == sheet if sheet else meta.visible == SheetVisibleEnum.Visible)
    ]
    counts = []
    with zipfile.ZipFile(path) as archive:
        parts = _sheet_parts(archive)
        for index in wanted:
            if index >= len(parts):
                return None
            with archive.open(parts[index]) as stream:
                head = stream.read(4096)
            match = _DIMENSION.search(head)
            if match is None:
                return None
            counts.append(int(match.group(1) or 1))
    return max(counts, default=0)


def _sheet_parts(archive: zipfile.ZipFile) -> list[str]:
    """The worksheet parts in workbook order, following workbook.xml's relationships."""
    workbook = archive.read("xl/workbook.xml")
    rels = archive.read("xl/_rels/workbook.xml.rels")
    targets = dict(
        re.findall(rb"<Relationship[^>]*?Id=\"([^\"]+)\"[^>]*?Target=\"([^\"]+)\"", rels)
        + [
            (rid, target)
            for target, rid in re.findall(
                rb"<Relationship[^>]*?Target=\"([^\"]+)\"[^>]*?Id=\"([^\"]+)\"", rels
            )
        ]
    )
    parts = []
    for rid in re.findall(rb"<(?:\w+:)?sheet\b[^>]*?r:id=\"([^\"]+)\"", workbook):
        target = targets[rid].decode()
        parts.append(target.lstrip("/") if target.startswith("/") else "xl/" + target)
    return parts


def _calamine_rows(path: Path, sheet: str | None) -> int:
    from python_calamine import CalamineWorkbook, SheetVisibleEnum

    workbook = CalamineWorkbook.from_path(str(path))
    try:
        names = (
            [sheet]
            if sheet
            else [
                meta.name
                for meta in workbook.sheets_metadata
                if meta.visible == SheetVisibleEnum.Visible
            ]
        )
        return max((workbook.get_sheet_by_name(name).total_height for name in names), default=0)
    finally:
        workbook.close()


# Progress -----------------------------------------------------------------------------------


def write_progress(name: str, **values: Any) -> None:
    """Replace the progress record atomically, so a reader never sees half a document."""
    if not STORED_NAME.match(name or ""):
        return
    target = upload_dir() / (name + PROGRESS_SUFFIX)
    temporary = target.with_name(target.name + f".{secrets.token_hex(4)}.tmp")
    temporary.write_text(json.dumps(values), encoding="utf-8")
    os.replace(temporary, target)


def read_progress(name: str) -> dict[str, Any]:
    if not STORED_NAME.match(name or ""):
        return {}
    try:
        return json.loads((upload_dir() / (name + PROGRESS_SUFFIX)).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {}


# Expiry -------------------------------------------------------------------------------------


def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Expire pending uploads older than the TTL: delete their files and mark their batches.

    Also removes stray files in the upload directory older than the TTL (a crash between
    writing a file and recording its batch). Returns how many uploads were expired.
    """
    from unions.importing.models import UPLOADS, WORKING, ImportBatch, State

    now = now or timezone.now()
    cutoff = now - datetime.timedelta(hours=settings.IMPORT_UPLOAD_TTL_HOURS)
    # Uploads nobody confirmed expire with their files, and so does a step still working past
    # the time to live: it died with its process, and its transaction rolled back.
    stale = ImportBatch.objects.filter(started_at__lt=cutoff)
    expiring = stale.filter(state__in=UPLOADS | WORKING).exclude(stored_file="")
    names = list(expiring.values_list("stored_file", flat=True))
    for name in names:
        discard(name)
    expired = expiring.update(state=State.EXPIRED, stored_file="", finished_at=now)
    # A command-line run still "running" then is ended as failed.
    for pk in stale.filter(state=State.RUNNING, stored_file="").values_list("pk", flat=True):
        ImportBatch.objects.move(pk, State.FAILED, finished_at=now, report={"failure": "import"})
    live = {
        name.split(".")[0]
        for name in ImportBatch.objects.exclude(stored_file="").values_list(
            "stored_file", flat=True
        )
    }
    cutoff_ts = cutoff.timestamp()
    for path in upload_dir().iterdir():
        if not path.is_file():
            continue
        if path.name.split(".")[0] in live:
            continue
        with contextlib.suppress(FileNotFoundError):
            if path.stat().st_mtime < cutoff_ts:
                path.unlink()
    return expired
