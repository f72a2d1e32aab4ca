"""The dashboards' tables as .xlsx files laid out as Vietnamese reports.

Each file has the reporting unit and the national motto at the top, a title, the date and the
filters it was made with, then one header row and the data, ready to print on A4 landscape.
The rows come from the same functions as the pages (`referrals.dashboards`), and every text cell
is escaped (`unions.spreadsheets.escape_formula`) so an export can never carry a formula.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from io import BytesIO
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from referrals import dashboards
from referrals.models import Referral
from unions.access.auditing import log_export
from unions.enterprises.models import Enterprise
from unions.spreadsheets import escape_formula

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser
    from django.db.models import Model

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INTEGER = "#,##0"
PERCENT = "0.0"
DATE = "dd/mm/yyyy"
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DCE6F0")


class UnknownTable(LookupError):
    """No such table on that page."""


@dataclass
class Column:
    header: str
    width: int = 14
    number_format: str | None = None


@dataclass
class Report:
    """One table to write: what the sheet says above it, its columns and its rows."""

    title: str
    unit: str
    date_line: str
    columns: list[Column]
    rows: Iterable[list[Any]]
    filename: str
    notes: list[str] = field(default_factory=list)
    total: list[Any] | None = None
    user: str = ""
    # Set for tables of candidates' personal data: their exports go to the read log.
    personal: type[Model] | None = None
    written: int = 0


def export_table(
    *,
    table: str,
    user: AbstractBaseUser,
    filters: dashboards.Filters,
    district_code: str | None,
    path: str = "",
) -> Workbook:
    """The workbook of one dashboard table, built from the page's own figures.

    An export of candidates' personal data (the referral table) is written to the read log.
    """
    builders = DISTRICT_TABLES if district_code else PROVINCE_TABLES
    builder = builders.get(table)
    if builder is None:
        raise UnknownTable(table)
    figures = dashboards.figures(user=user, filters=filters)
    if district_code:
        row = next((row for row in figures["rows"] if row["code"] == district_code), None)
        if row is None:
            raise Http404
        figures["district"] = row
    report = builder(user=user, filters=filters, figures=figures)
    report.notes = filter_notes(filters) + report.notes
    report.user = user.get_username()
    workbook = write_report(report)
    if report.personal is not None:
        log_export(
            user=user,
            model=report.personal,
            query=urlencode({"table": table, "district": district_code or ""})
            + (f"&{filters.query()}" if filters.query() else ""),
            rows=report.written,
            path=path,
        )
    return workbook


def xlsx_response(workbook: Workbook, filename: str | None = None) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    filename = filename or workbook.properties.identifier or "report.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Writing ----------------------------------------------------------------------------------


def cell_value(value: Any) -> Any:
    """What goes into a cell: text escaped and stripped of control characters."""
    if isinstance(value, str):
        return escape_formula(ILLEGAL_CHARACTERS_RE.sub("", value))
    return value


def write_report(report: Report) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = report.title[:31].translate(str.maketrans("", "", "[]:*?/\\")) or "Report"
    width = max(len(report.columns), 4)
    last = get_column_letter(width)

    def line(row: int, text: str, *, bold=False, size=11, italic=False, center=True) -> None:
        sheet.merge_cells(f"A{row}:{last}{row}")
        cell = sheet.cell(row=row, column=1, value=cell_value(text))
        cell.font = Font(bold=bold, size=size, italic=italic)
        cell.alignment = Alignment(horizontal="center" if center else "left", wrap_text=True)

    # The unit on the left and the national motto on the right, as on an official report.
    half = max(width // 2, 1)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=half)
    sheet.cell(row=1, column=1, value=cell_value(report.unit.upper())).font = Font(bold=True)
    sheet.merge_cells(start_row=1, start_column=half + 1, end_row=1, end_column=width)
    motto = sheet.cell(row=1, column=half + 1, value=cell_value(_("SOCIALIST REPUBLIC OF VIETNAM")))
    motto.font = Font(bold=True)
    motto.alignment = Alignment(horizontal="center")
    sheet.merge_cells(start_row=2, start_column=half + 1, end_row=2, end_column=width)
    slogan = sheet.cell(
        row=2, column=half + 1, value=cell_value(_("Independence – Freedom – Happiness"))
    )
    slogan.font = Font(bold=True, underline="single")
    slogan.alignment = Alignment(horizontal="center")
    line(4, report.title, bold=True, size=14)
    line(5, report.date_line, italic=True)
    row = 6
    for note in report.notes:
        line(row, note, italic=True)
        row += 1
    header_row = row + 1

    for index, column in enumerate(report.columns, start=1):
        cell = sheet.cell(row=header_row, column=index, value=cell_value(column.header))
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(index)].width = column.width

    current = header_row
    for values in report.rows:
        current += 1
        _write_row(sheet, current, values, report.columns)
    report.written = current - header_row
    if report.total is not None:
        current += 1
        _write_row(sheet, current, report.total, report.columns, bold=True)

    footer = current + 2
    exported = timezone.localtime()
    sheet.cell(
        row=footer,
        column=1,
        value=cell_value(
            _("Exported at %(time)s by %(user)s")
            % {"time": date_format(exported, "SHORT_DATETIME_FORMAT"), "user": report.user}
        ),
    ).font = Font(italic=True, size=9)

    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    if current > header_row:
        sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(report.columns))}{current}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{header_row}:{header_row}"
    workbook.properties.title = cell_value(report.title)
    workbook.properties.identifier = report.filename
    workbook.properties.creator = "congdoan"
    return workbook


def _write_row(sheet, row: int, values: list[Any], columns: list[Column], bold=False) -> None:
    for index, value in enumerate(values, start=1):
        cell = sheet.cell(row=row, column=index, value=cell_value(value))
        cell.border = BOX
        number_format = columns[index - 1].number_format if index <= len(columns) else None
        if number_format and value is not None:
            cell.number_format = number_format
        if bold:
            cell.font = Font(bold=True)
        if isinstance(value, str):
            cell.alignment = Alignment(wrap_text=True, vertical="top")


# --- Labels ------------------------------------------------------------------------------------


def filter_notes(filters: dashboards.Filters) -> list[str]:
    notes = []
    if filters.ownership:
        notes.append(
            _("Ownership: %(ownership)s")
            % {"ownership": Enterprise.Ownership(filters.ownership).label}
        )
    if filters.zone:
        from unions.territory.models import IndustrialZone

        zone = IndustrialZone.objects.filter(pk=filters.zone).values_list("name", flat=True)
        notes.append(_("Industrial zone: %(zone)s") % {"zone": zone.first() or filters.zone})
    return notes


def _as_of_line(filters: dashboards.Filters) -> str:
    return _("Figures as of %(date)s, year %(year)d") % {
        "date": _d(filters.as_of),
        "year": filters.year,
    }


def _d(value: datetime.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _slug(filters: dashboards.Filters, name: str, code: str | None) -> str:
    return f"{name}-{code or 'tinh'}-{filters.as_of.isoformat()}.xlsx"


def _unit(figures: dict) -> str:
    district = figures.get("district")
    return district["name"] if district else figures["province"]["name"]


# --- The tables --------------------------------------------------------------------------------


def _district_columns() -> list[Column]:
    return [
        Column(_("No."), 6),
        Column(_("District"), 26),
        Column(_("Eligible enterprises"), 12, INTEGER),
        Column(_("With a union"), 12, INTEGER),
        Column(_("Without a union"), 12, INTEGER),
        Column(_("Coverage %"), 11, PERCENT),
        Column(_("Grassroots unions"), 12, INTEGER),
        Column(_("Union members"), 12, INTEGER),
        Column(_("New unions"), 11, INTEGER),
        Column(_("Outstanding members"), 12, INTEGER),
        Column(_("Certified"), 11, INTEGER),
        Column(_("Introduced"), 11, INTEGER),
        Column(_("Admitted"), 11, INTEGER),
        Column(_("Admissions target"), 12, INTEGER),
        Column(_("Full members"), 11, INTEGER),
    ]


def _district_values(number: Any, row: dict) -> list[Any]:
    return [
        number,
        row["name"],
        row["eligible"],
        row["with_union"],
        row["gap"],
        row["coverage_pct"],
        row["unions_total"],
        row["union_members"],
        row["new_unions"],
        row["commended"],
        row["certified"],
        row["introduced"],
        row["admitted"],
        row["targets"].get("admitted"),
        row["recognized"],
    ]


def districts_report(*, user, filters, figures) -> Report:
    rows = [_district_values(index, row) for index, row in enumerate(figures["rows"], start=1)]
    return Report(
        title=_("Union coverage and Party referrals by district"),
        unit=_unit(figures),
        date_line=_as_of_line(filters),
        columns=_district_columns(),
        rows=rows,
        total=_district_values("", figures["province"]),
        filename=_slug(filters, "huyen", None),
    )


def funnel_report(*, user, filters, figures) -> Report:
    row = figures.get("district") or figures["province"]
    return Report(
        title=_("Referral funnel, year %(year)d") % {"year": filters.year},
        unit=_unit(figures),
        date_line=_as_of_line(filters),
        columns=[
            Column(_("Step"), 36),
            Column(_("Members"), 12, INTEGER),
            Column(_("Target"), 12, INTEGER),
        ],
        rows=[[step["label"], step["value"], step["target"]] for step in dashboards.funnel(row)],
        filename=_slug(filters, "pheu", figures.get("district", {}).get("code")),
    )


def trend_report(*, user, filters, figures) -> Report:
    district = figures.get("district")
    ids = [district["pk"]] if district else [row["pk"] for row in figures["rows"]]
    trend = dashboards.monthly_trend(user=user, district_ids=ids, filters=filters)
    return Report(
        title=_("Monthly trend of coverage and admissions"),
        unit=_unit(figures),
        date_line=_as_of_line(filters),
        columns=[
            Column(_("Month"), 12),
            Column(_("Eligible enterprises"), 12, INTEGER),
            Column(_("With a union"), 12, INTEGER),
            Column(_("Coverage %"), 11, PERCENT),
            Column(_("Admitted in the month"), 14, INTEGER),
        ],
        rows=[
            [
                point["month"].strftime("%m/%Y"),
                point["eligible"],
                point["with_union"],
                point["coverage_pct"],
                point["admitted"],
            ]
            for point in trend
        ],
        notes=[_("Monthly snapshots; the industrial-zone filter does not apply.")],
        filename=_slug(filters, "xu-huong", district["code"] if district else None),
    )


def _class_columns(with_district: bool) -> list[Column]:
    columns = [Column(_("No."), 6), Column(_("Class"), 34)]
    if with_district:
        columns.append(Column(_("District"), 22))
    return columns + [
        Column(_("Starts on"), 12, DATE),
        Column(_("Ends on"), 12, DATE),
        Column(_("Venue"), 24),
        Column(_("Campaign"), 22),
        Column(_("Enrolled"), 10, INTEGER),
        Column(_("Attended"), 10, INTEGER),
        Column(_("Passed"), 10, INTEGER),
    ]


def _class_values(number: int, item, with_district: bool) -> list[Any]:
    values = [number, item.title]
    if with_district:
        values.append(item.district.name)
    return values + [
        item.starts_on,
        item.ends_on,
        item.venue,
        item.campaign,
        item.enrolled,
        item.attended,
        item.passed,
    ]


def classes_report(*, user, filters, figures) -> Report:
    district = figures["district"]
    classes = dashboards.class_table(user=user, filters=filters, district_id=district["pk"])
    return Report(
        title=_("Party-awareness classes, year %(year)d") % {"year": filters.year},
        unit=_unit(figures),
        date_line=_as_of_line(filters),
        columns=_class_columns(False),
        rows=(_class_values(n, item, False) for n, item in enumerate(classes, start=1)),
        filename=_slug(filters, "lop-hoc", district["code"]),
    )


def campaign_report(*, user, filters, figures) -> Report:
    district = figures.get("district")
    panel = dashboards.workers_month(
        user=user, filters=filters, district_id=district["pk"] if district else None
    )
    return Report(
        title=_("Workers' Month classes: %(campaign)s") % {"campaign": panel["campaign"]},
        unit=_unit(figures),
        date_line=_as_of_line(filters),
        columns=_class_columns(True),
        rows=[_class_values(n, item, True) for n, item in enumerate(panel["classes"], start=1)],
        total=[
            "",
            _("Total"),
            "",
            "",
            "",
            "",
            "",
            panel["enrolled"],
            panel["attended"],
            panel["passed"],
        ],
        filename=_slug(filters, "thang-cong-nhan", district["code"] if district else None),
    )


def gap_report(*, user, filters, figures) -> Report:
    district = figures["district"]
    enterprises = dashboards.gap_list(user=user, filters=filters, district_id=district["pk"])
    return Report(
        title=_("Enterprises with %(threshold)d+ workers without a grassroots union")
        % {"threshold": figures["threshold"]},
        unit=_unit(figures),
        date_line=_as_of_line(filters),
        columns=[
            Column(_("No."), 6),
            Column(_("Tax code"), 16),
            Column(_("Enterprise"), 40),
            Column(_("Address"), 40),
            Column(_("Commune"), 18),
            Column(_("Industrial zone"), 22),
            Column(_("Ownership"), 18),
            Column(_("Workers"), 10, INTEGER),
        ],
        rows=(
            [
                n,
                item.tax_code,
                item.name,
                item.address,
                item.commune.name if item.commune else "",
                item.industrial_zone.name if item.industrial_zone else "",
                item.get_ownership_display() if item.ownership else "",
                item.workers,
            ]
            for n, item in enumerate(enterprises.iterator(chunk_size=2000), start=1)
        ),
        total=["", "", _("Total: %(count)d enterprises") % {"count": district["gap"]}],
        filename=_slug(filters, "chua-co-cong-doan", district["code"]),
    )


def referrals_report(*, user, filters, figures) -> Report:
    district = figures["district"]
    referrals = dashboards.referral_table(user=user, filters=filters, district_id=district["pk"])
    return Report(
        title=_("Open referrals of outstanding members"),
        unit=_unit(figures),
        date_line=_("As of %(date)s") % {"date": _d(filters.today)},
        columns=[
            Column(_("No."), 6),
            Column(_("Member"), 26),
            Column(_("Enterprise"), 34),
            Column(_("Stage"), 18),
            Column(_("Commended on"), 12, DATE),
            Column(_("Certificate date"), 12, DATE),
            Column(_("Introduced on"), 12, DATE),
            Column(_("Receiving Party organisation"), 28),
            Column(_("Cell resolution"), 12, DATE),
            Column(_("Admitted on"), 12, DATE),
            Column(_("Overdue"), 10),
        ],
        rows=(
            [
                n,
                item.member.full_name,
                item.member.union.enterprise.name,
                item.get_stage_display(),
                item.commended_on,
                item.certificate_on,
                item.introduced_on,
                item.party_organization.name if item.party_organization else "",
                item.cell_resolution_on,
                item.admitted_on,
                _("Overdue") if item.is_overdue else "",
            ]
            for n, item in enumerate(referrals, start=1)
        ),
        filename=_slug(filters, "gioi-thieu", district["code"]),
        personal=Referral,
    )


Builder = Callable[..., Report]
PROVINCE_TABLES: dict[str, Builder] = {
    "districts": districts_report,
    "funnel": funnel_report,
    "trend": trend_report,
    "campaign": campaign_report,
}
DISTRICT_TABLES: dict[str, Builder] = {
    "gap": gap_report,
    "referrals": referrals_report,
    "classes": classes_report,
    "funnel": funnel_report,
    "trend": trend_report,
    "campaign": campaign_report,
}
