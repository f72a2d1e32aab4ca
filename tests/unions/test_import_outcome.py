"""Outcomes of a run: counts, dry runs, transactions, --skip-errors, batches, JSON, downloads."""

from __future__ import annotations

import io

import openpyxl
import pytest
import time_machine
from django.test import override_settings

from tests import factories
from tests.unions.import_files import run, write_xlsx
from unions.enterprises.enterprise_import import EnterpriseImport
from unions.importing import (
    confirm,
    error_rows_workbook,
    get_spec,
    preview,
    run_import,
    specs,
    template_workbook,
)
from unions.models import Enterprise, GrassrootsUnion, Headcount, ImportBatch

pytestmark = pytest.mark.django_db

HEADER = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Huyện", "Số lao động", "Ghi chú"]
JSON_KEYS = [
    "error",
    "file",
    "sheet",
    "header_row",
    "rows",
    "created",
    "updated",
    "unchanged",
    "skipped",
    "dry_run",
    "ignored_columns",
    "notices",
    "errors",
    "warnings",
]


def mixed_rows():
    """Row 2 new, row 3 an update, row 4 unchanged, row 5 an error, row 6 skipped."""
    updated = factories.make_enterprise(district="215", workers=10)
    same = factories.make_enterprise(district="215", workers=10)
    return [
        HEADER,
        [1, factories.next_tax_code(), "Công ty Mới", "Huyện Yên Thế", 25, ""],
        [2, updated.tax_code, updated.name, "Huyện Yên Thế", 11, ""],
        [3, same.tax_code, same.name, "Huyện Yên Thế", 10, ""],
        [4, "123", "Công ty Lỗi", "Huyện Yên Thế", 5, ""],
        [5, "", "Tổng cộng", "", 51, ""],
    ]


def domain_counts():
    return (
        Enterprise.objects.count(),
        Enterprise.history.count(),
        Headcount.objects.count(),
        GrassrootsUnion.objects.count(),
    )


def test_the_json_document_has_exactly_the_contracts_keys(tmp_path):
    document = run(tmp_path, mixed_rows()).as_json()
    assert list(document) == JSON_KEYS
    assert document["errors"][0] == {
        "row": 5,
        "column": "Mã số thuế",
        "value": "123",
        "message": document["errors"][0]["message"],
    }
    assert document["file"] == "danh_sach.xlsx"
    assert document["ignored_columns"] == ["STT", "Ghi chú"]


def test_rows_count_created_updated_unchanged_and_invalid_skipped_apart(tmp_path):
    result = run(tmp_path, mixed_rows())
    document = result.as_json()
    assert (
        document["rows"],
        document["created"],
        document["updated"],
        document["unchanged"],
        document["skipped"],
    ) == (4, 1, 1, 1, 1)
    assert result.exit_code == 1


def test_a_failed_real_run_writes_nothing_but_records_its_batch(tmp_path):
    rows = mixed_rows()
    before = domain_counts()
    result = run(tmp_path, rows)
    assert result.exit_code == 1
    assert domain_counts() == before
    batch = ImportBatch.objects.get()
    assert batch.outcome == ImportBatch.Outcome.FAILED
    assert (
        batch.rows,
        batch.created,
        batch.updated,
        batch.unchanged,
        batch.skipped,
        batch.error_count,
    ) == (4, 1, 1, 1, 1, 1)
    assert batch.report["errors"][0]["row"] == 5
    assert batch.file_name == "danh_sach.xlsx" and len(batch.sha256) == 64
    assert batch.finished_at is not None


def test_a_dry_run_writes_nothing_and_reports_what_a_real_run_does(tmp_path):
    rows = mixed_rows()
    before = domain_counts()
    dry = run(tmp_path, rows, dry_run=True, skip_errors=True)
    assert domain_counts() == before
    assert not ImportBatch.objects.exists()
    real = run(tmp_path, rows, skip_errors=True)
    dry_document, real_document = dry.as_json(), real.as_json()
    assert dry_document.pop("dry_run") is True and real_document.pop("dry_run") is False
    assert dry_document == real_document
    assert domain_counts() != before


def test_skip_errors_writes_the_valid_rows_and_reports_the_others(tmp_path):
    rows = mixed_rows()
    result = run(tmp_path, rows, skip_errors=True)
    assert result.exit_code == 1
    assert Enterprise.objects.filter(name="Công ty Mới").exists()
    assert not Enterprise.objects.filter(name="Công ty Lỗi").exists()
    assert Enterprise.objects.get(tax_code=rows[2][1]).workers == 11
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.PARTIAL


def test_a_clean_run_succeeds_with_exit_code_zero(tmp_path):
    rows = mixed_rows()[:4]
    result = run(tmp_path, rows)
    assert (result.exit_code, result.error, result.errors) == (0, None, [])
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.SUCCEEDED


