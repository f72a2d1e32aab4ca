"""The browser import flow with the test client: upload, preview, confirm, history, download."""

from __future__ import annotations

import csv
import hashlib
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from tests import factories
from tests.imports_web.files import (
    ENTERPRISE_HEADER,
    enterprise_file,
    enterprise_rows,
    upload,
    workbook_bytes,
)
from unions.importing import tasks
from unions.models import Enterprise, ImportBatch

pytestmark = pytest.mark.django_db

Outcome = ImportBatch.Outcome
State = ImportBatch.State


def preview_of(response) -> ImportBatch:
    assert response.status_code == 302, response.content[:2000]
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("unions:import_preview", args=[batch.pk])
    return batch


def test_sample_upload_previews_then_confirm_imports_it(client, province_admin, sample, upload_dir):
    client.force_login(province_admin)
    batch = preview_of(upload(client, sample.read_bytes(), name="enterprises_sample.xlsx"))

    # The preview wrote nothing but the pending batch, and kept the file out of the web root.
    assert Enterprise.objects.count() == 0
    assert (batch.state, batch.created, batch.rows) == (State.WAITING, 120, 120)
    stored = upload_dir / batch.stored_file
    assert stored.is_file() and batch.stored_file != "enterprises_sample.xlsx"
    assert batch.sha256 == hashlib.sha256(sample.read_bytes()).hexdigest()
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.status_code == 200
    assert page.context["preview"]["created"] == 120
    assert page.context["preview"]["header_row"] == 3
    assert b'data-testid="count-created">120<' in page.content
    assert b'data-testid="confirm-form"' in page.content

    response = client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("unions:import_detail", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.state, batch.outcome, batch.created, batch.stored_file) == (
        State.DONE,
        Outcome.SUCCEEDED,
        120,
        "",
    )
    assert Enterprise.objects.count() == 120
    assert not stored.exists()  # the upload is gone once confirmed

    history = client.get(reverse("unions:import_list"))
    assert [row.pk for row in history.context["page"].object_list] == [batch.pk]
    assert b"enterprises_sample.xlsx" in history.content
    detail = client.get(reverse("unions:import_detail", args=[batch.pk]))
    assert detail.status_code == 200
    assert b'data-outcome="succeeded"' in detail.content


def test_reupload_of_an_imported_file_says_so(client, province_admin, sample):
    client.force_login(province_admin)
    first = preview_of(upload(client, sample.read_bytes()))
    client.post(reverse("unions:import_confirm", args=[first.pk]))
    first.refresh_from_db()
    assert first.outcome == Outcome.SUCCEEDED
    assert client.get(reverse("unions:import_preview", args=[first.pk])).status_code == 302

    response = upload(client, sample.read_bytes(), name="again.xlsx")
    second = ImportBatch.objects.exclude(pk=first.pk).get()
    assert response["Location"] == reverse("unions:import_preview", args=[second.pk])
    assert (second.unchanged, second.created) == (120, 0)
    page = client.get(response["Location"])
    notices = page.context["preview"]["notices"]
    assert len(notices) == 1
    # The notice names the time of the earlier import, as HH:MM dd/mm/yyyy.
    assert timezone.localtime(first.finished_at).strftime("%H:%M %d/%m/%Y") in notices[0]
    assert b'data-testid="notice"' in page.content


def test_a_new_file_has_no_already_imported_notice(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(2)))
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.context["preview"]["notices"] == []


def test_preview_lists_changed_values_of_updated_rows(client, district_staff):
    enterprise = factories.make_enterprise(name="Công ty TNHH Cũ", workers=10)
    district = factories.district("213").name
    content = workbook_bytes(
        ("DN", [ENTERPRISE_HEADER, [1, enterprise.tax_code, "Công ty TNHH Mới", district, 10]])
    )
    client.force_login(district_staff)
    batch = preview_of(upload(client, content))
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    [change] = page.context["updated_rows"]
    assert change["key"] == enterprise.tax_code
    assert {"column": "Tên doanh nghiệp", "old": "Công ty TNHH Cũ", "new": "Công ty TNHH Mới"} in (
        change["fields"]
    )
    assert b'data-testid="change-list"' in page.content
    enterprise.refresh_from_db()
    assert enterprise.name == "Công ty TNHH Cũ"  # previewed, not written


FORMULA = '=HYPERLINK("http://x","bấm")'


def error_file() -> bytes:
    """Two valid rows and two invalid ones, one with a formula for a name (as text, in CSV)."""
    district = factories.district("213").name
    rows = [
        ENTERPRISE_HEADER,
        *enterprise_rows(2),
        [3, "24000000", FORMULA, district, 30],
        [4, factories.next_tax_code(), "Công ty TNHH Số Âm", district, -3],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


def read_download(response) -> list[tuple]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.content))
    return list(workbook.active.iter_rows(values_only=True))


