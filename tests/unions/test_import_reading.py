"""Reading import files: formats, sheets, header rows, row numbers and file-level errors."""

from __future__ import annotations

import datetime
import zipfile

import pytest
from django.test import override_settings

from tests import factories
from tests.unions.import_files import (
    FORMATS,
    TYPED_FORMATS,
    run,
    write_csv,
    write_ods,
    write_xls,
    write_xlsx,
)
from unions.enterprises.enterprise_import import EnterpriseImport
from unions.importing import list_sheets, run_import
from unions.models import Enterprise, ImportBatch

pytestmark = pytest.mark.django_db

HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Huyện"]


def data(n: int = 2) -> list[list[object]]:
    return [[factories.next_tax_code(), f"Công ty Số {i}", "Huyện Yên Thế"] for i in range(n)]


def assert_file_error(result) -> None:
    document = result.as_json()
    assert result.exit_code == 2
    assert isinstance(document["error"], str) and document["error"]
    counts = [document[key] for key in ("rows", "created", "updated", "unchanged", "skipped")]
    assert counts == [0, 0, 0, 0, 0]
    assert document["errors"] == document["warnings"] == []
    assert not Enterprise.objects.exists()


# Formats -----------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_each_format_is_read(tmp_path, ext):
    result = run(tmp_path, [HEADER, *data(3)], ext=ext)
    assert (result.exit_code, result.created, result.header_row) == (0, 3, 1)
    assert result.sheet == (None if ext == ".csv" else "Danh sách")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "windows-1258"])
@pytest.mark.parametrize("delimiter", [",", ";"])
def test_csv_encodings_and_separators_are_detected(tmp_path, encoding, delimiter):
    tax = factories.next_tax_code()
    rows = [
        ["Mã số thuế", "Tên doanh nghiệp", "Địa chỉ", "Huyện/Thành phố", "Số lao động"],
        [tax, "Công ty Cổ phần Đức Thắng", "Số 5, Phường Chũ", "Thị xã Chũ", "1.250"],
    ]
    result = run(
        tmp_path, rows, ext=".csv", write_options={"encoding": encoding, "delimiter": delimiter}
    )
    assert (result.exit_code, result.created) == (0, 1), result.as_json()
    stored = Enterprise.objects.get(tax_code=tax)
    assert (stored.name, stored.address, stored.workers) == (
        "Công ty Cổ phần Đức Thắng",
        "Số 5, Phường Chũ",
        1250,
    )
    assert stored.district.code == "224"


def test_windows_1258_bytes_are_really_not_utf8(tmp_path):
    path = write_csv(tmp_path / "a.csv", [["Huyện"]], encoding="windows-1258")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")


@pytest.mark.parametrize("name", ["ds.pdf", "ds.docx", "ds.txt", "ds.xlsm", "ds"])
def test_an_unsupported_format_is_a_file_error(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(b"%PDF-1.4 not a spreadsheet")
    result = run_import(spec=EnterpriseImport, path=path)
    assert_file_error(result)
    assert result.header_row is None and result.sheet is None


@pytest.mark.parametrize("ext", [".xlsx", ".xls", ".ods"])
def test_a_corrupt_workbook_is_a_file_error(tmp_path, ext):
    path = tmp_path / f"hong{ext}"
    path.write_bytes(b"PK\x03\x04" + b"\x00garbage" * 200)
    assert_file_error(run_import(spec=EnterpriseImport, path=path))


def test_a_truncated_xlsx_is_a_file_error(tmp_path):
    path = write_xlsx(tmp_path / "full.xlsx", [HEADER, *data(50)])
    broken = tmp_path / "cut.xlsx"
    broken.write_bytes(path.read_bytes()[:-400])
    assert_file_error(run_import(spec=EnterpriseImport, path=broken))


def test_a_zip_that_is_no_workbook_is_a_file_error(tmp_path):
    path = tmp_path / "ds.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")
    assert_file_error(run_import(spec=EnterpriseImport, path=path))


