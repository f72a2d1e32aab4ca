"""Member lists (IMPORT.md, "Member lists"): union members upserted into their union.

:class:`MemberImport` upserts union members: found by national ID, else by folded name, date of
birth and union (the enterprise's active union). It writes set-based: a staging table, then one
INSERT, one UPDATE and one history statement.

The cells that identify a member (:class:`MemberIdentity`) are shared with the referral
register, which names members the same way.

Ethnicity and religion columns are recognised so they can be named in a notice, and their cells
are blanked as soon as a row is read: they are never stored, nor echoed in an error download.
"""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.enterprises.enterprise_import import TAX_CODE, read_tax_code
from unions.enterprises.models import Enterprise, GrassrootsUnion
from unions.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    CellError,
    Column,
    ImportSpec,
    Row,
    Vocabulary,
    parse_date,
    register,
)
from unions.importing.cells import cell_text, clean, parse_text, text_parser
from unions.importing.writing import BulkWriter, RowWrite, WritesInBulk, select_by_keys
from unions.members.models import Member
from unions.text import fold

# --- Columns ----------------------------------------------------------------------------------

NATIONAL_ID_ALIASES = (
    "Số CCCD",
    "CCCD",
    "Số định danh cá nhân",
    "CMND/CCCD",
    "Số CMND/CCCD",
    "CCCD/CMND",
    "Số CCCD/CMND",
    "Số căn cước công dân",
    "Căn cước công dân",
    "Số CMND",
    "CMND",
    "National ID",
)
FULL_NAME_ALIASES = ("Họ và tên", "Họ tên", "Họ và tên đoàn viên", "Tên đoàn viên", "Full name")
BIRTH_ALIASES = (
    "Ngày sinh",
    "Ngày tháng năm sinh",
    "Ngày, tháng, năm sinh",
    "Năm sinh",
    "Date of birth",
)
# Recognised so that the summary can say they were dropped; never stored, never echoed.
DROPPED = (
    Column("ethnicity", ("Dân tộc", "Ethnicity")),
    Column("religion", ("Tôn giáo", "Religion")),
)

MEMBER_COLUMNS = (
    Column("full_name", FULL_NAME_ALIASES, required=True),
    Column("date_of_birth", BIRTH_ALIASES, required=True),
    Column("gender", ("Giới tính", "Nam/Nữ", "Gender")),
    Column("national_id", NATIONAL_ID_ALIASES),
    Column("tax_code", TAX_CODE.aliases, required=True),
    Column(
        "joined_on",
        (
            "Ngày vào công đoàn",
            "Ngày gia nhập công đoàn",
            "Ngày kết nạp công đoàn",
            "Ngày vào CĐ",
            "Joined on",
        ),
    ),
    Column("vgcl_number", ("Mã số đoàn viên", "Mã đoàn viên", "Số thẻ đoàn viên")),
    Column(
        "education",
        ("Trình độ học vấn", "Văn hóa", "Trình độ văn hóa", "Education", "Học vấn", "Trình độ"),
    ),
    Column("phone", ("Số điện thoại", "SĐT", "Điện thoại", "Phone")),
    Column("job", ("Nghề nghiệp", "Công việc", "Chức vụ", "Job")),
)


GENDERS = Vocabulary(
    {"Nam": "male", "Nữ": "female", "Male": "male", "Female": "female", "M": "male", "F": "female"}
)


def drop_sensitive_cells(row: Row) -> None:
    """Blank the ethnicity and religion cells, so nothing downstream can store or show them."""
    dropped_titles = {fold(title) for title in row.layout.dropped}
    if not dropped_titles:
        return
    indexes = {
        index
        for index, title in enumerate(row.layout.header)
        if title and fold(title) in dropped_titles
    }
    row.cells = [None if index in indexes else cell for index, cell in enumerate(row.cells)]


