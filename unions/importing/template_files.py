"""The template workbook the import screens hand out for each kind of import.

A template holds one header row with the first alias of each field the import reads (required
fields in bold red and marked in the instructions), one example row, and a second sheet of
instructions in the active language (Vietnamese by default). The data sheet comes first so that
the import finds it first; the example row is valid, so a template filled in and uploaded as is
previews cleanly.

Every text cell goes through `escape_formula`, as every spreadsheet the app writes.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill

from unions.access import ZONE_STAFF, access_for
from unions.importing.registry import label_of
from unions.spreadsheets import escape_formula
from unions.taxcode import make_tax_code
from unions.territory.models import AdministrativeUnit, IndustrialZone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

DATE_FORMAT = "DD/MM/YYYY"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FONT = Font(bold=True, color="C00000")
OPTIONAL_FONT = Font(bold=True)


def template_workbook(kind: str, columns: Sequence[Any], user: AbstractBaseUser) -> bytes:
    """The .xlsx template of an import kind: `columns` are the engine's `Column`s (name,
    aliases, required)."""
    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")[:31]
    examples = _examples(user)
    for index, column in enumerate(columns, start=1):
        cell = data.cell(row=1, column=index, value=escape_formula(column.aliases[0]))
        cell.font = REQUIRED_FONT if column.required else OPTIONAL_FONT
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        if column.required:
            cell.comment = Comment(_("Required"), "LĐLĐ")
        value = examples.get(column.name)
        example = data.cell(row=2, column=index, value=escape_formula(value))
        if isinstance(value, datetime.date):
            example.number_format = DATE_FORMAT
        width = max(len(column.aliases[0]), len(str(value or ""))) + 4
        data.column_dimensions[example.column_letter].width = min(width, 50)
    data.freeze_panes = "A2"
    _instructions(workbook.create_sheet(_("Instructions")[:31]), kind, columns)
    return _save(workbook)


def _instructions(sheet, kind: str, columns: Sequence[Any]) -> None:
    sheet.column_dimensions["A"].width = 34
    sheet.column_dimensions["B"].width = 14
    sheet.column_dimensions["C"].width = 80
    lines = [
        _("How to fill in this file: %(kind)s") % {"kind": label_of(kind)},
        "",
        _(
            "1. Keep the header row of the sheet “%(sheet)s”; replace the example row with your "
            "data, one row per record."
        )
        % {"sheet": _("Data")},
        _(
            "2. Columns in bold red are required; the others may be left out or empty. An empty "
            "cell never erases what is already stored."
        ),
        _("3. Dates are written dd/mm/yyyy (for example 25/11/2024) or as date cells."),
        _("4. Tax codes have 10 digits, or 13 for a branch (2400123458-001)."),
        _(
            "5. Other names of each column are accepted, as listed below. Columns the import "
            "does not know (No., Notes) are ignored."
        ),
        _(
            "6. Upload the file on the import page: you will see a preview and nothing is "
            "written until you confirm."
        ),
        "",
    ]
    for row, line in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=escape_formula(line))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    header_row = len(lines) + 1
    for col, title in enumerate((_("Column"), _("Required"), _("Also accepted")), start=1):
        cell = sheet.cell(row=header_row, column=col, value=title)
        cell.font = OPTIONAL_FONT
        cell.fill = HEADER_FILL
    for offset, column in enumerate(columns, start=1):
        row = header_row + offset
        sheet.cell(row=row, column=1, value=escape_formula(column.aliases[0]))
        sheet.cell(row=row, column=2, value=_("yes") if column.required else _("no"))
        sheet.cell(row=row, column=3, value=escape_formula(", ".join(column.aliases[1:])))
        if column.required:
            sheet.cell(row=row, column=1).font = REQUIRED_FONT


def _examples(user: AbstractBaseUser) -> dict[str, Any]:
    """An example row that the import accepts for this user: units come from the database
    (the user's own district when they have one), never hard-coded."""
    district, commune, zone = _example_units(user)
    today = timezone.localdate()
    tax_code = make_tax_code(f"{settings.PROVINCE_CODE[:2]:0>2}0012345") or ""
    return {
        "tax_code": tax_code,
        "name": _("Example Garment Company Limited"),
        "address": commune and _("No. 12, %(commune)s") % {"commune": commune},
        "district": district,
        "commune": commune,
        "workers": 120,
        "ownership": "Ngoài nhà nước",
        "legal_form": "Công ty TNHH",
        "sector": _("Garments"),
        "founded_on": datetime.date(today.year - 5, 3, 15),
        "industrial_zone": zone,
        "status": "Đang hoạt động",
        # Grassroots unions, members, referrals.
        "decision_number": "15/QĐ-LĐLĐ",
        "members": 85,
        "chair": "Nguyễn Văn An",
        "full_name": "Nguyễn Thị Bình",
        "date_of_birth": datetime.date(1995, 6, 20),
        "gender": "Nữ",
        "joined_on": datetime.date(today.year - 3, 5, 1),
        "education": "12/12",
        "job": _("Worker"),
        "commended_on": datetime.date(today.year - 1, 5, 1),
    }


def _example_units(user: AbstractBaseUser) -> tuple[str | None, str | None, str | None]:
    """District, commune and zone names for the example. Zone-union staff write enterprises
    in industrial zones, everybody else enterprises outside them."""
    access = access_for(user)
    zone = None
    districts = AdministrativeUnit.objects.filter(
        level=AdministrativeUnit.Level.DISTRICT, parent__code=settings.PROVINCE_CODE
    )
    if access.role == ZONE_STAFF:
        parks = IndustrialZone.objects.filter(kind=IndustrialZone.Kind.INDUSTRIAL_PARK)
        zone = parks.order_by("name").first()
        if zone is not None and zone.district_id:
            districts = districts.filter(pk=zone.district_id)
    elif access.district_id:
        districts = districts.filter(pk=access.district_id)
    district = districts.order_by("code").first()
    if district is None:
        return None, None, None
    commune = district.children.order_by("code").first()
    return district.name, commune.name if commune else None, zone.name if zone else None


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