def test_a_file_error_records_a_batch_with_zero_counts(tmp_path):
    path = tmp_path / "hong.xlsx"
    path.write_bytes(b"not a workbook")
    result = run_import(spec=EnterpriseImport, path=path)
    assert result.exit_code == 2
    batch = ImportBatch.objects.get()
    assert batch.outcome == ImportBatch.Outcome.FILE_ERROR
    assert (batch.rows, batch.created) == (0, 0)
    assert batch.report["error"] == result.error


@time_machine.travel("2026-11-25 03:02:00+00:00", tick=False)
def test_importing_the_same_file_again_gives_a_notice_and_is_allowed(tmp_path):
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        [HEADER, [1, factories.next_tax_code(), "Công ty A", "Huyện Yên Thế", 5, ""]],
    )
    first = run_import(spec="enterprises", path=path)
    assert first.notices == []
    again = run_import(spec="enterprises", path=path)
    assert again.exit_code == 0 and again.unchanged == 1
    # 03:02 UTC is 10:02 in Hà Nội.
    assert len(again.notices) == 1 and "10:02 25/11/2026" in again.notices[0]
    # Another kind of import of the same file says nothing.
    other = run_import(spec="unions", path=path)
    assert all("25/11/2026" not in notice for notice in other.notices)


def test_a_failed_import_of_the_file_gives_no_notice(tmp_path):
    path = write_xlsx(
        tmp_path / "ds.xlsx", [HEADER, [1, "123", "Công ty A", "Huyện Yên Thế", 5, ""]]
    )
    run_import(spec="enterprises", path=path)
    assert run_import(spec="enterprises", path=path).notices == []


def test_a_user_is_recorded_on_the_batch_with_their_scope(tmp_path, zone_staff):
    run(tmp_path, mixed_rows(), user=zone_staff)
    batch = ImportBatch.objects.get()
    assert batch.user == zone_staff
    assert batch.upper_union == factories.zone_union()


@override_settings(IMPORT_REPORT_LIMIT=3)
def test_listed_issues_are_capped_but_all_are_counted(tmp_path):
    rows = [HEADER] + [[n, "12", f"Công ty {n}", "Huyện Yên Thế", "", ""] for n in range(10)]
    result = run(tmp_path, rows)
    assert result.error_count == 10 and result.invalid == 10
    assert len(result.errors) == 3 and len(result.invalid_rows) == 3
    assert ImportBatch.objects.get().error_count == 10


def test_progress_is_reported(tmp_path):
    calls = []
    rows = [HEADER] + [
        [n, factories.next_tax_code(), f"C {n}", "Huyện Yên Thế", 1, ""] for n in range(5)
    ]
    run(tmp_path, rows, progress=lambda done, total: calls.append((done, total)))
    assert calls and calls[-1][0] == 5


# The web flow's pieces ---------------------------------------------------------------------


def test_preview_lists_the_changed_values_old_and_new(tmp_path):
    rows = mixed_rows()
    path = write_xlsx(tmp_path / "ds.xlsx", rows)
    result = preview(spec="enterprises", path=path, changes_limit=10)
    assert result.dry_run and not ImportBatch.objects.exists()
    changes = {change["row"]: change for change in result.changes}
    assert set(changes) == {2, 3}
    assert changes[2]["status"] == "created"
    assert {"column": "Số lao động", "old": "", "new": "25"} in changes[2]["fields"]
    assert {"column": "Huyện", "old": "", "new": "Huyện Yên Thế"} in changes[2]["fields"]
    assert changes[3]["status"] == "updated"
    assert changes[3]["fields"] == [{"column": "Số lao động", "old": "10", "new": "11"}]
    assert changes[3]["key"] == rows[2][1]


def test_preview_then_confirm_fills_one_pending_batch(tmp_path, province_admin):
    path = write_xlsx(tmp_path / "upload.bin.xlsx", mixed_rows()[:4])
    batch = ImportBatch.objects.create(kind="enterprises", file_name="ds.xlsx", user=province_admin)
    result = preview(
        spec="enterprises", path=path, user=province_admin, batch=batch, file_name="ds.xlsx"
    )
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.WAITING
    assert (batch.created, batch.updated, batch.unchanged) == (1, 1, 1)
    assert batch.report["changes"] and len(batch.sha256) == 64
    assert not Enterprise.objects.filter(name="Công ty Mới").exists()
    result = confirm(batch=batch, path=path, user=province_admin)
    batch.refresh_from_db()
    assert result.exit_code == 0 and result.file == "ds.xlsx"
    assert batch.outcome == ImportBatch.Outcome.SUCCEEDED
    assert ImportBatch.objects.count() == 1
    assert Enterprise.objects.get(name="Công ty Mới").last_import_batch == batch


