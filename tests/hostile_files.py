"""Hostile files, made on the spot (none is shipped): the tests and CI's upload check use them.

- `grid_bomb`: 1.5 KB; a real header and row, and a stray cell at XFD1048576 with no
  <dimension>, for which python-calamine would allocate the whole grid (terabytes) and abort;
- `spaces_bomb`: 1.1 GB of spaces in one cell, about a megabyte zipped;
- `control_characters`: a CSV whose name holds NUL and BEL.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/'
        'vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" '
        'ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
        'Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.'
        'org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/'
        'officeDocument/2006/relationships"><sheets><sheet name="DS" sheetId="1" r:id="rId1"/>'
        "</sheets></workbook>"
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://'
        'schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
        'Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}
_HEAD = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
    '<row r="1"><c r="A1" t="inlineStr"><is><t>Mã số thuế</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>Tên doanh nghiệp</t></is></c></row>'
)
_ROW_2 = (
    '<row r="2"><c r="A2" t="inlineStr"><is><t>2400000001</t></is></c>'
    '<c r="B2" t="inlineStr"><is><t>Công ty A</t></is></c></row>'
).encode()


def _workbook(path: Path, write_sheet) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in _PARTS.items():
            archive.writestr(name, text)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            write_sheet(sheet)
    return path


def grid_bomb(directory: Path) -> Path:
    def write(sheet):
        sheet.write(_HEAD.encode() + _ROW_2)
        sheet.write(b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>')
        sheet.write(b"</row></sheetData></worksheet>")

    return _workbook(directory / "o_cuoi.xlsx", write)


def spaces_bomb(directory: Path, megabytes: int = 1100) -> Path:
    def write(sheet):
        sheet.write(_HEAD.encode() + b'<row r="3"><c r="A3" t="inlineStr"><is><t>')
        block = b" " * (1 << 20)
        for _ in range(megabytes):
            sheet.write(block)
        sheet.write(b"</t></is></c></row></sheetData></worksheet>")

    return _workbook(directory / "khoang_trang.xlsx", write)


def control_characters(directory: Path) -> Path:
    path = directory / "nul.csv"
    path.write_bytes(
        "Mã số thuế,Tên doanh nghiệp,Huyện,Số lao động\n"
        "2400123458,Nul\x00Name\x07,Thành phố Bắc Giang,5\n".encode()
    )
    return path
