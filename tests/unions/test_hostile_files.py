"""Files built to kill the reader: each costs a bounded child process, never the caller.

python-calamine allocates a sheet's whole grid: one cell at XFD1048576 with no <dimension>
makes it ask for half a terabyte and abort the process (exit 134), which Python cannot catch.
If any of these ran in the test process, the test run itself would die.
"""

from __future__ import annotations

import time

import pytest
from django.contrib.auth.models import User
from django.test import override_settings

from tests import hostile_files
from tests.imports_web.files import upload
from tests.unions.import_files import write_xlsx
from unions.importing import uploads
from unions.importing.engine import run_import
from unions.importing.reading import FileError
from unions.importing.sandbox import call_bounded, run_bounded
from unions.models import Enterprise, ImportBatch

FAULT = "Không đọc được tệp trong giới hạn bộ nhớ và thời gian cho phép"


@pytest.fixture
def grid_bomb(tmp_path):
    path = hostile_files.grid_bomb(tmp_path)
    assert path.stat().st_size < 2000
    return path


# Production's limit, whatever the environment running the tests sets.
bounded = override_settings(IMPORT_CHILD_MEMORY_BYTES=2 * 1024**3)


@pytest.mark.django_db
@bounded
def test_an_import_of_a_grid_bomb_is_a_file_error_and_writes_nothing(grid_bomb):
    result = run_import(spec="enterprises", path=grid_bomb)
    assert result.exit_code == 2
    assert result.error.startswith(FAULT)
    assert not Enterprise.objects.exists()
    batch = ImportBatch.objects.get()
    assert batch.outcome == ImportBatch.Outcome.FILE_ERROR


@bounded
def test_counting_the_rows_of_a_grid_bomb_gives_nothing_rather_than_a_crash(grid_bomb):
    assert uploads.count_rows(grid_bomb) == 0


@bounded
def test_an_ordinary_workbook_is_still_counted(tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", [["Mã số thuế"], ["2400000001"], ["2400000002"]])
    assert uploads.count_rows(path) == 3


def _raise(message):
    raise FileError(message)


def _allocate(size):
    return len(bytearray(size))


def test_a_file_error_in_the_child_reaches_the_caller_as_it_was():
    with pytest.raises(FileError, match="^Tệp hỏng$"):
        call_bounded(_raise, "Tệp hỏng")


def test_any_other_failure_in_the_child_is_said_as_a_fault():
    with pytest.raises(FileError, match=f"^{FAULT}"):
        call_bounded(int, "not a number")


def test_the_memory_limit_ends_the_child_not_the_caller():
    assert call_bounded(_allocate, 1024) == 1024
    with pytest.raises(FileError, match=f"^{FAULT}"):
        call_bounded(_allocate, 4 * 1024**3)


@override_settings(IMPORT_CHILD_SECONDS=0.5)
def test_a_child_that_sends_nothing_for_too_long_is_killed():
    started = time.monotonic()
    with pytest.raises(FileError, match=f"^{FAULT}"):
        call_bounded(time.sleep, 30)
    assert time.monotonic() - started < 10


def test_the_child_streams_what_it_sends_in_order():
    def count_to(send, last):
        for number in range(1, last + 1):
            send(number)

    assert list(run_bounded(count_to, 5)) == [1, 2, 3, 4, 5]


@pytest.mark.django_db
@bounded
def test_an_upload_of_a_grid_bomb_gets_a_page_that_says_so(client, grid_bomb, settings):
    settings.IMPORT_BACKGROUND_ROWS = 5_000
    client.force_login(User.objects.create_superuser("admin", password="x"))
    response = upload(client, grid_bomb.read_bytes())
    if response.status_code == 302:
        response = client.get(response["Location"])
    assert response.status_code == 200
    assert FAULT in response.content.decode()
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.FILE_ERROR
    assert not Enterprise.objects.exists()


@pytest.mark.django_db
@override_settings(IMPORT_MAX_UNPACKED_BYTES=1024**2)
def test_a_workbook_that_unpacks_past_the_limit_is_refused_before_reading(tmp_path):
    # 4 MB of spaces in one cell zip to a few KB: the zip's directory tells, not calamine.
    path = hostile_files.spaces_bomb(tmp_path, megabytes=4)
    assert path.stat().st_size < 100_000
    result = run_import(spec="enterprises", path=path)
    assert result.exit_code == 2
    assert result.error.startswith("Tệp giải nén ra 4 MB, quá 1 MB")
    assert not Enterprise.objects.exists()
