"""The import engine: one pipeline for every kind of import (see the package docstring).

``run_import`` opens the file (:mod:`.reading`), then streams its rows through an
:class:`ImportSpec`: skip rules, ``parse`` (cells to values, row errors and warnings), the
duplicate-key check, then ``classify`` a chunk at a time (compare with the stored rows: created,
updated or unchanged, and the write scope) and ``stage`` the rows that will be written. When the
whole file is read and the run may write, ``write`` moves the staged rows into place in bulk.
Everything between reading the header and the last write is one transaction.
"""

from __future__ import annotations

import hashlib
import logging
import operator
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, NamedTuple

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from unions.access import access_for
from unions.importing.cells import CellError, cell_text, is_empty
from unions.importing.models import WORKING, ImportBatch, State
from unions.importing.reading import Column, FileError, Layout, open_table
from unions.importing.registry import get_spec
from unions.importing.sandbox import run_bounded
from unions.text import starts_with_total_word

if TYPE_CHECKING:
    import datetime

    from django.contrib.auth.models import AbstractBaseUser

__all__ = [
    "CREATED",
    "AbortImport",
    "CellGroup",
    "UNCHANGED",
    "UPDATED",
    "ImportResult",
    "ImportRun",
    "ImportSpec",
    "Issue",
    "Row",
    "run_import",
]

logger = logging.getLogger(__name__)

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
# How many errors, warnings and invalid rows a result keeps to show; all are counted.
DEFAULT_REPORT_LIMIT = 5000


class Issue(NamedTuple):
    """One error or warning: the row, the column as headed in the file, the cell, the message."""

    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict[str, object]:
        return {
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
        }


class Row:
    """One data row on its way through the pipeline.

    ``values`` holds what ``parse`` read: a field is absent when its column is absent, its cell
    empty, or its value unknown (a warning); absent never erases what is stored.
    """

    __slots__ = (
        "cells",
        "changes",
        "data",
        "errors",
        "_given",
        "layout",
        "number",
        "status",
        "values",
        "warnings",
    )

    def __init__(self, number: int, cells: Sequence[object], layout: Layout) -> None:
        self.number = number
        self.cells = cells
        self.layout = layout
        self._given: dict[str, object] | None = None
        self.values: dict[str, object] = {}
        self.errors: list[Issue] | tuple[()] = []
        self.warnings: list[Issue] | tuple[()] = []
        self.status: str | None = None
        # (field, old, new) for each changed field of an updated row, for the preview.
        self.changes: list[tuple[str, object, object]] | None = None
        # What the spec stages for writing (a tuple in its stage's column order).
        self.data: tuple | None = None

    def raw(self, name: str) -> object:
        """The cell of a field as read, or ``None`` if the file has no such column."""
        index = self.layout.indexes.get(name)
        if index is None or index >= len(self.cells):
            return None
        return self.cells[index]

    @property
    def given(self) -> dict[str, object]:
        """The non-empty cells of the recognised columns, by field (read on first use)."""
        if self._given is None:
            self._given = _given(self.cells, self.layout)
        return self._given

    def cell(self, name: str) -> object:
        """The cell of a field, or ``None`` when the column is absent or the cell empty."""
        return self.given.get(name)

    def is_blank(self) -> bool:
        return all(is_empty(cell) for cell in self.cells)

    def _issue(self, name: str, message: str, value: object) -> Issue:
        column = self.layout.titles.get(name, name)
        if value is None:
            value = cell_text(self.raw(name))
        return Issue(self.number, column, str(value), message)

    def error(self, name: str, message: str, value: object = None) -> None:
        """A row error on a field's cell (or, for a rule spanning cells, naming the field)."""
        self.add_error(self._issue(name, message, value))

    def add_error(self, issue: Issue) -> None:
        self.errors = _appended(self.errors, issue)

    def warn(self, name: str, message: str, value: object = None) -> None:
        self.warnings = _appended(self.warnings, self._issue(name, message, value))


def _appended(issues: list[Issue] | tuple[()], issue: Issue) -> list[Issue]:
    """``issues`` with one more: a row from the reading child holds an empty tuple until then."""
    if issues:
        issues.append(issue)
        return issues
    return [issue]


