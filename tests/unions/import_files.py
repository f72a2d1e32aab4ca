"""Writers of import files in every format the import reads, for the import tests.

Each writer takes ``rows`` as lists of cell values (``None`` or ``""`` for an empty cell; ``int``,
``float``, ``str``, ``datetime.date``) and returns the path it wrote. ``write(path, rows)``
picks the writer from the extension, so a test can run the same rows through every format.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import xlwt

Rows = Sequence[Sequence[object]]
FORMATS = (".xlsx", ".xls", ".ods", ".csv")
# Formats whose cells keep their types (the CSV writer turns everything into text).
TYPED_FORMATS = (".xlsx", ".xls", ".ods")


def write(path: Path, rows: Rows, **options) -> Path:
    writer = {".xlsx": write_xlsx, ".xls": write_xls, ".ods": write_ods, ".csv": write_csv}
    return writer[Path(path).suffix](path, rows, **options)


# .xlsx ----------------------------------------------------------------------------------------


def write_xlsx(
    path: Path,
    rows: Rows,
    *,
    sheets: Sequence[tuple[str, Rows]] = (),
    title: str = "Danh sách",
    hidden: Sequence[tuple[str, Rows]] = (),
    merged: Sequence[str] = (),
) -> Path:
    """``sheets`` come before the data sheet (instruction sheets), ``hidden`` ones first of all.

    ``merged`` are ranges of the data sheet to merge ("A1:D1").
    """
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, sheet_rows in hidden:
        sheet = workbook.create_sheet(name)
        sheet.sheet_state = "hidden"
        _fill_openpyxl(sheet, sheet_rows)
    for name, sheet_rows in sheets:
        _fill_openpyxl(workbook.create_sheet(name), sheet_rows)
    data = workbook.create_sheet(title)
    _fill_openpyxl(data, rows)
    for cells in merged:
        data.merge_cells(cells)
    workbook.save(path)
    return Path(path)


def _fill_openpyxl(sheet, rows: Rows) -> None:
    for number, row in enumerate(rows, start=1):
        for column, value in enumerate(row, start=1):
            if value is None or value == "":
                continue
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, datetime.date):
                cell.number_format = "DD/MM/YYYY"
            elif isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # text that looks like a formula, not a formula


# .xls -----------------------------------------------------------------------------------------

_XLS_DATE = xlwt.easyxf(num_format_str="DD/MM/YYYY")


def write_xls(
    path: Path,
    rows: Rows,
    *,
    sheets: Sequence[tuple[str, Rows]] = (),
    title: str = "Danh sách",
    merged: Sequence[tuple[int, int, int, int]] = (),
) -> Path:
    """``merged`` are (first row, last row, first column, last column), 0-based."""
    workbook = xlwt.Workbook(encoding="utf-8")
    for name, sheet_rows in sheets:
        _fill_xlwt(workbook.add_sheet(name), sheet_rows, ())
    _fill_xlwt(workbook.add_sheet(title), rows, merged)
    workbook.save(str(path))
    return Path(path)


def _fill_xlwt(sheet, rows: Rows, merged) -> None:
    merged_cells = {}
    for top, bottom, left, right in merged:
        value = rows[top][left] if top < len(rows) and left < len(rows[top]) else ""
        sheet.write_merge(top, bottom, left, right, value)
        for r in range(top, bottom + 1):
            for c in range(left, right + 1):
                merged_cells[(r, c)] = True
    for number, row in enumerate(rows):
        for column, value in enumerate(row):
            if value is None or value == "" or (number, column) in merged_cells:
                continue
            if isinstance(value, datetime.date):
                sheet.write(number, column, value, _XLS_DATE)
            else:
                sheet.write(number, column, value)


# .ods: a minimal OpenDocument spreadsheet, written by hand -------------------------------------

_ODS_NAMESPACES = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)
_ODS_MANIFEST = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
    'manifest:version="1.2">'
    '<manifest:file-entry manifest:full-path="/" '
    'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
    '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
    "</manifest:manifest>"
)


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, bool):
        flag = "true" if value else "false"
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{flag}">'
            f"<text:p>{flag.upper()}</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, datetime.date):
        shown = value.strftime("%d/%m/%Y")
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            f"<text:p>{shown}</text:p></table:table-cell>"
        )
    lines = "".join(f"<text:p>{escape(line)}</text:p>" for line in str(value).split("\n"))
    return f'<table:table-cell office:value-type="string">{lines}</table:table-cell>'


def _ods_table(name: str, rows: Rows) -> str:
    body = []
    for row in rows:
        cells = "".join(_ods_cell(value) for value in row) or "<table:table-cell/>"
        body.append(f"<table:table-row>{cells}</table:table-row>")
    return f'<table:table table:name="{escape(name)}">{"".join(body)}</table:table>'


def write_ods(
    path: Path, rows: Rows, *, sheets: Sequence[tuple[str, Rows]] = (), title: str = "Danh sách"
) -> Path:
    tables = "".join(_ods_table(name, sheet_rows) for name, sheet_rows in sheets)
    tables += _ods_table(title, rows)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<office:document-content {_ODS_NAMESPACES} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body>"
        "</office:document-content>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # The mimetype comes first and uncompressed, as OpenDocument requires.
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", _ODS_MANIFEST, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    Path(path).write_bytes(buffer.getvalue())
    return Path(path)


# .csv -----------------------------------------------------------------------------------------

# The tone marks Windows-1258 writes as combining characters after the letter.
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def to_windows_1258(text: str) -> bytes:
    """Vietnamese text as Windows-1258 stores it: base letters (â, ơ, đ…) precomposed, tone
    marks as combining characters after them."""
    out = []
    for char in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", char)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        tones = "".join(c for c in decomposed if c in _TONES)
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def write_csv(path: Path, rows: Rows, *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    """``encoding`` is ``utf-8``, ``utf-8-sig`` (with BOM) or ``windows-1258``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_text(value) for value in row])
    text = buffer.getvalue()
    if encoding == "windows-1258":
        data = to_windows_1258(text)
    else:
        data = text.encode(encoding)
    Path(path).write_bytes(data)
    return Path(path)


