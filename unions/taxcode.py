"""Vietnamese enterprise tax codes (mã số thuế), as IMPORT.md "Cell values" reads them.

A code is 10 digits, the tenth a check digit over the first nine; a branch adds a 3-digit
number and is stored as ``2400123458-001``; an individual's or household business's code is
their 12-digit personal identification number, with no check digit. Excel drops a leading zero
from codes typed as numbers, so a code one digit short (9, 12 for a branch, 11 for a personal
number) is padded back without complaint.

A failed check digit is not an error here: the import keeps such a row with a warning, so
``normalize_tax_code`` checks the shape and ``has_valid_check_digit`` is asked separately.
"""

from __future__ import annotations

import math
import re
from decimal import Decimal

from django.utils.translation import gettext as _

__all__ = [
    "PERSONAL_ID_LENGTH",
    "TaxCodeError",
    "check_digit",
    "has_valid_check_digit",
    "make_tax_code",
    "normalize_tax_code",
]

WEIGHTS: tuple[int, ...] = (31, 29, 23, 19, 17, 13, 7, 5, 3)
PERSONAL_ID_LENGTH = 12
# A personal identification number starts with the code of the province that issued it.
_LAST_PROVINCE_OF_ID_NUMBERS = 96

# [0-9], not \d: \d also matches Arabic-Indic, full-width and other digits int() would accept.
_NINE_DIGITS = re.compile(r"[0-9]{9}")
_NORMALIZED = re.compile(r"([0-9]{10})(?:-([0-9]{3}))?|[0-9]{12}")
_DIGITS = re.compile(r"[0-9]+")
_DASHED = re.compile(r"([0-9]{9,10})-([0-9]{3})")
_DASHED_ANY = re.compile(r"[0-9]+-[0-9]+")
# Spaces and dots only group digits ("2400 123 458", "2400.123.458"). Any Unicode space counts:
# cells copied from web pages carry NBSPs.
_SPACES = re.compile(r"\s+")
# Word processors turn a typed "-" into a hyphen or en dash.
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
# A number written out as text by a tool that knew it as a float ("101234565.0", as pandas
# writes a column with gaps). Stripping the dot would turn it into a wrong 10-digit code.
_FLOAT_TEXT = re.compile(r"([0-9]+)\.0")


class TaxCodeError(ValueError):
    """A value that cannot be read as a tax code; ``message`` is translated and user-facing.

    ``code`` names the rule broken, for callers and tests that must not depend on the language:
    ``"empty"``, ``"invalid"``, ``"length"``, ``"branch"`` or ``"not_whole"``.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


# The longest code has 13 digits; bigger numbers are refused before str(), which raises
# ValueError past 4,300 digits.
_LIMIT = 10**13


def _digits_of_number(value: int | float | Decimal) -> str:
    if isinstance(value, float | Decimal):
        finite = value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)
        if not finite or value != int(value):
            raise TaxCodeError(_("A tax code must be a whole number."), code="not_whole")
        value = int(value)
    if value < 0:
        raise TaxCodeError(_("A tax code cannot be negative."), code="not_whole")
    if value >= _LIMIT:
        raise TaxCodeError(_length_message(), code="length")
    return str(value)


def normalize_tax_code(value: object) -> str:
    """The stored form of a tax code: ``"2400123458"`` or, for a branch, ``"2400123458-001"``.

    Accepts text (spaces and dots ignored) and numeric cells. A code one digit short lost its
    leading zero in Excel and is padded. Raises :class:`TaxCodeError` for anything else.
    """
    # bool is an int, but a TRUE/FALSE cell in the tax-code column is a mistake, not 1 or 0.
    if isinstance(value, bool):
        raise TaxCodeError(_invalid_message(), code="invalid")
    if isinstance(value, int | float | Decimal):
        text = _digits_of_number(value)
    else:
        text = _DASHES.sub("-", _SPACES.sub("", "" if value is None else str(value)))
        float_text = _FLOAT_TEXT.fullmatch(text)
        text = float_text[1] if float_text else text.replace(".", "")

    if not text:
        raise TaxCodeError(_("The tax code is empty."), code="empty")
    if _DIGITS.fullmatch(text):
        if personal := _personal_id(text):
            return personal
        base, branch = _split_digits(text)
    elif dashed := _DASHED.fullmatch(text):
        base, branch = dashed[1].zfill(10), dashed[2]
    elif _DASHED_ANY.fullmatch(text):
        raise TaxCodeError(_length_message(), code="length")
    else:
        raise TaxCodeError(_invalid_message(), code="invalid")

    if branch is None:
        return base
    if branch == "000":
        raise TaxCodeError(
            _("The branch number of a tax code cannot be 000."),
            code="branch",
        )
    return f"{base}-{branch}"


def _personal_id(digits: str) -> str | None:
    """The 12-digit personal identification number that individuals and household businesses
    use as their tax code since 1/7/2025 (TERRITORY.md), or ``None``.

    Twelve digits are a branch code that lost its leading zero when the 10-digit base passes
    its check digit, and a personal number otherwise; eleven digits are a personal number that
    lost its leading zero.
    """
    if len(digits) == PERSONAL_ID_LENGTH - 1:
        # Excel drops the leading zero of the number's province code (001 to 096).
        padded = "0" + digits
        return padded if 1 <= int(padded[:3]) <= _LAST_PROVINCE_OF_ID_NUMBERS else None
    if len(digits) == PERSONAL_ID_LENGTH:
        branch_base = digits.zfill(13)[:10]
        if check_digit(branch_base[:9]) != int(branch_base[9]):
            return digits
    return None


def _split_digits(digits: str) -> tuple[str, str | None]:
    if len(digits) in (9, 10):
        return digits.zfill(10), None
    if len(digits) in (12, 13):
        digits = digits.zfill(13)
        return digits[:10], digits[10:]
    raise TaxCodeError(_length_message(), code="length")


def _length_message() -> str:
    return _(
        "The tax code must have 10 digits, 13 for a branch, or 12 for a personal "
        "identification number."
    )


def _invalid_message() -> str:
    return _("A tax code may contain only digits, and a dash before the 3-digit branch number.")


def check_digit(first_nine: str) -> int | None:
    """The tenth digit that makes ``first_nine`` a valid code, or ``None`` if none can.

    check = 10 - (weighted sum mod 11), weights 31 29 23 19 17 13 7 5 3. A sum divisible by
    11 would need a check of 10, which is not a digit.
    """
    if not _NINE_DIGITS.fullmatch(first_nine):
        raise ValueError(f"expected 9 digits, got {first_nine!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, WEIGHTS, strict=True))
    check = 10 - total % 11
    return None if check == 10 else check


def has_valid_check_digit(code: str) -> bool:
    """Whether a normalised code (``"2400123458"`` or ``"2400123458-001"``) passes its check.

    Only the 10-digit base is checked: branch numbers have no check digit.
    """
    match = _NORMALIZED.fullmatch(code)
    if match is None:
        raise ValueError(f"not a normalised tax code: {code!r}")
    base = match[1]
    if base is None:
        return True  # a personal identification number has no check digit
    return check_digit(base[:9]) == int(base[9])


def make_tax_code(first_nine: str) -> str | None:
    """A valid 10-digit code starting with ``first_nine``, or ``None`` when there is none.

    For generating demo data; real codes come from the files.
    """
    check = check_digit(first_nine)
    return None if check is None else f"{first_nine}{check}"
