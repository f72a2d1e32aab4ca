"""Names in files matched to the province's units, zones and upper unions, once per file.

:class:`Territory` loads the province's districts, communes, former units, industrial zones and
upper unions in a handful of queries and answers every row from dicts (IMPORT.md, "District",
"Commune", "Industrial zone"). Answers are cached by the raw cell, because the same few names
repeat on every row of a file.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from unions.importing.cells import CellError, cell_text
from unions.organisations.managing import ManagingUnions
from unions.organisations.models import UpperUnion
from unions.territory.models import AdministrativeUnit, IndustrialZone, UnitAlias, UnitSuccession
from unions.text import (
    COMMUNE_PREFIXES,
    DISTRICT_PREFIXES,
    ZONE_PREFIXES,
    fold,
    strip_prefix,
    unit_kind_from_name,
)

__all__ = ["DistrictMatch", "Territory", "UpperUnions"]

Level = AdministrativeUnit.Level
_CACHE_LIMIT = 20_000


@dataclass(frozen=True, slots=True)
class DistrictMatch:
    """A district named in a file; ``former`` names the former unit it was mapped from."""

    id: int
    former: str | None = None


@dataclass(frozen=True, slots=True)
class _Unit:
    id: int
    name: str
    kind: str


class _Names:
    """Units of one kind found by folded name, with or without a type prefix."""

    def __init__(self, prefixes: tuple[str, ...]) -> None:
        self.prefixes = prefixes
        self.full: dict[str, list[_Unit]] = defaultdict(list)
        self.bare: dict[str, list[_Unit]] = defaultdict(list)
        self.earlier: dict[str, list[_Unit]] = defaultdict(list)

    def add(self, unit: _Unit, name: str | None = None) -> None:
        key = fold(name or unit.name)
        self.full[key].append(unit)
        # A name without a prefix is its own bare form.
        self.bare[strip_prefix(key, self.prefixes)].append(unit)

    def add_earlier_names(self, unit: _Unit, alias_keys: str) -> None:
        """Names the unit had before a merge that lists still use, as the package keys them
        (`xathangcuong` for Phường Nham Biền): matched only where no unit bears the name."""
        for alias_key in alias_keys.split():
            self.earlier[alias_key].append(unit)

    def find(self, text: str) -> list[_Unit]:
        """The units a name can mean: one, several (ambiguous) or none."""
        key = fold(text)
        if not key:
            return []
        bare = strip_prefix(key, self.prefixes)
        # The whole name first: "Phương Sơn" is Thị trấn Phương Sơn, not a Phường named Sơn.
        found = (
            self.full.get(key)
            or self.bare.get(key)
            or self.bare.get(bare)
            or self._earlier(text, key, bare)
        )
        if len(found) > 1:
            # A type prefix in the file settles which of two same-named units is meant.
            kind = unit_kind_from_name(text)
            if kind:
                same_kind = [unit for unit in found if unit.kind == kind]
                if same_kind:
                    return same_kind
        return found

    def _earlier(self, text: str, key: str, bare: str) -> list[_Unit]:
        if not self.earlier:
            return []
        kind = unit_kind_from_name(text)
        if kind:
            candidates = [key, _PACKAGE_KIND_WORDS.get(kind, "") + bare, bare]
        else:
            # No type word in the text: "Xa Lý" may be the whole name of Xã Xa Lý.
            candidates = [key, *(word + key for word in _PACKAGE_KIND_WORDS.values())]
        for candidate in candidates:
            found = self.earlier.get(candidate.replace(" ", ""))
            if found:
                return found
        return []


# How the package's keys spell a type prefix (`thitrantanan`, `xatanan`).
_PACKAGE_KIND_WORDS = {"xa": "xa", "phuong": "phuong", "thi_tran": "thitran"}


class Territory:
    """The province's units, former units and zones, loaded once per file."""

    def __init__(self, province_code: str | None = None) -> None:
        code = province_code or settings.PROVINCE_CODE
        # The districts of every province of 30/6/2025 that the province was formed from; a
        # database whose units were not loaded again since the upgrade knows only its own.
        district_rows = list(
            AdministrativeUnit.objects.filter(level=Level.DISTRICT, parent__in=_predecessors(code))
            .order_by("code")
            .values_list("id", "code", "name", "kind")
        ) or list(
            AdministrativeUnit.objects.filter(level=Level.DISTRICT, parent__code=code)
            .order_by("code")
            .values_list("id", "code", "name", "kind")
        )
        if not district_rows:  # a database loaded without its province row
            district_rows = list(
                AdministrativeUnit.objects.filter(level=Level.DISTRICT)
                .order_by("code")
                .values_list("id", "code", "name", "kind")
            )
        self.district_names: dict[int, str] = {}
        self._districts = _Names(DISTRICT_PREFIXES)
        self._district_codes: dict[str, int] = {}
        for pk, gso, name, kind in district_rows:
            self._districts.add(_Unit(pk, name, kind))
            self._district_codes[gso] = pk
            self.district_names[pk] = name

        self.commune_names: dict[int, str] = {}
        self._communes: dict[int, _Names] = defaultdict(lambda: _Names(COMMUNE_PREFIXES))
        commune_rows = AdministrativeUnit.objects.filter(
            level=Level.COMMUNE, parent_id__in=list(self.district_names)
        ).values_list("id", "name", "kind", "parent_id", "alias_keys")
        self.commune_districts: dict[int, int] = {}
        self._former_communes = _Names(COMMUNE_PREFIXES)
        for pk, name, kind, parent_id, alias_keys in commune_rows:
            unit = _Unit(pk, name, kind)
            self._communes[parent_id].add(unit)
            self._communes[parent_id].add_earlier_names(unit, alias_keys)
            self._former_communes.add(unit)
            self.commune_names[pk] = name
            self.commune_districts[pk] = parent_id
        self._load_current_communes(code)

        self._former = _Names(DISTRICT_PREFIXES)
        self._former_codes: dict[str, tuple[int, str]] = {}
        # Districts that lost communes to a split-off unit, and the units that took them.
        self._split_into: dict[int, list[int]] = defaultdict(list)
        aliases = UnitAlias.objects.filter(successor_id__in=list(self.district_names))
        for name, former_code, successor_id, partial in aliases.values_list(
            "name", "former_code", "successor_id", "partial"
        ):
            current = self._districts.find(name)
            if partial and len(current) == 1:
                self._split_into[current[0].id].append(successor_id)
                continue
            self._former.add(_Unit(successor_id, name, unit_kind_from_name(name) or ""))
            if former_code:
                self._former_codes[former_code] = (successor_id, name)

        self.zone_names: dict[int, str] = {}
        self.zone_kinds: dict[int, str] = {}
        self._zones = _Names(ZONE_PREFIXES)
        for pk, name, kind in IndustrialZone.objects.values_list("id", "name", "kind"):
            self._zones.add(_Unit(pk, name, kind))
            self.zone_names[pk] = name
            self.zone_kinds[pk] = kind

        self.union_names: dict[int, str] = {}
        unions = []
        for pk, kind, district_id, name in UpperUnion.objects.order_by("id").values_list(
            "id", "kind", "district_id", "name"
        ):
            self.union_names[pk] = name
            unions.append((pk, kind, district_id))
        parks = [
            pk
            for pk, kind in self.zone_kinds.items()
            if kind == IndustrialZone.Kind.INDUSTRIAL_PARK
        ]
        self.managing = ManagingUnions.from_rows(unions, parks)
        self.federations = self.managing.federations
        self.zone_union_id = self.managing.zone_union_id

        self._district_cache: dict[object, DistrictMatch | CellError] = {}
        self._commune_cache: dict[tuple[int, object], tuple[int | None, int | None]] = {}
        self._zone_cache: dict[object, int | None] = {}

    # Districts -------------------------------------------------------------------------------

    def district(self, value: object) -> DistrictMatch:
        """The district a cell names, a former one mapped to its successor; else CellError."""
        key = value if type(value) is str else cell_text(value)
        cached = self._district_cache.get(key)
        if cached is None:
            cached = self._match_district(value)
            if len(self._district_cache) < _CACHE_LIMIT:
                self._district_cache[key] = cached
        if isinstance(cached, CellError):
            raise cached
        return cached

    def _match_district(self, value: object) -> DistrictMatch | CellError:
        text = cell_text(value).strip()
        if text.isdigit():
            code = text.zfill(3)
            if code in self._district_codes:
                return DistrictMatch(self._district_codes[code])
            if code in self._former_codes:
                successor_id, name = self._former_codes[code]
                return DistrictMatch(successor_id, former=name)
        found = self._districts.find(text)
        if len(found) == 1:
            return DistrictMatch(found[0].id)
        if not found:
            former = self._former.find(text)
            if len({unit.id for unit in former}) == 1:
                return DistrictMatch(former[0].id, former=former[0].name)
            choices = found or former
        else:
            choices = found
        names = ", ".join(sorted({unit.name for unit in choices})) if choices else None
        if names:
            return CellError(
                _("The district is ambiguous: it could be %(choices)s.") % {"choices": names}
            )
        return CellError(
            _("Unknown district. Valid districts: %(choices)s.")
            % {"choices": ", ".join(self.district_names.values())}
        )

    def split_successors(self, district_id: int) -> list[int]:
        """Units that took over some of this district's communes (Thị xã Chũ from Lục Ngạn)."""
        return self._split_into.get(district_id, [])

    # Communes --------------------------------------------------------------------------------

    def commune(self, district_id: int, value: object) -> tuple[int | None, int | None]:
        """``(commune id, district id)`` for a commune named within a district.

        The district is the given one, or a unit split off from it that now holds the commune.
        ``(None, None)`` when the name is unknown; ``(None, n)`` when ``n`` (> 1) communes match.
        """
        key = (district_id, value if type(value) is str else cell_text(value))
        cached = self._commune_cache.get(key)
        if cached is None:
            cached = self._match_commune(district_id, cell_text(value))
            if len(self._commune_cache) < _CACHE_LIMIT:
                self._commune_cache[key] = cached
        return cached

    def _match_commune(self, district_id: int, text: str) -> tuple[int | None, int | None]:
        found = self._communes[district_id].find(text) if district_id in self._communes else []
        if len(found) == 1:
            return found[0].id, district_id
        if len(found) > 1:
            return None, len(found)
        for successor_id in self.split_successors(district_id):
            moved = self._communes[successor_id].find(text)
            if len(moved) == 1:
                return moved[0].id, successor_id
        return None, None

    # Communes since 1/7/2025 -------------------------------------------------------------------

    def _load_current_communes(self, code: str) -> None:
        self.province_name = code
        self.current_names: dict[int, str] = {}
        self._current = _Names(COMMUNE_PREFIXES)
        self._current_codes: dict[str, int] = {}
        rows = AdministrativeUnit.objects.current().filter(
            level=Level.COMMUNE, parent__level=Level.PROVINCE, parent__code=code
        )
        fields = ("id", "code", "name", "kind", "parent__name")
        for pk, gso, name, kind, self.province_name in rows.values_list(*fields):
            self._current.add(_Unit(pk, name, kind))
            self._current_codes[gso] = pk
            self.current_names[pk] = name
        # Former commune -> the current communes it became, the default first.
        self._successors: dict[int, list[int]] = defaultdict(list)
        links = UnitSuccession.objects.filter(
            former__level=Level.COMMUNE, successor__in=rows
        ).order_by("former_id", "-is_default", "successor_id")
        for former_id, successor_id in links.values_list("former_id", "successor_id"):
            self._successors[former_id].append(successor_id)
        self._current_cache: dict[object, tuple[int | None, int]] = {}
        self._former_anywhere_cache: dict[object, tuple[int | None, int]] = {}

    def current_commune(self, value: object) -> tuple[int | None, int]:
        """``(id, 1)`` for the current commune a cell names by name or GSO code; ``(None, n)``
        when ``n`` communes match (0: none)."""
        key = value if type(value) is str else cell_text(value)
        cached = self._current_cache.get(key)
        if cached is None:
            text = cell_text(value).strip()
            if text.isdigit() and text.zfill(5) in self._current_codes:
                cached = (self._current_codes[text.zfill(5)], 1)
            else:
                cached = _one_of(self._current.find(text))
            if len(self._current_cache) < _CACHE_LIMIT:
                self._current_cache[key] = cached
        return cached

    def former_commune_anywhere(self, value: object) -> tuple[int | None, int]:
        """A commune of 30/6/2025 named without its district: ``(id, 1)`` when one of the
        province's former communes bears the name, else ``(None, n)`` as `current_commune`."""
        key = value if type(value) is str else cell_text(value)
        cached = self._former_anywhere_cache.get(key)
        if cached is None:
            cached = _one_of(self._former_communes.find(cell_text(value)))
            if len(self._former_anywhere_cache) < _CACHE_LIMIT:
                self._former_anywhere_cache[key] = cached
        return cached

    def commune_in_address(
        self, address: str, district_id: int | None
    ) -> tuple[bool, int, int | None] | None:
        """The one unit an address names, as ``(former, commune id, district id)``, or None.

        An address that names a former district names a former commune of it (`Xã Tân Mỹ,
        Huyện Yên Dũng`); one that names none names a commune of today (`Phường Bắc Giang,
        Tỉnh Bắc Ninh`). Only parts that start with a type word count, so that a street named
        after a commune (`đường Trần Phú`) is not taken for it.
        """
        parts = [part for part in _ADDRESS_PARTS.split(address) if unit_kind_from_name(part)]
        if district_id is None:
            districts = {unit.id for part in parts for unit in self._districts.find(part)}
            districts |= {unit.id for part in parts for unit in self._former.find(part)}
            district_id = districts.pop() if len(districts) == 1 else None
        if district_id is not None:
            names = self._communes.get(district_id)
            found = {unit.id for part in parts for unit in names.find(part)} if names else set()
            return (True, found.pop(), district_id) if len(found) == 1 else None
        found = {unit.id for part in parts for unit in self._current.find(part)}
        return (False, found.pop(), None) if len(found) == 1 else None

    def successors(self, former_commune_id: int) -> list[int]:
        """The current communes a former commune became, its default first ([] if unknown)."""
        return self._successors.get(former_commune_id, [])

    # Zones -----------------------------------------------------------------------------------

    def zone(self, value: object) -> int | None:
        """The industrial zone a cell names, or ``None`` when it names none (or several)."""
        key = value if type(value) is str else cell_text(value)
        if key in self._zone_cache:
            return self._zone_cache[key]
        found = self._zones.find(cell_text(value))
        zone_id = found[0].id if len(found) == 1 else None
        if len(self._zone_cache) < _CACHE_LIMIT:
            self._zone_cache[key] = zone_id
        return zone_id

    def managing_union(self, district_id: int, zone_id: int | None) -> int | None:
        """The union that manages an enterprise of that district and zone (`ManagingUnions`)."""
        return self.managing.for_enterprise(district_id=district_id, zone_id=zone_id)


