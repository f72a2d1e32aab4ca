"""Tax-code reading and check digits (IMPORT.md, "Cell values")."""

from __future__ import annotations

import os
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils.translation import gettext
from hypothesis import given
from hypothesis import strategies as st

from unions.taxcode import (
    TaxCodeError,
    check_digit,
    has_valid_check_digit,
    make_tax_code,
    normalize_tax_code,
)

# Error messages go through gettext, which needs settings. Under pytest-django the project's
# settings are already loaded; run alone (-p no:django), these minimal ones do.
if not settings.configured and "DJANGO_SETTINGS_MODULE" not in os.environ:
    settings.configure(USE_I18N=False)

STORED_FORM = re.compile(r"\d{10}(-\d{3})?|\d{12}", re.ASCII)


def error_of(value: object) -> TaxCodeError:
    with pytest.raises(TaxCodeError) as caught:
        normalize_tax_code(value)
    return caught.value


# --- normalize_tax_code: accepted forms -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2400123458", "2400123458"),
        ("2400123458-001", "2400123458-001"),
        ("2400123458001", "2400123458-001"),
        ("2400123458-012", "2400123458-012"),
        # Spaces and dots group digits.
        ("2400 123 458", "2400123458"),
        ("2400.123.458", "2400123458"),
        ("2.400.123.458", "2400123458"),
        ("  2400123458  ", "2400123458"),
        ("\xa02400123458\n", "2400123458"),
        ("2400123458 - 001", "2400123458-001"),
        ("2400 123 458 001", "2400123458-001"),
        ("2400123458–001", "2400123458-001"),  # en dash from a word processor
        # Text one digit short lost its leading zero (CSV exported from Excel).
        ("101234565", "0101234565"),
        ("101 234 565", "0101234565"),
        ("101234565-001", "0101234565-001"),
        ("101234565001", "0101234565-001"),
        # Leading zeros kept when the text has them.
        ("0101234565", "0101234565"),
        ("0101234565-001", "0101234565-001"),
        # Numeric cells.
        (2400123458, "2400123458"),
        (101234565, "0101234565"),
        (101234565.0, "0101234565"),
        (101234567.0, "0101234567"),
        (2400123458.0, "2400123458"),
        (2400123458001, "2400123458-001"),
        (2400123458001.0, "2400123458-001"),
        (101234565001, "0101234565-001"),
        (Decimal("101234565"), "0101234565"),
        (Decimal("2400123458.00"), "2400123458"),
        # A float written out as text by a tool that knew the column as numbers.
        ("101234565.0", "0101234565"),
        # A personal identification number (12 digits) since 1/7/2025; 11 lost a leading zero.
        ("024195001234", "024195001234"),
        ("024 195 001 234", "024195001234"),
        ("24195001234", "024195001234"),
        (24195001234, "024195001234"),
        (24195001234.0, "024195001234"),
        ("24001234580", "024001234580"),
        (24001234580, "024001234580"),
    ],
)
def test_normalize_tax_code_accepts(value: object, expected: str) -> None:
    assert normalize_tax_code(value) == expected


def test_normalize_tax_code_reads_a_nine_digit_cell_as_text_and_number_alike() -> None:
    assert (
        normalize_tax_code(101234565)
        == normalize_tax_code(101234565.0)
        == normalize_tax_code("101234565")
        == "0101234565"
    )