def parse_birth(value: object, today: datetime.date) -> tuple[datetime.date, bool]:
    """A date of birth, or a bare year as 1 January of it with the year-only flag."""
    year = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        if float(value).is_integer() and 1900 <= value <= today.year:
            year = int(value)
    elif isinstance(value, str):
        text = clean(value)
        if len(text) == 4 and text.isdigit():
            year = int(text)
            if not 1900 <= year <= today.year:
                raise CellError(_("This year of birth is not plausible."))
    if year is not None:
        return datetime.date(year, 1, 1), True
    born = parse_date(value)
    if born > today:
        raise CellError(_("This date is in the future."))
    if born.year < 1900:
        raise CellError(_("This year of birth is not plausible."))
    return born, False


def parse_national_id(value: object) -> str:
    """A 12-digit citizen ID or a 9-digit old ID card number, as digits.

    A numeric cell loses leading zeros (Hà Nội's IDs start with 001), and so does text a
    spreadsheet exported: 10 or 11 digits from a number, or 11 from text, become 12; an old
    card's 8 digits from a number become 9.
    """
    numeric = isinstance(value, int | float) and not isinstance(value, bool)
    if numeric:
        if not float(value).is_integer():
            raise CellError(_("A national ID has 12 digits (or 9 on an old ID card)."))
        digits = str(int(value))
    else:
        digits = "".join(clean(value).replace(".", "").split())
    if not digits.isdigit() or not digits.isascii():
        raise CellError(_("A national ID has 12 digits (or 9 on an old ID card)."))
    if len(digits) == 11 or (numeric and len(digits) == 10):
        digits = digits.zfill(12)
    elif numeric and len(digits) == 8:
        digits = digits.zfill(9)
    if len(digits) not in (9, 12):
        raise CellError(_("A national ID has 12 digits (or 9 on an old ID card)."))
    return digits


def parse_education(value: object) -> str:
    # "12/12" typed in Excel may arrive as a date (12 December): read it back as typed.
    if isinstance(value, datetime.date):
        return f"{value.day}/{value.month}"
    return parse_text(value, max_length=20)


class MemberIdentity:
    """Reading the cells that identify a member, shared by both imports."""

    def read_identity(self, row: Row, *, warn: bool) -> None:
        if row.cell("national_id") is not None:
            national_id = self.read(row, "national_id", parse_national_id)
            if national_id and len(national_id) == 9 and warn:
                row.warn(
                    "national_id",
                    _("An old 9-digit ID card number: update it to the 12-digit citizen ID."),
                )
        self.read(row, "full_name", text_parser(200), required=self.name_required(row))
        born = row.cell("date_of_birth")
        if born is None:
            if self.name_required(row):
                row.error("date_of_birth", _("This cell is required."))
        else:
            try:
                date_of_birth, year_only = parse_birth(born, self.run.today)
            except CellError as error:
                row.error("date_of_birth", error.message)
            else:
                row.values["date_of_birth"] = date_of_birth
                row.values["birth_year_only"] = year_only
                if year_only and warn:
                    row.warn(
                        "date_of_birth",
                        _(
                            "Only the year of birth is given: stored as 1 January, marked "
                            "year-only."
                        ),
                    )
        if row.cell("tax_code") is not None or self.name_required(row):
            read_tax_code(row)

    def name_required(self, row: Row) -> bool:
        return True

    def key(self, row: Row) -> object:
        """A member appears once in a file: by national ID, else by name, birth and tax code."""
        values = row.values
        if values.get("national_id"):
            return ("id", values["national_id"])
        if values.get("full_name") and values.get("date_of_birth") and values.get("tax_code"):
            return (
                "name",
                fold(values["full_name"]),
                values["date_of_birth"],
                values["tax_code"],
            )
        return None

    def duplicate_message(self, first_row: int) -> str:
        return _("This member already appears on row %(row)d of the file.") % {"row": first_row}


def same_birth(stored: datetime.date, stored_year_only: bool, row_values: dict) -> bool:
    born = row_values["date_of_birth"]
    if row_values.get("birth_year_only") or stored_year_only:
        return stored.year == born.year
    return stored == born


def pick_member(candidates: list[dict], row_values: dict) -> dict | None:
    """The one stored member with the row's date of birth; None when none or several."""
    matching = [
        member
        for member in candidates
        if same_birth(member["date_of_birth"], member["birth_year_only"], row_values)
    ]
    return matching[0] if len(matching) == 1 else None