def test_the_error_rows_download_has_the_rows_a_message_column_and_escaped_formulas(tmp_path):
    rows = [
        HEADER,
        [1, '=HYPERLINK("http://x")', "+Công ty", "Huyện Yên Thế", "-3", "@note"],
        [2, factories.next_tax_code(), "Công ty Tốt", "Huyện Yên Thế", 3, ""],
        [3, "\t123", "Công ty\rB", "Huyện Không Có", 4, ""],
    ]
    result = run(tmp_path, rows)
    for source in (result, ImportBatch.objects.get().report):
        workbook = openpyxl.load_workbook(io.BytesIO(error_rows_workbook(source)))
        sheet = workbook.active
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        assert values[0][:6] == HEADER
        assert len(values) == 3  # the header and the two rows with errors
        first = values[1]
        assert first[1] == '\'=HYPERLINK("http://x")'
        assert first[2] == "'+Công ty"
        assert first[4] == "'-3"
        assert first[5] == "'@note"
        assert first[6] == 2  # the row in the file
        assert first[7]  # its messages
        second = values[2]
        assert second[1] == "'\t123"
        assert second[6] == 4
        assert all(not (isinstance(v, str) and v.startswith("=")) for row in values for v in row)


def test_the_template_has_the_first_alias_of_every_field(tmp_path):
    workbook = openpyxl.load_workbook(io.BytesIO(template_workbook(get_spec("enterprises"))))
    header = next(workbook.active.iter_rows(values_only=True))
    assert header[:3] == ("Mã số thuế", "Tên doanh nghiệp", "Địa chỉ")
    path = tmp_path / "template.xlsx"
    path.write_bytes(template_workbook(get_spec("enterprises")))
    # An empty template has a header but no data rows.
    result = run_import(spec="enterprises", path=path)
    assert result.header_row == 1 and result.exit_code == 2


def test_the_registry_offers_both_kinds():
    assert {"enterprises", "unions"} <= set(specs())


# Chunks: rows are classified, and on PostgreSQL written, a chunk at a time -----------------


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(EnterpriseImport, "chunk_size", 2)


def chunked_rows(error_at: int | None = None):
    existing = [factories.make_enterprise(district="215", workers=10) for _ in range(3)]
    rows = [HEADER]
    for n in range(7):
        tax = factories.next_tax_code() if n != error_at else "12"
        rows.append([n, tax, f"Công ty Mới {n}", "Huyện Yên Thế", n + 1, ""])
        if n < 3:
            rows.append([n, existing[n].tax_code, existing[n].name, "Huyện Yên Thế", 20 + n, ""])
    return rows


def test_every_chunk_is_written(tmp_path, small_chunks):
    result = run(tmp_path, chunked_rows())
    assert (result.exit_code, result.created, result.updated) == (0, 7, 3)
    assert Enterprise.objects.filter(name__startswith="Công ty Mới").count() == 7
    assert sorted(
        Enterprise.objects.filter(district__code="215", workers__gte=20).values_list(
            "workers", flat=True
        )
    ) == [20, 21, 22]
    assert Enterprise.history.filter(history_type="+").count() == 3 + 7  # factories save too
    assert Enterprise.history.filter(history_type="~").count() == 3
    assert Headcount.objects.count() == 10


def test_an_error_in_a_later_chunk_rolls_back_the_chunks_written_before(tmp_path, small_chunks):
    rows = chunked_rows(error_at=6)
    before = domain_counts()
    result = run(tmp_path, rows)
    assert (result.exit_code, result.created, result.updated) == (1, 6, 3)
    assert domain_counts() == before
    assert not Enterprise.objects.filter(workers__gte=20).exists()


def test_skip_errors_keeps_the_valid_rows_of_every_chunk(tmp_path, small_chunks):
    result = run(tmp_path, chunked_rows(error_at=1), skip_errors=True)
    assert (result.exit_code, result.created, result.updated) == (1, 6, 3)
    assert Enterprise.objects.filter(name__startswith="Công ty Mới").count() == 6
    assert Headcount.objects.count() == 9


def test_a_file_error_after_some_chunks_rolls_them_back(tmp_path, small_chunks, monkeypatch):
    from unions.importing import reading

    rows = chunked_rows()
    path = write_xlsx(tmp_path / "ds.xlsx", rows)
    real = reading._sheet_rows

    def breaking(sheet):
        for number, cells in real(sheet):
            if number == 9:
                raise reading.FileError("hỏng giữa chừng")
            yield number, cells

    monkeypatch.setattr(reading, "_sheet_rows", breaking)
    before = domain_counts()
    result = run_import(spec="enterprises", path=path)
    assert (result.exit_code, result.error) == (2, "hỏng giữa chừng")
    assert domain_counts() == before
