"""Exports escape anything a spreadsheet would run as a formula."""

from __future__ import annotations

import pytest

from unions.spreadsheets import escape_formula


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+84912345678", "'+84912345678"),
        ("-1+2", "'-1+2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Công ty TNHH = Một", "Công ty TNHH = Một"),
        ("", ""),
        (-5, -5),
        (None, None),
    ],
)
def test_escape_formula(value, expected):
    assert escape_formula(value) == expected


@pytest.mark.django_db
def test_admin_export_of_a_formula_name_opens_as_text():
    import io

    import openpyxl
    from import_export.formats.base_formats import XLSX

    from tests.factories import make_enterprise
    from unions.admin.resources import EnterpriseResource
    from unions.models import Enterprise

    make_enterprise(name='=HYPERLINK("x")')
    dataset = EnterpriseResource().export(Enterprise.objects.all())
    content = XLSX().export_data(dataset)
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ['\'=HYPERLINK("x")']
    assert sheet.cell(row=2, column=2).data_type == "s"
