"""The member-list import: IMPORT.md's "Member lists" on the import engine."""

from __future__ import annotations

import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command

from tests.factories import make_enterprise, make_member, make_union
from tests.unions.import_files import FORMATS, run, write
from unions.importing import error_rows_workbook, run_import
from unions.models import Member

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = ["STT", "Họ và tên", "Ngày sinh", "Giới tính", "Số CCCD", "MST", "Ngày vào công đoàn",
          "Trình độ văn hóa", "SĐT", "Nghề nghiệp"]  # fmt: skip


def members(tmp_path, rows, **options):
    return run(tmp_path, rows, spec="members", **options)


@pytest.fixture
def union():
    return make_union(make_enterprise(name="Công ty TNHH May Hà Bắc"))


@pytest.mark.parametrize("ext", FORMATS)
def test_members_are_created_in_their_enterprises_active_union(tmp_path, today, union, ext):
    rows = [
        HEADER,
        [1, "Nguyễn  Thị Hoà", D(1995, 3, 12), "Nữ", "024195001234", union.enterprise.tax_code,
         D(2018, 6, 1), "12/12", "0912 345 678", "Công nhân may"],
    ]  # fmt: skip
    result = members(tmp_path, rows, ext=ext)
    assert (result.exit_code, result.created) == (0, 1), result.as_json()
    member = Member.objects.get()
    assert (member.full_name, member.search_key) == ("Nguyễn Thị Hoà", "nguyen thi hoa")
    assert (member.date_of_birth, member.birth_year_only) == (D(1995, 3, 12), False)
    assert (member.gender, member.national_id, member.union) == ("female", "024195001234", union)
    assert (member.joined_on, member.education, member.phone, member.job) == (
        D(2018, 6, 1), "12/12", "0912 345 678", "Công nhân may",
    )  # fmt: skip
    assert member.last_import_batch == result.batch
    record = member.history.get()
    assert record.history_type == "+"
    assert str(result.batch.pk) in record.history_change_reason


def test_a_bare_year_of_birth_is_kept_as_a_year_with_a_warning(tmp_path, today, union):
    rows = [["Họ và tên", "Năm sinh", "MST"], ["Lê Văn Nam", 1990, union.enterprise.tax_code]]
    result = members(tmp_path, rows)
    assert result.exit_code == 0
    member = Member.objects.get()
    assert (member.date_of_birth, member.birth_year_only) == (D(1990, 1, 1), True)
    assert [(w.row, w.column, w.value) for w in result.warnings] == [(2, "Năm sinh", "1990")]


def test_a_bare_year_never_replaces_a_full_date_of_birth(tmp_path, today, union):
    stored = make_member(union, full_name="Lê Văn Nam", date_of_birth=D(1990, 5, 17))
    rows = [["Họ và tên", "Năm sinh", "MST"], ["Lê Văn Nam", "1990", union.enterprise.tax_code]]
    result = members(tmp_path, rows)
    assert (result.created, result.unchanged) == (0, 1), result.as_json()
    stored.refresh_from_db()
    assert (stored.date_of_birth, stored.birth_year_only) == (D(1990, 5, 17), False)


def test_national_ids_old_cards_warn_and_lost_zeros_come_back(tmp_path, today, union):
    code = union.enterprise.tax_code
    rows = [
        ["Họ và tên", "Ngày sinh", "CCCD", "MST"],
        ["Người Một", "01/01/1990", 24090001234, code],  # a number: the leading 0 was lost
        ["Người Hai", "02/02/1991", "012345678", code],  # an old 9-digit card
        ["Người Ba", "03/03/1992", "12345", code],
    ]
    result = members(tmp_path, rows)
    assert [(e.row, e.column) for e in result.errors] == [(4, "CCCD")]
    assert [(w.row, w.column, w.value) for w in result.warnings] == [(3, "CCCD", "012345678")]
    result = members(tmp_path, rows[:3])
    assert set(Member.objects.values_list("national_id", flat=True)) == {
        "024090001234", "012345678",
    }  # fmt: skip


def test_ethnicity_and_religion_are_recognised_never_stored_nor_echoed(tmp_path, today, union):
    rows = [
        ["Họ và tên", "Ngày sinh", "Dân tộc", "Tôn giáo", "MST"],
        ["Hoàng Văn Sáng", "01/01/1990", "Tày", "Phật giáo", union.enterprise.tax_code],
        ["Người Lỗi", "31/02/1990", "Nùng", "Công giáo", union.enterprise.tax_code],
    ]
    result = members(tmp_path, rows, skip_errors=True)
    assert result.created == 1
    assert [notice for notice in result.notices if "Dân tộc" in notice]
    assert [notice for notice in result.notices if "Tôn giáo" in notice]
    assert "Dân tộc" not in result.ignored_columns
    shown = json.dumps(result.batch.report, ensure_ascii=False)
    download = openpyxl.load_workbook(io.BytesIO(error_rows_workbook(result.batch.report)))
    cells = [str(c) for row in download.active.iter_rows(values_only=True) for c in row if c]
    for secret in ("Tày", "Phật giáo", "Nùng", "Công giáo"):
        assert secret not in shown
        assert secret not in cells
    assert "Người Lỗi" in cells  # the rest of the invalid row is there to fix


def test_a_member_is_matched_by_national_id_and_updated(tmp_path, today, union):
    stored = make_member(union, full_name="Nguyễn Văn Cảnh", national_id="024090001234",
                         phone="0900000000")  # fmt: skip
    rows = [
        ["Họ và tên", "Ngày sinh", "CCCD", "MST", "SĐT"],
        ["Nguyễn Văn Cảnh Anh", "17/05/1990", "024090001234", union.enterprise.tax_code, ""],
    ]
    result = members(tmp_path, rows)
    assert (result.created, result.updated) == (0, 1)
    stored.refresh_from_db()
    assert stored.full_name == "Nguyễn Văn Cảnh Anh"
    assert stored.phone == "0900000000"  # an empty cell never erases
    assert stored.history.order_by("-history_id").first().history_type == "~"