def test_a_password_protected_xlsx_is_a_file_error_saying_so(tmp_path):
    # What Excel writes for a password: an OLE container with an EncryptedPackage stream.
    path = tmp_path / "mat_khau.xlsx"
    path.write_bytes(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 1024
    )
    result = run_import(spec=EnterpriseImport, path=path)
    assert_file_error(result)
    assert "password" in result.error.lower() or "mật khẩu" in result.error.lower()


def test_an_empty_file_is_a_file_error(tmp_path):
    path = tmp_path / "rong.csv"
    path.write_bytes(b"")
    assert_file_error(run_import(spec=EnterpriseImport, path=path))


def test_a_missing_file_is_a_file_error(tmp_path):
    assert_file_error(run_import(spec=EnterpriseImport, path=tmp_path / "khong_co.xlsx"))


@override_settings(IMPORT_MAX_BYTES=2000)
def test_a_file_over_the_size_limit_is_a_file_error(tmp_path):
    result = run(tmp_path, [HEADER, *data(200)], ext=".csv")
    assert_file_error(result)
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.FILE_ERROR


@pytest.mark.parametrize("ext", FORMATS)
@override_settings(IMPORT_MAX_ROWS=5)
def test_a_file_over_the_row_limit_is_a_file_error(tmp_path, ext):
    assert_file_error(run(tmp_path, [HEADER, *data(6)], ext=ext))


@pytest.mark.parametrize("ext", FORMATS)
@override_settings(IMPORT_MAX_ROWS=5)
def test_a_file_at_the_row_limit_is_read(tmp_path, ext):
    assert run(tmp_path, [HEADER, *data(5)], ext=ext).created == 5


# Sheets ------------------------------------------------------------------------------------


def test_the_first_visible_sheet_with_a_header_is_read(tmp_path):
    instructions = [["HƯỚNG DẪN"], ["Điền mỗi doanh nghiệp một dòng."]]
    hidden = [HEADER, [factories.next_tax_code(), "Ẩn", "Huyện Yên Thế"]]
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        [HEADER, *data(2)],
        sheets=[("Hướng dẫn", instructions)],
        hidden=[("An", hidden)],
    )
    result = run_import(spec=EnterpriseImport, path=path)
    assert (result.sheet, result.created) == ("Danh sách", 2)
    assert not Enterprise.objects.filter(name="Ẩn").exists()
    assert list_sheets(path) == ["Hướng dẫn", "Danh sách"]


@pytest.mark.parametrize("writer", [write_xls, write_ods])
def test_instruction_sheets_are_passed_over_in_xls_and_ods(tmp_path, writer):
    ext = ".xls" if writer is write_xls else ".ods"
    path = writer(
        tmp_path / f"ds{ext}",
        [HEADER, *data(2)],
        sheets=[("Hướng dẫn", [["Đọc kỹ"], ["Mã số thuế là bắt buộc"]])],
    )
    result = run_import(spec=EnterpriseImport, path=path)
    assert (result.sheet, result.created) == ("Danh sách", 2)


def test_a_sheet_can_be_chosen_by_name(tmp_path):
    other = [HEADER, [factories.next_tax_code(), "Ở trang khác", "Huyện Yên Thế"]]
    path = write_xlsx(tmp_path / "ds.xlsx", [HEADER, *data(2)], sheets=[("Khác", other)])
    result = run_import(spec=EnterpriseImport, path=path, sheet="Danh sách")
    assert (result.sheet, result.created) == ("Danh sách", 2)
    result = run_import(spec=EnterpriseImport, path=path, sheet="Không có")
    assert result.exit_code == 2 and "Khác" in result.error


def test_no_header_anywhere_is_a_file_error(tmp_path):
    rows = [
        ["LIÊN ĐOÀN LAO ĐỘNG HUYỆN YÊN THẾ"],
        ["Danh sách doanh nghiệp mã số thuế"],
        ["a", "b", "c"],
        *data(3),
    ]
    result = run(tmp_path, rows)
    assert_file_error(result)
    assert result.header_row is None


# Header rows -------------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_title_rows_above_the_header_are_ignored(tmp_path, ext):
    rows = [
        ["LIÊN ĐOÀN LAO ĐỘNG TỈNH BẮC GIANG"],
        ["DANH SÁCH DOANH NGHIỆP NĂM 2024"],
        [],
        HEADER,
        *data(2),
    ]
    result = run(tmp_path, rows, ext=ext)
    assert (result.header_row, result.created, result.skipped) == (4, 2, 0)


