"""Small import files the tests write, and the upload they post."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests import factories

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook_bytes(*sheets: tuple[str, list[list]]) -> bytes:
    """An .xlsx with the given sheets, each a title and its rows."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


ENTERPRISE_HEADER = ["STT", "Mã số thuế", "Tên doanh nghiệp", "Huyện", "Số lao động"]


def enterprise_rows(count: int, district_code: str = "213", *, start: int = 1) -> list[list]:
    """Data rows of enterprises in one district, with valid tax codes."""
    name = factories.district(district_code).name
    return [
        [n, factories.next_tax_code(), f"Công ty TNHH Nhập Thử {n}", name, 20 + n]
        for n in range(start, start + count)
    ]


def enterprise_file(count: int = 3, district_code: str = "213", extra: list[list] = ()) -> bytes:
    return workbook_bytes(
        ("DN", [ENTERPRISE_HEADER, *enterprise_rows(count, district_code), *extra])
    )


def upload(
    client,
    content: bytes,
    *,
    name: str = "danh_sach.xlsx",
    kind: str = "enterprises",
    skip_errors: bool = False,
):
    data = {"file": SimpleUploadedFile(name, content, content_type=XLSX)}
    if skip_errors:
        data["skip_errors"] = "on"
    return client.post(reverse("unions:import_upload", args=[kind]), data)
