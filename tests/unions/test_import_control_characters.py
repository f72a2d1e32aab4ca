"""Cells no database or spreadsheet can hold: control characters, and overlong text.

PostgreSQL cannot store a NUL in text, and no Excel file can hold one: before this, the CSV
below ended in a psycopg DataError on PostgreSQL and, on SQLite, stored a name that then broke
every Excel export of the district.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from import_export.formats.base_formats import XLSX

from tests import factories
from tests.unions.import_files import place_notes_aside, run
from unions.admin.resources import EnterpriseResource
from unions.models import Enterprise

pytestmark = pytest.mark.django_db

HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Số lao động"]
WARNING = "Đã bỏ các ký tự điều khiển (như NUL) khỏi ô này."


def test_a_nul_in_a_name_is_removed_and_warned_about(tmp_path):
    code = factories.next_tax_code()
    rows = [HEADER, [code, "Nul\x00Name\x07\x1b", "Thành phố Bắc Giang", 5]]
    result = run(tmp_path, rows, ext=".csv")
    assert (result.exit_code, result.created) == (0, 1)
    assert [(w.column, w.message) for w in place_notes_aside(result.warnings)] == [
        ("Tên doanh nghiệp", WARNING)
    ]
    assert "\x00" not in result.warnings[0].value
    stored = Enterprise.objects.get(tax_code=code)
    assert stored.name == "NulName"

    content = XLSX().export_data(EnterpriseResource().export(Enterprise.objects.all()))
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    assert "NulName" in [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_tabs_and_line_breaks_are_spaces_not_control_characters(tmp_path):
    code = factories.next_tax_code()
    rows = [HEADER, [code, "Công ty\tA\nB", "Thành phố Bắc Giang", 5]]
    result = run(tmp_path, rows, ext=".csv")
    assert (result.exit_code, place_notes_aside(result.warnings)) == (0, [])
    assert Enterprise.objects.get(tax_code=code).name == "Công ty A B"


def test_a_control_character_in_a_column_not_imported_is_dropped_silently(tmp_path):
    code = factories.next_tax_code()
    rows = [[*HEADER, "Ghi chú"], [code, "Công ty A", "Thành phố Bắc Giang", 5, "x\x00y"]]
    result = run(tmp_path, rows, ext=".csv")
    assert (result.exit_code, place_notes_aside(result.warnings)) == (0, [])


def test_a_one_megabyte_cell_is_a_row_error_not_a_corrupt_file(tmp_path):
    code = factories.next_tax_code()
    rows = [HEADER, [code, "A" * 1_000_000, "Thành phố Bắc Giang", 5]]
    result = run(tmp_path, rows, ext=".csv")
    assert result.error is None
    assert result.exit_code == 1
    assert [(e.column, e.message[:20]) for e in result.errors] == [
        ("Tên doanh nghiệp", "Nội dung quá dài: tố")
    ]