# Running ---------------------------------------------------------------------------------------

ENTERPRISE_HEADER = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Huyện", "Xã", "Số lao động"]
UNION_HEADER = ["STT", "MST", "Tên CĐCS", "Ngày thành lập", "Số QĐ", "Số đoàn viên", "Chủ tịch"]


def run(
    tmp_path: Path,
    rows: Rows,
    *,
    ext: str = ".xlsx",
    spec: str = "enterprises",
    name: str = "danh_sach",
    write_options: dict | None = None,
    **options,
):
    """Write ``rows`` in a format and import them; returns the ImportResult."""
    from unions.importing import run_import

    path = write(tmp_path / f"{name}{ext}", rows, **(write_options or {}))
    return run_import(spec=spec, path=path, **options)


def invalid_check_digit_code(first_nine: str = "240000001") -> str:
    """A well-formed 10-digit code whose check digit is wrong."""
    from unions.taxcode import check_digit

    right = check_digit(first_nine)
    return f"{first_nine}{(right or 0) + 1 if right != 9 else 0}"


# Notes on place ------------------------------------------------------------------------------


def place_notes_aside(issues: Sequence) -> list:
    """The issues besides the notes that every row of a list of before 1/7/2025 gets
    (TERRITORY.md, "Imports"): its former commune mapped to today's, or its row known only by
    a former district. Tests of other rules set them aside; the place tests assert them."""
    return [issue for issue in issues if not is_place_note(issue.message)]


def is_place_note(message: str) -> bool:
    from django.utils.translation import gettext

    from unions.enterprises.enterprise_import import _unplaced_message

    mapped = re.escape(gettext("%(former)s (%(district)s) is now %(current)s."))
    for name in ("former", "district", "current"):
        mapped = mapped.replace(re.escape(f"%({name})s"), ".+")
    return message == _unplaced_message() or re.match(mapped, message) is not None
