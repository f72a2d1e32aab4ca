"""Loading a province's administrative units, former units, federations and industrial zones.

This module is the implementation of `manage.py load_units` and the one place allowed to name
particular units: everything else reads them from the database.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field

import vietnam_provinces

from unions.territory.models import AdministrativeUnit, IndustrialZone, UnitAlias
from unions.text import clean_text, fold, unit_kind_from_name

Level = AdministrativeUnit.Level
CODE_WIDTH = {Level.PROVINCE: 2, Level.DISTRICT: 3, Level.COMMUNE: 5}
REORGANISED_ON = datetime.date(2025, 1, 1)


@dataclass(frozen=True)
class FormerUnit:
    name: str
    code: str
    successor_code: str
    since: datetime.date
    partial: bool = False


@dataclass(frozen=True)
class Zone:
    name: str
    district_code: str
    kind: str = IndustrialZone.Kind.INDUSTRIAL_PARK


@dataclass(frozen=True)
class ProvinceExtras:
    former_units: tuple[FormerUnit, ...] = ()
    zone_union_name: str | None = None
    zones: tuple[Zone, ...] = ()


# What vietnam-provinces 0.6.0 does not hold: the units that 2024 lists still name, and the
# province's industrial parks with their union.
EXTRAS: dict[str, ProvinceExtras] = {
    "24": ProvinceExtras(
        former_units=(
            FormerUnit("Huyện Yên Dũng", "221", "213", REORGANISED_ON),
            FormerUnit("Huyện Lục Ngạn", "219", "224", REORGANISED_ON, partial=True),
        ),
        zone_union_name="Công đoàn các Khu công nghiệp tỉnh Bắc Giang",
        zones=(
            Zone("KCN Quang Châu", "222"),
            Zone("KCN Vân Trung", "222"),
            Zone("KCN Đình Trám", "222"),
            Zone("KCN Việt Hàn", "222"),
            Zone("KCN Song Khê – Nội Hoàng", "213"),
            Zone("KCN Hòa Phú", "223"),
        ),
    ),
}


@dataclass
class LoadSummary:
    province: str = ""
    counts: dict[str, int] = field(default_factory=dict)
    created: int = 0
    updated: int = 0


class UnknownProvince(LookupError):
    pass


def gso_code(code: int | str, level: str) -> str:
    return str(code).zfill(CODE_WIDTH[level])


def province_record(code: str) -> dict:
    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as source:
        provinces = json.load(source)
    for record in provinces:
        if gso_code(record["code"], Level.PROVINCE) == gso_code(code, Level.PROVINCE):
            return record
    raise UnknownProvince(code)


def load_units(code: str) -> tuple[LoadSummary, AdministrativeUnit]:
    """Create or update the province's units, former units and industrial zones; idempotent,
    and it never deletes anything. Returns the summary and the province."""
    record = province_record(code)
    summary = LoadSummary(province=clean_text(record["name"]))
    existing = {unit.code: unit for unit in AdministrativeUnit.objects.all()}

    province = _upsert_unit(existing, summary, record, Level.PROVINCE, parent=None)
    for district_record in record["districts"]:
        district = _upsert_unit(existing, summary, district_record, Level.DISTRICT, province)
        for commune_record in district_record["wards"]:
            _upsert_unit(existing, summary, commune_record, Level.COMMUNE, district)

    extras = EXTRAS.get(province.code, ProvinceExtras())
    _load_former_units(extras, summary)
    _load_zones(extras, summary)
    return summary, province


def _upsert_unit(existing, summary, record, level, parent):
    code = gso_code(record["code"], level)
    name = clean_text(record["name"])
    values = {
        "name": name,
        "level": level,
        "kind": unit_kind_from_name(name) or "",
        "parent_id": parent.pk if parent else None,
    }
    summary.counts[level] = summary.counts.get(level, 0) + 1
    unit = existing.get(code)
    if unit is None:
        unit = AdministrativeUnit(code=code, **values)
        unit.save()
        existing[code] = unit
        summary.created += 1
        return unit
    changed = [key for key, value in values.items() if getattr(unit, key) != value]
    if changed:
        for key in changed:
            setattr(unit, key, values[key])
        unit.save()
        summary.updated += 1
    return unit


def _load_former_units(extras: ProvinceExtras, summary: LoadSummary) -> None:
    for former in extras.former_units:
        successor = AdministrativeUnit.objects.get(code=former.successor_code)
        alias, created = UnitAlias.objects.get_or_create(
            search_key=fold(former.name),
            successor=successor,
            defaults={
                "name": former.name,
                "former_code": former.code,
                "since": former.since,
                "partial": former.partial,
            },
        )
        summary.created += created


def _load_zones(extras: ProvinceExtras, summary: LoadSummary) -> None:
    for zone in extras.zones:
        district = AdministrativeUnit.objects.get(code=zone.district_code)
        _, created = IndustrialZone.objects.get_or_create(
            search_key=fold(zone.name),
            defaults={"name": zone.name, "district": district, "kind": zone.kind},
        )
        summary.created += created