# --- normalize_tax_code: refused values -----------------------------------------------------


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (None, "empty"),
        ("", "empty"),
        ("   ", "empty"),
        (". .", "empty"),
        ("2400123458000", "branch"),
        ("2400123458-000", "branch"),
        (2400123458000, "branch"),
        ("101234565000", "branch"),
        ("12345678", "length"),
        ("99345678901", "length"),  # 11 digits, but 099 is no province code
        ("24001234580012", "length"),
        ("1", "length"),
        ("2400123458-01", "length"),
        ("2400123458-0001", "length"),
        ("24001234-001", "length"),
        (12345678, "length"),
        (0, "length"),
        pytest.param(10**6000, "length", id="int-of-6000-digits"),
        (1e300, "length"),
        ("240012345A", "invalid"),
        ("MST2400123458", "invalid"),
        ("abc", "invalid"),
        ("-2400123458", "invalid"),
        ("2400123458-", "invalid"),
        ("2400123458--001", "invalid"),
        ("2400123458/001", "invalid"),
        ("2.40012E+09", "invalid"),
        ("２４００１２３４５８", "invalid"),  # full-width digits
        ("٢٤٠٠١٢٣٤٥٨", "invalid"),  # Arabic-Indic digits
        (True, "invalid"),
        (False, "invalid"),
        (1.5, "not_whole"),
        (101234565.5, "not_whole"),
        (float("nan"), "not_whole"),
        (float("inf"), "not_whole"),
        (Decimal("1.5"), "not_whole"),
        (Decimal("sNaN"), "not_whole"),
        (-2400123458, "not_whole"),
        (-101234565.0, "not_whole"),
    ],
)
def test_normalize_tax_code_refuses(value: object, code: str) -> None:
    error = error_of(value)
    assert error.code == code
    assert isinstance(error, ValueError)
    assert error.message
    assert str(error) == error.message


def test_tax_code_error_message_is_the_translated_msgid() -> None:
    assert error_of("12345678").message == gettext(
        "The tax code must have 10 digits, 13 for a branch, or 12 for a personal "
        "identification number."
    )
    assert error_of("2400123458000").message == gettext(
        "The branch number of a tax code cannot be 000."
    )


def test_twelve_digits_are_a_branch_only_when_the_base_passes_its_check_digit() -> None:
    # 0101234565 passes: a 13-digit branch code that lost its leading zero.
    assert normalize_tax_code("101234565001") == "0101234565-001"
    # 0024195001 does not: an individual's personal identification number.
    assert normalize_tax_code("024195001234") == "024195001234"
    assert has_valid_check_digit("024195001234")


def test_a_failed_check_digit_is_not_an_error() -> None:
    # The import keeps such rows with a warning (IMPORT.md, "Cell values").
    assert normalize_tax_code("2400123459") == "2400123459"
    assert not has_valid_check_digit("2400123459")


# --- check digits ---------------------------------------------------------------------------


def test_check_digit_of_the_documented_example() -> None:
    # 2*31 + 4*29 + 0*23 + 0*19 + 1*17 + 2*13 + 3*7 + 4*5 + 5*3 = 277; 277 mod 11 = 2.
    assert check_digit("240012345") == 8


@pytest.mark.parametrize(
    ("first_nine", "expected"),
    [
        ("240012345", 8),  # sum 277, mod 11 = 2
        ("010123456", 5),  # sum 192, mod 11 = 5: 0101234565, the padded example in IMPORT.md
        ("000000001", 7),  # sum 3
        ("000000110", 9),  # sum 12, mod 11 = 1
        ("000000300", 0),  # sum 21, mod 11 = 10: 10 - 10 = 0
        ("000000000", None),  # sum 0: a check of 10 is not a digit
        ("000010010", None),  # sum 22
    ],
)
def test_check_digit_follows_the_formula(first_nine: str, expected: int | None) -> None:
    assert check_digit(first_nine) == expected


@pytest.mark.parametrize("first_nine", ["", "24001234", "2400123456", "24001234a", "٢٤٠٠١٢٣٤٥"])
def test_check_digit_needs_nine_digits(first_nine: str) -> None:
    with pytest.raises(ValueError):
        check_digit(first_nine)


@pytest.mark.parametrize(
    ("code", "valid"),
    [
        ("2400123458", True),
        ("2400123458-001", True),  # only the base is checked
        ("0101234565", True),
        ("0101234565-999", True),
        ("2400123457", False),
        ("2400123459-001", False),
        ("0000000000", False),  # no tenth digit can pass
        ("0000003000", True),  # sum 21: check 10 - 10 = 0
    ],
)
def test_has_valid_check_digit(code: str, valid: bool) -> None:
    assert has_valid_check_digit(code) is valid