def test_a_title_that_contains_an_alias_is_not_a_header(tmp_path):
    rows = [
        ["Huyện", "", ""],
        ["Tên doanh nghiệp của huyện", "Mã số thuế các DN"],
        HEADER,
        *data(1),
    ]
    assert run(tmp_path, rows).header_row == 3


def test_one_recognised_column_does_not_make_a_header(tmp_path):
    rows = [["Mã số thuế", "Ghi chú"], HEADER, *data(1)]
    assert run(tmp_path, rows).header_row == 2


def test_the_header_is_searched_in_the_first_twenty_rows_only(tmp_path):
    rows = [[f"Dòng tiêu đề {n}"] for n in range(20)] + [HEADER, *data(1)]
    assert_file_error(run(tmp_path, rows))
    rows = [[f"Dòng tiêu đề {n}"] for n in range(19)] + [HEADER, *data(1)]
    assert run(tmp_path, rows, name="b").header_row == 20


@pytest.mark.parametrize("ext", FORMATS)
def test_header_cells_may_be_upper_case_and_broken_over_lines(tmp_path, ext):
    rows = [
        ["MÃ SỐ\nTHUẾ", "TÊN\r\nDOANH NGHIỆP", "Huyện/\nThành phố", "SỐ LĐ"],
        [factories.next_tax_code(), "Công ty A", "Huyện Yên Thế", 30],
    ]
    result = run(tmp_path, rows, ext=ext)
    assert (result.exit_code, result.created) == (0, 1), result.as_json()
    assert Enterprise.objects.get().workers == 30


def test_merged_header_cells_are_read(tmp_path):
    # "Mã số thuế" merged over two rows (A1:A2) and "Tên doanh nghiệp" over two columns.
    rows = [
        ["Mã số thuế", "Tên doanh nghiệp", "", "Huyện"],
        ["", "", "", ""],
        [factories.next_tax_code(), "Công ty A", "", "Huyện Yên Thế"],
    ]
    path = write_xlsx(tmp_path / "ds.xlsx", rows, merged=["A1:A2", "B1:C2", "D1:D2"])
    result = run_import(spec=EnterpriseImport, path=path)
    assert (result.exit_code, result.created, result.skipped, result.header_row) == (0, 1, 0, 1)
    path = write_xls(tmp_path / "ds.xls", rows, merged=[(0, 1, 0, 0), (0, 1, 1, 2), (0, 1, 3, 3)])
    result = run_import(spec=EnterpriseImport, path=path)
    assert (result.exit_code, result.unchanged, result.skipped) == (0, 1, 0)


def test_two_columns_for_one_field_are_a_file_error(tmp_path):
    rows = [["MST", "Mã số thuế", "Tên DN", "Huyện"], ["1", "2", "A", "Huyện Yên Thế"]]
    result = run(tmp_path, rows)
    assert_file_error(result)
    assert "MST" in result.error and "Mã số thuế" in result.error


def test_a_missing_required_column_is_named_with_the_columns_recognised(tmp_path):
    rows = [["STT", "Mã số thuế", "Địa chỉ", "Huyện"], ["1", "2", "A", "B"]]
    result = run(tmp_path, rows)
    assert_file_error(result)
    assert result.header_row is None or result.header_row == 1
    assert "Tên doanh nghiệp" in result.error  # the missing column
    assert "Mã số thuế" in result.error and "Địa chỉ" in result.error  # those recognised


def test_a_list_without_any_place_column_is_a_file_error_naming_them(tmp_path):
    rows = [["STT", "Mã số thuế", "Tên doanh nghiệp"], ["1", "2400123458", "A"]]
    result = run(tmp_path, rows)
    assert_file_error(result)
    assert all(title in result.error for title in ("“Huyện”", "“Xã”", "“Địa chỉ”"))


