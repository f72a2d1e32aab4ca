"""The import engine: spreadsheets of enterprises and unions (and more) into the database.

IMPORT.md is the contract; this package implements it once for every kind of import.

Using it
--------
``run_import(*, spec, path, user=None, dry_run=False, skip_errors=False, sheet=None,
file_name=None, batch=None, changes_limit=0, progress=None) -> ImportResult``
    Import one file. ``spec`` is an :class:`ImportSpec` subclass or its kind's name
    (``"enterprises"``, ``"unions"``). It never raises for a bad file: a file-level problem is
    ``result.error`` (exit code 2). ``result.exit_code`` is 0, 1 or 2 as in the contract's
    outcome table and ``result.as_json()`` is its JSON document. A real run records one
    :class:`~unions.models.ImportBatch` (``result.batch``), whatever its outcome.

The web flow (upload → preview → confirm) calls:

- ``list_sheets(path, file_name=...)`` for a sheet picker;
- ``preview(spec=..., path=..., user=..., file_name=..., batch=pending_batch,
  changes_limit=50)``: a dry run. With ``batch`` given, the batch is filled in (SHA-256, counts,
  ``report``) and left pending. ``result.changes`` lists the first rows' values old → new,
  ``result.errors``/``warnings`` the first issues (all are counted in ``error_count`` and
  ``warning_count``), and ``result.notices`` says when the same file was imported before;
- ``confirm(batch=..., path=..., user=..., skip_errors=...)``: the real run, on the same batch;
- ``error_rows_workbook(result or batch.report) -> bytes``: the rows with errors as .xlsx, with
  a message column, formulas escaped;
- ``template_workbook(spec) -> bytes``: an empty list with the recognised headers.

``progress(rows_done, rows_total_or_None)`` is called after each chunk of rows, for a progress
bar in a background task. The file is parsed in a child process with memory and CPU limits
(:mod:`.sandbox`); chunks come back to the parent, which classifies and writes them on its own
connection, in one transaction.

Adding a kind of import
-----------------------
Subclass :class:`ImportSpec` (see ``unions/enterprises/enterprise_import.py`` and
``union_import.py``) and decorate it with :func:`register`:

- ``kind`` (its registered name) and ``label``, ``columns`` (:class:`Column`: field name, header
  aliases, required), ``dropped_columns`` (recognised but never stored, named in a notice),
  ``key_column`` (a value seen twice in a file is an error; ``duplicate_message``) and
  ``name_column`` (with the key, what tells a data row from a blank or totals row);
- ``load()``: read what the rows are decided against from the database, once per file, in the
  parent (:class:`Territory` has districts, communes, zones and upper unions);
- ``prepare()``: in the reading child, once the header is known, set up what parsing needs;
- ``parse(row)``: read cells with ``self.read(row, field, parser, required=...)`` and the
  parsers of :mod:`.cells` (``parse_tax_code``, ``parse_date``, ``parse_whole_number``,
  ``parse_text``, :class:`Vocabulary`), or ``row.cell(field)`` plus ``row.error``/``row.warn``.
  ``self.layout`` (columns found) is set before ``prepare``. ``parse`` runs in the child: it
  must not query the database. For speed, wrap a parser whose
  column repeats its values in :class:`~.cells.Memo`, and parse columns that go together
  (district, commune, zone) with a :class:`CellGroup`: once per distinct combination;
- ``classify(rows)``: a chunk at a time, look the rows up in one query, check the write scope
  (``self.run.may_write(managing_union_id)``), and set ``row.status`` to ``CREATED``,
  ``UPDATED`` or ``UNCHANGED`` (with ``row.changes`` for the preview) or add errors. Put what
  to write in ``row.data``;
- ``begin()``/``stage(rows)``/``write()``/``end()``: put a :class:`~.writing.RowWrite` in each
  row's ``data`` and hand the chunk to a :class:`~.writing.BulkWriter`, which inserts the new
  rows, updates the changed ones and writes their history set-based, through the database's
  backend (COPY on PostgreSQL); :class:`~.writing.WritesInBulk` does these steps for a spec
  that only says its writer. When the run ends with errors and no ``skip_errors``, the engine
  rolls the whole transaction back. Raise :class:`AbortImport` in ``write`` to roll back with a
  file-level error. ``end`` always runs, after a failure too.

The engine does the rest: reading, header detection, row numbers, skipped rows, duplicate keys,
counting, capping the listed issues, the transaction, dry runs, ``--skip-errors`` and the batch.
Apps that depend on ``unions`` (``referrals``) register their specs in ``AppConfig.ready()``;
``unions`` never imports them.
"""

from __future__ import annotations

from unions.importing.cells import (
    CellError,
    Memo,
    Vocabulary,
    cell_text,
    is_empty,
    parse_date,
    parse_tax_code,
    parse_text,
    parse_whole_number,
)
from unions.importing.engine import (
    CREATED,
    UNCHANGED,
    UPDATED,
    AbortImport,
    CellGroup,
    ImportResult,
    ImportRun,
    ImportSpec,
    Issue,
    Row,
    confirm,
    preview,
    run_import,
)
from unions.importing.lookups import Territory, UpperUnions
from unions.importing.reading import Column, FileError, Layout, list_sheets, open_table
from unions.importing.registry import get_spec, register, specs
from unions.importing.report import error_rows_workbook, safe_cell, template_workbook
from unions.importing.writing import BulkWriter, RowWrite, Stage, history_insert_sql, insert_history

__all__ = [
    "CREATED",
    "UNCHANGED",
    "UPDATED",
    "AbortImport",
    "BulkWriter",
    "CellError",
    "CellGroup",
    "Column",
    "FileError",
    "ImportResult",
    "ImportRun",
    "ImportSpec",
    "Issue",
    "Layout",
    "Memo",
    "Row",
    "RowWrite",
    "Stage",
    "Territory",
    "UpperUnions",
    "Vocabulary",
    "cell_text",
    "confirm",
    "error_rows_workbook",
    "get_spec",
    "history_insert_sql",
    "insert_history",
    "is_empty",
    "list_sheets",
    "open_table",
    "parse_date",
    "parse_tax_code",
    "parse_text",
    "parse_whole_number",
    "preview",
    "register",
    "run_import",
    "safe_cell",
    "specs",
    "template_workbook",
]