@pytest.mark.parametrize("code", ["2400123458001", "101234565", "2400 123 458", "", "abc"])
def test_has_valid_check_digit_needs_a_normalised_code(code: str) -> None:
    with pytest.raises(ValueError):
        has_valid_check_digit(code)


@pytest.mark.parametrize(
    ("first_nine", "expected"),
    [("240012345", "2400123458"), ("010123456", "0101234565"), ("000000000", None)],
)
def test_make_tax_code(first_nine: str, expected: str | None) -> None:
    assert make_tax_code(first_nine) == expected


# --- properties -----------------------------------------------------------------------------

digits = st.text(alphabet="0123456789", min_size=1, max_size=15)
nine_digits = st.text(alphabet="0123456789", min_size=9, max_size=9)
cells = st.one_of(
    st.none(),
    st.booleans(),
    st.text(),
    st.text(alphabet="0123456789 .-–", max_size=20),
    digits,
    st.integers(),
    st.integers(min_value=0, max_value=10**13),
    st.floats(),
    st.floats(min_value=0, max_value=1e13),
    st.decimals(),
)


@given(cells)
def test_normalize_tax_code_returns_the_stored_form_or_raises_tax_code_error(value: object) -> None:
    try:
        result = normalize_tax_code(value)
    except TaxCodeError as error:
        assert error.message
        assert error.code in {"empty", "invalid", "length", "branch", "not_whole"}
    else:
        assert STORED_FORM.fullmatch(result)
        assert not result.endswith("-000")


@given(cells)
def test_normalize_tax_code_is_idempotent(value: object) -> None:
    try:
        result = normalize_tax_code(value)
    except TaxCodeError:
        return
    assert normalize_tax_code(result) == result


@given(st.integers(min_value=10**8, max_value=10**13 - 1))
def test_numeric_cells_read_like_their_digits(number: int) -> None:
    def outcome(value: object) -> str:
        try:
            return normalize_tax_code(value)
        except TaxCodeError as error:
            return error.code

    assert outcome(number) == outcome(str(number)) == outcome(float(number))


@given(st.lists(st.text(alphabet="0123456789", min_size=2, max_size=4), min_size=1), st.data())
def test_spaces_and_dots_between_digit_groups_are_ignored(
    groups: list[str], data: st.DataObject
) -> None:
    separators = data.draw(
        st.lists(
            st.sampled_from([" ", ".", ". ", "\xa0"]),
            min_size=len(groups) - 1,
            max_size=len(groups) - 1,
        )
    )
    text = groups[0] + "".join(
        sep + group for sep, group in zip(separators, groups[1:], strict=True)
    )
    plain = "".join(groups)
    try:
        expected = normalize_tax_code(plain)
    except TaxCodeError as error:
        assert error_of(text).code == error.code
    else:
        assert normalize_tax_code(text) == expected


@given(nine_digits)
def test_make_tax_code_makes_valid_codes(first_nine: str) -> None:
    code = make_tax_code(first_nine)
    if code is None:
        assert check_digit(first_nine) is None
    else:
        assert code.startswith(first_nine)
        assert normalize_tax_code(code) == code
        assert has_valid_check_digit(code)
        assert has_valid_check_digit(f"{code}-001")


@given(nine_digits)
def test_at_most_one_tenth_digit_passes(first_nine: str) -> None:
    passing = [d for d in "0123456789" if has_valid_check_digit(first_nine + d)]
    assert len(passing) == (0 if check_digit(first_nine) is None else 1)


@given(nine_digits)
def test_a_nine_digit_code_is_its_padded_ten_digit_code(first_nine: str) -> None:
    assert normalize_tax_code(first_nine) == "0" + first_nine