# --- Member lists -----------------------------------------------------------------------------

_MEMBER_FIELDS = (
    "id",
    "full_name",
    "date_of_birth",
    "birth_year_only",
    "gender",
    "national_id",
    "union_id",
    "joined_on",
    "education",
    "phone",
    "job",
    "vgcl_number",
    "search_key",
)
WRITTEN = (
    ("full_name", "text"),
    ("search_key", "text"),
    ("date_of_birth", "date"),
    ("birth_year_only", "bool"),
    ("gender", "text"),
    ("national_id", "text"),
    ("union_id", "int"),
    ("joined_on", "date"),
    ("education", "text"),
    ("phone", "text"),
    ("job", "text"),
    ("vgcl_number", "text"),
    ("youth_union", "bool"),
)


class MemberValues(NamedTuple):
    """What an import writes of a member, in `WRITTEN` order."""

    full_name: str
    search_key: str
    date_of_birth: datetime.date
    birth_year_only: bool
    gender: str
    national_id: str | None
    union_id: int
    joined_on: datetime.date | None
    education: str
    phone: str
    job: str
    vgcl_number: str
    # Lists do not say; a new member is not known to be one, and an update keeps it.
    youth_union: bool = False


# Row fields compared with the stored member; text ones after NFC and whitespace folding.
_MEMBER_COMPARED = (
    "full_name",
    "date_of_birth",
    "birth_year_only",
    "gender",
    "national_id",
    "union_id",
    "joined_on",
    "education",
    "phone",
    "job",
    "vgcl_number",
)
_MEMBER_TEXT = frozenset({"full_name", "education", "phone", "job", "vgcl_number"})