class CellGroup:
    """Cells of a row read together and remembered by their raw values: place (district,
    commune, zone) or profile (ownership, legal form, sector, status) columns repeat the same
    few combinations down a file, so most rows cost one dict lookup instead of several parses.

    ``compute(*cells)`` gets the group's cells in ``fields`` order (``None`` for an empty cell
    or an absent column) and returns ``(values, issues)``: the parsed values by field, and
    ``(is_error, field, message)`` for each error or warning. It must depend on nothing else.
    """

    def __init__(
        self,
        layout: Layout,
        fields: Sequence[str],
        compute: Callable[..., tuple[dict[str, object], tuple[tuple[bool, str, str], ...]]],
        limit: int = 50_000,
    ) -> None:
        self.fields = tuple(fields)
        self._indexes = tuple(layout.indexes.get(name) for name in self.fields)
        present = tuple(index for index in self._indexes if index is not None)
        self._present = present
        self._getter = operator.itemgetter(*present) if len(present) > 1 else None
        self._compute = compute
        self._answers: dict[object, tuple] = {}
        self.limit = limit

    def apply(self, row: Row) -> None:
        cells = row.cells
        present = self._present
        try:
            if self._getter is not None:
                key = self._getter(cells)
            else:
                key = cells[present[0]] if present else None
        except IndexError:  # a short CSV row
            key = tuple(cells[i] if i < len(cells) else None for i in present)
        # True and 1 are equal as keys; a key holding a boolean is never looked up or kept.
        cacheable = bool not in map(type, key) if self._getter else key.__class__ is not bool
        answer = self._answers.get(key) if cacheable else None
        if answer is None:
            answer = self._compute(*self._cells(cells))
            if cacheable and len(self._answers) < self.limit:
                self._answers[key] = answer
        values, issues = answer
        if values:
            row.values.update(values)
        for is_error, name, message in issues:
            if is_error:
                row.error(name, message)
            else:
                row.warn(name, message)

    def _cells(self, cells: Sequence[object]) -> list[object]:
        found = []
        for index in self._indexes:
            value = cells[index] if index is not None and index < len(cells) else None
            found.append(None if is_empty(value) else value)
        return found


@dataclass
class ImportRun:
    """What a spec needs to know about the run it serves."""

    user: AbstractBaseUser | None
    dry_run: bool
    skip_errors: bool
    file_name: str
    batch: ImportBatch | None
    now: datetime.datetime
    today: datetime.date
    # Upper unions whose enterprises the user may write; None for an unscoped run.
    writable_unions: frozenset[int] | None
    # When the preview this run confirms began; None for a run without one.
    previewed_at: datetime.datetime | None = None

    @property
    def scoped(self) -> bool:
        return self.writable_unions is not None

    def may_write(self, managing_union_id: int | None) -> bool:
        return self.writable_unions is None or managing_union_id in self.writable_unions

    @property
    def batch_id(self) -> int | None:
        return self.batch.pk if self.batch else None

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user else None

    @property
    def reason(self) -> str:
        """The history change reason: the batch and its file."""
        reason = _("Import batch %(id)s: %(file)s") % {"id": self.batch_id, "file": self.file_name}
        return reason[:100]


