"""Stored uploads: random names out of the web root, their hash, and a cheap row count."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.imports_web.files import workbook_bytes
from unions.importing import uploads


def test_an_upload_is_stored_under_a_random_private_name_with_its_hash(upload_dir):
    content = b"MST,Ten DN\n2400123458,Cong ty\n"
    stored = uploads.store_upload(SimpleUploadedFile("../../etc/passwd.csv", content))
    path = upload_dir / stored.name
    assert path.read_bytes() == content
    assert stored.name.endswith(".csv") and "passwd" not in stored.name
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.size == len(content)
    assert path.stat().st_mode & 0o077 == 0  # readable by the app only
    again = uploads.store_upload(SimpleUploadedFile("x.csv", content))
    assert again.name != stored.name and again.sha256 == stored.sha256


def test_a_stored_name_cannot_lead_out_of_the_upload_directory(upload_dir):
    for name in ("../secret.xlsx", "/etc/passwd", "a" * 32 + ".py", ""):
        with pytest.raises(FileNotFoundError):
            uploads.stored_path(name)
    uploads.discard("../../x.xlsx")  # quietly ignored
    assert uploads.read_progress("../x") == {}


def test_rows_are_counted_from_the_largest_visible_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    path.write_bytes(
        workbook_bytes(("Hướng dẫn", [["a"]] * 3), ("DN", [["x", "y"]] * 40), ("Khác", [[1]] * 7))
    )
    assert uploads.count_rows(path) == 40
    assert uploads.count_rows(path, sheet="Khác") == 7


def test_csv_rows_are_counted_by_lines(tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(b"h1,h2\n" + b"1,2\n" * 99)
    assert uploads.count_rows(path) == 100


def test_an_unreadable_file_counts_as_no_rows(tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"nonsense")
    assert uploads.count_rows(path) == 0


def test_progress_is_written_and_read_back(upload_dir):
    name = "d" * 32 + ".xlsx"
    uploads.write_progress(name, state="running", rows=10, total=20)
    assert uploads.read_progress(name) == {"state": "running", "rows": 10, "total": 20}
    uploads.discard(name)
    assert uploads.read_progress(name) == {}
