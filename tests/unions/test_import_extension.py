"""Another kind of import plugs into the engine: its columns, parser, comparison and writes."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unions.import_files import write_xlsx
from unions.enterprises.enterprise_import import TAX_CODE, read_tax_code
from unions.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    ImportSpec,
    parse_text,
    parse_whole_number,
    run_import,
)
from unions.models import Enterprise, ImportBatch

pytestmark = pytest.mark.django_db


class HeadcountList(ImportSpec):
    """A toy kind: sets workers of existing enterprises; ethnicity is recognised, not stored."""

    kind = "headcounts"
    label = "headcount list"
    key_column = "tax_code"
    columns = (
        TAX_CODE,
        Column("label", ("Ghi nhãn",)),
        Column("workers", ("Số lao động",), required=True),
    )
    dropped_columns = (Column("ethnicity", ("Dân tộc",)), Column("religion", ("Tôn giáo",)))
    name_column = "label"
    written: list[tuple[int, int]] = []

    def parse(self, row):
        read_tax_code(row)
        self.read(row, "label", lambda value: parse_text(value, max_length=20))
        self.read(row, "workers", parse_whole_number, required=True)

    def classify(self, rows):
        codes = [row.values["tax_code"] for row in rows if "tax_code" in row.values]
        stored = dict(
            Enterprise.objects.filter(tax_code__in=codes).values_list("tax_code", "workers")
        )
        for row in rows:
            if row.errors:
                continue
            code = row.values["tax_code"]
            if code not in stored:
                row.status = CREATED
            elif stored[code] == row.values["workers"]:
                row.status = UNCHANGED
            else:
                row.status = UPDATED
                row.changes = [("workers", stored[code], row.values["workers"])]
            row.data = (code, row.values["workers"])

    def stage(self, rows):
        self.staged = [*getattr(self, "staged", []), *(row.data for row in rows)]

    def write(self):
        for code, workers in getattr(self, "staged", []):
            Enterprise.objects.filter(tax_code=code).update(workers=workers)
            HeadcountList.written.append((code, workers))


def test_a_spec_gets_reading_skipping_counting_and_the_outcome_from_the_engine(tmp_path):
    known = factories.make_enterprise(workers=10)
    same = factories.make_enterprise(workers=7)
    rows = [
        ["Báo cáo lao động"],
        ["STT", "MST", "Ghi nhãn", "Số lao động", "Dân tộc", "Tôn giáo"],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)"],
        [1, known.tax_code, "A", "1.200", "Kinh", "Không"],
        [2, same.tax_code, "B", 7, "Tày", ""],
        [3, factories.next_tax_code(), "C", 5, "", ""],
        ["", "", "Tổng cộng", 1212, "", ""],
        [4, known.tax_code, "D", 3, "Kinh", "Phật giáo"],
    ]
    path = write_xlsx(tmp_path / "ld.xlsx", rows)
    result = run_import(spec=HeadcountList, path=path, skip_errors=True, changes_limit=5)
    assert (result.header_row, result.rows, result.skipped) == (2, 4, 2)
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert [(e.row, e.column) for e in result.errors] == [(8, "MST")]  # a repeated key
    assert result.ignored_columns == ["STT"]
    # Recognised but deliberately not stored, and said so; their cells are never echoed.
    assert len(result.notices) == 2
    assert "Dân tộc" in result.notices[0] and "Tôn giáo" in result.notices[1]
    assert "Kinh" not in str(result.as_report())  # not even the erroneous rows' cells
    assert "Kinh" not in str(ImportBatch.objects.get().report)
    assert result.changes[0]["fields"] == [{"column": "Số lao động", "old": "10", "new": "1200"}]
    assert Enterprise.objects.get(pk=known.pk).workers == 1200
    assert (known.tax_code, 1200) in HeadcountList.written


def test_a_spec_writes_nothing_when_a_row_has_an_error(tmp_path):
    known = factories.make_enterprise(workers=10)
    rows = [["MST", "Ghi nhãn", "Số lao động"], [known.tax_code, "A", 11], ["1", "B", 3]]
    HeadcountList.written.clear()
    result = run_import(spec=HeadcountList, path=write_xlsx(tmp_path / "ld.xlsx", rows))
    assert result.exit_code == 1
    assert HeadcountList.written == []
    assert Enterprise.objects.get(pk=known.pk).workers == 10