class MemberImport(MemberIdentity, WritesInBulk, ImportSpec):
    """Creates or updates union members, in the active union of their enterprise."""

    kind = "members"
    label = gettext_lazy("member list")
    columns = MEMBER_COLUMNS
    dropped_columns = DROPPED
    key_column = "national_id"
    name_column = "full_name"

    def load(self) -> None:
        self._union_names: dict[int, str] = {}

    def parse(self, row: Row) -> None:
        drop_sensitive_cells(row)
        self.read_identity(row, warn=True)
        gender = row.cell("gender")
        if gender is not None:
            found = GENDERS.get(gender)
            if found is None:
                row.error("gender", _("Write Nam or Nữ."))
            else:
                row.values["gender"] = found
        self.read(row, "joined_on", parse_date)
        self.read(row, "vgcl_number", text_parser(30))
        self.read(row, "education", parse_education)
        self.read(row, "phone", text_parser(20))
        self.read(row, "job", text_parser(200))

    # Comparing -------------------------------------------------------------------------------

    def classify(self, rows: list[Row]) -> None:
        today = self.run.today
        codes = list({row.values["tax_code"] for row in rows if "tax_code" in row.values})
        enterprises = {
            code: (pk, managing_union_id)
            for code, pk, managing_union_id in select_by_keys(
                Enterprise._meta.db_table,
                ("tax_code", "id", "managing_union_id"),
                "tax_code",
                codes,
            )
        }
        active: dict[int, int] = {}
        for enterprise_id, union_id in (
            GrassrootsUnion.objects.active(today)
            .filter(enterprise_id__in=[pk for pk, _union in enterprises.values()])
            .order_by("enterprise_id", "founded_on", "pk")
            .values_list("enterprise_id", "id")
        ):
            active[enterprise_id] = union_id  # the latest founded wins
        ids = [row.values["national_id"] for row in rows if row.values.get("national_id")]
        fields = (*_MEMBER_FIELDS, "union__enterprise__managing_union_id")
        by_id = {
            m["national_id"]: m for m in Member.objects.filter(national_id__in=ids).values(*fields)
        }
        keys = {fold(row.values["full_name"]) for row in rows if row.values.get("full_name")}
        by_name: dict[tuple[str, int], list[dict]] = {}
        for member in Member.objects.filter(
            union_id__in=set(active.values()), search_key__in=keys
        ).values(*fields):
            by_name.setdefault((member["search_key"], member["union_id"]), []).append(member)
        for row in rows:
            if row.errors or "tax_code" not in row.values:
                continue
            enterprise = enterprises.get(row.values["tax_code"])
            if enterprise is None:
                row.error(
                    "tax_code",
                    _("No enterprise has this tax code: import it with the enterprise list first."),
                )
                continue
            enterprise_id, managing_union_id = enterprise
            union_id = active.get(enterprise_id)
            if union_id is None:
                row.error("tax_code", _("This enterprise has no active grassroots union."))
                continue
            if not self.run.may_write(managing_union_id):
                row.error(
                    "tax_code",
                    _("Outside your write scope: another union manages this enterprise."),
                )
                continue
            stored = self._match(row, union_id, by_id, by_name)
            if stored is not None and not self.run.may_write(
                stored["union__enterprise__managing_union_id"]
            ):
                row.error(
                    "national_id",
                    _("This national ID belongs to a member of a union outside your write scope."),
                )
                continue
            self._plan(row, union_id, stored)

    def _match(self, row: Row, union_id: int, by_id: dict, by_name: dict) -> dict | None:
        values = row.values
        if values.get("national_id") in by_id:
            return by_id[values["national_id"]]
        candidates = by_name.get((fold(values["full_name"]), union_id), [])
        if values.get("national_id"):
            # A member first listed without an ID gains it; one with another ID is someone else.
            candidates = [m for m in candidates if not m["national_id"]]
        return pick_member(candidates, values)

    def _plan(self, row: Row, union_id: int, stored: dict | None) -> None:
        values = {**row.values, "union_id": union_id}
        if stored is None:
            row.status = CREATED
            row.data = RowWrite(_member_values(values))
            return
        new = {}
        for name in _MEMBER_COMPARED:
            new[name] = values[name] if name in values else stored[name]
        if row.values.get("birth_year_only") and not stored["birth_year_only"]:
            # A bare year never replaces a full date of birth of that year.
            new["date_of_birth"], new["birth_year_only"] = stored["date_of_birth"], False
        changes = []
        for name in _MEMBER_COMPARED:
            old, value = stored[name], new[name]
            if name in _MEMBER_TEXT:
                old, value = clean(old or ""), clean(value or "")
                new[name] = value
            if value != old:
                changes.append((name, stored[name], value))
        if not changes:
            row.status = UNCHANGED
            return
        row.status = UPDATED
        row.changes = changes
        row.data = RowWrite(_member_values(new), id=stored["id"])

    def describe(self, row: Row) -> list[dict[str, str]]:
        if row.status == CREATED:
            row.changes = [
                (name, None, value)
                for name, value in row.values.items()
                if name in _MEMBER_COMPARED and value not in (None, "", False)
            ]
        return super().describe(row)

    def display(self, name: str, value: object) -> str:
        if value is None:
            return ""
        if name == "union_id":
            if value not in self._union_names:
                # Only the preview's first rows are described: a query each is affordable.
                self._union_names[value] = GrassrootsUnion.objects.filter(pk=value).values_list(
                    "name", flat=True
                ).first() or str(value)
            return self._union_names[value]
        if name == "gender":
            return str(Member.Gender(value).label) if value else ""
        if name == "birth_year_only":
            return _("yes") if value else _("no")
        return cell_text(value)

    # Writing ---------------------------------------------------------------------------------

    def make_writer(self) -> BulkWriter:
        return BulkWriter(Member, columns=WRITTEN, kept=("youth_union",), run=self.run)


def _member_values(values: dict) -> MemberValues:
    name = values["full_name"]
    return MemberValues(
        full_name=name,
        search_key=fold(name),
        date_of_birth=values["date_of_birth"],
        birth_year_only=bool(values.get("birth_year_only")),
        gender=values.get("gender") or "",
        national_id=values.get("national_id") or None,
        union_id=values["union_id"],
        joined_on=values.get("joined_on"),
        education=values.get("education") or "",
        phone=values.get("phone") or "",
        job=values.get("job") or "",
        vgcl_number=values.get("vgcl_number") or "",
    )


register(MemberImport)