# An address's parts: "Số 5, Phường Bắc Giang - Tỉnh Bắc Ninh".
_ADDRESS_PARTS = re.compile(r"\s*[,;–]\s*|\s+-\s+")


def _predecessors(code: str):
    """The provinces of 30/6/2025 that the province in force under ``code`` was formed from."""
    return AdministrativeUnit.objects.former().filter(
        level=Level.PROVINCE,
        succession_links__successor__level=Level.PROVINCE,
        succession_links__successor__code=code,
        succession_links__successor__valid_until__isnull=True,
    )


def _one_of(found: list[_Unit]) -> tuple[int | None, int]:
    ids = {unit.id for unit in found}
    return (found[0].id, 1) if len(ids) == 1 else (None, len(ids))


class UpperUnions:
    """Upper unions named in a union list ("Công đoàn cấp trên", "Trực thuộc")."""

    # Abbreviations files use for words of a union's name ("Công đoàn các KCN tỉnh Bắc Giang").
    _ABBREVIATIONS = {
        "ldld": "lien doan lao dong",
        "cd": "cong doan",
        "cdcs": "cong doan co so",
        "kcn": "khu cong nghiep",
        "ccn": "cum cong nghiep",
        "tp": "thanh pho",
    }

    def __init__(self, territory: Territory) -> None:
        self.names = territory.union_names
        self._by_key: dict[str, int] = {}
        for pk, name in self.names.items():
            self._by_key.setdefault(self._key(name), pk)
        # A district's name alone ("Huyện Yên Thế") means its federation.
        self._territory = territory

    def _key(self, text: str) -> str:
        return " ".join(self._ABBREVIATIONS.get(word, word) for word in fold(text).split())

    def find(self, value: object) -> int:
        text = cell_text(value)
        pk = self._by_key.get(self._key(text))
        if pk is not None:
            return pk
        try:
            match = self._territory.district(text)
        except CellError:
            match = None
        if match is not None and match.former is None and match.id in self._territory.federations:
            return self._territory.federations[match.id]
        raise CellError(
            _("Unknown upper union. Valid upper unions: %(choices)s.")
            % {"choices": "; ".join(self.names.values())}
        )