def test_preview_of_a_file_with_errors_offers_the_rows_with_messages(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, error_file(), name="loi.csv"))
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.context["invalid_rows"] == 2
    assert [entry["row"] for entry in page.context["errors"]] == [4, 5]
    assert {"row", "column", "value", "message"} <= set(page.context["errors"][0])
    assert b'data-testid="error-download"' in page.content

    rows = read_download(client.get(reverse("unions:import_errors", args=[batch.pk])))
    header, *data = rows
    assert header[: len(ENTERPRISE_HEADER)] == tuple(ENTERPRISE_HEADER)
    assert len(header) == len(ENTERPRISE_HEADER) + 2  # the row number and the messages
    assert [row[-2] for row in data] == [4, 5]
    assert all(row[-1] for row in data)  # every row carries its message
    # The formula arrives as text: a leading apostrophe, never a live formula.
    assert data[0][2] == "'" + FORMULA


def test_a_failed_real_run_writes_nothing_and_shows_why(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, error_file(), name="loi.csv"))
    response = client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert response["Location"] == reverse("unions:import_detail", args=[batch.pk])
    batch.refresh_from_db()
    assert (batch.state, batch.outcome, batch.error_count) == (State.DONE, Outcome.FAILED, 2)
    assert Enterprise.objects.count() == 0
    detail = client.get(response["Location"])
    assert b'data-testid="failed-note"' in detail.content
    assert [entry["row"] for entry in detail.context["errors"]] == [4, 5]
    # The download still works once the upload itself is deleted.
    assert batch.stored_file == ""
    rows = read_download(client.get(reverse("unions:import_errors", args=[batch.pk])))
    assert len(rows) == 3


def test_skip_invalid_rows_chosen_at_confirm_writes_the_valid_ones(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, error_file(), name="loi.csv"))
    client.post(reverse("unions:import_confirm", args=[batch.pk]), {"skip_errors": "on"})
    batch.refresh_from_db()
    assert (batch.outcome, batch.skip_errors, batch.created) == (Outcome.PARTIAL, True, 2)
    assert Enterprise.objects.count() == 2


def test_skip_invalid_rows_chosen_at_upload_is_kept_for_the_preview(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, error_file(), name="loi.csv", skip_errors=True))
    assert batch.skip_errors is True
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.context["confirm_form"].initial["skip_errors"] is True


def test_a_file_without_errors_has_no_download(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(2)))
    assert client.get(reverse("unions:import_errors", args=[batch.pk])).status_code == 404


def test_confirming_twice_imports_once(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(2)))
    confirm = reverse("unions:import_confirm", args=[batch.pk])
    client.post(confirm)
    again = client.post(confirm)
    assert again["Location"] == reverse("unions:import_detail", args=[batch.pk])
    assert ImportBatch.objects.count() == 1
    assert Enterprise.objects.count() == 2


def test_district_staff_importing_another_districts_rows_gets_row_errors(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(2, district_code="215")))
    assert (batch.created, batch.report["invalid"]) == (0, 2)
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert Enterprise.objects.count() == 0


def test_cancel_deletes_the_pending_file_and_its_batch(client, district_staff, upload_dir):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(2)))
    stored = upload_dir / batch.stored_file
    assert stored.is_file()
    response = client.post(reverse("unions:import_cancel", args=[batch.pk]))
    assert response["Location"] == reverse("unions:import_list")
    assert not stored.exists()
    assert not ImportBatch.objects.exists()
    assert Enterprise.objects.count() == 0


def test_a_confirmed_batch_cannot_be_cancelled(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(2)))
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    client.post(reverse("unions:import_cancel", args=[batch.pk]))
    assert ImportBatch.objects.filter(pk=batch.pk, outcome=Outcome.SUCCEEDED).exists()


def test_another_sheet_can_be_chosen_after_upload(client, district_staff):
    first = [ENTERPRISE_HEADER, *enterprise_rows(2)]
    second = [ENTERPRISE_HEADER, *enterprise_rows(5, start=10)]
    content = workbook_bytes(
        ("Hướng dẫn", [["Điền danh sách vào các trang sau"]]), ("Đợt 1", first), ("Đợt 2", second)
    )
    client.force_login(district_staff)
    batch = preview_of(upload(client, content))
    assert (batch.report["sheet"], batch.created) == ("Đợt 1", 2)
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert [value for value, _label in page.context["sheet_form"].fields["sheet"].choices] == [
        "",
        "Hướng dẫn",
        "Đợt 1",
        "Đợt 2",
    ]
    client.post(reverse("unions:import_preview", args=[batch.pk]), {"sheet": "Đợt 2"})
    batch.refresh_from_db()
    assert (batch.sheet, batch.report["sheet"], batch.created) == ("Đợt 2", "Đợt 2", 5)
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert Enterprise.objects.count() == 5


def test_a_single_sheet_workbook_offers_no_sheet_choice(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, enterprise_file(1)))
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.context["sheet_form"] is None