@pytest.mark.parametrize(
    "place", [["Huyện"], ["Xã/Phường"], ["Địa chỉ"], ["Tỉnh", "Phường/xã mới"]]
)
def test_any_one_place_column_is_enough(tmp_path, place):
    rows = [["Mã số thuế", "Tên doanh nghiệp", *place], ["2400123458", "A", *["" for _ in place]]]
    result = run(tmp_path, rows)
    assert result.exit_code != 2, result.error


def test_unrecognised_columns_are_ignored_and_listed(tmp_path):
    rows = [["STT", *HEADER, "Ghi chú", "", "TT"], [1, *data(1)[0], "x", "", 2]]
    result = run(tmp_path, rows)
    assert result.ignored_columns == ["STT", "Ghi chú", "TT"]
    assert result.created == 1


# Row numbers and skipped rows --------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_row_numbers_are_the_spreadsheets_own_with_leading_empty_rows(tmp_path, ext):
    rows = [[], [], [], ["", "", *HEADER], ["", "", "24001", "Công ty A", "Huyện Yên Thế"]]
    result = run(tmp_path, rows, ext=ext)
    assert result.header_row == 4
    assert [(e.row, e.column) for e in result.errors] == [(5, "Mã số thuế")]


@pytest.mark.parametrize("ext", FORMATS)
def test_blank_total_and_column_number_rows_are_skipped(tmp_path, ext):
    first, second = data(2)
    rows = [
        HEADER,
        ["(1)", "(2)", "(3)"],  # column numbers of a report form
        first,
        ["", "", ""],  # a blank line
        ["", "", "Huyện Yên Thế"],  # neither tax code nor name
        ["", "Tổng cộng", ""],  # a totals row
        ["", "CỘNG: 2 doanh nghiệp", ""],
        second,
        ["", "Cộng", ""],
        [],
        [],
    ]
    result = run(tmp_path, rows, ext=ext)
    assert (result.created, result.skipped, result.rows) == (2, 6, 2), result.as_json()


def test_numeric_column_numbers_right_under_the_header_are_skipped(tmp_path):
    rows = [HEADER, [1, 2, 3], *data(1)]
    assert (run(tmp_path, rows).skipped, Enterprise.objects.count()) == (1, 1)


def test_column_numbers_are_only_skipped_right_under_the_header(tmp_path):
    rows = [HEADER, *data(1), ["(1)", "(2)", "(3)"]]
    result = run(tmp_path, rows)
    assert [(e.row, e.column) for e in result.errors][0] == (3, "Mã số thuế")


def test_a_name_starting_with_cong_ty_is_not_a_total(tmp_path):
    rows = [HEADER, ["", "Công ty TNHH Cộng Hòa", "Huyện Yên Thế"]]
    result = run(tmp_path, rows)
    assert result.skipped == 0
    assert [(e.row, e.column) for e in result.errors] == [(2, "Mã số thuế")]


def test_a_total_with_a_tax_code_is_a_data_row(tmp_path):
    tax = factories.next_tax_code()
    result = run(tmp_path, [HEADER, [tax, "Cộng Hòa Corp", "Huyện Yên Thế"]])
    assert (result.created, result.skipped) == (1, 0)


def test_only_skipped_rows_means_no_data_rows_a_file_error(tmp_path):
    rows = [HEADER, ["", "Tổng cộng", ""], ["", "", ""], ["", "", "x"]]
    assert_file_error(run(tmp_path, rows))


def test_a_header_with_nothing_under_it_is_a_file_error(tmp_path):
    result = run(tmp_path, [["Danh sách"], HEADER])
    assert_file_error(result)
    assert result.header_row == 2


@pytest.mark.parametrize("ext", TYPED_FORMATS)
def test_dates_and_numbers_keep_their_types_in_workbooks(tmp_path, ext):
    tax = factories.next_tax_code()
    rows = [
        ["MST", "Tên DN", "Huyện", "Số LĐ", "Ngày thành lập"],
        [int(tax), "Công ty A", "Huyện Yên Thế", 1250, datetime.date(2020, 2, 29)],
    ]
    result = run(tmp_path, rows, ext=ext)
    assert result.exit_code == 0
    stored = Enterprise.objects.get()
    assert (stored.tax_code, stored.workers, stored.founded_on) == (
        tax,
        1250,
        datetime.date(2020, 2, 29),
    )
