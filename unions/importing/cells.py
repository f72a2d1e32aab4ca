"""Reading one spreadsheet cell into a typed value (IMPORT.md, "Cell values").

Every parser takes whatever the reader produced for a cell (``str``, ``int``, ``float``,
``bool``, ``date``, ``datetime``, ``time``, ``timedelta`` or ``None``) and either returns the
value or raises :class:`CellError` with a translated message. Nothing else escapes: the import
turns a ``CellError`` into a row error, so a hostile cell can cost a row, never the run.

Lookups that need the database (districts, communes, zones, upper unions) live in
:mod:`unions.importing.lookups`; the vocabularies here are plain data.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from collections.abc import Mapping
from operator import mul

from django.utils.translation import gettext as _

from unions.taxcode import PERSONAL_ID_LENGTH, WEIGHTS, TaxCodeError, normalize_tax_code
from unions.text import clean_text, fold

__all__ = [
    "INT_MAX",
    "Memo",
    "OWNERSHIP_WORDS",
    "STATUS_WORDS",
    "CellError",
    "Vocabulary",
    "cell_text",
    "clean",
    "is_empty",
    "parse_date",
    "parse_tax_code",
    "parse_text",
    "parse_whole_number",
    "text_parser",
]

# The largest value an IntegerField holds on every backend; more would crash the write.
INT_MAX = 2_147_483_647


class CellError(ValueError):
    """A cell that cannot be read; ``message`` is translated and shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_empty(value: object) -> bool:
    """Whether a cell holds nothing: no value, or only whitespace."""
    if value is None:
        return True
    if type(value) is str:
        return not value or value.isspace()
    return False