def test_an_unreadable_file_is_a_file_error_with_no_confirm(client, district_staff):
    client.force_login(district_staff)
    batch = preview_of(upload(client, b"not a spreadsheet at all", name="hong.xlsx"))
    assert batch.outcome == Outcome.FILE_ERROR
    page = client.get(reverse("unions:import_preview", args=[batch.pk]))
    assert page.status_code == 200
    assert b'data-testid="file-error"' in page.content
    assert b'data-testid="confirm-form"' not in page.content
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.state, batch.outcome) == (State.WAITING, Outcome.FILE_ERROR)


def test_an_unsupported_file_type_is_refused_by_the_form(client, district_staff, upload_dir):
    client.force_login(district_staff)
    response = upload(client, b"hello", name="notes.txt")
    assert response.status_code == 200
    assert response.context["form"].errors["file"][0]
    assert response.context["form"].has_error("file", code="file_type")
    assert not ImportBatch.objects.exists()
    assert not upload_dir.exists() or not any(upload_dir.iterdir())


def test_a_file_over_the_size_limit_is_refused(client, district_staff, settings):
    settings.IMPORT_MAX_BYTES = 100
    client.force_login(district_staff)
    response = upload(client, enterprise_file(3))
    assert response.context["form"].has_error("file", code="file_size")
    assert not ImportBatch.objects.exists()


def test_an_unexpected_crash_is_said_and_can_be_retried(client, district_staff, monkeypatch):
    client.force_login(district_staff)
    real = tasks.importing.run_import

    def crash(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks.importing, "run_import", crash)
    response = upload(client, enterprise_file(2))
    batch = ImportBatch.objects.get()
    assert (batch.state, batch.report) == (State.FAILED, {"failure": "preview"})
    page = client.get(response["Location"])
    assert b'data-testid="preview-failure"' in page.content
    assert [m.level_tag for m in page.context["messages"]] == ["error"]

    monkeypatch.setattr(tasks.importing, "run_import", real)
    client.post(reverse("unions:import_preview", args=[batch.pk]), {"sheet": ""})
    batch.refresh_from_db()
    assert (batch.state, batch.created) == (State.WAITING, 2)


def test_a_union_list_imports_through_the_same_screens(client, province_admin, sample):
    unions_sample = sample.with_name("unions_sample.xlsx")
    if not unions_sample.is_file():
        pytest.skip(f"sample file not found at {unions_sample}")
    client.force_login(province_admin)
    enterprises = preview_of(upload(client, sample.read_bytes()))
    client.post(reverse("unions:import_confirm", args=[enterprises.pk]))
    response = upload(client, unions_sample.read_bytes(), name="cdcs.xlsx", kind="unions")
    batch = ImportBatch.objects.get(kind="unions")
    assert response["Location"] == reverse("unions:import_preview", args=[batch.pk])
    assert (batch.created, batch.error_count) == (35, 0)
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.outcome, batch.created) == (Outcome.SUCCEEDED, 35)


def test_the_legacy_xls_sample_previews_like_the_xlsx(client, province_admin, sample):
    legacy = sample.with_name("enterprises_sample.xls")
    if not legacy.is_file():
        pytest.skip(f"sample file not found at {legacy}")
    client.force_login(province_admin)
    batch = preview_of(upload(client, legacy.read_bytes(), name="ds.xls"))
    assert (batch.created, batch.error_count) == (120, 0)


def stored_and_file(district_staff):
    """Two stored enterprises of Thành phố Bắc Giang, and a file that changes their workers."""
    stored = [factories.make_enterprise(district="213", workers=10 + n) for n in range(2)]
    rows = [[n, e.tax_code, e.name, e.district.name, 50 + n] for n, e in enumerate(stored)]
    return stored, workbook_bytes(("DN", [ENTERPRISE_HEADER, *rows]))


def test_a_row_changed_after_its_preview_is_not_written_over(client, district_staff):
    stored, content = stored_and_file(district_staff)
    client.force_login(district_staff)
    batch = preview_of(upload(client, content))
    assert batch.updated == 2
    # A colleague renames the first one before the confirm.
    colleague_edit = Enterprise.objects.get(pk=stored[0].pk)
    colleague_edit.name = "Công ty Đổi Tên"
    colleague_edit.save()

    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.outcome, batch.updated) == (Outcome.FAILED, 1)
    [error] = batch.report["errors"]
    assert error["value"] == stored[0].tax_code
    assert error["message"].startswith("Doanh nghiệp này đã được sửa lúc")
    # Nothing was written: the colleague's name stands, and so do both headcounts.
    assert Enterprise.objects.get(pk=stored[0].pk).name == "Công ty Đổi Tên"
    assert sorted(Enterprise.objects.values_list("workers", flat=True)) == [10, 11]


def test_rows_unchanged_since_the_preview_are_confirmed(client, district_staff):
    _stored, content = stored_and_file(district_staff)
    client.force_login(district_staff)
    batch = preview_of(upload(client, content))
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    batch.refresh_from_db()
    assert (batch.outcome, batch.updated) == (Outcome.SUCCEEDED, 2)
    assert sorted(Enterprise.objects.values_list("workers", flat=True)) == [50, 51]