class ImportSpec:
    """One kind of import: its columns and how its rows are read, compared and written.

    A subclass sets the class attributes and implements ``parse``, ``classify``, ``stage``
    and ``write``; see the package docstring. An instance serves one run.
    """

    # The kind's name (stored on its batches) and how users call it.
    kind: ClassVar[str]
    label: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    # Columns recognised but deliberately not stored (ethnicity, religion): named in a notice.
    dropped_columns: ClassVar[tuple[Column, ...]] = ()
    # The field that identifies a row: a second row with the same value is an error.
    key_column: ClassVar[str]
    # The field that, with the key, tells data rows from blank and total rows.
    name_column: ClassVar[str | None] = None
    # Rows classified (and looked up in the database) together.
    chunk_size: ClassVar[int] = 2000
    # When set, the first chunk has this many rows and each next one twice as many, up to
    # ``chunk_size``: a spec that writes in the background starts writing sooner.
    first_chunk_size: ClassVar[int | None] = None
    # Whether the spec classifies through ``fetch`` and ``decide``: then each chunk is fetched,
    # the previous chunk's writes are sent, and the chunk is decided while the server writes.
    # Keys are unique in a file, so a chunk's stored rows never depend on the chunk before.
    classifies_offline: ClassVar[bool] = False

    def __init__(self, run: ImportRun) -> None:
        self.run = run
        # The file's layout (header, columns), set before ``prepare``.
        self.layout: Layout | None = None

    # Reading ---------------------------------------------------------------------------------

    def load(self) -> None:
        """Read what the rows will be compared with and set up the run, once per file.

        Runs before the file is read; the child that reads it inherits what this loads (so
        parsing needs no query).
        """

    def prepare(self) -> None:
        """Set up parsing for the file's layout (``self.layout``): in the child, no queries."""

    def skip(self, row: Row) -> bool:
        """Whether a row without a key is skipped silently: no name, or a totals row.

        Asked only of rows whose key cell is empty; a blank row is then counted apart.
        """
        if row.cell(self.key_column) is not None:
            return False
        name = row.cell(self.name_column) if self.name_column else None
        return name is None or starts_with_total_word(cell_text(name))

    def parse(self, row: Row) -> None:
        """Read the row's cells into ``row.values``, with its errors and warnings."""
        raise NotImplementedError

    def parse_cells(self, row: Row) -> None:
        """The part of ``parse`` run in the reading child: by default all of it."""
        self.parse(row)

    def parse_groups(self, row: Row) -> None:
        """The rest of ``parse``, run in the parent as each chunk arrives: cheap lookups of
        cell groups (`CellGroup`) whose values need not then cross between processes."""

    def key(self, row: Row) -> object:
        return row.values.get(self.key_column)

    def duplicate_message(self, first_row: int) -> str:
        return _("This row repeats row %(row)d of the file.") % {"row": first_row}

    def read(
        self, row: Row, name: str, parser: Callable[[object], object], *, required: bool = False
    ) -> object:
        """Parse one cell into ``row.values[name]``; a CellError becomes a row error."""
        value = row.cell(name)
        if value is None:
            if required:
                row.error(name, _("This cell is required."))
            return None
        try:
            parsed = parser(value)
        except CellError as error:
            row.error(name, error.message)
            return None
        row.values[name] = parsed
        return parsed

    # Comparing -------------------------------------------------------------------------------

    def classify(self, rows: list[Row]) -> None:
        """Set each row's ``status`` (or add errors), and ``data`` for rows to write.

        A spec overrides this, or ``fetch`` and ``decide`` when deciding needs no query.
        """
        self.decide(rows, self.fetch(rows))

    def fetch(self, rows: list[Row]) -> object:
        """Read what ``decide`` compares a chunk's rows with (its queries, all of them)."""
        raise NotImplementedError

    def decide(self, rows: list[Row], found: object) -> None:
        """``classify`` without a query: the engine runs it while the server writes the
        previous chunk (``classifies_offline``)."""
        raise NotImplementedError

    def describe(self, row: Row) -> list[dict[str, str]]:
        """The changed values of a row for the preview: ``[{column, old, new}]``."""
        return [
            {
                "column": self.title(name),
                "old": self.display(name, old),
                "new": self.display(name, new),
            }
            for name, old, new in (row.changes or ())
        ]

    def title(self, name: str) -> str:
        """A field's column as the file heads it, else its first alias."""
        layout = getattr(self, "layout", None)
        if layout is not None and name in layout.titles:
            return layout.titles[name]
        for column in self.columns:
            if column.name == name:
                return column.title
        return name

    def display(self, name: str, value: object) -> str:
        return "" if value is None else cell_text(value)

    # Writing ---------------------------------------------------------------------------------

    def begin(self) -> None:
        """Create the staging table (a real run only, inside its transaction)."""

    def stage(self, rows: list[Row]) -> None:
        """Copy rows that will be written into the staging table."""
        raise NotImplementedError

    def write(self) -> None:
        """Write the staged rows in bulk, with their history."""
        raise NotImplementedError

    def settle(self) -> None:
        """Wait for the writes ``stage`` sent without waiting (see `BulkWriter`)."""

    def end(self) -> None:
        """Drop the staging table."""


