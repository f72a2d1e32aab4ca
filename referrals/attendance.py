"""Bulk attendance for an awareness class: read a pasted list or a file, find the members,
then record who attended and passed.

A list line (or a file row) may hold a national ID, a full name, a date of birth, in any order
and any columns: the text pasted from a spreadsheet arrives tab-separated. A line with a national
ID is matched by it; otherwise by the folded name, narrowed by the date of birth when one is
given. A line matching several members is shown with each of them for the user to choose.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from referrals.models import AwarenessClass, Enrollment
from unions.members.models import Member
from unions.text import clean_text, fold

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.core.files.uploadedfile import UploadedFile

    from unions.members.models import MemberQuerySet

SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
# Header cells of typical member lists: a line made only of these is a header, not a person.
HEADER_WORDS = frozenset(
    fold(word)
    for word in (
        "STT", "TT", "Họ và tên", "Họ tên", "Tên", "Ngày sinh", "Năm sinh", "Ngày tháng năm sinh",
        "Số CCCD", "CCCD", "CMND/CCCD", "Số định danh cá nhân", "Đơn vị", "Công đoàn cơ sở",
        "Ghi chú", "Giới tính",
    )
)  # fmt: skip
_DAY_FIRST = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DIGITS = re.compile(r"[\s.]")
MAX_LINES = 2000


class AttendanceFileError(ValueError):
    """A file that cannot be read as a list; the message is translated."""


@dataclass
class AttendanceLine:
    """One line of the list and the members it may be."""

    number: int
    text: str
    national_id: str = ""
    name: str = ""
    born: datetime.date | None = None
    candidates: list[Member] = field(default_factory=list)

    @property
    def matched(self) -> bool:
        return len(self.candidates) == 1

    @property
    def ambiguous(self) -> bool:
        return len(self.candidates) > 1


@dataclass(frozen=True)
class AttendanceMark:
    member: Member
    attended: bool
    passed: bool
    certificate_number: str = ""
    certificate_on: datetime.date | None = None


# --- Reading ----------------------------------------------------------------------------------


def rows_from_text(text: str) -> Iterator[tuple[int, list[Any]]]:
    """Numbered non-empty lines, split into cells at tabs, semicolons or bars (or commas when
    there is nothing else)."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        cells = re.split(r"[\t;|]", line)
        if len(cells) == 1:
            cells = line.split(",")
        yield number, cells


def rows_from_file(upload: UploadedFile) -> list[tuple[int, list[Any]]]:
    """Numbered rows of the file's first sheet, or of a CSV file."""
    if upload.size and upload.size > settings.IMPORT_MAX_BYTES:
        raise AttendanceFileError(_("The file is too large."))
    name = (upload.name or "").lower()
    data = upload.read()
    if name.endswith(".csv"):
        return _csv_rows(data)
    if name.endswith(SPREADSHEET_SUFFIXES):
        return _sheet_rows(data)
    raise AttendanceFileError(_("Upload an Excel (.xlsx, .xls), OpenDocument (.ods) or CSV file."))


def _csv_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1258", errors="replace")
    delimiter = ";" if text.count(";") > text.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    return [(number, row) for number, row in enumerate(reader, start=1) if any(row)]


def _sheet_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as error:  # calamine raises its own errors for corrupt or locked files
        raise AttendanceFileError(_("The file cannot be read.")) from error
    return [(number, row) for number, row in enumerate(rows, start=1) if any(row)]


def _as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if match := _DAY_FIRST.fullmatch(text):
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        if match := _ISO.fullmatch(text):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    return None


def _as_national_id(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return ""
    digits = _DIGITS.sub("", value)
    if not digits.isdigit():
        return ""
    if len(digits) == 11:  # a numeric cell lost the leading zero of a 12-digit ID
        digits = "0" + digits
    return digits if len(digits) in (9, 12) else ""


def read_line(number: int, cells: Sequence[Any]) -> AttendanceLine | None:
    """What a line says about a person; None for a header or a line with nothing usable."""
    line = AttendanceLine(number=number, text=" · ".join(clean_text(c) for c in cells if c))
    for cell in cells:
        if line.national_id == "" and (national_id := _as_national_id(cell)):
            line.national_id = national_id
        elif line.born is None and (born := _as_date(cell)):
            line.born = born
        elif isinstance(cell, str) and not line.name:
            text = clean_text(cell)
            if any(char.isalpha() for char in text) and fold(text) not in HEADER_WORDS:
                line.name = text
    if not line.national_id and not line.name:
        return None
    return line


# --- Matching ---------------------------------------------------------------------------------


def match_lines(
    rows: Iterable[tuple[int, Sequence[Any]]], *, members: MemberQuerySet
) -> list[AttendanceLine]:
    """Read the rows and find each person among `members`: two queries whatever their number."""
    lines = [line for number, cells in rows if (line := read_line(number, cells)) is not None]
    lines = lines[:MAX_LINES]
    members = members.select_related("union__enterprise")
    by_id = {
        member.national_id: member
        for member in members.filter(
            national_id__in={line.national_id for line in lines if line.national_id}
        )
    }
    keys = {fold(line.name) for line in lines if line.name and not line.national_id}
    by_name: dict[str, list[Member]] = {}
    for member in members.filter(search_key__in=keys).order_by("search_key", "date_of_birth", "pk"):
        by_name.setdefault(member.search_key, []).append(member)
    for line in lines:
        if line.national_id:
            found = by_id.get(line.national_id)
            line.candidates = [found] if found else []
            continue
        candidates = by_name.get(fold(line.name), [])
        if line.born is not None:
            candidates = [m for m in candidates if _same_birth(m, line.born)]
        line.candidates = candidates
    return lines


def _same_birth(member: Member, born: datetime.date) -> bool:
    if member.birth_year_only:
        return member.date_of_birth.year == born.year
    return member.date_of_birth == born


# --- Recording --------------------------------------------------------------------------------


@transaction.atomic
def record_attendance(
    *,
    awareness_class: AwarenessClass,
    marks: Sequence[AttendanceMark],
    by: AbstractBaseUser | None,
) -> dict[str, int]:
    """Create or update the class's enrollments from the marks; returns what it did.

    The class's writers record attendance (see `EnrollmentQuerySet.writable_by`).
    """
    writable = AwarenessClass.objects.writable_by(by) if by is not None else None
    if writable is not None and not writable.filter(pk=awareness_class.pk).exists():
        raise PermissionDenied
    existing = {
        enrollment.member_id: enrollment
        for enrollment in Enrollment.objects.filter(
            awareness_class=awareness_class, member__in=[mark.member.pk for mark in marks]
        )
    }
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    for mark in marks:
        enrollment = existing.get(mark.member.pk)
        values = {
            "attended": mark.attended or mark.passed,
            "passed": mark.passed,
            "certificate_number": clean_text(mark.certificate_number) if mark.passed else "",
            "certificate_on": mark.certificate_on if mark.passed else None,
        }
        if enrollment is None:
            enrollment = Enrollment(awareness_class=awareness_class, member=mark.member, **values)
            counts["created"] += 1
        elif all(getattr(enrollment, key) == value for key, value in values.items()):
            counts["unchanged"] += 1
            continue
        else:
            for key, value in values.items():
                setattr(enrollment, key, value)
            counts["updated"] += 1
        enrollment.full_clean()
        enrollment.save()
        existing[mark.member.pk] = enrollment
    return counts