def cell_text(value: object) -> str:
    """A cell as read, in text, for messages: whole numbers without ``.0``, dates dd/mm/yyyy."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.strftime("%d/%m/%Y")
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


_INVISIBLE_RE = re.compile("[\u200b\u2060\ufeff]")


def differs_from_stored(new: object, stored: object, *, is_text: bool) -> bool:
    """Whether a row's value changes what is stored; stored text counts as its cleaned form,
    so that a value stored before cleaning is not rewritten for whitespace alone."""
    return new != stored and (not is_text or new != clean(stored))


def changes_from_stored(
    new: dict[str, object],
    stored: object,
    compared: dict[str, str],
    text_fields: frozenset[str] | set[str],
) -> list[tuple[str, object, object]]:
    """``(field, stored, new)`` for each compared field whose new value changes what is stored;
    ``compared`` maps a row's field to the stored record's attribute."""
    return [
        (name, getattr(stored, column), new[name])
        for name, column in compared.items()
        if differs_from_stored(new[name], getattr(stored, column), is_text=name in text_fields)
    ]


def clean(value: object) -> str:
    """``unions.text.clean_text``, with a fast path for the text cells an import reads by the
    hundred thousand; a date cell reads as dd/mm/yyyy. The result is the same."""
    if type(value) is not str:
        return clean_text(cell_text(value) if isinstance(value, datetime.date) else value)
    if not value.isascii():
        if not unicodedata.is_normalized("NFC", value):
            value = unicodedata.normalize("NFC", value)
        if "\u200b" in value or "\u2060" in value or "\ufeff" in value:
            value = _INVISIBLE_RE.sub("", value)
    return " ".join(value.split())


def parse_text(value: object, *, max_length: int) -> str:
    """The stored form of a text cell (NFC, trimmed, whitespace collapsed); ``""`` if empty."""
    text = clean(value)
    if len(text) > max_length:
        raise CellError(
            _("The text is too long: at most %(limit)d characters.") % {"limit": max_length}
        )
    return text


def text_parser(max_length: int):
    """``parse_text`` with a length limit fixed, for ``ImportSpec.read``: a longer cell is a
    row error, never a failed write."""

    def parse(value: object) -> str:
        return parse_text(value, max_length=max_length)

    return parse


# A code already in its stored form, as most cells hold it: no need for the full rules.
_NORMALISED = re.compile(r"[0-9]{10}(?:-(?!000)[0-9]{3})?")
_DIGIT_OFFSET = 48 * sum(WEIGHTS)  # the weighted sum of nine ASCII "0"s


def parse_tax_code(value: object) -> tuple[str, bool]:
    """The normalised tax code and whether its check digit passes.

    The same as ``unions.taxcode.normalize_tax_code`` and ``has_valid_check_digit``, faster
    for a code that is already normalised.
    """
    kind = value.__class__
    if kind is str and _NORMALISED.fullmatch(value):
        code = value
    elif (
        (kind is float or kind is int)
        and 100_000_000 <= value < 10_000_000_000
        and (kind is int or value.is_integer())
    ):
        code = f"{int(value):010d}"  # a numeric cell: 9 digits lost their leading zero
    else:
        try:
            code = normalize_tax_code(value)
        except TaxCodeError as error:
            raise CellError(error.message) from None
        if len(code) == PERSONAL_ID_LENGTH:
            return code, True  # a personal identification number has no check digit
    digits = code.encode("ascii")
    check = 10 - (sum(map(mul, WEIGHTS, digits)) - _DIGIT_OFFSET) % 11
    return code, check == digits[9] - 48


# A separator before each group of exactly three digits, the same one throughout.
_GROUPED = re.compile(r"([0-9]{1,3})(?:([., ])[0-9]{3})(?:\2[0-9]{3})*")
_PLAIN = re.compile(r"[0-9]+")
_NEGATIVE = re.compile(r"[-\u2212\u2010-\u2015]\s*[0-9]")


def parse_whole_number(value: object) -> int:
    """A count such as workers or members: a whole number from 0 up.

    ``1.250``, ``1,250`` and ``1 250`` are 1250; ``1.5`` is refused.
    """
    if isinstance(value, bool):
        raise CellError(_("Expected a whole number."))
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not math.isfinite(value) or not value.is_integer():
            raise CellError(_("Expected a whole number."))
        number = int(value)
    elif isinstance(value, str):
        text = clean_text(value)
        if _PLAIN.fullmatch(text):
            number = int(text)
        elif _GROUPED.fullmatch(text):
            number = int(re.sub(r"[., ]", "", text))
        elif _NEGATIVE.match(text):
            raise CellError(_("The number cannot be negative."))
        else:
            raise CellError(_("Expected a whole number."))
    else:
        raise CellError(_("Expected a whole number."))
    if number < 0:
        raise CellError(_("The number cannot be negative."))
    if number > INT_MAX:
        raise CellError(_("The number is too large."))
    return number


_TIME_SUFFIX = r"(?:[ T][0-9]{1,2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?)?"
_DAY_FIRST = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})" + _TIME_SUFFIX)
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})" + _TIME_SUFFIX)
# Excel stores dates as days since 1899-12-30. A numeric cell is read as one only from 1927
# (10000) on: smaller numbers in a date column are far more likely years or typing slips.
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
_SERIAL_MIN, _SERIAL_MAX = 10_000, 2_958_465


def parse_date(value: object) -> datetime.date:
    """A date cell, or text in dd/mm/yyyy, d/m/yyyy, dd-mm-yyyy, dd.mm.yyyy or yyyy-mm-dd."""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("Expected a date such as 25/11/2024."))
    if isinstance(value, int | float):
        if isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise CellError(_("Expected a date such as 25/11/2024."))
        if _SERIAL_MIN <= value <= _SERIAL_MAX:
            return _EXCEL_EPOCH + datetime.timedelta(days=int(value))
        raise CellError(_("Expected a date such as 25/11/2024."))
    if not isinstance(value, str):
        raise CellError(_("Expected a date such as 25/11/2024."))
    text = clean_text(value)
    if match := _DAY_FIRST.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    elif match := _ISO.fullmatch(text):
        year, month, day = int(match[1]), int(match[2]), int(match[3])
    else:
        raise CellError(_("Expected a date such as 25/11/2024."))
    try:
        return datetime.date(year, month, day)
    except ValueError:
        raise CellError(_("This date does not exist.")) from None


# Cell types whose equal values parse alike (1 == 1.0 reads the same everywhere).
_MEMO_TYPES = frozenset({str, int, float, datetime.date, datetime.datetime})


class Memo:
    """A parser that remembers its answers, for columns whose values repeat (dates, legal
    forms, sectors, headcounts): a dict lookup instead of parsing the same text again.

    Errors are remembered too and raised again. Only the types readers produce are
    remembered, and never ``True``/``False``: they equal 1 and 0 as dict keys, and must not
    borrow those numbers' answers.
    """

    __slots__ = ("_answers", "_parser", "limit")

    def __init__(self, parser, limit: int = 50_000) -> None:
        self._parser = parser
        self._answers: dict[object, object] = {}
        self.limit = limit

    def __call__(self, value: object) -> object:
        if value.__class__ not in _MEMO_TYPES:
            answer = self._answer(value)
        else:
            try:
                answer = self._answers[value]
            except KeyError:
                answer = self._answer(value)
                if len(self._answers) < self.limit:
                    self._answers[value] = answer
        if answer.__class__ is CellError:
            raise answer
        return answer

    def _answer(self, value: object) -> object:
        try:
            return self._parser(value)
        except CellError as error:
            return error


class Vocabulary:
    """A closed list of values, each written several ways in files (ownership, status).

    Words are matched by their folded form, so case, diacritics and punctuation do not matter.
    """

    def __init__(self, words: Mapping[str, str]) -> None:
        self._by_key = {fold(word): value for word, value in words.items()}
        self._cache: dict[object, str | None] = {}

    def get(self, value: object) -> str | None:
        """The value a cell names, or ``None`` when it names none of them."""
        try:
            return self._cache[value]
        except (KeyError, TypeError):
            pass
        found = self._by_key.get(fold(cell_text(value)))
        if len(self._cache) < 10_000:
            try:
                self._cache[value] = found
            except TypeError:
                pass
        return found


OWNERSHIP_WORDS: dict[str, str] = {
    # state
    "Nhà nước": "state",
    "DNNN": "state",
    "Doanh nghiệp nhà nước": "state",
    "Khu vực nhà nước": "state",
    "Kinh tế nhà nước": "state",
    "state": "state",
    # domestic non-state
    "Ngoài nhà nước": "domestic",
    "Ngoài quốc doanh": "domestic",
    "Tư nhân": "domestic",
    "Dân doanh": "domestic",
    "Khu vực ngoài nhà nước": "domestic",
    "Doanh nghiệp ngoài nhà nước": "domestic",
    "Kinh tế ngoài nhà nước": "domestic",
    "domestic": "domestic",
    # foreign-invested
    "FDI": "foreign",
    "Có vốn đầu tư nước ngoài": "foreign",
    "Vốn đầu tư nước ngoài": "foreign",
    "100% vốn nước ngoài": "foreign",
    "Liên doanh": "foreign",
    "Doanh nghiệp FDI": "foreign",
    "Khu vực có vốn đầu tư nước ngoài": "foreign",
    "Doanh nghiệp có vốn đầu tư nước ngoài": "foreign",
    "foreign": "foreign",
}

STATUS_WORDS: dict[str, str] = {
    "Đang hoạt động": "active",
    "Hoạt động": "active",
    "Đang giao dịch": "active",
    "active": "active",
    "Tạm ngừng hoạt động": "suspended",
    "Tạm ngừng kinh doanh": "suspended",
    "Tạm ngừng": "suspended",
    "suspended": "suspended",
    "Đã giải thể": "dissolved",
    "Giải thể": "dissolved",
    "Chấm dứt hoạt động": "dissolved",
    "Đã chấm dứt hoạt động": "dissolved",
    "dissolved": "dissolved",
}
