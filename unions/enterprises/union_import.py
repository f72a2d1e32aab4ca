"""The grassroots-union list import (IMPORT.md: grassroots-union fields and "Union rows")."""

from __future__ import annotations

import datetime
from typing import NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.enterprises.enterprise_import import TAX_CODE, read_tax_code
from unions.enterprises.models import Enterprise, GrassrootsUnion
from unions.importing.cells import (
    cell_text,
    changes_from_stored,
    clean,
    parse_date,
    parse_whole_number,
    text_parser,
)
from unions.importing.engine import CREATED, UNCHANGED, UPDATED, ImportSpec, Row
from unions.importing.lookups import Territory, UpperUnions
from unions.importing.reading import Column
from unions.importing.registry import register
from unions.importing.writing import BulkWriter, RowWrite, WritesInBulk, select_by_keys
from unions.text import fold

__all__ = ["GrassrootsUnionImport"]

COLUMNS = (
    TAX_CODE,
    Column(
        "name",
        (
            "Tên công đoàn cơ sở",
            "Tên CĐCS",
            "Công đoàn cơ sở",
            "CĐCS",
            "Tên công đoàn",
            "Union name",
        ),
    ),
    Column(
        "founded_on",
        (
            "Ngày thành lập",
            "Ngày thành lập CĐCS",
            "Ngày QĐ thành lập",
            "Ngày quyết định thành lập",
            "Ngày thành lập công đoàn",
            "Founded on",
        ),
        required=True,
    ),
    Column(
        "decision_number",
        (
            "Số QĐ",
            "Số quyết định",
            "QĐ thành lập",
            "Số QĐ thành lập",
            "Số quyết định thành lập",
            "Decision number",
        ),
    ),
    Column(
        "members",
        ("Số đoàn viên", "Tổng số đoàn viên", "Đoàn viên", "Số ĐV", "Tổng số ĐV", "Members"),
    ),
    Column("chair", ("Chủ tịch", "Chủ tịch CĐCS", "Chủ tịch công đoàn", "Chair")),
    Column("dissolved_on", ("Ngày giải thể", "Ngày giải thể CĐCS", "Dissolved on")),
    Column(
        "upper_union",
        (
            "Công đoàn cấp trên",
            "CĐ cấp trên",
            "Trực thuộc",
            "Công đoàn cấp trên trực tiếp",
            "CĐ cấp trên trực tiếp",
            "Upper union",
        ),
    ),
)

_MAX = {"name": 300, "decision_number": 100, "chair": 200}
WRITTEN = (
    ("enterprise_id", "int"),
    ("name", "text"),
    ("search_key", "text"),
    ("founded_on", "date"),
    ("decision_number", "text"),
    ("upper_union_id", "int"),
    ("members_reported", "int"),
    ("chair", "text"),
    ("dissolved_on", "date"),
)


class StoredUnion(NamedTuple):
    """A grassroots union as stored, in the fields an import compares (select order)."""

    id: int
    enterprise_id: int
    name: str
    founded_on: datetime.date
    decision_number: str
    upper_union_id: int
    members_reported: int | None
    chair: str
    dissolved_on: datetime.date | None

    def latest_key(self) -> tuple:
        """The union a row updates is the latest: one not dissolved if any, else the last
        founded."""
        return (self.dissolved_on is None, self.founded_on, self.id)


class StoredEnterprise(NamedTuple):
    id: int
    name: str
    managing_union_id: int | None
    district_id: int | None


class UnionValues(NamedTuple):
    """What an import writes of a union, in `WRITTEN` order."""

    enterprise_id: int
    name: str
    search_key: str
    founded_on: datetime.date
    decision_number: str
    upper_union_id: int
    members_reported: int | None
    chair: str
    dissolved_on: datetime.date | None


# Row field -> stored field, for the fields a row compares.
COMPARED = {
    "name": "name",
    "founded_on": "founded_on",
    "decision_number": "decision_number",
    "upper_union": "upper_union_id",
    "members": "members_reported",
    "chair": "chair",
    "dissolved_on": "dissolved_on",
}
_TEXT_FIELDS = frozenset({"name", "decision_number", "chair"})


