"""Loading a province's versioned units, former names and industrial zones into the database.

This module is the implementation of `manage.py load_units` and the one place allowed to name
particular units: everything else reads them from the database. The units themselves come from
`unions.territory.sources` (the package `vietnamadminunits`): the province in force since
1/7/2025 with its communes, every province of 30/6/2025 that became part of it with its
districts and communes (ended on 30/6/2025), and the crosswalk between them as `UnitSuccession`
links. Loading is idempotent and never deletes: a unit is found again by its level, code and
validity, and only its name or kind is brought up to date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q

from unions.territory import sources
from unions.territory.models import AdministrativeUnit, IndustrialZone, UnitAlias, UnitSuccession
from unions.text import fold, unit_kind_from_name

Level = AdministrativeUnit.Level
REORGANISED_ON = datetime.date(2025, 1, 1)
UnknownProvince = sources.UnknownProvince
ProvinceNotCurrent = sources.ProvinceNotCurrent


@dataclass(frozen=True)
class FormerUnit:
    """A unit ended before 30/6/2025 that lists still name (the 1/1/2025 changes)."""

    name: str
    code: str
    successor_code: str
    since: datetime.date
    partial: bool = False


@dataclass(frozen=True)
class ProvinceExtras:
    former_units: tuple[FormerUnit, ...] = ()
    zone_union_name: str | None = None
    # Communes of the former province with this code: spellings lists use that the package lacks.
    other_spellings: dict[str, tuple[str, ...]] = field(default_factory=dict)


# What no package holds: the district-level changes of 1/1/2025 that 2024 lists still name, and
# the name of the industrial-zone union.
EXTRAS: dict[str, ProvinceExtras] = {
    "24": ProvinceExtras(
        former_units=(
            FormerUnit("Huyện Yên Dũng", "221", "213", REORGANISED_ON),
            FormerUnit("Huyện Lục Ngạn", "219", "224", REORGANISED_ON, partial=True),
        ),
        zone_union_name="Công đoàn các Khu công nghiệp tỉnh Bắc Giang",
        other_spellings={"07540": ("Xã Xa Lý",)},  # Xã Sa Lý in the package
    ),
}


@dataclass(frozen=True)
class LoadedPredecessor:
    name: str
    code: str
    districts: int
    communes: int


@dataclass
class LoadSummary:
    province: str = ""
    communes: int = 0
    predecessors: list[LoadedPredecessor] = field(default_factory=list)
    created: int = 0
    updated: int = 0


@dataclass(frozen=True)
class LoadedProvince:
    """The province in force and the provinces of 30/6/2025 it was formed from."""

    current: AdministrativeUnit
    predecessors: tuple[AdministrativeUnit, ...]


def load_units(code: object) -> tuple[LoadSummary, LoadedProvince]:
    """Create or update the province in force under `code`, its predecessors, their links and
    the zones; idempotent, and it never deletes anything.

    Raises `ProvinceNotCurrent` for a code that no longer names a province (27), naming its
    successor, and `UnknownProvince` for a code that never did.
    """
    data = sources.current_province(code)
    summary = LoadSummary(province=data.name, communes=len(data.communes))
    units = _UnitIndex(summary)
    province = units.put(Level.PROVINCE, data.code, data.name, data.kind, parent=None)
    for commune in data.communes:
        units.put(Level.COMMUNE, commune.code, commune.name, commune.kind, parent=province)
    former_provinces = tuple(
        _load_predecessor(units, former, summary) for former in sources.predecessors(data.code)
    )
    _load_successions(units, data.code, province, former_provinces, summary)
    extras = EXTRAS.get(data.code, ProvinceExtras())
    _load_former_units(units, extras, summary)
    _load_zones(units, data.code, summary)
    return summary, LoadedProvince(province, former_provinces)


class _UnitIndex:
    """The stored units by (level, code, ended or not), so that a second run finds each again."""

    def __init__(self, summary: LoadSummary) -> None:
        self.summary = summary
        self.loaded: set[int] = set()  # the units the package listed in this run
        self.current: dict[tuple[str, str], AdministrativeUnit] = {}
        self.former: dict[tuple[str, str], AdministrativeUnit] = {}
        in_force_or_ended_with_the_districts = Q(valid_until__isnull=True) | Q(
            valid_until=sources.FORMER_UNTIL
        )
        for unit in AdministrativeUnit.objects.filter(in_force_or_ended_with_the_districts):
            target = self.current if unit.valid_until is None else self.former
            target[unit.level, unit.code] = unit

    def put(
        self, level, code, name, kind, *, parent, ended=False, alias_keys=()
    ) -> AdministrativeUnit:
        index = self.former if ended else self.current
        values = {
            "name": name,
            "kind": kind,
            "alias_keys": " ".join(alias_keys),
            "parent_id": parent.pk if parent else None,
            "valid_from": None if ended else sources.CURRENT_SINCE,
            "valid_until": sources.FORMER_UNTIL if ended else None,
        }
        unit = index.get((level, code))
        if unit is None:
            unit = AdministrativeUnit(level=level, code=code, **values)
            unit.save()
            index[level, code] = unit
            self.loaded.add(unit.pk)
            self.summary.created += 1
            return unit
        self.loaded.add(unit.pk)
        changed = [key for key, value in values.items() if getattr(unit, key) != value]
        if changed:
            for key in changed:
                setattr(unit, key, values[key])
            unit.save()
            self.summary.updated += 1
        return unit

    def get_former(self, level: str, code: str) -> AdministrativeUnit:
        return self.former[level, code]

    def get_current(self, level: str, code: str) -> AdministrativeUnit:
        return self.current[level, code]


def _load_predecessor(
    units: _UnitIndex, former: sources.FormerProvinceData, summary: LoadSummary
) -> AdministrativeUnit:
    spellings = EXTRAS.get(former.code, ProvinceExtras()).other_spellings
    kind = unit_kind_from_name(former.name) or AdministrativeUnit.Kind.PROVINCE
    province = units.put(Level.PROVINCE, former.code, former.name, kind, parent=None, ended=True)
    for district in former.districts:
        parent = units.put(
            Level.DISTRICT,
            district.code,
            district.name,
            district.kind,
            parent=province,
            ended=True,
            alias_keys=district.alias_keys,
        )
        for commune in district.communes:
            units.put(
                Level.COMMUNE,
                commune.code,
                commune.name,
                commune.kind,
                parent=parent,
                ended=True,
                alias_keys=commune.alias_keys
                + tuple(sources.package_key(name) for name in spellings.get(commune.code, ())),
            )
    summary.predecessors.append(
        LoadedPredecessor(former.name, former.code, len(former.districts), len(former.communes))
    )
    return province


def _load_successions(units, code, province, former_provinces, summary) -> None:
    """Every former unit linked to what it became: provinces to the province, communes through
    the crosswalk, districts to the communes their communes became."""
    wanted: dict[tuple[int, int], bool] = {}
    for former in former_provinces:
        wanted[former.pk, province.pk] = True
    links_of: dict[str, list[sources.Link]] = {}
    for link in sources.crosswalk(code):
        links_of.setdefault(link.former_code, []).append(link)
        former_commune = units.get_former(Level.COMMUNE, link.former_code)
        new_commune = units.get_current(Level.COMMUNE, link.new_code)
        wanted[former_commune.pk, new_commune.pk] = link.is_default
        district = units.get_former(Level.DISTRICT, link.former_district_code)
        wanted.setdefault((district.pk, new_commune.pk), False)
    for unit, heir_code in _units_the_package_merged(units, former_provinces):
        for link in links_of.get(heir_code, ()):
            new_commune = units.get_current(Level.COMMUNE, link.new_code)
            wanted[unit.pk, new_commune.pk] = link.is_default
    former_ids = {former_id for former_id, _ in wanted}
    stored = {
        (link.former_id, link.successor_id): link
        for link in UnitSuccession.objects.filter(former_id__in=former_ids)
    }
    missing = [
        UnitSuccession(former_id=former_id, successor_id=successor_id, is_default=is_default)
        for (former_id, successor_id), is_default in wanted.items()
        if (former_id, successor_id) not in stored
    ]
    UnitSuccession.objects.bulk_create(missing)
    summary.created += len(missing)
    changed = []
    for key, link in stored.items():
        if key in wanted and link.is_default != wanted[key]:
            link.is_default = wanted[key]
            changed.append(link)
    UnitSuccession.objects.bulk_update(changed, ["is_default"])
    summary.updated += len(changed)


def _units_the_package_merged(units: _UnitIndex, former_provinces):
    """Communes a database loaded before the package holds that the package no longer lists
    (merged on 1/1/2025, such as Xã Tân An of Thành phố Bắc Giang), each with the commune of
    its district that lists its name among its earlier names: the crosswalk of that one is
    theirs, so that their enterprises find their commune of today."""
    province_ids = {province.pk for province in former_provinces}
    listed = [unit for unit in units.former.values() if unit.pk in units.loaded]
    orphans = (
        AdministrativeUnit.objects.former()
        .filter(level=Level.COMMUNE, parent__parent_id__in=province_ids)
        .exclude(pk__in=units.loaded)
    )
    for orphan in orphans:
        key = sources.package_key(orphan.name)
        heirs = [
            unit.code
            for unit in listed
            if unit.level == Level.COMMUNE
            and unit.parent_id == orphan.parent_id
            and key in unit.alias_keys.split()
        ]
        if len(heirs) == 1:
            yield orphan, heirs[0]


def _load_former_units(units: _UnitIndex, extras: ProvinceExtras, summary: LoadSummary) -> None:
    for former in extras.former_units:
        successor = units.get_former(Level.DISTRICT, former.successor_code)
        _, created = UnitAlias.objects.get_or_create(
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


def _load_zones(units: _UnitIndex, code: str, summary: LoadSummary) -> None:
    stored = {zone.search_key: zone for zone in IndustrialZone.objects.all()}
    for data in sources.industrial_zones(code):
        values = {
            "name": data.name,
            "kind": data.kind,
            "district": units.get_former(Level.DISTRICT, data.former_district_code),
            "commune": units.get_current(Level.COMMUNE, data.current_commune_code),
        }
        zone = stored.get(fold(data.name))
        if zone is None:
            IndustrialZone(**values).save()
            summary.created += 1
        elif any(getattr(zone, key) != value for key, value in values.items()):
            for key, value in values.items():
                setattr(zone, key, value)
            zone.save()
            summary.updated += 1
