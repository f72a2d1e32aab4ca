"""The grassroots-union list import (IMPORT.md: grassroots-union fields and "Union rows")."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.enterprises.enterprise_import import TAX_CODE, read_tax_code
from unions.enterprises.models import Enterprise, GrassrootsUnion
from unions.importing.cells import (
    cell_text,
    clean,
    parse_date,
    parse_whole_number,
    text_parser,
)
from unions.importing.engine import CREATED, UNCHANGED, UPDATED, ImportSpec, Row
from unions.importing.lookups import Territory, UpperUnions
from unions.importing.reading import Column
from unions.importing.registry import register
from unions.importing.writing import Stage, insert_history, quote, select_by_keys
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
_STAGE = (
    ("is_new", "flag"),
    ("id", "int"),
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
_WRITTEN = [name for name, _kind in _STAGE[2:]]
_STORED = (
    "id",
    "enterprise_id",
    "name",
    "founded_on",
    "decision_number",
    "upper_union_id",
    "members_reported",
    "chair",
    "dissolved_on",
)
# Row field -> position in the stored tuple.
_COMPARED = (
    ("name", 2),
    ("founded_on", 3),
    ("decision_number", 4),
    ("upper_union", 5),
    ("members", 6),
    ("chair", 7),
    ("dissolved_on", 8),
)
_TEXT_FIELDS = frozenset({"name", "decision_number", "chair"})


def _latest(union: tuple) -> tuple:
    # The union a row updates: the one not dissolved if any, else the last founded.
    return (union[8] is None, union[3], union[0])


@register
class GrassrootsUnionImport(ImportSpec):
    """Creates or corrects each enterprise's latest grassroots union, keyed by tax code."""

    kind = "unions"
    label = gettext_lazy("grassroots union list")
    key_column = "tax_code"
    name_column = "name"
    columns = COLUMNS

    def prepare(self) -> None:
        self.territory = Territory()
        self.upper_unions = UpperUnions(self.territory)
        self.stage_table: Stage | None = None
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
        enterprises = {
            record[0]: record[1:]
            for record in select_by_keys(
                Enterprise._meta.db_table,
                ("tax_code", "id", "name", "managing_union_id", "district_id"),
                "tax_code",
                codes,
            )
        }
        latest: dict[int, tuple] = {}
        ids = [record[0] for record in enterprises.values()]
        for union in select_by_keys(GrassrootsUnion._meta.db_table, _STORED, "enterprise_id", ids):
            current = latest.get(union[1])
            if current is None or _latest(union) > _latest(current):
                latest[union[1]] = union
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
            self._classify(row, enterprise, latest.get(enterprise[0]))

    def _classify(self, row: Row, enterprise: tuple, union: tuple | None) -> None:
        values, run = row.values, self.run
        enterprise_id, enterprise_name, managing_union_id, district_id = enterprise
        if not run.may_write(managing_union_id):
            row.error(
                "tax_code",
                _("Outside your write scope: this enterprise is managed by %(union)s.")
                % {"union": self.territory.union_names.get(managing_union_id, "-")},
            )
        founded_on = values.get("founded_on")
        if row.errors or founded_on is None:
            return
        dissolved = union[8] if union is not None else None
        if union is None or (dissolved is not None and founded_on > dissolved):
            self._new(row, enterprise)
        else:
            self._update(row, union)

    def _new(self, row: Row, enterprise: tuple) -> None:
        values = row.values
        enterprise_id, enterprise_name, managing_union_id, district_id = enterprise
        name = values.get("name") or clean(f"Công đoàn cơ sở {enterprise_name}")[:300]
        upper = values.get("upper_union") or managing_union_id
        if upper is None:
            upper = self.territory.federations.get(district_id)
        if upper is None:
            row.error("upper_union", _("This enterprise has no managing upper union: name one."))
            return
        dissolved_on = values.get("dissolved_on")
        if not self._dates_agree(row, values["founded_on"], dissolved_on):
            return
        row.status = CREATED
        row.data = (
            1,
            None,
            enterprise_id,
            name,
            fold(name),
            values["founded_on"],
            values.get("decision_number", ""),
            upper,
            values.get("members"),
            values.get("chair", ""),
            dissolved_on,
        )

    def _update(self, row: Row, union: tuple) -> None:
        values = row.values
        new = {
            "name": values.get("name", union[2]),
            "founded_on": values["founded_on"],
            "decision_number": values.get("decision_number", union[4]),
            "upper_union": values.get("upper_union", union[5]),
            "members": values.get("members", union[6]),
            "chair": values.get("chair", union[7]),
            "dissolved_on": values.get("dissolved_on", union[8]),
        }
        if not self._dates_agree(row, new["founded_on"], new["dissolved_on"]):
            return
        changes = []
        for field, position in _COMPARED:
            old = union[position]
            value = new[field]
            if value != old and (field not in _TEXT_FIELDS or value != clean(old)):
                changes.append((field, old, value))
        if not changes:
            row.status = UNCHANGED
            return
        row.status = UPDATED
        row.changes = changes
        row.data = (
            0,
            union[0],
            union[1],
            new["name"],
            fold(new["name"]),
            new["founded_on"],
            new["decision_number"],
            new["upper_union"],
            new["members"],
            new["chair"],
            new["dissolved_on"],
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
            data = row.data
            changes = [
                (name, None, data[position])
                for name, position in (
                    ("name", 3),
                    ("founded_on", 5),
                    ("decision_number", 6),
                    ("upper_union", 7),
                    ("members", 8),
                    ("chair", 9),
                    ("dissolved_on", 10),
                )
                if data[position] not in (None, "")
            ]
            row.changes = changes
        return super().describe(row)

    def display(self, name: str, value: object) -> str:
        if value is None:
            return ""
        if name == "upper_union":
            return self.territory.union_names.get(value, str(value))
        return cell_text(value)

    # Writing ---------------------------------------------------------------------------------

    def begin(self) -> None:
        self.stage_table = Stage(_STAGE)
        self.stage_table.create()

    def stage(self, rows: list[Row]) -> None:
        self.stage_table.append([row.data for row in rows])

    def end(self) -> None:
        if self.stage_table is not None:
            self.stage_table.drop()

    def write(self) -> None:
        stage = self.stage_table
        if stage is None or not stage.count:
            return
        run = self.run
        now = connection.ops.adapt_datetimefield_value(run.now)
        table = quote(GrassrootsUnion._meta.db_table)
        s = stage.table
        written = ", ".join(quote(name) for name in _WRITTEN)
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({written}, last_import_batch_id, created_at, updated_at) "
                f"SELECT {', '.join(f's.{quote(name)}' for name in _WRITTEN)}, %s, %s, %s "
                f"FROM {s} s WHERE s.is_new = 1",
                [run.batch_id, now, now],
            )
            updated = [name for name in _WRITTEN if name != "enterprise_id"]
            assignments = ", ".join(f"{quote(name)} = s.{quote(name)}" for name in updated)
            cursor.execute(
                f"UPDATE {table} SET {assignments}, last_import_batch_id = %s, updated_at = %s "
                f"FROM {s} s WHERE {table}.id = s.id AND s.is_new = 0",
                [run.batch_id, now],
            )
        # One row per enterprise, so the enterprise and the batch single out the union written.
        insert_history(
            GrassrootsUnion,
            from_sql=f"FROM {s} s JOIN {table} t ON t.enterprise_id = s.enterprise_id "
            f"WHERE t.last_import_batch_id = %s",
            type_sql="CASE WHEN s.is_new = 1 THEN '+' ELSE '~' END",
            params=[run.batch_id],
            when=now,
            reason=run.reason,
            user_id=run.user_id,
        )