def test_a_member_without_id_is_matched_by_name_birth_and_union(tmp_path, today, union):
    stored = make_member(union, full_name="Trần Thị Hoa", date_of_birth=D(1995, 3, 12))
    rows = [
        ["Họ và tên", "Ngày sinh", "CCCD", "MST"],
        ["TRẦN THỊ HOA", "12/03/1995", "", union.enterprise.tax_code],
        ["Tran Thi Hoa", "13/03/1995", "", union.enterprise.tax_code],  # another person
    ]
    result = members(tmp_path, rows)
    assert (result.created, result.updated) == (1, 1)  # the name was re-spelled: an update
    stored.refresh_from_db()
    assert stored.full_name == "TRẦN THỊ HOA"
    # Later the list gives her ID: she gains it rather than becoming someone new.
    rows = [
        ["Họ và tên", "Ngày sinh", "CCCD", "MST"],
        ["TRẦN THỊ HOA", "12/03/1995", "024195009999", union.enterprise.tax_code],
    ]
    result = members(tmp_path, rows)
    assert (result.created, result.updated) == (0, 1)
    stored.refresh_from_db()
    assert stored.national_id == "024195009999"


def test_importing_the_same_list_twice_changes_nothing(tmp_path, today, union):
    rows = [HEADER] + [
        [n, f"Đoàn Viên Số {n}", D(1990, 1, n), "Nam", f"0240900012{n:02d}",
         union.enterprise.tax_code, None, "9/12", None, None]
        for n in range(1, 6)
    ]  # fmt: skip
    # One file imported twice: writing it again would give other bytes (zip timestamps).
    path = write(tmp_path / "danh_sach.xlsx", rows)
    first = run_import(spec="members", path=path)
    assert first.created == 5
    histories = Member.history.count()
    second = run_import(spec="members", path=path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 5)
    assert Member.history.count() == histories
    assert second.notices  # the same file again is said, not refused


def test_the_enterprise_must_exist_and_have_an_active_union(tmp_path, today, union):
    no_union = make_enterprise()
    dissolved = make_union(dissolved_on=D(2024, 1, 1))
    rows = [
        ["Họ và tên", "Ngày sinh", "MST"],
        ["Người Một", "01/01/1990", no_union.tax_code],
        ["Người Hai", "01/01/1990", dissolved.enterprise.tax_code],
        ["Người Ba", "01/01/1990", "0100109106"],
        ["Người Bốn", "01/01/1990", union.enterprise.tax_code],
    ]
    result = members(tmp_path, rows)
    assert result.exit_code == 1
    assert [(e.row, e.column) for e in result.errors] == [(2, "MST"), (3, "MST"), (4, "MST")]
    assert not Member.objects.exists()


def test_rows_outside_the_users_scope_are_errors(tmp_path, today, union, district_staff):
    elsewhere = make_union(make_enterprise(district="215"))
    rows = [
        ["Họ và tên", "Ngày sinh", "MST"],
        ["Người Ở Đây", "01/01/1990", union.enterprise.tax_code],
        ["Người Ở Xa", "01/01/1990", elsewhere.enterprise.tax_code],
    ]
    result = members(tmp_path, rows, user=district_staff, skip_errors=True)
    assert [e.row for e in result.errors] == [3]
    assert list(Member.objects.values_list("full_name", flat=True)) == ["Người Ở Đây"]


def test_unknown_gender_and_a_repeated_member_are_row_errors(tmp_path, today, union):
    code = union.enterprise.tax_code
    rows = [
        ["Họ và tên", "Ngày sinh", "Giới tính", "CCCD", "MST"],
        ["Người Một", "01/01/1990", "Khác", "", code],
        ["Người Hai", "01/01/1991", "Nam", "024090001111", code],
        ["Người Hai Lặp", "01/01/1991", "Nam", "024090001111", code],
    ]
    result = members(tmp_path, rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Giới tính"), (4, "CCCD")]


def test_a_dry_run_reports_and_writes_nothing(tmp_path, today, union):
    rows = [
        ["Họ và tên", "Ngày sinh", "MST"],
        ["Người Một", "01/01/1990", union.enterprise.tax_code],
    ]
    result = members(tmp_path, rows, dry_run=True)
    assert (result.exit_code, result.created) == (0, 1)
    assert not Member.objects.exists()


def test_the_command_prints_one_json_document(tmp_path, today, union, capsys):
    from tests.unions.import_files import write

    path = write(
        tmp_path / "ds.xlsx",
        [
            ["Họ và tên", "Ngày sinh", "Dân tộc", "MST"],
            ["Người Một", "01/01/1990", "Kinh", union.enterprise.tax_code],
        ],
    )
    out = io.StringIO()
    call_command("import_members", str(path), "--json", stdout=out)
    document = json.loads(out.getvalue())
    assert (document["error"], document["created"], document["file"]) == (None, 1, "ds.xlsx")
    assert "Kinh" not in out.getvalue()
    assert document["notices"]


@pytest.mark.parametrize("title", ["Học vấn", "Trình độ"])
def test_education_headers_seen_in_real_files(tmp_path, today, union, title):
    rows = [
        ["Họ và tên", "Ngày sinh", "MST", title],
        ["Lê Văn Nam", D(1990, 1, 2), union.enterprise.tax_code, "12/12"],
    ]
    result = members(tmp_path, rows)
    assert (result.exit_code, result.ignored_columns) == (0, [])
    assert Member.objects.get().education == "12/12"