@dataclass
class ImportResult:
    """What a run did or would do; ``as_json()`` is the contract's JSON document."""

    kind: str
    file: str
    dry_run: bool = False
    skip_errors: bool = False
    error: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    invalid: int = 0
    ignored_columns: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    error_count: int = 0
    warning_count: int = 0
    sha256: str = ""
    header: list[str] = field(default_factory=list)
    # Rows with errors, for the download: (row number, cells as text, messages).
    invalid_rows: list[tuple[int, list[object], list[str]]] = field(default_factory=list)
    # The first rows' changes, for the preview: {row, status, key, name, fields}.
    changes: list[dict[str, object]] = field(default_factory=list)
    batch: ImportBatch | None = None

    @property
    def exit_code(self) -> int:
        if self.error is not None:
            return 2
        return 1 if self.error_count else 0

    def as_json(self) -> dict[str, object]:
        return {
            "error": self.error,
            "file": self.file,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "dry_run": self.dry_run,
            "ignored_columns": list(self.ignored_columns),
            "notices": list(self.notices),
            "errors": [issue.as_dict() for issue in self.errors],
            "warnings": [issue.as_dict() for issue in self.warnings],
        }

    def as_report(self) -> dict[str, object]:
        """Everything the web flow needs later: the JSON plus counts, changes, invalid rows."""
        return {
            **self.as_json(),
            "kind": self.kind,
            "invalid": self.invalid,
            "error_count": self.error_count,
            "warning_count": self.warning_count,
            "header": self.header,
            "invalid_rows": [
                {"row": number, "cells": cells, "messages": messages}
                for number, cells, messages in self.invalid_rows
            ],
            "changes": self.changes,
        }

    def fail(self, message: str) -> None:
        """A file-level error: nothing is written and every count is 0."""
        self.error = message
        self.rows = self.created = self.updated = self.unchanged = self.skipped = 0
        self.invalid = self.error_count = self.warning_count = 0
        self.errors, self.warnings, self.invalid_rows, self.changes = [], [], [], []


class _Discard(Exception):
    """Rolls back a run whose rows have errors (without --skip-errors)."""


def _quietly(cleanup: Callable[[], None]) -> None:
    """Clean up after a failure without hiding it: the first error is the one to report."""
    try:
        cleanup()
    except Exception:
        logger.debug("Clean-up after a failed import failed too", exc_info=True)


