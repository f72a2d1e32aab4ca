"""The enterprise list import (IMPORT.md: enterprise fields, cell values, rows, scope)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.enterprises.models import Enterprise, Headcount
from unions.importing.cells import (
    OWNERSHIP_WORDS,
    STATUS_WORDS,
    CellError,
    Memo,
    Vocabulary,
    cell_text,
    clean,
    parse_date,
    parse_tax_code,
    parse_whole_number,
    text_parser,
)
from unions.importing.engine import CREATED, UNCHANGED, UPDATED, CellGroup, ImportSpec, Row
from unions.importing.lookups import Territory
from unions.importing.reading import Column
from unions.importing.registry import register
from unions.importing.writing import (
    BackgroundWriter,
    CopyFormatter,
    Stage,
    history_insert_sql,
    insert_history,
    quote,
    select_by_keys,
)
from unions.text import fold

__all__ = ["TAX_CODE", "EnterpriseImport"]

MISSING = object()

TAX_CODE = Column(
    "tax_code",
    (
        "Mã số thuế",
        "MST",
        "Mã số doanh nghiệp",
        "Mã số DN",
        "Mã DN",
        "Tax code",
        "Mã số thuế doanh nghiệp",
        "Mã số thuế DN",
        "MST doanh nghiệp",
        "MSDN",
    ),
    required=True,
)

COLUMNS = (
    TAX_CODE,
    Column(
        "name",
        (
            "Tên doanh nghiệp",
            "Tên DN",
            "Tên công ty",
            "Tên đơn vị",
            "Company name",
            "Tên doanh nghiệp, đơn vị",
            "Tên đơn vị, doanh nghiệp",
        ),
        required=True,
    ),
    Column(
        "address",
        (
            "Địa chỉ",
            "Địa chỉ trụ sở",
            "Địa chỉ trụ sở chính",
            "Trụ sở",
            "Address",
            "Địa chỉ doanh nghiệp",
        ),
    ),
    Column(
        "district",
        (
            "Huyện",
            "Huyện/TP",
            "Huyện/Thành phố",
            "Quận/Huyện",
            "Huyện/Thị xã/Thành phố",
            "District",
            "Huyện/Thị xã",
            "Huyện/TX/TP",
            "Địa bàn",
            "Huyện, thị xã, thành phố",
        ),
        required=True,
    ),
    Column(
        "commune",
        (
            "Xã",
            "Xã/Phường",
            "Phường/Xã",
            "Xã/Phường/Thị trấn",
            "Commune",
            "Phường/Xã/Thị trấn",
            "Xã, phường, thị trấn",
        ),
    ),
    Column(
        "workers",
        (
            "Số lao động",
            "Số LĐ",
            "Tổng số lao động",
            "Lao động",
            "Số công nhân lao động",
            "Workers",
            "Số CNLĐ",
            "Tổng số LĐ",
        ),
    ),
    Column(
        "ownership",
        (
            "Thành phần kinh tế",
            "Khu vực",
            "Loại hình sở hữu",
            "Loại hình kinh tế",
            "Ownership",
            "Khu vực kinh tế",
        ),
    ),
    Column("legal_form", ("Loại hình", "Loại hình doanh nghiệp", "Loại hình DN", "Legal form")),
    Column(
        "sector",
        (
            "Ngành nghề",
            "Ngành",
            "Ngành nghề kinh doanh",
            "Ngành nghề kinh doanh chính",
            "Sector",
            "Lĩnh vực hoạt động",
        ),
    ),
    Column(
        "founded_on",
        (
            "Ngày thành lập",
            "Ngày cấp",
            "Ngày cấp GCN",
            "Ngày cấp giấy chứng nhận ĐKDN",
            "Ngày cấp giấy chứng nhận",
            "Ngày cấp ĐKKD",
            "Ngày đăng ký",
            "Founded on",
        ),
    ),
    Column(
        "industrial_zone",
        (
            "KCN",
            "KCN/CCN",
            "Khu công nghiệp",
            "Khu/Cụm công nghiệp",
            "Khu, cụm công nghiệp",
            "Industrial zone",
        ),
    ),
    Column("status", ("Tình trạng", "Trạng thái", "Tình trạng hoạt động", "Status")),
)

_OWNERSHIP = Vocabulary(OWNERSHIP_WORDS)
_STATUS = Vocabulary(STATUS_WORDS)
# Lengths of Enterprise's text fields: a longer cell is a row error, not a failed write.
_MAX = {"name": 300, "address": 500, "legal_form": 200, "sector": 300}
_STORED = (
    "id",
    "name",
    "address",
    "district_id",
    "commune_id",
    "industrial_zone_id",
    "ownership",
    "legal_form",
    "sector",
    "founded_on",
    "workers",
    "status",
    "managing_union_id",
)
_STAGE = (
    ("is_new", "flag"),
    ("id", "int"),
    ("tax_code", "text"),
    ("name", "text"),
    ("search_key", "text"),
    ("address", "text"),
    ("district_id", "int"),
    ("commune_id", "int"),
    ("industrial_zone_id", "int"),
    ("ownership", "text"),
    ("legal_form", "text"),
    ("sector", "text"),
    ("founded_on", "date"),
    ("workers", "int"),
    ("status", "text"),
    ("managing_union_id", "int"),
    ("workers_changed", "flag"),
)
# The columns an import writes, in stage order, after is_new and id.
_WRITTEN = [name for name, _kind in _STAGE[2:-1]]
# What a write stamps on every row besides: the batch and the two timestamps.
_STAMPS = ("last_import_batch_id", "created_at", "updated_at")
# Compared field -> position in the stored tuple (after tax_code).
_COMPARED = (
    ("name", 1),
    ("address", 2),
    ("district", 3),
    ("commune", 4),
    ("industrial_zone", 5),
    ("ownership", 6),
    ("legal_form", 7),
    ("sector", 8),
    ("founded_on", 9),
    ("workers", 10),
    ("status", 11),
)
_TEXT_FIELDS = frozenset({"name", "address", "legal_form", "sector"})


def _assignments() -> str:
    """An update sets every column but the key and the managing union (kept, as save() does)."""
    return ", ".join(
        f"{quote(name)} = s.{quote(name)}"
        for name in _WRITTEN
        if name not in ("tax_code", "managing_union_id")
    )


@register
class EnterpriseImport(ImportSpec):
    """Upserts enterprises by tax code, with headcount history and history rows."""

    kind = "enterprises"
    label = gettext_lazy("enterprise list")
    key_column = "tax_code"
    name_column = "name"
    columns = COLUMNS
    # Larger chunks cost the server less per row; a small first one gets the writer going
    # while the rest is read (benchmarks/README.md).
    chunk_size = 10_000
    first_chunk_size = 1000

    def duplicate_message(self, first_row: int) -> str:
        return _("This tax code already appears on row %(row)d of the file.") % {"row": first_row}

    def prepare(self) -> None:
        self.territory = Territory()
        self.stage_table: Stage | None = None
        self.writer: BackgroundWriter | None = None
        self.reader = connections[DEFAULT_DB_ALIAS]
        layout = self.layout
        present = layout.indexes
        # (field, index, parser, required) for the cells read one by one; absent optional
        # columns are left out, as this runs for every row.
        single = (
            ("name", text_parser(_MAX["name"]), True),
            ("address", text_parser(_MAX["address"]), False),
            ("founded_on", Memo(parse_date), False),
            ("workers", Memo(parse_whole_number), False),
        )
        self._single = tuple(
            (name, present[name], parser, required)
            for name, parser, required in single
            if name in present
        )
        self._tax_code = present.get("tax_code")
        # Columns whose combinations repeat down a file, each group parsed once per combination.
        self._place = CellGroup(
            layout, ("district", "commune", "industrial_zone"), self._read_place
        )
        self._profile = CellGroup(
            layout, ("ownership", "legal_form", "sector", "status"), self._read_profile
        )
        self._legal_form = text_parser(_MAX["legal_form"])
        self._sector = text_parser(_MAX["sector"])

    # Reading ---------------------------------------------------------------------------------

    def parse(self, row: Row) -> None:
        # Cells are taken by index rather than through row.cell(): this runs for every row.
        values, cells = row.values, row.cells
        width = len(cells)
        read_tax_code(row, _cell(cells, self._tax_code))
        for name, index, parser, required in self._single:
            value = cells[index] if index < width else None
            if value is None or value == "" or (value.__class__ is str and value.isspace()):
                if required:
                    row.error(name, _("This cell is required."))
                continue
            try:
                values[name] = parser(value)
            except CellError as error:
                row.error(name, error.message)
        self._place.apply(row)
        self._profile.apply(row)

    def _read_place(self, district_cell, commune_cell, zone_cell):
        territory = self.territory
        values: dict[str, object] = {}
        issues: list[tuple[bool, str, str]] = []
        district_id = None
        former = False
        if district_cell is None:
            issues.append((True, "district", _("This cell is required.")))
        else:
            try:
                match = territory.district(district_cell)
            except CellError as error:
                issues.append((True, "district", error.message))
            else:
                district_id = match.id
                former = match.former is not None
        if commune_cell is not None and district_id is not None:
            commune_id, where = territory.commune(district_id, commune_cell)
            if commune_id is not None:
                if where != district_id:
                    # A commune of a unit split off from the named district moves the row there.
                    district_id, former = where, True
                values["commune"] = commune_id
            else:
                name = territory.district_names[district_id]
                if where:
                    message = _(
                        "Several communes of %(district)s have this name: the stored "
                        "commune is kept. Add Xã, Phường or Thị trấn."
                    )
                else:
                    message = _("Unknown commune in %(district)s: the stored commune is kept.")
                issues.append((False, "commune", message % {"district": name}))
        if former:
            successor = territory.district_names[district_id]
            issues.insert(
                0,
                (
                    False,
                    "district",
                    _("A former unit: read as %(successor)s.") % {"successor": successor},
                ),
            )
        if district_id is not None:
            values["district"] = district_id
        if zone_cell is not None:
            zone_id = territory.zone(zone_cell)
            if zone_id is None:
                issues.append(
                    (
                        False,
                        "industrial_zone",
                        _(
                            "Unknown industrial zone: the stored zone is kept. Known zones: "
                            "%(zones)s."
                        )
                        % {"zones": ", ".join(sorted(territory.zone_names.values()))},
                    )
                )
            else:
                values["industrial_zone"] = zone_id
        return values, tuple(issues)

    def _read_profile(self, ownership_cell, legal_form_cell, sector_cell, status_cell):
        values: dict[str, object] = {}
        issues: list[tuple[bool, str, str]] = []
        if ownership_cell is not None:
            found = _OWNERSHIP.get(ownership_cell)
            if found is None:
                message = _(
                    "Unknown ownership: the stored value is kept. Use “Nhà nước”, “Ngoài nhà "
                    "nước” or “Có vốn đầu tư nước ngoài”."
                )
                issues.append((False, "ownership", message))
            else:
                values["ownership"] = found
        for name, cell, parser in (
            ("legal_form", legal_form_cell, self._legal_form),
            ("sector", sector_cell, self._sector),
        ):
            if cell is not None:
                try:
                    values[name] = parser(cell)
                except CellError as error:
                    issues.append((True, name, error.message))
        if status_cell is not None:
            found = _STATUS.get(status_cell)
            if found is None:
                message = _(
                    "Unknown status: the stored value is kept. Use “Đang hoạt động”, “Tạm "
                    "ngừng hoạt động” or “Đã giải thể”."
                )
                issues.append((False, "status", message))
            else:
                values["status"] = found
        return values, tuple(issues)

    # Comparing -------------------------------------------------------------------------------

    def _classify(self, rows: list[Row]) -> None:
        codes = [row.values["tax_code"] for row in rows if "tax_code" in row.values]
        stored = {
            record[0]: record[1:]
            for record in select_by_keys(
                Enterprise._meta.db_table,
                ("tax_code", *_STORED),
                "tax_code",
                codes,
                using=self.reader,
            )
        }
        for row in rows:
            code = row.values.get("tax_code")
            if code is None:
                continue
            record = stored.get(code)
            if record is None:
                self._new(row)
            else:
                self._existing(row, record)

    def _new(self, row: Row) -> None:
        values, run = row.values, self.run
        district_id = values.get("district")
        zone_id = values.get("industrial_zone")
        managing_union_id = None
        if district_id is not None:
            managing_union_id = self.territory.managing_union(district_id, zone_id)
            if not run.may_write(managing_union_id):
                in_zone = managing_union_id == self.territory.zone_union_id and zone_id
                row.error(
                    "industrial_zone" if in_zone else "district",
                    self._outside(
                        _("this enterprise would be managed by %(union)s."), managing_union_id
                    ),
                )
        if row.errors:
            return
        name = values["name"]
        workers = values.get("workers")
        row.status = CREATED
        row.data = (
            1,
            None,
            values["tax_code"],
            name,
            fold(name),
            values.get("address", ""),
            district_id,
            values.get("commune"),
            zone_id,
            values.get("ownership"),
            values.get("legal_form", ""),
            values.get("sector", ""),
            values.get("founded_on"),
            workers,
            values.get("status", Enterprise.Status.ACTIVE),
            managing_union_id,
            1 if workers is not None else 0,
        )

    def _existing(self, row: Row, record: tuple) -> None:
        values, run = row.values, self.run
        (
            pk,
            name,
            address,
            district_id,
            commune_id,
            zone_id,
            ownership,
            legal_form,
            sector,
            founded_on,
            workers,
            status,
            managing_union_id,
        ) = record
        if run.scoped:
            if not run.may_write(managing_union_id):
                row.error(
                    "tax_code",
                    self._outside(_("this enterprise is managed by %(union)s."), managing_union_id),
                )
            elif "district" in values and values["district"] != district_id:
                row.error(
                    "district",
                    _(
                        "Outside your write scope: only provincial staff may move "
                        "an enterprise to another district."
                    ),
                )
        if row.errors:
            return
        new_district = values.get("district", district_id)
        if "commune" in values:
            new_commune = values["commune"]
        else:
            # A commune of the old district would contradict the new one.
            new_commune = commune_id if new_district == district_id else None
        get = values.get
        # In the order of the stored record's fields 1-11.
        merged = (
            values["name"],
            get("address", address),
            new_district,
            new_commune,
            get("industrial_zone", zone_id),
            get("ownership", ownership),
            get("legal_form", legal_form),
            get("sector", sector),
            get("founded_on", founded_on),
            get("workers", workers),
            get("status", status),
        )
        if merged == record[1:12]:
            row.status = UNCHANGED
            return
        changes = []
        for (field, position), value in zip(_COMPARED, merged, strict=True):
            old = record[position]
            # Stored text is normally clean already; clean it only when that matters.
            if value != old and (field not in _TEXT_FIELDS or value != clean(old)):
                changes.append((field, old, value))
        if not changes:
            row.status = UNCHANGED
            return
        row.status = UPDATED
        row.changes = changes
        new_name, new_workers = merged[0], merged[9]
        row.data = (
            0,
            pk,
            values["tax_code"],
            new_name,
            fold(new_name),
            *merged[1:],
            managing_union_id,
            1 if new_workers is not None and new_workers != workers else 0,
        )

    def _outside(self, message: str, union_id: int | None) -> str:
        union = self.territory.union_names.get(union_id, "-")
        return _("Outside your write scope: %(reason)s") % {"reason": message % {"union": union}}

    def describe(self, row: Row) -> list[dict[str, str]]:
        if row.status == CREATED:
            changes = [(name, None, row.values[name]) for name in _DESCRIBED if name in row.values]
            return super().describe(_Described(row, changes))
        return super().describe(row)

    def display(self, name: str, value: object) -> str:
        if value is None:
            return ""
        territory = self.territory
        if name == "district":
            return territory.district_names.get(value, str(value))
        if name == "commune":
            return territory.commune_names.get(value, str(value))
        if name == "industrial_zone":
            return territory.zone_names.get(value, str(value))
        if name == "ownership":
            return str(Enterprise.Ownership(value).label)
        if name == "status":
            return str(Enterprise.Status(value).label)
        return cell_text(value)

    # Writing ---------------------------------------------------------------------------------
    # PostgreSQL: each chunk is written at once, in a background thread (BackgroundWriter),
    # while the next chunk is read and classified on a second connection: new rows by COPY into
    # the table, changed ones through the stage. Elsewhere (SQLite): every chunk is staged, and
    # the whole file is written set-based at the end.

    def begin(self) -> None:
        self.connection = connections[DEFAULT_DB_ALIAS]
        self.stage_table = Stage(_STAGE, using=self.connection)
        self.stage_table.create()
        self.writer = None
        self.reader = self.connection
        if self.connection.vendor == "postgresql":
            self.writer = BackgroundWriter(self.connection)
            self.copy_rows = CopyFormatter(self.connection)
            # Foreign keys are checked as each chunk is written, while the next one is read,
            # rather than all at once when the transaction commits.
            with self.connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if len(self.connection.atomic_blocks) == 1:
                # Stored rows are read on a second connection, so reading the next chunk never
                # waits for the last one to be written. It sees what this run has written
                # only in rows of its own file, which duplicate checks already tell apart. Not
                # when the run is part of a larger transaction: that one's rows would be
                # invisible to it.
                self.reader = connections.create_connection(DEFAULT_DB_ALIAS)

    def classify(self, rows: list[Row]) -> None:
        if self.writer is not None and self.reader is self.connection:
            self.writer.wait()  # the connection is the writer's until then
        self._classify(rows)

    def stage(self, rows: list[Row]) -> None:
        if self.writer is None:
            self.stage_table.append([row.data for row in rows])
            return
        created = [row.data for row in rows if row.status == CREATED]
        changed = [row.data for row in rows if row.status != CREATED]
        stamps = self._stamps()
        # Formatted here, in the reading thread: the writer's thread then only waits on the
        # server, and the two threads do not take turns at Python's lock.
        payload = self.copy_rows([(*data[2:-1], *stamps) for data in created])
        self.writer.submit(self._write_chunk, payload, changed)

    def write(self) -> None:
        if self.writer is not None:
            self.writer.wait()
            return
        if self.stage_table.count:
            self._write_staged()

    def end(self) -> None:
        try:
            if self.writer is not None:
                self.writer.close()
                with self.connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's default again
        finally:
            if self.reader is not self.connection:
                self.reader.close()
            if self.stage_table is not None:
                self.stage_table.drop()

    def _params(self) -> dict[str, object]:
        run, ops = self.run, self.connection.ops
        return {
            "batch": run.batch_id,
            "now": ops.adapt_datetimefield_value(run.now),
            "today": ops.adapt_datefield_value(run.today),
            "reason": run.reason,
            "user": run.user_id,
        }

    def _stamps(self) -> tuple:
        p = self._params()
        return (p["batch"], p["now"], p["now"])

    def _write_chunk(self, payload: bytes, changed: list[tuple]) -> None:
        """One chunk, on PostgreSQL. Runs in the writer's thread, on the run's connection."""
        if payload:
            self._insert_new(payload)
        if changed:
            self._update_changed(changed)

    def _insert_new(self, payload: bytes) -> None:
        """New enterprises are copied straight into their table: COPY inserts in batches, far
        cheaper for the server than ``INSERT … SELECT``. Their history and headcount rows are
        then selected back: the rows of this batch above the id sequence's last value before
        the COPY, a short range of the primary key. Earlier chunks' rows lie below it, and rows
        another session commits in between belong to no batch of ours. The sequence, not
        ``max(id)``: a row saved with an explicit id may lie above the sequence."""
        p, table = self._params(), quote(Enterprise._meta.db_table)
        columns = ", ".join(quote(name) for name in (*_WRITTEN, *_STAMPS))
        history = history_insert_sql(Enterprise, alias="n", type_sql="'+'")
        with self.connection.cursor() as cursor:
            # NULL until the sequence is first used (pg_sequences reads it the same way).
            cursor.execute(
                "SELECT coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')), 0)",
                [Enterprise._meta.db_table],
            )
            (last_id,) = cursor.fetchone()
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                copy.write(payload)
            cursor.execute(
                f"WITH new AS (SELECT * FROM {table} "
                f"WHERE id > %s AND last_import_batch_id = %s), "
                f"history AS ({history} FROM new n) "
                f"INSERT INTO {quote(Headcount._meta.db_table)} "
                f"(enterprise_id, {quote('on')}, workers, batch_id) "
                f"SELECT n.id, %s, n.workers, %s FROM new n WHERE n.workers IS NOT NULL",
                [last_id, p["batch"], p["now"], p["reason"], p["user"], p["today"], p["batch"]],
            )

    def _update_changed(self, rows: list[tuple]) -> None:
        """Changed enterprises: staged, then one ``UPDATE … FROM`` with history and headcounts."""
        stage, p = self.stage_table, self._params()
        stage.clear()
        stage.append(rows)
        table = quote(Enterprise._meta.db_table)
        history = history_insert_sql(Enterprise, alias="c", type_sql="'~'")
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"WITH changed AS (UPDATE {table} AS t SET {_assignments()}, "
                f"last_import_batch_id = %s, updated_at = %s "
                f"FROM {stage.table} s WHERE t.id = s.id "
                f"RETURNING t.*, s.workers_changed AS workers_changed_now), "
                f"history AS ({history} FROM changed c) "
                f"INSERT INTO {quote(Headcount._meta.db_table)} "
                f"(enterprise_id, {quote('on')}, workers, batch_id) "
                f"SELECT c.id, %s, c.workers, %s FROM changed c "
                f"WHERE c.workers_changed_now = 1",
                [
                    p["batch"],
                    p["now"],
                    p["now"],
                    p["reason"],
                    p["user"],
                    p["today"],
                    p["batch"],
                ],
            )

    def _write_staged(self) -> None:
        """The whole file at once, from the stage: portable SQL (SQLite)."""
        p = self._params()
        table = quote(Enterprise._meta.db_table)
        s = self.stage_table.table
        written = ", ".join(quote(name) for name in _WRITTEN)
        with self.connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({written}, last_import_batch_id, created_at, updated_at) "
                f"SELECT {', '.join(f's.{quote(name)}' for name in _WRITTEN)}, %s, %s, %s "
                f"FROM {s} s WHERE s.is_new = 1",
                [p["batch"], p["now"], p["now"]],
            )
            cursor.execute(
                f"UPDATE {table} SET {_assignments()}, last_import_batch_id = %s, updated_at = %s "
                f"FROM {s} s WHERE {table}.id = s.id AND s.is_new = 0",
                [p["batch"], p["now"]],
            )
            headcounts = quote(Headcount._meta.db_table)
            cursor.execute(
                f"INSERT INTO {headcounts} (enterprise_id, {quote('on')}, workers, batch_id) "
                f"SELECT t.id, %s, s.workers, %s FROM {s} s "
                f"JOIN {table} t ON t.tax_code = s.tax_code WHERE s.workers_changed = 1",
                [p["today"], p["batch"]],
            )
        insert_history(
            Enterprise,
            from_sql=f"FROM {s} s JOIN {table} t ON t.tax_code = s.tax_code",
            type_sql="CASE WHEN s.is_new = 1 THEN '+' ELSE '~' END",
            params=[],
            when=p["now"],
            reason=p["reason"],
            user_id=p["user"],
        )


# Fields a new enterprise's preview lists, in the file's usual order.
_DESCRIBED = (
    "name",
    "address",
    "district",
    "commune",
    "industrial_zone",
    "ownership",
    "legal_form",
    "sector",
    "founded_on",
    "workers",
    "status",
)


class _Described:
    """A row seen through its list of changes, for ``ImportSpec.describe``."""

    def __init__(self, row: Row, changes: list) -> None:
        self.changes = changes
        self.number = row.number


def _cell(cells: Sequence[object], index: int | None) -> object:
    """A row's cell at ``index``, or None when there is no such column or the cell is empty."""
    if index is None or index >= len(cells):
        return None
    value = cells[index]
    if value is None or value == "" or (value.__class__ is str and value.isspace()):
        return None
    return value


def read_tax_code(row: Row, raw: object = MISSING) -> None:
    """Read the tax code into ``row.values``: a row error, or a warning for its check digit."""
    if raw is MISSING:
        raw = row.cell("tax_code")
    if raw is None:
        row.error("tax_code", _("This cell is required."))
        return
    try:
        code, valid = parse_tax_code(raw)
    except CellError as error:
        row.error("tax_code", error.message)
        return
    row.values["tax_code"] = code
    if not valid:
        row.warn("tax_code", _("The check digit of this tax code is wrong: please verify it."))
