"""The enterprise list import (IMPORT.md: enterprise fields, cell values, rows, scope)."""

from __future__ import annotations

from django.db import connection
from django.utils.translation import gettext as _

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
    parse_text,
    parse_whole_number,
)
from unions.importing.engine import (
    CREATED,
    UNCHANGED,
    UPDATED,
    AbortImport,
    ImportSpec,
    Row,
    register,
)
from unions.importing.lookups import Territory
from unions.importing.reading import Column
from unions.importing.writing import Stage, insert_history, quote, select_by_keys
from unions.models import Enterprise, Headcount, ImportBatch
from unions.text import fold

__all__ = ["TAX_CODE", "EnterpriseImport"]

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


def _text(limit: int):
    def parse(value: object) -> str:
        return parse_text(value, max_length=limit)

    return parse


@register
class EnterpriseImport(ImportSpec):
    """Upserts enterprises by tax code, with headcount history and history rows."""

    kind = ImportBatch.Kind.ENTERPRISES
    columns = COLUMNS
    chunk_size = 5000

    def prepare(self) -> None:
        self.territory = Territory()
        self.stage_table: Stage | None = None
        self._name = _text(_MAX["name"])
        self._address = _text(_MAX["address"])
        # These columns repeat the same few values down a file.
        self._legal_form = Memo(_text(_MAX["legal_form"]))
        self._sector = Memo(_text(_MAX["sector"]))
        self._founded_on = Memo(parse_date)
        self._workers = Memo(parse_whole_number)

    # Reading ---------------------------------------------------------------------------------

    def parse(self, row: Row) -> None:
        values = row.values
        read_tax_code(row)
        self.read(row, "name", self._name, required=True)
        self.read(row, "address", self._address)
        self._read_place(row)
        ownership = row.cell("ownership")
        if ownership is not None:
            found = _OWNERSHIP.get(ownership)
            if found is None:
                row.warn(
                    "ownership",
                    _(
                        "Unknown ownership: the stored value is kept. Use "
                        "“Nhà nước”, “Ngoài nhà nước” or “Có vốn đầu tư nước "
                        "ngoài”."
                    ),
                )
            else:
                values["ownership"] = found
        self.read(row, "legal_form", self._legal_form)
        self.read(row, "sector", self._sector)
        self.read(row, "founded_on", self._founded_on)
        self.read(row, "workers", self._workers)
        status = row.cell("status")
        if status is not None:
            found = _STATUS.get(status)
            if found is None:
                row.warn(
                    "status",
                    _(
                        "Unknown status: the stored value is kept. Use “Đang hoạt "
                        "động”, “Tạm ngừng hoạt động” or “Đã giải thể”."
                    ),
                )
            else:
                values["status"] = found

    def _read_place(self, row: Row) -> None:
        territory, values = self.territory, row.values
        district_id = None
        former = False
        district_cell = row.cell("district")
        if district_cell is None:
            row.error("district", _("This cell is required."))
        else:
            try:
                match = territory.district(district_cell)
            except CellError as error:
                row.error("district", error.message)
            else:
                district_id = match.id
                former = match.former is not None
        commune_cell = row.cell("commune")
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
                row.warn("commune", message % {"district": name})
        if former:
            row.warn(
                "district",
                _("A former unit: read as %(successor)s.")
                % {"successor": territory.district_names[district_id]},
            )
        if district_id is not None:
            values["district"] = district_id
        zone_cell = row.cell("industrial_zone")
        if zone_cell is not None:
            zone_id = territory.zone(zone_cell)
            if zone_id is None:
                row.warn(
                    "industrial_zone",
                    _("Unknown industrial zone: the stored zone is kept. Known zones: %(zones)s.")
                    % {"zones": ", ".join(sorted(territory.zone_names.values()))},
                )
            else:
                values["industrial_zone"] = zone_id

    # Comparing -------------------------------------------------------------------------------

    def classify(self, rows: list[Row]) -> None:
        codes = [row.values["tax_code"] for row in rows if "tax_code" in row.values]
        stored = {
            record[0]: record[1:]
            for record in select_by_keys(
                Enterprise._meta.db_table, ("tax_code", *_STORED), "tax_code", codes
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
        new = {
            "name": values["name"],
            "address": values.get("address", address),
            "district": new_district,
            "commune": new_commune,
            "industrial_zone": values.get("industrial_zone", zone_id),
            "ownership": values.get("ownership", ownership),
            "legal_form": values.get("legal_form", legal_form),
            "sector": values.get("sector", sector),
            "founded_on": values.get("founded_on", founded_on),
            "workers": values.get("workers", workers),
            "status": values.get("status", status),
        }
        changes = []
        for field, position in _COMPARED:
            old = record[position]
            value = new[field]
            # Stored text is normally clean already; clean it only when that matters.
            if value != old and (field not in _TEXT_FIELDS or value != clean(old)):
                changes.append((field, old, value))
        if not changes:
            row.status = UNCHANGED
            return
        row.status = UPDATED
        row.changes = changes
        new_workers = new["workers"]
        row.data = (
            0,
            pk,
            values["tax_code"],
            new["name"],
            fold(new["name"]),
            new["address"],
            new_district,
            new_commune,
            new["industrial_zone"],
            new["ownership"],
            new["legal_form"],
            new["sector"],
            new["founded_on"],
            new_workers,
            new["status"],
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
        table = quote(Enterprise._meta.db_table)
        s = stage.table
        written = ", ".join(quote(name) for name in _WRITTEN)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {s} WHERE is_new = 1")
            expected = cursor.fetchone()[0]
            cursor.execute(
                f"INSERT INTO {table} ({written}, last_import_batch_id, created_at, updated_at) "
                f"SELECT {', '.join(f's.{quote(name)}' for name in _WRITTEN)}, %s, %s, %s "
                f"FROM {s} s WHERE s.is_new = 1 ON CONFLICT (tax_code) DO NOTHING",
                [run.batch_id, now, now],
            )
            if cursor.rowcount != expected:
                raise AbortImport(
                    _(
                        "Another import added some of these enterprises at the same "
                        "time. Nothing was written: run the import again."
                    )
                )
            updated = [name for name in _WRITTEN if name not in ("tax_code", "managing_union_id")]
            assignments = ", ".join(f"{quote(name)} = s.{quote(name)}" for name in updated)
            cursor.execute(
                f"UPDATE {table} SET {assignments}, last_import_batch_id = %s, updated_at = %s "
                f"FROM {s} s WHERE {table}.id = s.id AND s.is_new = 0",
                [run.batch_id, now],
            )
            headcounts = quote(Headcount._meta.db_table)
            cursor.execute(
                f"INSERT INTO {headcounts} (enterprise_id, {quote('on')}, workers, batch_id) "
                f"SELECT t.id, %s, s.workers, %s FROM {s} s "
                f"JOIN {table} t ON t.tax_code = s.tax_code WHERE s.workers_changed = 1",
                [connection.ops.adapt_datefield_value(run.today), run.batch_id],
            )
        insert_history(
            Enterprise,
            from_sql=f"FROM {s} s JOIN {table} t ON t.tax_code = s.tax_code",
            type_sql="CASE WHEN s.is_new = 1 THEN '+' ELSE '~' END",
            params=[],
            when=now,
            reason=run.reason,
            user_id=run.user_id,
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


def read_tax_code(row: Row) -> None:
    """Read the tax code into ``row.values``: a row error, or a warning for its check digit."""
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