class AbortImport(Exception):
    """Raise in ``ImportSpec.write`` to roll the run back with a file-level error."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    try:
        with path.open("rb") as source:
            while chunk := source.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return ""
    return digest.hexdigest()


def _already_imported(kind: str, sha256: str, exclude: ImportBatch | None) -> str | None:
    if not sha256:
        return None
    earlier = ImportBatch.objects.filter(
        kind=kind,
        sha256=sha256,
        state=State.DONE,
        outcome__in=[ImportBatch.Outcome.SUCCEEDED, ImportBatch.Outcome.PARTIAL],
    )
    if exclude is not None and exclude.pk:
        earlier = earlier.exclude(pk=exclude.pk)
    batch = earlier.order_by("-finished_at", "-started_at").first()
    if batch is None:
        return None
    when = timezone.localtime(batch.finished_at or batch.started_at)
    return _("This file was already imported at %(when)s") % {
        "when": when.strftime("%H:%M %d/%m/%Y")
    }


def _report_limit() -> int:
    return getattr(settings, "IMPORT_REPORT_LIMIT", DEFAULT_REPORT_LIMIT)


def run_import(
    *,
    spec: type[ImportSpec] | str,
    path: str | os.PathLike,
    user: AbstractBaseUser | None = None,
    dry_run: bool = False,
    skip_errors: bool = False,
    sheet: str | None = None,
    file_name: str | None = None,
    batch: ImportBatch | None = None,
    changes_limit: int = 0,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """Import one file; see IMPORT.md for every rule. Never raises for a bad file.

    - ``spec``: the kind, as a class or its registered name (``"enterprises"``, ``"unions"``).
    - ``user``: whose write scope applies and who is recorded; None is an unscoped operator.
    - ``dry_run``: classify and report, write nothing, record no batch (unless ``batch`` is
      given, which is then filled in as a preview and left pending).
    - ``skip_errors``: write the valid rows even when others have errors.
    - ``sheet``: a sheet name; by default the first visible sheet with a header.
    - ``file_name``: the name the user gave the file (uploads are stored under other names).
    - ``batch``: an existing ImportBatch to fill in (the web flow's pending batch).
    - ``changes_limit``: how many created/updated rows to describe in ``result.changes``.
    - ``progress``: called as ``progress(rows_done, rows_total_or_None)`` after each chunk.
    """
    spec_class = get_spec(spec) if isinstance(spec, str) else spec
    path = Path(path)
    file_name = os.path.basename(file_name or path.name)
    result = ImportResult(
        kind=spec_class.kind, file=file_name, dry_run=dry_run, skip_errors=skip_errors
    )
    result.sha256 = file_sha256(path)
    now = timezone.now()
    # A real run of a previewed upload: rows stored since its preview began were not what the
    # user approved.
    previewed_at = batch.started_at if batch and not dry_run and batch.finished_at else None
    if not dry_run or batch is not None:
        batch = _start_batch(
            batch,
            spec_class.kind,
            file_name,
            result.sha256,
            user,
            now,
            dry_run=dry_run,
            skip_errors=skip_errors,
        )
    result.batch = batch
    notice = _already_imported(spec_class.kind, result.sha256, batch)
    run = ImportRun(
        user=user,
        dry_run=dry_run,
        skip_errors=skip_errors,
        file_name=file_name,
        batch=batch if not dry_run else None,
        now=now,
        today=timezone.localdate(now),
        writable_unions=access_for(user).writable_unions if user is not None else None,
        previewed_at=previewed_at,
    )
    try:
        _Runner(spec_class, run, result, changes_limit, progress).run(path, sheet, file_name)
    except FileError as error:
        result.fail(error.message)
    except BaseException:
        if batch is not None:  # nothing was written: the run's transaction rolled back
            failure = {"failure": "preview" if dry_run else "import"}
            ImportBatch.objects.move(
                batch.pk, State.FAILED, finished_at=timezone.now(), report=failure
            )
        raise
    if notice:
        result.notices.insert(0, notice)
    if batch is not None:
        _finish_batch(batch, result)
    return result


def preview(
    *,
    spec: type[ImportSpec] | str,
    path: str | os.PathLike,
    user: AbstractBaseUser | None = None,
    sheet: str | None = None,
    file_name: str | None = None,
    batch: ImportBatch | None = None,
    changes_limit: int = 50,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """A dry run for the browser's preview, describing the first ``changes_limit`` rows."""
    return run_import(
        spec=spec,
        path=path,
        user=user,
        dry_run=True,
        sheet=sheet,
        file_name=file_name,
        batch=batch,
        changes_limit=changes_limit,
        progress=progress,
    )


def confirm(
    *,
    batch: ImportBatch,
    path: str | os.PathLike,
    user: AbstractBaseUser | None = None,
    skip_errors: bool = False,
    sheet: str | None = None,
    progress: Callable[[int, int | None], None] | None = None,
) -> ImportResult:
    """The real run of a previewed batch: its kind and file name come from the batch."""
    return run_import(
        spec=batch.kind,
        path=path,
        user=user,
        skip_errors=skip_errors,
        sheet=sheet,
        file_name=batch.file_name,
        batch=batch,
        progress=progress,
    )


def _start_batch(batch, kind, file_name, sha256, user, now, *, dry_run, skip_errors):
    access = access_for(user) if user is not None else None
    if batch is None:
        batch = ImportBatch(kind=kind, state=State.RUNNING)
    elif batch.state not in WORKING:
        # A caller that did not claim the upload for the step (tasks.claim does): claim it here.
        batch.state = State.PREVIEWING if dry_run else State.RUNNING
    batch.kind = kind
    batch.file_name = file_name[:255]
    batch.sha256 = sha256
    batch.user = user
    batch.district_id = access.district_id if access else None
    batch.upper_union_id = access.upper_union_id if access else None
    batch.started_at = now
    batch.finished_at = None
    batch.skip_errors = skip_errors
    batch.outcome = ImportBatch.Outcome.NONE
    # Only the fields set here: the web flow updates others (progress, task) meanwhile.
    batch.save(update_fields=_STARTED if batch.pk else None)
    return batch


_STARTED = [
    "kind",
    "file_name",
    "sha256",
    "user",
    "district",
    "upper_union",
    "started_at",
    "finished_at",
    "skip_errors",
    "state",
    "outcome",
]
_FINISHED = [
    "state",
    "outcome",
    "finished_at",
    "rows",
    "created",
    "updated",
    "unchanged",
    "skipped",
    "error_count",
    "warning_count",
    "report",
]


def outcome_of(result: ImportResult) -> str:
    """What a run found, as its batch records it; a preview records only a refused file."""
    Outcome = ImportBatch.Outcome
    if result.error is not None:
        return Outcome.FILE_ERROR
    if result.dry_run:
        return Outcome.NONE
    if result.error_count:
        return Outcome.PARTIAL if result.skip_errors else Outcome.FAILED
    return Outcome.SUCCEEDED


def _finish_batch(batch: ImportBatch, result: ImportResult) -> None:
    batch.state = State.WAITING if result.dry_run else State.DONE
    batch.outcome = outcome_of(result)
    batch.finished_at = timezone.now()
    batch.rows = result.rows
    batch.created = result.created
    batch.updated = result.updated
    batch.unchanged = result.unchanged
    batch.skipped = result.skipped
    batch.error_count = result.error_count
    batch.warning_count = result.warning_count
    batch.report = result.as_report()
    batch.save(update_fields=_FINISHED)


@dataclass
class _Header:
    """The child's first message: where the file's header is, and how many rows may follow."""

    layout: Layout
    total_rows: int | None


@dataclass
class _Chunk:
    """Parsed rows, and the rows skipped since the last chunk."""

    rows: list[Row]
    skipped: int

    def __reduce__(self):
        # Chunks cross from the reading child to the parent: sent column by column, with the
        # issues of the few rows that have any, they cost a fraction of pickling each row.
        rows = self.rows
        issues = {
            index: (row.errors, row.warnings)
            for index, row in enumerate(rows)
            if row.errors or row.warnings
        }
        return _restore_chunk, (
            self.skipped,
            rows[0].layout if rows else None,
            [row.number for row in rows],
            [tuple(row.cells) for row in rows],  # tuples of plain values go untracked by gc
            [row.values for row in rows],
            issues,
        )


def _restore_chunk(skipped, layout, numbers, cells, values, issues) -> _Chunk:
    rows = []
    for number, row_cells, row_values in zip(numbers, cells, values, strict=True):
        row = Row(number, row_cells, layout)
        # Most rows have no issue: a shared empty tuple rather than two lists per row, which
        # the parent's cycle collector would follow while the chunk lives.
        row.values, row.errors, row.warnings = row_values, (), ()
        rows.append(row)
    for index, (errors, warnings) in issues.items():
        rows[index].errors, rows[index].warnings = errors, warnings
    return _Chunk(rows, skipped)


def read_file(
    send: Callable[[object], None],
    spec: ImportSpec,
    path: Path,
    sheet: str | None,
    file_name: str,
) -> None:
    """The child's part of a run: open the file, find its header, parse its rows in chunks.

    Runs in a child process (`sandbox.run_bounded`) with the spec the parent loaded: nothing
    here touches the database.
    """
    table = open_table(
        path, columns=spec.columns, dropped=spec.dropped_columns, sheet=sheet, file_name=file_name
    )
    send(_Header(table.layout, table.total_rows))
    spec.layout = table.layout
    spec.prepare()
    for rows, skipped in _parsed_chunks(table, spec):
        send(_Chunk(rows, skipped))


def _parsed_chunks(table, spec: ImportSpec) -> Iterator[tuple[list[Row], int]]:
    """The data rows in chunks of growing size, each with the rows skipped since the last.

    Blank rows count as skipped only when a later row shows they were not trailing.
    """
    layout = table.layout
    chunk: list[Row] = []
    skipped = pending_blank = 0
    first = True
    chunk_size = min(spec.first_chunk_size or spec.chunk_size, spec.chunk_size)
    key_index = layout.indexes.get(spec.key_column)
    for number, cells in table.rows:
        if number <= layout.header_end:
            continue
        row = Row(number, cells, layout)
        if any(cell.__class__ is str and not cell.isprintable() for cell in cells):
            _strip_control_characters(row)
        skip = _skipped(spec, row, key_index)
        if skip and row.is_blank():
            pending_blank += 1
            continue
        skipped += pending_blank
        pending_blank = 0
        if first:
            first = False
            if _is_column_numbers(cells):
                skipped += 1
                continue
        if skip:
            skipped += 1
            continue
        spec.parse_cells(row)
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield chunk, skipped
            chunk, skipped = [], 0
            chunk_size = min(chunk_size * 2, spec.chunk_size)
    if chunk or skipped:
        yield chunk, skipped


# Control characters but tab and line breaks (which count as spaces): a NUL cannot be stored
# by PostgreSQL, and no Excel file can hold one.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _strip_control_characters(row: Row) -> None:
    """Remove control characters from a row's cells, warning on each imported cell that had
    some; a column that is not imported is cleaned without a word."""
    cells = list(row.cells)
    changed = set()
    for index, cell in enumerate(cells):
        if cell.__class__ is str and _CONTROL_CHARACTERS.search(cell):
            cells[index] = _CONTROL_CHARACTERS.sub("", cell)
            changed.add(index)
    row.cells = cells
    for name, index in row.layout.indexes.items():
        if index in changed:
            row.warn(name, _("Control characters (such as NUL) were removed from this cell."))


def _skipped(spec: ImportSpec, row: Row, key_index: int | None) -> bool:
    """Rows with a key are data rows; only the others can be blank, totals or skipped."""
    cells = row.cells
    key = cells[key_index] if key_index is not None and key_index < len(cells) else None
    if key is None or key == "" or (key.__class__ is str and key.isspace()):
        return spec.skip(row)
    return False


class _Runner:
    """One pass over one file: the child reads and parses (`read_file`); here each chunk is
    classified, counted and, in a real run, written while the child reads the next."""

    def __init__(self, spec_class, run, result, changes_limit, progress) -> None:
        self.spec_class = spec_class
        self.run_info = run
        self.result = result
        self.changes_limit = changes_limit
        self.progress = progress
        self.limit = _report_limit()
        self.writing = False
        self.total: int | None = None
        # The first row of each key, to flag a row that repeats it.
        self.seen: dict[object, int] = {}

    def run(self, path: Path, sheet: str | None, file_name: str) -> None:
        spec = self.spec_class(self.run_info)
        spec.load()
        messages = run_bounded(read_file, spec, path, sheet, file_name)
        try:
            self._take_header(next(messages), spec)
            if self.run_info.dry_run:
                self._consume(messages, spec)
                self._check_rows()
                return
            self._write(messages, spec)
        finally:
            messages.close()

    def _take_header(self, header: _Header, spec: ImportSpec) -> None:
        result, layout = self.result, header.layout
        self.total = header.total_rows
        spec.layout = layout
        spec.prepare()
        result.sheet = layout.sheet
        result.header_row = layout.header_row
        result.ignored_columns = list(layout.ignored)
        result.header = list(layout.header)
        for title in layout.dropped:
            result.notices.append(
                _("The column “%(column)s” was recognised and not imported: it is not stored.")
                % {"column": title}
            )

    def _consume(self, messages: Iterator[object], spec: ImportSpec) -> None:
        waiting: list[Row] = []  # rows decided and not yet written
        for chunk in messages:
            self.result.skipped += chunk.skipped
            if chunk.rows:
                waiting = self._take(spec, chunk.rows, waiting)
        self._stage(spec, waiting)
        spec.settle()

    def _take(self, spec: ImportSpec, rows: list[Row], waiting: list[Row]) -> list[Row]:
        """Classify and count one chunk; return its rows to write, if they wait for the next."""
        for row in rows:
            spec.parse_groups(row)
            self._check_key(spec, row)
        spec.settle()
        if spec.classifies_offline:
            found = spec.fetch(rows)
            self._stage(spec, waiting)
            spec.decide(rows, found)
            waiting = self._count(spec, rows)
        else:
            spec.classify(rows)
            self._stage(spec, self._count(spec, rows))
            waiting = []
        self._report_progress()
        return waiting

    def _check_key(self, spec: ImportSpec, row: Row) -> None:
        key = spec.key(row)
        if key is None:
            return
        earlier = self.seen.setdefault(key, row.number)
        if earlier != row.number:
            row.error(spec.key_column, spec.duplicate_message(earlier))

    def _stage(self, spec: ImportSpec, rows: list[Row]) -> None:
        run_info = self.run_info
        if self.writing and rows and (self.result.error_count == 0 or run_info.skip_errors):
            spec.stage(rows)

    def _report_progress(self) -> None:
        if self.progress is not None:
            self.progress(self.result.rows + self.result.skipped, self.total)

    def _write(self, messages: Iterator[object], spec: ImportSpec) -> None:
        result = self.result
        self.writing = True
        try:
            with transaction.atomic():
                spec.begin()
                failed = True
                try:
                    self._consume(messages, spec)
                    self._check_rows()
                    if result.error_count and not self.run_info.skip_errors:
                        # Rows may have been written chunk by chunk: roll them all back.
                        raise _Discard
                    spec.write()
                    failed = False
                finally:
                    if failed:
                        _quietly(spec.end)
                    else:
                        spec.end()
        except _Discard:
            pass
        except AbortImport as abort:
            raise FileError(abort.message) from None
        except DatabaseError as error:
            # Said to the user as a file-level error; the traceback is for debugging only.
            logger.warning("Import of %s failed in the database: %s", result.file, error)
            logger.debug("Database error", exc_info=True)
            raise FileError(
                _("The database refused the import, and nothing was written: %(error)s")
                % {"error": str(error)[:300]}
            ) from None

    def _check_rows(self) -> None:
        if self.result.rows == 0:
            message = _("The file has no data rows below its header.")
            raise AbortImport(message) if self.writing else FileError(message)

    def _count(self, spec: ImportSpec, chunk: list[Row]) -> list[Row]:
        """Count a classified chunk into the result; return the rows to write."""
        result = self.result
        to_write = []
        for row in chunk:
            result.rows += 1
            if row.errors:
                self._count_invalid(row)
            elif row.status in (CREATED, UPDATED):
                to_write.append(row)
                self._count_written(spec, row)
            else:
                result.unchanged += 1
            if row.warnings:
                self._keep(result.warnings, row.warnings)
                result.warning_count += len(row.warnings)
        return to_write

    def _count_invalid(self, row: Row) -> None:
        result = self.result
        result.invalid += 1
        result.error_count += len(row.errors)
        self._keep(result.errors, row.errors)
        if len(result.invalid_rows) < self.limit:
            cells = [_plain(cell) for cell in row.cells]
            for index in row.layout.dropped_indexes:
                if index < len(cells):
                    cells[index] = ""  # sensitive: never echoed
            result.invalid_rows.append((row.number, cells, [issue.message for issue in row.errors]))

    def _count_written(self, spec: ImportSpec, row: Row) -> None:
        result = self.result
        if row.status == CREATED:
            result.created += 1
        else:
            result.updated += 1
        if len(result.changes) < self.changes_limit:
            result.changes.append(self._change(spec, row))

    def _keep(self, kept: list[Issue], issues: list[Issue]) -> None:
        """Keep issues to show, up to the report's limit; every one is counted apart."""
        room = self.limit - len(kept)
        if room > 0:
            kept.extend(issues[:room])

    def _change(self, spec: ImportSpec, row: Row) -> dict[str, object]:
        return {
            "row": row.number,
            "status": row.status,
            "key": cell_text(row.values.get(spec.key_column)),
            "name": cell_text(row.values.get(spec.name_column)) if spec.name_column else "",
            "fields": spec.describe(row),
        }


def _given(cells: Sequence[object], layout: Layout) -> dict[str, object]:
    width = len(cells)
    given = {}
    for name, index in layout.indexes.items():
        if index < width:
            value = cells[index]
            if not is_empty(value):
                given[name] = value
    return given


def _plain(cell: object) -> object:
    """A cell as the error download writes it: numbers stay numbers, the rest becomes text."""
    if isinstance(cell, bool) or cell is None:
        return cell_text(cell)
    if isinstance(cell, int | float):
        return cell if cell == cell and cell not in (float("inf"), float("-inf")) else str(cell)
    return cell_text(cell)


def _is_column_numbers(cells: Iterable[object]) -> bool:
    """Whether a row holds only column numbers, "(1)", "(2)", … or 1, 2, 3, … (report forms)."""
    numbers = []
    for cell in cells:
        if is_empty(cell):
            continue
        if isinstance(cell, bool):
            return False
        if isinstance(cell, int | float):
            if cell != cell or not float(cell).is_integer():
                return False
            numbers.append(int(cell))
            continue
        text = str(cell).strip()
        if text.startswith("(") and text.endswith(")"):
            text = text[1:-1].strip()
        if not text.isdigit() or not text.isascii():
            return False
        numbers.append(int(text))
    if len(numbers) < 2:
        return False
    return all(0 < a < b <= 500 for a, b in zip(numbers, numbers[1:], strict=False))
