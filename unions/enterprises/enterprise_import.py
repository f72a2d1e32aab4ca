"""The enterprise list import (IMPORT.md: enterprise fields, cell values, rows, scope)."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import NamedTuple

from django.utils import timezone
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
    changes_from_stored,
    parse_date,
    parse_tax_code,
    parse_whole_number,
    text_parser,
)
from unions.importing.engine import CREATED, UNCHANGED, UPDATED, CellGroup, ImportSpec, Row
from unions.importing.lookups import Territory
from unions.importing.reading import Column
from unions.importing.registry import register
from unions.importing.writing import BulkWriter, RowWrite, WritesInBulk, quote, select_by_keys
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
            "Tên công ty / HKD",
            "Tên khách hàng",
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
        one_of="place",
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
        one_of="place",
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
            "Phường/xã mới",
            "Xã/Phường mới",
        ),
        one_of="place",
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


class StoredEnterprise(NamedTuple):
    """An enterprise as stored, in the fields an import compares (select order)."""

    id: int
    name: str
    address: str
    district_id: int | None
    commune_id: int | None
    current_commune_id: int | None
    industrial_zone_id: int | None
    ownership: str | None
    legal_form: str
    sector: str
    founded_on: datetime.date | None
    workers: int | None
    status: str
    managing_union_id: int | None


class Stored(NamedTuple):
    """What a chunk is decided against: its stored enterprises by tax code, and when those
    changed after the preview a real run confirms began (`ImportRun.previewed_at`)."""

    rows: dict[str, StoredEnterprise]
    changed_since_preview: dict[str, datetime.datetime]


class EnterpriseValues(NamedTuple):
    """What an import writes of an enterprise, in `WRITTEN` order."""

    tax_code: str
    name: str
    search_key: str
    address: str
    district_id: int | None
    commune_id: int | None
    current_commune_id: int | None
    industrial_zone_id: int | None
    ownership: str | None
    legal_form: str
    sector: str
    founded_on: datetime.date | None
    workers: int | None
    status: str
    managing_union_id: int | None


WRITTEN = (
    ("tax_code", "text"),
    ("name", "text"),
    ("search_key", "text"),
    ("address", "text"),
    ("district_id", "int"),
    ("commune_id", "int"),
    ("current_commune_id", "int"),
    ("industrial_zone_id", "int"),
    ("ownership", "text"),
    ("legal_form", "text"),
    ("sector", "text"),
    ("founded_on", "date"),
    ("workers", "int"),
    ("status", "text"),
    ("managing_union_id", "int"),
)
# Row field -> stored field, for the fields a row compares.
COMPARED = {
    "name": "name",
    "address": "address",
    "district": "district_id",
    "commune": "commune_id",
    "current_commune": "current_commune_id",
    "industrial_zone": "industrial_zone_id",
    "ownership": "ownership",
    "legal_form": "legal_form",
    "sector": "sector",
    "founded_on": "founded_on",
    "workers": "workers",
    "status": "status",
}
_TEXT_FIELDS = frozenset({"name", "address", "legal_form", "sector"})


class EnterpriseWriter(BulkWriter):
    """Enterprises, their history rows and the headcounts of new and changed ones."""

    def __init__(self, run) -> None:
        # An update keeps the key, and the managing union as save() does.
        super().__init__(
            Enterprise,
            columns=WRITTEN,
            kept=("tax_code", "managing_union_id"),
            extras=(("workers_changed", "flag"),),
            run=run,
        )

    def after_new(self, cursor, where: str, params: list[object]) -> None:
        cursor.execute(
            f"{self._headcounts} SELECT t.id, %s, t.workers, %s {where} AND t.workers IS NOT NULL",
            [self.today, self.run.batch_id, *params],
        )

    def after_changed(self, cursor, stage_table: str) -> None:
        cursor.execute(
            f"{self._headcounts} SELECT s.id, %s, s.workers, %s FROM {stage_table} s "
            f"WHERE s.workers_changed = 1",
            [self.today, self.run.batch_id],
        )

    @property
    def _headcounts(self) -> str:
        return (
            f"INSERT INTO {quote(Headcount._meta.db_table)} "
            f"(enterprise_id, {quote('on')}, workers, batch_id)"
        )


@register
class EnterpriseImport(WritesInBulk, ImportSpec):
    """Upserts enterprises by tax code, with headcount history and history rows."""

    kind = "enterprises"
    label = gettext_lazy("enterprise list")
    key_column = "tax_code"
    name_column = "name"
    columns = COLUMNS
    # Lists of since 1/7/2025 name the province beside the commune; the deployment's is implied.
    dropped_columns = (
        Column("province", ("Tỉnh", "Tỉnh/Thành phố", "Tỉnh/TP", "Tỉnh, thành phố", "Province")),
    )
    # Larger chunks cost the server less per row; a small first one gets writing going while
    # the child reads the rest (benchmarks/README.md).
    chunk_size = 10_000
    first_chunk_size = 1000
    classifies_offline = True

    def duplicate_message(self, first_row: int) -> str:
        return _("This tax code already appears on row %(row)d of the file.") % {"row": first_row}

    def load(self) -> None:
        self.territory = Territory()

    def prepare(self) -> None:
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
        # Without a commune column the commune is read from the address (TERRITORY.md).
        self._reads_address = "commune" not in present and "address" in present
        self._place_column = "district" if "district" in present else "commune"
        self._legal_form = text_parser(_MAX["legal_form"])
        self._sector = text_parser(_MAX["sector"])

    # Reading ---------------------------------------------------------------------------------

    def parse(self, row: Row) -> None:
        self.parse_cells(row)
        self.parse_groups(row)

    def parse_cells(self, row: Row) -> None:
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
        if "name" in values:
            values["search_key"] = fold(values["name"])

    def parse_groups(self, row: Row) -> None:
        self._place.apply(row)
        if self._reads_address:
            self._place_from_address(row)
        self._profile.apply(row)

    def _place_from_address(self, row: Row) -> None:
        """Per row, not per combination: addresses differ from row to row."""
        values, territory = row.values, self.territory
        district_id = values.get("district")
        if "district" in row.layout.indexes and district_id is None:
            return  # the district cell was refused: its error says enough
        address = values.get("address")
        found = territory.commune_in_address(address, district_id) if address else None
        if found is None:
            if district_id is not None:
                row.warn("district", _unplaced_message())
            else:
                row.warn("address", _("The address names no commune: the row is not placed."))
            return
        former, commune_id, found_district_id = found
        issues: list[tuple[bool, str, str]] = []
        if former:
            values["commune"] = commune_id
            values["district"] = found_district_id
            self._map_former_commune(commune_id, values, issues)
            name = territory.commune_names[commune_id]
        else:
            values["current_commune"] = commune_id
            name = territory.current_names[commune_id]
        row.warn(
            "address", _("The commune was read from the address: %(commune)s.") % {"commune": name}
        )
        for _is_error, _column, message in issues:
            row.warn("address", message)  # the file has no commune column to name
        values["managing_union"] = territory.managing_union(
            values.get("district"), values.get("industrial_zone")
        )

    def _read_place(self, district_cell, commune_cell, zone_cell):
        """The place a row names (TERRITORY.md, "Imports"): a former district and its commune,
        mapped through the crosswalk, or a commune of today, or a former commune alone."""
        values: dict[str, object] = {}
        issues: list[tuple[bool, str, str]] = []
        if district_cell is not None:
            district_id = self._read_district(district_cell, commune_cell, values, issues)
        else:
            district_id = None
            if commune_cell is not None:
                self._read_commune_alone(commune_cell, values, issues)
            elif not self._reads_address:
                issues.append(
                    (
                        True,
                        self._place_column,
                        _(
                            "This row names no place: give its commune (or its district and "
                            "commune, for a list of before 1/7/2025)."
                        ),
                    )
                )
        zone_id = self._read_zone(zone_cell, values, issues)
        if district_id is not None or district_cell is None:
            # Known from the place alone: worked out once per combination, not per row.
            values["managing_union"] = self.territory.managing_union(district_id, zone_id)
        return values, tuple(issues)

    def _read_district(self, district_cell, commune_cell, values: dict, issues: list):
        territory = self.territory
        try:
            match = territory.district(district_cell)
        except CellError as error:
            issues.append((True, "district", error.message))
            return None
        district_id, former = match.id, match.former is not None
        if commune_cell is not None:
            commune_id, where = territory.commune(district_id, commune_cell)
            if commune_id is not None:
                if where != district_id:
                    # A commune of a unit split off from the named district moves the row there.
                    district_id, former = where, True
                values["commune"] = commune_id
                self._map_former_commune(commune_id, values, issues)
            else:
                issues.append((False, "commune", _unknown_commune(where, district_id, territory)))
        elif not self._reads_address:
            issues.append((False, "district", _unplaced_message()))
        if former:
            successor = territory.district_names[district_id]
            message = _("A former unit: read as %(successor)s.") % {"successor": successor}
            issues.insert(0, (False, "district", message))
        values["district"] = district_id
        return district_id

    def _read_commune_alone(self, commune_cell, values: dict, issues: list) -> None:
        """A commune named without a district: a commune of today first, then one of
        30/6/2025 that the crosswalk maps."""
        territory = self.territory
        current_id, count = territory.current_commune(commune_cell)
        if current_id is not None:
            values["current_commune"] = current_id
            return
        former_id, former_count = territory.former_commune_anywhere(commune_cell)
        if former_id is not None:
            values["commune"] = former_id
            values["district"] = territory.commune_districts[former_id]
            self._map_former_commune(former_id, values, issues)
            return
        if count > 1 or former_count > 1:
            message = _(
                "Several communes have this name: not read (an enterprise already stored keeps "
                "its commune). Add the district, or Xã or Phường."
            )
        else:
            message = _(
                "Unknown commune of %(province)s: not read (an enterprise already stored keeps "
                "its commune, a new one gets none)."
            ) % {"province": territory.province_name}
        issues.append((False, "commune", message))

    def _map_former_commune(self, commune_id: int, values: dict, issues: list) -> None:
        territory = self.territory
        successors = territory.successors(commune_id)
        if not successors:
            return  # a unit the crosswalk does not know (units not loaded again since upgrade)
        values["current_commune"] = successors[0]
        message = _("%(former)s (%(district)s) is now %(current)s.") % {
            "former": territory.commune_names[commune_id],
            "district": territory.district_names[territory.commune_districts[commune_id]],
            "current": territory.current_names[successors[0]],
        }
        if len(successors) > 1:
            others = ", ".join(territory.current_names[pk] for pk in successors[1:])
            message += " " + _(
                "It was divided: the enterprise may lie in %(others)s instead; check its address."
            ) % {"others": others}
        issues.append((False, "commune", message))

    def _read_zone(self, zone_cell, values: dict, issues: list) -> int | None:
        if zone_cell is None:
            return None
        territory = self.territory
        zone_id = territory.zone(zone_cell)
        if zone_id is None:
            message = _(
                "Unknown industrial zone: not read (an enterprise already stored keeps its "
                "zone). Known zones: %(zones)s."
            )
            zones = ", ".join(sorted(territory.zone_names.values()))
            issues.append((False, "industrial_zone", message % {"zones": zones}))
        else:
            values["industrial_zone"] = zone_id
        return zone_id

    def _read_profile(self, ownership_cell, legal_form_cell, sector_cell, status_cell):
        values: dict[str, object] = {}
        issues: list[tuple[bool, str, str]] = []
        if ownership_cell is not None:
            found = _OWNERSHIP.get(ownership_cell)
            if found is None:
                message = _(
                    "Unknown ownership: not read (an enterprise already stored keeps its "
                    "value). Use “Nhà nước”, “Ngoài nhà nước” or “Có vốn đầu tư nước ngoài”."
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
                    "Unknown status: not read (an enterprise already stored keeps its value). "
                    "Use “Đang hoạt động”, “Tạm ngừng hoạt động” or “Đã giải thể”."
                )
                issues.append((False, "status", message))
            else:
                values["status"] = found
        return values, tuple(issues)

    # Comparing -------------------------------------------------------------------------------

    def fetch(self, rows: list[Row]) -> Stored:
        codes = [row.values["tax_code"] for row in rows if "tax_code" in row.values]
        fields = ("tax_code", *StoredEnterprise._fields)
        stored = {
            record[0]: StoredEnterprise(*record[1:])
            for record in select_by_keys(Enterprise._meta.db_table, fields, "tax_code", codes)
        }
        changed = {}
        if self.run.previewed_at is not None and stored:
            changed = dict(
                Enterprise.objects.filter(
                    tax_code__in=list(stored), updated_at__gt=self.run.previewed_at
                ).values_list("tax_code", "updated_at")
            )
        return Stored(stored, changed)

    def decide(self, rows: list[Row], found: Stored) -> None:
        for row in rows:
            code = row.values.get("tax_code")
            if code is None:
                continue
            record = found.rows.get(code)
            if record is None:
                self._new(row)
            elif code in found.changed_since_preview:
                self._changed_since_preview(row, found.changed_since_preview[code])
            else:
                self._existing(row, record)

    def _changed_since_preview(self, row: Row, when: datetime.datetime) -> None:
        # What the preview showed as "stored" is no longer so: writing now could undo a
        # colleague's change that the user never saw.
        row.error(
            "tax_code",
            _(
                "This enterprise was changed at %(when)s, after your preview: preview the file "
                "again to see what it would change now."
            )
            % {"when": timezone.localtime(when).strftime("%H:%M %d/%m/%Y")},
        )

    def _new(self, row: Row) -> None:
        values, run = row.values, self.run
        district_id = values.get("district")
        zone_id = values.get("industrial_zone")
        managing_union_id = values.get("managing_union")
        if not run.may_write(managing_union_id):
            in_zone = managing_union_id == self.territory.zone_union_id and zone_id
            row.error(
                "industrial_zone" if in_zone else _place_column(row),
                self._outside(
                    _("this enterprise would be managed by %(union)s."), managing_union_id
                ),
            )
        if row.errors:
            return
        name = values["name"]
        row.status = CREATED
        row.data = RowWrite(
            EnterpriseValues(
                tax_code=values["tax_code"],
                name=name,
                search_key=values["search_key"],
                address=values.get("address", ""),
                district_id=district_id,
                commune_id=values.get("commune"),
                current_commune_id=values.get("current_commune"),
                industrial_zone_id=zone_id,
                ownership=values.get("ownership"),
                legal_form=values.get("legal_form", ""),
                sector=values.get("sector", ""),
                founded_on=values.get("founded_on"),
                workers=values.get("workers"),
                status=values.get("status", Enterprise.Status.ACTIVE),
                managing_union_id=managing_union_id,
            )
        )

    def _existing(self, row: Row, stored: StoredEnterprise) -> None:
        values = row.values
        self._check_write_scope(row, stored)
        if row.errors:
            return
        merged = self._merged(values, stored)
        changes = changes_from_stored(merged, stored, COMPARED, _TEXT_FIELDS)
        if not changes:
            row.status = UNCHANGED
            return
        row.status = UPDATED
        row.changes = changes
        row.data = RowWrite(
            EnterpriseValues(
                tax_code=values["tax_code"],
                name=merged["name"],
                search_key=values["search_key"],
                address=merged["address"],
                district_id=merged["district"],
                commune_id=merged["commune"],
                current_commune_id=merged["current_commune"],
                industrial_zone_id=merged["industrial_zone"],
                ownership=merged["ownership"],
                legal_form=merged["legal_form"],
                sector=merged["sector"],
                founded_on=merged["founded_on"],
                workers=merged["workers"],
                status=merged["status"],
                managing_union_id=stored.managing_union_id,
            ),
            id=stored.id,
            # Whether the headcount changed (the writer's extra staged value).
            extras=(int(merged["workers"] is not None and merged["workers"] != stored.workers),),
        )

    def _check_write_scope(self, row: Row, stored: StoredEnterprise) -> None:
        run = self.run
        if not run.scoped:
            return
        if not run.may_write(stored.managing_union_id):
            message = _("this enterprise is managed by %(union)s.")
            row.error("tax_code", self._outside(message, stored.managing_union_id))
        elif "district" in row.values and row.values["district"] != stored.district_id:
            row.error(
                "district",
                _(
                    "Outside your write scope: only provincial staff may move an enterprise "
                    "to another district."
                ),
            )

    @staticmethod
    def _merged(values: dict, stored: StoredEnterprise) -> dict[str, object]:
        """The row's values over the stored ones: an absent or empty cell keeps what is stored."""
        get = values.get
        merged = {field: get(field, getattr(stored, column)) for field, column in COMPARED.items()}
        merged["name"] = values["name"]
        if "commune" not in values and merged["district"] != stored.district_id:
            # A commune of the old district would contradict the new, and so would its successor.
            merged["commune"] = None
            if "current_commune" not in values:
                merged["current_commune"] = None
        return merged

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
        if name == "current_commune":
            return territory.current_names.get(value, str(value))
        if name == "industrial_zone":
            return territory.zone_names.get(value, str(value))
        if name == "ownership":
            return str(Enterprise.Ownership(value).label)
        if name == "status":
            return str(Enterprise.Status(value).label)
        return cell_text(value)

    # Writing ---------------------------------------------------------------------------------

    def make_writer(self) -> EnterpriseWriter:
        return EnterpriseWriter(self.run)


# Fields a new enterprise's preview lists, in the file's usual order.
_DESCRIBED = (
    "name",
    "address",
    "district",
    "commune",
    "current_commune",
    "industrial_zone",
    "ownership",
    "legal_form",
    "sector",
    "founded_on",
    "workers",
    "status",
)


def _unknown_commune(where: int | None, district_id: int, territory: Territory) -> str:
    name = territory.district_names[district_id]
    if where:
        message = _(
            "Several communes of %(district)s have this name: not read (an "
            "enterprise already stored keeps its commune). Add Xã, Phường or Thị "
            "trấn."
        )
    else:
        message = _(
            "Unknown commune in %(district)s: not read (an enterprise already "
            "stored keeps its commune, a new one gets none)."
        )
    return message % {"district": name}


def _unplaced_message() -> str:
    return _(
        "No commune: a new enterprise is unplaced, known only by its former district (an "
        "enterprise already stored keeps its commune)."
    )


def _place_column(row: Row) -> str:
    """The column to blame for a row's place: its district where the file has one."""
    return "district" if "district" in row.layout.indexes else "commune"


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
