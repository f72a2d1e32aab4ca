"""Opening an import file and finding its header (IMPORT.md, "Files" and "Header row").

:func:`open_table` returns a :class:`Table`: which sheet, which row is the header, which column
holds which field, and an iterator over the rows below the header as ``(row number, cells)``.
Row numbers are the spreadsheet's own, 1-based, as Excel shows them.

Workbooks (.xlsx, .xls, .ods) are read with python-calamine one row at a time; CSV with the csv
module, as UTF-8 (with or without BOM) or else Windows-1258, `,` or `;` separated. Every problem
with the file itself raises :class:`FileError`, whose message is translated and shown as is.
"""

from __future__ import annotations

import codecs
import csv
import logging
import os
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path

import python_calamine
from django.conf import settings
from django.utils.translation import gettext as _

from unions.importing.cells import cell_text
from unions.text import clean_text, fold

__all__ = [
    "HEADER_SEARCH_ROWS",
    "WORKBOOK_EXTENSIONS",
    "Column",
    "FileError",
    "Layout",
    "Table",
    "find_header",
    "list_sheets",
    "open_table",
]

logger = logging.getLogger(__name__)

HEADER_SEARCH_ROWS = 20
WORKBOOK_EXTENSIONS = frozenset({".xlsx", ".xls", ".ods"})
CSV_EXTENSIONS = frozenset({".csv"})
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an Office password puts in place of the workbook, as its UTF-16 directory name.
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


