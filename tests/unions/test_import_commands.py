"""The import commands end to end, browser-free: the shared samples and files in each format."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests import factories
from tests.unions.import_files import FORMATS, UNION_HEADER, is_place_note, write, write_xlsx
from unions.models import Enterprise, GrassrootsUnion, ImportBatch

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
needs_samples = pytest.mark.skipif(
    not (SAMPLES / "enterprises_sample.xlsx").is_file(),
    reason=f"the shared sample files are not at {SAMPLES}",
)


def command(name: str, *args: str) -> tuple[int, str, str]:
    """Run a command as the shell would; returns (exit code, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(name, *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue(), err.getvalue()


def as_json(name: str, *args: str) -> tuple[int, dict]:
    code, out, _err = command(name, *args, "--json")
    # Exactly one JSON document on stdout, and nothing else.
    return code, json.loads(out)


# The shared samples (../shared/samples/README.md) -------------------------------------------


@needs_samples
def test_the_samples_import_as_their_readme_says(monkeypatch):
    code, document = as_json("import_enterprises", str(SAMPLES / "enterprises_sample.xlsx"))
    assert code == 0
    assert (document["header_row"], document["created"]) == (3, 120)
    # A list of 2024: each commune is mapped to today's, and says so (TERRITORY.md, Imports).
    assert document["errors"] == []
    assert all(is_place_note(warning["message"]) for warning in document["warnings"])
    assert len(document["warnings"]) == 120

    code, document = as_json("import_enterprises", str(SAMPLES / "enterprises_sample.xls"))
    assert code == 0
    assert (document["unchanged"], document["created"], document["updated"]) == (120, 0, 0)

    code, document = as_json("import_unions", str(SAMPLES / "unions_sample.xlsx"))
    assert code == 0
    assert document["created"] == 35

    # Today's coverage; the sample's unions were all founded by 2025.
    code, out, _err = command("coverage_report", "--json", "--as-of", "2026-11-25")
    province = json.loads(out)["province"]
    assert (province["eligible"], province["with_union"], province["coverage_pct"]) == (
        55,
        35,
        63.6,
    )


@needs_samples
def test_the_sample_with_errors_fails_and_writes_nothing():
    code, document = as_json("import_enterprises", str(SAMPLES / "enterprises_with_errors.csv"))
    assert code == 1
    assert not Enterprise.objects.exists()
    assert [error["row"] for error in document["errors"]] == [3, 4, 5]
    assert [error["column"] for error in document["errors"]] == ["MST", "Huyện/Thành phố", "Số LĐ"]
    warnings = [w for w in document["warnings"] if not is_place_note(w["message"])]
    assert [warning["row"] for warning in warnings] == [2, 4, 5]
    assert {warning["column"] for warning in warnings} == {"MST"}
    assert document["created"] == 1
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.FAILED


@needs_samples
def test_the_sample_with_errors_and_skip_errors_writes_the_valid_row():
    code, document = as_json(
        "import_enterprises", str(SAMPLES / "enterprises_with_errors.csv"), "--skip-errors"
    )
    assert code == 1
    assert list(Enterprise.objects.values_list("tax_code", flat=True)) == ["2400000001"]


@needs_samples
def test_a_dry_run_of_a_sample_writes_nothing():
    code, document = as_json(
        "import_enterprises", str(SAMPLES / "enterprises_sample.xlsx"), "--dry-run"
    )
    assert (code, document["created"], document["dry_run"]) == (0, 120, True)
    assert not Enterprise.objects.exists()
    assert not ImportBatch.objects.exists()


@needs_samples
def test_the_second_import_of_the_same_sample_gives_a_notice():
    as_json("import_enterprises", str(SAMPLES / "enterprises_sample.xlsx"))
    code, document = as_json("import_enterprises", str(SAMPLES / "enterprises_sample.xlsx"))
    assert code == 0
    assert len(document["notices"]) == 1
    assert document["unchanged"] == 120


# Files in each format ----------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_both_commands_import_each_format(tmp_path, ext):
    tax = factories.next_tax_code()
    enterprises = write(
        tmp_path / f"dn{ext}",
        [
            ["DANH SÁCH DOANH NGHIỆP"],
            ["STT", "MST", "Tên DN", "Huyện/TP", "Số LĐ", "Ngày cấp"],
            [1, tax, "Công ty TNHH Hòa Bình", "H. Hiệp Hoà", "1.250", datetime.date(2011, 4, 5)],
        ],
    )
    code, document = as_json("import_enterprises", str(enterprises))
    assert (code, document["created"], document["header_row"]) == (0, 1, 2)
    unions = write(
        tmp_path / f"cd{ext}",
        [
            UNION_HEADER,
            [1, tax, "CĐCS Hòa Bình", datetime.date(2012, 1, 2), "1/QĐ", 300, "An"],
        ],
    )
    code, document = as_json("import_unions", str(unions))
    assert (code, document["created"]) == (0, 1)
    assert GrassrootsUnion.objects.get().enterprise == Enterprise.objects.get(tax_code=tax)


def test_exit_codes_follow_the_outcome_table(tmp_path):
    good = write_xlsx(
        tmp_path / "good.xlsx",
        [["MST", "Tên DN", "Huyện"], [factories.next_tax_code(), "A", "Huyện Yên Thế"]],
    )
    bad = write_xlsx(
        tmp_path / "bad.xlsx", [["MST", "Tên DN", "Huyện"], ["1", "A", "Huyện Yên Thế"]]
    )
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"\x00" * 100)
    assert command("import_enterprises", str(good), "--dry-run")[0] == 0
    assert command("import_enterprises", str(bad))[0] == 1
    assert command("import_enterprises", str(bad), "--skip-errors")[0] == 1
    assert command("import_enterprises", str(broken))[0] == 2
    assert command("import_enterprises", str(good))[0] == 0


@pytest.mark.parametrize(
    "content",
    [b"PK\x03\x04corrupt", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, b"x" * 10],
)
def test_a_corrupt_file_exits_2_with_a_message_never_a_traceback(tmp_path, content):
    path = tmp_path / "ds.xlsx"
    path.write_bytes(content)
    code, out, err = command("import_enterprises", str(path), "--json")
    assert code == 2
    document = json.loads(out)
    assert document["error"] and document["rows"] == 0
    assert "Traceback" not in out + err
    code, out, err = command("import_enterprises", str(path))
    assert code == 2 and out.strip() and "Traceback" not in out + err


def test_an_unsupported_format_exits_2(tmp_path):
    path = tmp_path / "ds.docx"
    path.write_bytes(b"PK\x03\x04")
    code, document = as_json("import_unions", str(path))
    assert code == 2 and document["error"] and document["header_row"] is None


@override_settings(IMPORT_MAX_BYTES=1000)
def test_a_file_over_the_limit_exits_2(tmp_path):
    path = write(
        tmp_path / "ds.csv",
        [["MST", "Tên DN", "Huyện"]]
        + [[factories.next_tax_code(), "Công ty", "Huyện Yên Thế"] for _ in range(100)],
    )
    code, document = as_json("import_enterprises", str(path))
    assert code == 2 and document["error"]
    assert ImportBatch.objects.get().outcome == ImportBatch.Outcome.FILE_ERROR


def test_a_headerless_sheet_exits_2(tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", [["Công ty A", "2400000001"], ["Công ty B", "x"]])
    code, document = as_json("import_enterprises", str(path))
    assert (code, document["header_row"], document["sheet"]) == (2, None, None)
    assert document["error"]


def test_user_option_applies_the_users_scope_and_records_them(tmp_path, district_staff):
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        [["MST", "Tên DN", "Huyện"], [factories.next_tax_code(), "A", "Huyện Yên Thế"]],
    )
    code, document = as_json("import_enterprises", str(path), "--user", district_staff.username)
    assert code == 1 and document["errors"][0]["column"] == "Huyện"
    assert ImportBatch.objects.get().user == district_staff


def test_an_unknown_user_exits_2(tmp_path):
    path = write_xlsx(tmp_path / "ds.xlsx", [["MST", "Tên DN", "Huyện"], ["1", "A", "B"]])
    code, document = as_json("import_enterprises", str(path), "--user", "khong_co")
    assert code == 2 and "khong_co" in document["error"]


def test_sheet_option_picks_the_sheet(tmp_path):
    other = [["MST", "Tên DN", "Huyện"], [factories.next_tax_code(), "Khác", "Huyện Yên Thế"]]
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        [["MST", "Tên DN", "Huyện"], ["1", "A", "B"]],
        sheets=[("Trang 1", other)],
        title="Trang 2",
    )
    code, document = as_json("import_enterprises", str(path), "--sheet", "Trang 1")
    assert (code, document["sheet"], document["created"]) == (0, "Trang 1", 1)


def test_the_human_summary_is_printed_without_json(tmp_path):
    path = write_xlsx(
        tmp_path / "ds.xlsx",
        [["MST", "Tên DN", "Huyện", "Ghi chú"], ["1", "A", "Huyện Yên Thế", ""]],
    )
    code, out, err = command("import_enterprises", str(path))
    assert code == 1
    assert "ds.xlsx" in out and "Ghi chú" in out
    with pytest.raises(json.JSONDecodeError):
        json.loads(out)