@register
class GrassrootsUnionImport(WritesInBulk, ImportSpec):
    """Creates or corrects each enterprise's latest grassroots union, keyed by tax code."""

    kind = "unions"
    label = gettext_lazy("grassroots union list")
    key_column = "tax_code"
    name_column = "name"
    columns = COLUMNS

    def load(self) -> None:
        self.territory = Territory()
        self.upper_unions = UpperUnions(self.territory)
        self._name = text_parser(_MAX["name"])
        self._decision = text_parser(_MAX["decision_number"])
        self._chair = text_parser(_MAX["chair"])

    def duplicate_message(self, first_row: int) -> str:
        return _(
            "This enterprise already has a row in this file, on row %(row)d: one row per "
            "enterprise."
        ) % {"row": first_row}

    # Reading ---------------------------------------------------------------------------------

    def parse(self, row: Row) -> None:
        read_tax_code(row)
        self.read(row, "name", self._name)
        self.read(row, "founded_on", parse_date, required=True)
        self.read(row, "decision_number", self._decision)
        self.read(row, "members", parse_whole_number)
        self.read(row, "chair", self._chair)
        self.read(row, "dissolved_on", parse_date)
        self.read(row, "upper_union", self.upper_unions.find)

    # Comparing -------------------------------------------------------------------------------

    def classify(self, rows: list[Row]) -> None:
        codes = [row.values["tax_code"] for row in rows if "tax_code" in row.values]
        fields = ("tax_code", *StoredEnterprise._fields)
        enterprises = {
            record[0]: StoredEnterprise(*record[1:])
            for record in select_by_keys(Enterprise._meta.db_table, fields, "tax_code", codes)
        }
        latest: dict[int, StoredUnion] = {}
        ids = [enterprise.id for enterprise in enterprises.values()]
        table = GrassrootsUnion._meta.db_table
        for record in select_by_keys(table, StoredUnion._fields, "enterprise_id", ids):
            union = StoredUnion(*record)
            current = latest.get(union.enterprise_id)
            if current is None or union.latest_key() > current.latest_key():
                latest[union.enterprise_id] = union
        for row in rows:
            code = row.values.get("tax_code")
            if code is None:
                continue
            enterprise = enterprises.get(code)
            if enterprise is None:
                row.error(
                    "tax_code",
                    _("No enterprise has this tax code: import it with the enterprise list first."),
                )
                continue
            self._classify(row, enterprise, latest.get(enterprise.id))

    def _classify(self, row: Row, enterprise: StoredEnterprise, union: StoredUnion | None) -> None:
        if not self.run.may_write(enterprise.managing_union_id):
            row.error(
                "tax_code",
                _("Outside your write scope: this enterprise is managed by %(union)s.")
                % {"union": self.territory.union_names.get(enterprise.managing_union_id, "-")},
            )
        founded_on = row.values.get("founded_on")
        if row.errors or founded_on is None:
            return
        dissolved = union.dissolved_on if union is not None else None
        if union is None or (dissolved is not None and founded_on > dissolved):
            self._new(row, enterprise)
        else:
            self._update(row, union)

    def _new(self, row: Row, enterprise: StoredEnterprise) -> None:
        values = row.values
        name = values.get("name") or clean(f"Công đoàn cơ sở {enterprise.name}")[:300]
        upper = values.get("upper_union") or enterprise.managing_union_id
        if upper is None:
            upper = self.territory.federations.get(enterprise.district_id)
        if upper is None:
            row.error("upper_union", _("This enterprise has no managing upper union: name one."))
            return
        dissolved_on = values.get("dissolved_on")
        if not self._dates_agree(row, values["founded_on"], dissolved_on):
            return
        row.status = CREATED
        row.data = RowWrite(
            UnionValues(
                enterprise_id=enterprise.id,
                name=name,
                search_key=fold(name),
                founded_on=values["founded_on"],
                decision_number=values.get("decision_number", ""),
                upper_union_id=upper,
                members_reported=values.get("members"),
                chair=values.get("chair", ""),
                dissolved_on=dissolved_on,
            )
        )

    def _update(self, row: Row, union: StoredUnion) -> None:
        values = row.values
        get = values.get
        new = {field: get(field, getattr(union, column)) for field, column in COMPARED.items()}
        if not self._dates_agree(row, new["founded_on"], new["dissolved_on"]):
            return
        changes = changes_from_stored(new, union, COMPARED, _TEXT_FIELDS)
        if not changes:
            row.status = UNCHANGED
            return
        row.status = UPDATED
        row.changes = changes
        row.data = RowWrite(
            UnionValues(
                enterprise_id=union.enterprise_id,
                name=new["name"],
                search_key=fold(new["name"]),
                founded_on=new["founded_on"],
                decision_number=new["decision_number"],
                upper_union_id=new["upper_union"],
                members_reported=new["members"],
                chair=new["chair"],
                dissolved_on=new["dissolved_on"],
            ),
            id=union.id,
        )

    def _dates_agree(self, row: Row, founded_on, dissolved_on) -> bool:
        if dissolved_on is not None and dissolved_on < founded_on:
            row.error(
                "dissolved_on",
                _("A union cannot be dissolved before it was founded (%(founded)s).")
                % {"founded": cell_text(founded_on)},
            )
            return False
        return True

    def describe(self, row: Row) -> list[dict[str, str]]:
        if row.status == CREATED:
            data = row.data.values
            row.changes = [
                (field, None, getattr(data, column))
                for field, column in COMPARED.items()
                if getattr(data, column) not in (None, "")
            ]
        return super().describe(row)

    def display(self, name: str, value: object) -> str:
        if value is None:
            return ""
        if name == "upper_union":
            return self.territory.union_names.get(value, str(value))
        return cell_text(value)

    # Writing ---------------------------------------------------------------------------------

    def make_writer(self) -> BulkWriter:
        # An update keeps the union's enterprise.
        return BulkWriter(GrassrootsUnion, columns=WRITTEN, kept=("enterprise_id",), run=self.run)
