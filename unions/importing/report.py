"""Spreadsheets an import gives back: the rows with errors, and an empty template."""

from __future__ import annotations

import io
from collections.abc import Mapping

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from unions.importing.engine import ImportResult, ImportSpec
from unions.spreadsheets import escape_formula

__all__ = ["error_rows_workbook", "safe_cell", "template_workbook"]


def safe_cell(value: object) -> object:
    """A value openpyxl can write and Excel will not run: no control characters, formulas
    escaped (``unions.spreadsheets.escape_formula``). Numbers pass unchanged."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    return escape_formula(value)


def _workbook_bytes(title: str, rows) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in rows:
        sheet.append([safe_cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def error_rows_workbook(result: ImportResult | Mapping[str, object]) -> bytes:
    """The rows with errors as .xlsx: the file's header and cells, then the row and messages.

    Takes a result, or the report stored on its batch (``ImportBatch.report``), so the download
    works after the preview's request is over. Fixed rows can be imported again as they are:
    the two added columns are not recognised and so ignored.
    """
    if isinstance(result, ImportResult):
        header = list(result.header)
        invalid = [(number, cells, messages) for number, cells, messages in result.invalid_rows]
    else:
        header = list(result.get("header") or [])
        invalid = [
            (entry["row"], entry["cells"], entry["messages"])
            for entry in result.get("invalid_rows") or []
        ]
    width = max([len(header), *(len(cells) for _number, cells, _messages in invalid)])
    heading = [*header, *[""] * (width - len(header)), _("Row"), _("Errors")]

    def rows():
        yield heading
        for number, cells, messages in invalid:
            yield [*cells, *[""] * (width - len(cells)), number, "\n".join(messages)]

    return _workbook_bytes(_("Errors"), rows())


def template_workbook(spec: type[ImportSpec]) -> bytes:
    """An empty list with the import's headers, as the template users download."""
    return _workbook_bytes(spec.kind, [[column.title for column in spec.columns]])