class FileError(Exception):
    """A problem with the whole file: the import stops and writes nothing (exit code 2)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Column:
    """A field an import reads, and the header texts that name it in files."""

    name: str
    aliases: tuple[str, ...]
    required: bool = False
    # Columns that share a group are required together: a file needs at least one of them.
    one_of: str | None = None

    @property
    def title(self) -> str:
        """How the field is named to users: its first alias, as a template file heads it."""
        return self.aliases[0]


@dataclass
class Layout:
    """Where things are in a file: its sheet, header row, and the column of each field."""

    sheet: str | None
    header_row: int
    header: list[str]
    indexes: dict[str, int]
    titles: dict[str, str]
    ignored: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    # Where the dropped columns are: their cells are never echoed, not even in error reports.
    dropped_indexes: tuple[int, ...] = ()
    # The last row that belongs to the header: a header cell merged down over several rows.
    header_end: int = 0


@dataclass
class Table:
    layout: Layout
    rows: Iterator[tuple[int, Sequence[object]]]
    # How many rows may follow the header, for progress bars; None when unknown (CSV).
    total_rows: int | None = None


def _aliases(columns: Iterable[Column]) -> dict[str, str]:
    return {fold(alias): column.name for column in columns for alias in column.aliases}


def find_header(
    cells: Sequence[object],
    columns: Sequence[Column],
    dropped: Sequence[Column] = (),
) -> dict[int, str] | None:
    """The fields a row's cells name, by index, if at least two are recognised; else None.

    A cell is recognised when its folded text equals a folded alias: a title that merely
    contains one ("LIÊN ĐOÀN LAO ĐỘNG HUYỆN") is not a header.
    """
    aliases = _aliases(columns)
    found = {}
    for index, cell in enumerate(cells):
        name = aliases.get(fold(cell_text(cell)))
        if name is not None:
            found[index] = name
    return found if len(found) >= 2 else None


def _check_groups(columns: Sequence[Column], indexes: dict[str, int]) -> None:
    groups: dict[str, list[Column]] = {}
    for column in columns:
        if column.one_of:
            groups.setdefault(column.one_of, []).append(column)
    for group in groups.values():
        if not any(column.name in indexes for column in group):
            raise FileError(
                _("One of these columns is required: %(columns)s.")
                % {"columns": ", ".join(f"“{column.title}”" for column in group)}
            )


def _layout(
    sheet: str | None,
    number: int,
    cells: Sequence[object],
    found: dict[int, str],
    columns: Sequence[Column],
    dropped: Sequence[Column],
) -> Layout:
    header = [clean_text(cell_text(cell)) for cell in cells]
    by_name = {column.name: column for column in columns}
    dropped_aliases = _aliases(dropped)
    indexes: dict[str, int] = {}
    titles: dict[str, str] = {}
    ignored: list[str] = []
    dropped_titles: list[str] = []
    dropped_indexes: list[int] = []
    for index, text in enumerate(header):
        if not text:
            continue
        name = found.get(index)
        if name is None:
            if fold(text) in dropped_aliases:
                dropped_titles.append(text)
                dropped_indexes.append(index)
            else:
                ignored.append(text)
            continue
        if name in indexes:
            raise FileError(
                _("The columns “%(first)s” and “%(second)s” both give “%(field)s”: keep one.")
                % {"first": titles[name], "second": text, "field": by_name[name].title}
            )
        indexes[name] = index
        titles[name] = text
    missing = [column.title for column in columns if column.required and column.name not in indexes]
    if missing:
        raise FileError(
            _("Required column missing: %(missing)s. Columns recognised: %(found)s.")
            % {
                "missing": ", ".join(f"“{title}”" for title in missing),
                "found": ", ".join(f"“{titles[name]}”" for name in indexes) or "-",
            }
        )
    _check_groups(columns, indexes)
    return Layout(
        sheet=sheet,
        header_row=number,
        header=header,
        indexes=indexes,
        titles=titles,
        ignored=ignored,
        dropped=dropped_titles,
        dropped_indexes=tuple(dropped_indexes),
    )


def _no_header_error(columns: Sequence[Column]) -> FileError:
    return FileError(
        _(
            "No header row found: none of the first %(rows)d rows has at least two of these "
            "columns: %(columns)s."
        )
        % {"rows": HEADER_SEARCH_ROWS, "columns": ", ".join(column.title for column in columns)}
    )


def check_size(path: Path) -> None:
    try:
        size = path.stat().st_size
    except OSError:
        raise FileError(_("The file cannot be found.")) from None
    limit = settings.IMPORT_MAX_BYTES
    if size > limit:
        raise FileError(
            _("The file is too large: the limit is %(limit)s MB.")
            % {"limit": f"{limit / 1024 / 1024:g}"}
        )
    if size == 0:
        raise FileError(_("The file is empty."))


def _too_many_rows() -> FileError:
    return FileError(
        _("The file has too many rows: the limit is %(limit)s data rows.")
        % {"limit": f"{settings.IMPORT_MAX_ROWS:,}".replace(",", ".")}
    )


def _limit_rows(rows: Iterator[tuple[int, Sequence[object]]], header_end: int):
    limit = settings.IMPORT_MAX_ROWS
    for number, cells in rows:
        if number - header_end > limit:
            # Trailing empty rows do not count; a non-empty one past the limit does.
            if any(cell not in ("", None) for cell in cells):
                raise _too_many_rows()
            continue
        yield number, cells


def open_table(
    path: str | os.PathLike,
    *,
    columns: Sequence[Column],
    dropped: Sequence[Column] = (),
    sheet: str | None = None,
    file_name: str | None = None,
) -> Table:
    """Open an import file and find its header; raises FileError for anything unreadable."""
    path = Path(path)
    check_size(path)
    extension = Path(file_name or path.name).suffix.lower()
    if extension in CSV_EXTENSIONS:
        return _open_csv(path, columns, dropped)
    if extension in WORKBOOK_EXTENSIONS:
        check_unpacked_size(path)
        return _open_workbook(path, extension, columns, dropped, sheet)
    raise FileError(
        _("Unsupported file type “%(extension)s”: use .xlsx, .xls, .ods or .csv.")
        % {"extension": extension or "-"}
    )


# Workbooks ------------------------------------------------------------------------------------


def check_unpacked_size(path: Path) -> None:
    """Refuse a zipped workbook (.xlsx, .ods) that unpacks past ``IMPORT_MAX_UNPACKED_BYTES``.

    The size limit sees only the compressed file: 5 MB can hold gigabytes of cells, which the
    reader would build in memory before any row limit applies. The zip's own directory says
    how large each part is without unpacking anything.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(entry.file_size for entry in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip (an .xls), or damaged: the reader says so
    limit = settings.IMPORT_MAX_UNPACKED_BYTES
    if unpacked > limit:
        raise FileError(
            _(
                "The file unpacks to %(size)s MB, more than the %(limit)s MB that can be read: "
                "split it, or remove what lies below the list."
            )
            % {"size": f"{unpacked / 1024 / 1024:,.0f}", "limit": f"{limit / 1024 / 1024:g}"}
        )


def _load_workbook(path: Path, extension: str) -> python_calamine.CalamineWorkbook:
    with path.open("rb") as source:
        head = source.read(8)
        if head == _OLE_MAGIC and extension != ".xls" and _is_encrypted(path):
            raise _password_error()
        source.seek(0)
        try:
            # from_filelike sniffs the format from the content, so a legacy .xls saved under a
            # .xlsx name still opens.
            return python_calamine.CalamineWorkbook.from_filelike(source)
        except python_calamine.PasswordError:
            raise _password_error() from None
        except Exception as error:  # calamine raises several unrelated types for bad files
            logger.info("Unreadable workbook %s: %r", path.name, error)
            if head == _OLE_MAGIC and _is_encrypted(path):
                raise _password_error() from None
            if "password" in str(error).lower() or "encrypt" in str(error).lower():
                raise _password_error() from None
            raise _corrupt_error() from None


def _is_encrypted(path: Path) -> bool:
    # An encrypted .xlsx is an OLE container holding "EncryptedPackage"; the file is at most
    # IMPORT_MAX_BYTES, so searching it whole is cheap.
    return _ENCRYPTED_STREAM in path.read_bytes()


def _password_error() -> FileError:
    return FileError(_("The file is password-protected: remove the password and try again."))


def _corrupt_error() -> FileError:
    return FileError(
        _("The file cannot be read: it is damaged, or not really a spreadsheet of its type.")
    )


def _visible_sheets(workbook: python_calamine.CalamineWorkbook) -> list[str]:
    return [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible == python_calamine.SheetVisibleEnum.Visible
        and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]


def list_sheets(path: str | os.PathLike, *, file_name: str | None = None) -> list[str]:
    """The visible sheets of a workbook, for a sheet picker; ``[]`` for CSV."""
    path = Path(path)
    check_size(path)
    extension = Path(file_name or path.name).suffix.lower()
    if extension not in WORKBOOK_EXTENSIONS:
        return []
    workbook = _load_workbook(path, extension)
    try:
        return _visible_sheets(workbook)
    finally:
        workbook.close()


def _sheet_rows(sheet: python_calamine.CalamineSheet) -> Iterator[tuple[int, list[object]]]:
    """A sheet's rows numbered as Excel numbers them.

    calamine leaves out the empty columns before the data, and may leave out the empty rows
    above it (``sheet.start``); python-calamine 0.9.1's iterator yields those rows as empty
    lists, other versions skip them. The first row it yields tells which.
    """
    start = sheet.start
    if start is None:
        return
    try:
        rows = sheet.iter_rows()
        first = next(rows, None)
        if first is None:
            return
        offset = 1
        if start[0] > 0 and any(cell != "" for cell in first):
            offset += start[0]  # the iterator started at the first non-empty row
        # One generator between calamine and the engine: this runs for every row.
        yield from enumerate(chain((first,), rows), start=offset)
    except Exception as error:  # a cell calamine cannot decode, half-way through
        logger.info("Unreadable row: %r", error)
        raise _corrupt_error() from None


def _open_workbook(
    path: Path,
    extension: str,
    columns: Sequence[Column],
    dropped: Sequence[Column],
    sheet_name: str | None,
) -> Table:
    workbook = _load_workbook(path, extension)
    try:
        if sheet_name:
            names = [name for name in workbook.sheet_names if name == sheet_name] or [
                name for name in workbook.sheet_names if fold(name) == fold(sheet_name)
            ]
            if not names:
                raise FileError(
                    _("There is no sheet named “%(name)s”. Sheets: %(sheets)s.")
                    % {"name": sheet_name, "sheets": ", ".join(workbook.sheet_names)}
                )
        else:
            names = _visible_sheets(workbook)
        for name in names:
            sheet = workbook.get_sheet_by_name(name)
            rows = _sheet_rows(sheet)
            head = list(islice(rows, HEADER_SEARCH_ROWS))
            for position, (number, cells) in enumerate(head):
                found = find_header(cells, columns, dropped)
                if found is None:
                    continue
                layout = _layout(name, number, cells, found, columns, dropped)
                layout.header_end = _merged_header_end(sheet, number)
                end = sheet.end
                total = (end[0] + 1 - layout.header_end) if end else 0
                if total > settings.IMPORT_MAX_ROWS:
                    raise _too_many_rows()
                # The row limit was checked against the sheet's size above. The workbook is
                # left to the garbage collector: calamine has read the file into memory.
                return Table(
                    layout=layout, rows=chain(head[position + 1 :], rows), total_rows=total
                )
        raise _no_header_error(columns)
    except FileError:
        workbook.close()
        raise
    except Exception as error:
        workbook.close()
        logger.info("Unreadable workbook %s: %r", path.name, error)
        raise _corrupt_error() from None


def _merged_header_end(sheet: python_calamine.CalamineSheet, header_row: int) -> int:
    """The last row of the header, counting header cells merged down over the rows below."""
    end = header_row
    try:
        merged = sheet.merged_cell_ranges or []
    except Exception:  # not every format reports merges
        merged = []
    for (top, _left), (bottom, _right) in merged:
        if top + 1 == header_row:
            end = max(end, bottom + 1)
    return end


# CSV ------------------------------------------------------------------------------------------


def _csv_encoding(path: Path) -> str:
    with path.open("rb") as source:
        if source.read(3) == codecs.BOM_UTF8:
            return "utf-8-sig"
        source.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := source.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"
    return "utf-8"


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    # The csv module refuses a cell over 128 KB as an error of the whole file; the file's size
    # is bounded already, and an overlong cell is the row's error (its column's length limit).
    # The limit is the process's: it only ever rises, and files are read in the bounded child.
    if csv.field_size_limit() < settings.IMPORT_MAX_BYTES:
        csv.field_size_limit(settings.IMPORT_MAX_BYTES)
    with path.open(encoding=encoding, errors="replace", newline="") as source:
        yield from enumerate(csv.reader(source, delimiter=delimiter), start=1)


def _open_csv(path: Path, columns: Sequence[Column], dropped: Sequence[Column]) -> Table:
    encoding = _csv_encoding(path)
    best = None
    try:
        for delimiter in (",", ";"):
            head = list(islice(_csv_rows(path, encoding, delimiter), HEADER_SEARCH_ROWS))
            for position, (number, cells) in enumerate(head):
                found = find_header(cells, columns, dropped)
                if found is not None:
                    # The separator that recognises more columns wins ("Địa chỉ" cells hold
                    # commas, so a ;-file split at commas can still look like a header).
                    if best is None or len(found) > len(best[2]):
                        best = (delimiter, position, found, number, cells)
                    break
    except csv.Error as error:
        logger.info("Unreadable CSV %s: %r", path.name, error)
        raise _corrupt_error() from None
    if best is None:
        raise _no_header_error(columns)
    delimiter, position, found, number, cells = best
    layout = _layout(None, number, cells, found, columns, dropped)
    layout.header_end = number
    rows = islice(_csv_rows(path, encoding, delimiter), position + 1, None)
    return Table(layout=layout, rows=_limit_rows(_csv_errors(rows), number), total_rows=None)


def _csv_errors(rows: Iterator) -> Iterator:
    try:
        yield from rows
    except csv.Error as error:
        logger.info("Unreadable CSV row: %r", error)
        raise _corrupt_error() from None
