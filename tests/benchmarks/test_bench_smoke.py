"""The benchmark's generated file is one the import engine reads as intended (no database)."""

from __future__ import annotations

from itertools import islice

from benchmarks.realistic_file import HEADER_ROW, enterprise_rows, write_file
from unions.enterprises.enterprise_import import COLUMNS
from unions.importing import open_table, parse_date, parse_tax_code, parse_whole_number

ROWS = 50


def test_generated_file_is_read_by_the_engine(tmp_path):
    path = write_file(tmp_path / "list.xlsx", ROWS, seed=7)

    table = open_table(path, columns=COLUMNS)
    rows = [(number, cells) for number, cells in table.rows if number > table.layout.header_end]

    layout = table.layout
    assert layout.header_row == HEADER_ROW
    # Every one of the ten columns is recognised; none is ignored.
    assert set(layout.indexes) == {
        "tax_code",
        "name",
        "district",
        "commune",
        "workers",
        "ownership",
        "legal_form",
        "sector",
        "founded_on",
        "industrial_zone",
    }
    assert layout.ignored == []
    assert [number for number, _cells in rows] == list(range(HEADER_ROW + 1, HEADER_ROW + 1 + ROWS))
    index = layout.indexes
    codes = set()
    for _number, cells in rows:
        code, valid = parse_tax_code(cells[index["tax_code"]])
        assert valid, code
        codes.add(code)
        if cells[index["workers"]] not in ("", None):
            parse_whole_number(cells[index["workers"]])
        parse_date(cells[index["founded_on"]])
    assert len(codes) == ROWS


def test_same_seed_gives_the_same_first_rows():
    # The peer's smaller file must hold the same enterprises as the big one.
    assert list(enterprise_rows(20, seed=3)) == list(islice(enterprise_rows(200, seed=3), 20))
    assert list(enterprise_rows(20, seed=3)) != list(enterprise_rows(20, seed=4))
