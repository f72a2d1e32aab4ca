"""Cell parsers: examples, agreement with the domain rules, and fuzzing (only row errors)."""

from __future__ import annotations

import datetime
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unions.importing.cells import (
    OWNERSHIP_WORDS,
    CellError,
    Memo,
    Vocabulary,
    cell_text,
    clean,
    parse_date,
    parse_tax_code,
    parse_text,
    parse_whole_number,
)
from unions.importing.engine import _is_column_numbers
from unions.taxcode import TaxCodeError, has_valid_check_digit, normalize_tax_code
from unions.text import clean_text

# Anything a reader can hand over for a cell.
cells = st.one_of(
    st.none(),
    st.text(),
    st.text(alphabet="0123456789 .,-/()\u00a0\t\n"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.timedeltas(),
    st.decimals(allow_nan=False),
)


def only_row_errors(parser, value):
    try:
        parser(value)
    except CellError as error:
        assert isinstance(error.message, str) and error.message


@given(cells)
def test_fuzzed_tax_codes_give_a_code_or_a_row_error(value):
    only_row_errors(parse_tax_code, value)


@given(cells)
def test_fuzzed_counts_give_a_number_or_a_row_error(value):
    only_row_errors(parse_whole_number, value)


@given(cells)
def test_fuzzed_dates_give_a_date_or_a_row_error(value):
    only_row_errors(parse_date, value)


@given(cells)
def test_fuzzed_text_gives_text_or_a_row_error(value):
    only_row_errors(lambda v: parse_text(v, max_length=300), value)
    assert isinstance(cell_text(value), str)


@given(cells)
def test_fuzzed_vocabulary_lookups_never_fail(value):
    assert Vocabulary(OWNERSHIP_WORDS).get(value) in (None, "state", "domestic", "foreign")


@given(st.lists(cells, max_size=12))
def test_fuzzed_rows_are_or_are_not_column_numbers_without_failing(row):
    assert _is_column_numbers(row) in (True, False)


@given(st.text())
def test_the_fast_clean_is_clean_text(text):
    assert clean(text) == clean_text(text)


@given(st.text(alphabet="0123456789-. ", max_size=16) | st.integers(0, 10**14))
def test_the_fast_tax_code_path_agrees_with_the_domain_rules(value):
    try:
        expected = normalize_tax_code(value)
    except TaxCodeError:
        with pytest.raises(CellError):
            parse_tax_code(value)
        return
    assert parse_tax_code(value) == (expected, has_valid_check_digit(expected))


@given(st.integers(0, 10**9))
def test_whole_numbers_with_separators_read_back(number):
    grouped = f"{number:,}"
    for separator in (".", ",", " "):
        assert parse_whole_number(grouped.replace(",", separator)) == number
    assert parse_whole_number(float(number)) == number


@given(st.dates())
def test_dates_in_every_form_read_back(date):
    forms = [date, datetime.datetime.combine(date, datetime.time()), date.isoformat()]
    if date.year >= 1000:
        forms += [date.strftime(f"%d{sep}%m{sep}%Y") for sep in "/-."]
        forms.append(f"{date.day}/{date.month}/{date.year}")
    for form in forms:
        assert parse_date(form) == date


def test_excel_serial_numbers_are_dates_from_1927_on():
    assert parse_date(45000) == datetime.date(2023, 3, 15)
    assert parse_date(45000.0) == datetime.date(2023, 3, 15)
    for year_like in (2020, 1999, 0, -5, 45000.5, math.inf):
        with pytest.raises(CellError):
            parse_date(year_like)


def test_cell_text_shows_values_as_read():
    assert cell_text(101234565.0) == "101234565"
    assert cell_text(1.5) == "1.5"
    assert cell_text(datetime.date(2024, 2, 9)) == "09/02/2024"
    assert cell_text(datetime.datetime(2024, 2, 9)) == "09/02/2024"
    assert cell_text(None) == ""
    assert cell_text(True) == "TRUE"


def test_a_memo_answers_like_its_parser_and_never_mixes_booleans_with_numbers():
    memo = Memo(parse_whole_number)
    assert memo(1) == 1 and memo(1) == 1
    with pytest.raises(CellError):
        memo(True)
    with pytest.raises(CellError):
        memo("1.5")
    with pytest.raises(CellError):
        memo("1.5")  # remembered errors are raised again


@pytest.mark.django_db
@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(cells, min_size=13, max_size=13))
def test_fuzzed_rows_through_the_enterprise_parser_give_values_or_row_errors(row):
    from unions.enterprises.enterprise_import import COLUMNS, EnterpriseImport
    from unions.importing.engine import ImportRun, Row
    from unions.importing.reading import Layout

    layout = Layout(
        sheet=None,
        header_row=1,
        header=[c.title for c in COLUMNS],
        indexes={c.name: i for i, c in enumerate(COLUMNS)},
        titles={c.name: c.title for c in COLUMNS},
    )
    spec = EnterpriseImport(
        ImportRun(
            user=None,
            dry_run=True,
            skip_errors=False,
            file_name="f",
            batch=None,
            now=None,
            today=None,
            writable_unions=None,
        )
    )
    spec.load()
    spec.layout = layout
    spec.prepare()
    parsed = Row(2, row, layout)
    spec.parse(parsed)
    spec.classify([parsed])
    assert parsed.errors or parsed.status in ("created", "updated", "unchanged")
    for issue in parsed.errors + parsed.warnings:
        assert issue.row == 2 and isinstance(issue.message, str) and isinstance(issue.value, str)
