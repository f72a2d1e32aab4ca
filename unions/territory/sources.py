"""Vietnam's administrative units before and after 1/7/2025, read from `vietnamadminunits`.

This is the data layer under `load_units` (TERRITORY.md, "Units are versioned"). It returns plain
frozen values and writes nothing: no Django models and no database.

The source is the package `vietnamadminunits` (MIT, pinned in pyproject.toml). Its files are read
directly: `data/dataset.db` (SQLite: `admin_units`, the 34 provinces and their communes since
1/7/2025; `admin_units_legacy`, the 63 provinces with their districts and communes as they stood
on 30/6/2025) and `data/converter_2025.json` (the crosswalk from each old commune to its new
one(s)). Importing the package itself would load its address parser, shapely, numpy and a
geocoder (about 0.4 s and 65 MB); finding its files through `importlib.metadata` imports none of
it. Reading the files takes about 50 ms and building every value about 0.2 s, once per process.

Codes are GSO codes as zero-padded strings: 2 digits for a province, 3 for a district, 5 for a
commune. A code alone does not identify a unit across the change: `24` was Tỉnh Bắc Giang and is
Tỉnh Bắc Ninh, and `07210` was Phường Hoàng Văn Thụ and is Phường Bắc Giang. So current and former
units are different types, and a former unit is only ever reached through `predecessors()`.
Names are NFC, trimmed, with their official type prefix ("Xã Tân Mỹ", "Thị xã Việt Yên").
Every sequence is a tuple in code order, so two runs see the same values in the same order.
"""

from __future__ import annotations

import datetime
import json
import sqlite3
from collections import defaultdict
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from unions.text import clean_text, fold, unit_kind_from_name

__all__ = [
    "CURRENT_SINCE",
    "FORMER_UNTIL",
    "SOURCE_PACKAGE",
    "CommuneData",
    "FormerCommuneData",
    "FormerDistrictData",
    "FormerProvinceData",
    "Link",
    "ProvinceData",
    "ProvinceNotCurrent",
    "ProvinceRef",
    "SourceDataError",
    "SourceUnavailable",
    "UnknownProvince",
    "ZoneData",
    "crosswalk",
    "current_province",
    "current_provinces",
    "industrial_zones",
    "package_key",
    "predecessors",
    "province_code",
    "source_version",
]

SOURCE_PACKAGE = "vietnamadminunits"
# The last day of the units in `admin_units_legacy`, and the first of those in `admin_units`.
FORMER_UNTIL = datetime.date(2025, 6, 30)
CURRENT_SINCE = datetime.date(2025, 7, 1)

ZONES_FILE = Path(__file__).resolve().parent / "data" / "industrial_zones.json"

ProvinceKind = Literal["tinh", "thanh_pho"]
CommuneKind = Literal["xa", "phuong", "dac_khu"]
FormerDistrictKind = Literal["thanh_pho", "thi_xa", "huyen", "quan"]
FormerCommuneKind = Literal["xa", "phuong", "thi_tran"]
ZoneKind = Literal["kcn", "ccn"]

_PROVINCE_KINDS = frozenset({"tinh", "thanh_pho"})
_COMMUNE_KINDS = frozenset({"xa", "phuong", "dac_khu"})
_FORMER_DISTRICT_KINDS = frozenset({"thanh_pho", "thi_xa", "huyen", "quan"})
_FORMER_COMMUNE_KINDS = frozenset({"xa", "phuong", "thi_tran"})
_ZONE_KINDS = frozenset({"kcn", "ccn"})
_CONFIDENCES = frozenset({"high", "medium", "low"})

# Official type words as written in names. The package spells a few with a capital second word
# ("Thị Xã Việt Yên", "Thị Trấn Ái Tử"); the stored name uses the official spelling.
_TYPE_WORDS = {
    word.lower(): word
    for word in (
        "Thành phố",
        "Thị trấn",
        "Thị xã",
        "Đặc khu",
        "Huyện",
        "Phường",
        "Quận",
        "Tỉnh",
        "Xã",
    )
}


class UnknownProvince(LookupError):
    """No province, current or former, has this code."""

    def __init__(self, code: object) -> None:
        super().__init__(f"no province has the code {code!r}")
        self.code = code


class ProvinceNotCurrent(LookupError):
    """The code named a province on 30/6/2025 that no longer exists; `successor` replaced it."""

    def __init__(self, code: str, successor: ProvinceRef) -> None:
        super().__init__(f"province {code} no longer exists; its successor is {successor}")
        self.code = code
        self.successor = successor


class SourceUnavailable(RuntimeError):
    """The package that holds the units is not installed."""


class SourceDataError(ValueError):
    """The package's data break a rule this module relies on (a package upgrade, most likely)."""


@dataclass(frozen=True)
class ProvinceRef:
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True)
class CommuneData:
    """A commune in force since 1/7/2025, with the package's centroid and area where known."""

    code: str
    name: str
    kind: CommuneKind
    latitude: float | None
    longitude: float | None
    area_km2: float | None


@dataclass(frozen=True)
class ProvinceData:
    """A province in force since 1/7/2025, with all its communes in code order."""

    code: str
    name: str
    kind: ProvinceKind
    communes: tuple[CommuneData, ...]

    @property
    def ref(self) -> ProvinceRef:
        return ProvinceRef(self.code, self.name)


@dataclass(frozen=True)
class FormerCommuneData:
    """A commune as it stood on 30/6/2025.

    `alias_keys` are the package's keys (see `package_key`) for names the unit had before, as
    the package lists them: Phường Tân Mỹ of Thành phố Bắc Giang has `xatanmy`, from when it was
    Xã Tân Mỹ of Huyện Yên Dũng (until 31/12/2024).
    """

    code: str
    name: str
    kind: FormerCommuneKind
    district_code: str
    alias_keys: tuple[str, ...]


@dataclass(frozen=True)
class FormerDistrictData:
    """A district as it stood on 30/6/2025. Five island districts have no communes."""

    code: str
    name: str
    kind: FormerDistrictKind
    province_code: str
    communes: tuple[FormerCommuneData, ...]
    alias_keys: tuple[str, ...]


@dataclass(frozen=True)
class FormerProvinceData:
    """A province as it stood on 30/6/2025, and the current province it became (part of)."""

    code: str
    name: str
    successor_code: str
    districts: tuple[FormerDistrictData, ...]

    @property
    def ref(self) -> ProvinceRef:
        return ProvinceRef(self.code, self.name)

    @property
    def communes(self) -> tuple[FormerCommuneData, ...]:
        return tuple(commune for district in self.districts for commune in district.communes)


@dataclass(frozen=True)
class Link:
    """One new commune that a former commune became (all or part of).

    A former commune that was not divided has one link, the default. One that was divided among
    several new communes has one link to each; exactly one of them is the package's default.
    """

    former_code: str
    former_district_code: str
    new_code: str
    is_default: bool


@dataclass(frozen=True)
class ZoneData:
    """An industrial park (kcn) or cluster (ccn) from `unions/territory/data/industrial_zones.json`.

    The former commune is where the zone lay on 30/6/2025 (the one its address names, where it
    spans several); the current commune is that commune's default successor in the crosswalk.
    `confidence` says how sure the former placement is: "high" when official texts name the
    commune, "medium" when the zone spans several or was placed by its name, "low" when recalled
    but not verified.
    """

    name: str
    kind: ZoneKind
    former_province_code: str
    former_district_code: str
    former_commune_code: str
    current_commune_code: str
    also_in_former_communes: tuple[str, ...]
    also_in_current_communes: tuple[str, ...]
    confidence: Literal["high", "medium", "low"]
    note: str


# --- public functions ------------------------------------------------------------------------


def province_code(code: object) -> str:
    """`code` as a 2-digit string (`27`, `"7"`, `" 24 "`); `UnknownProvince` if it is not one."""
    text = str(code).strip() if isinstance(code, int | str) else ""
    if not (text.isascii() and text.isdigit()) or len(text) > 2:
        raise UnknownProvince(code)
    return text.zfill(2)


def current_provinces() -> tuple[ProvinceData, ...]:
    """The 34 provinces in force since 1/7/2025, in code order."""
    return tuple(_source().current.values())


def current_province(code: object) -> ProvinceData:
    """The province in force today under `code`.

    Raises `ProvinceNotCurrent` (with its successor) for a code that named a province on
    30/6/2025 but names none today, such as 27, and `UnknownProvince` for any other code.
    """
    key = province_code(code)
    source = _source()
    if key in source.current:
        return source.current[key]
    if key in source.former:
        successor = source.current[source.former[key].successor_code]
        raise ProvinceNotCurrent(key, successor.ref)
    raise UnknownProvince(code)


def predecessors(code: object) -> tuple[FormerProvinceData, ...]:
    """The provinces of 30/6/2025 that became (part of) the current province `code`."""
    province = current_province(code)
    return _source().predecessors[province.code]


def crosswalk(code: object) -> tuple[Link, ...]:
    """For every former commune of every predecessor of `code`, the new commune(s) it became.

    Ordered by former code, then the default first, then new code. Checked on the way: each
    former commune has exactly one default, and every link ends in a commune of the province.
    """
    province = current_province(code)
    return _checked_crosswalk(province.code)


def industrial_zones(code: object) -> tuple[ZoneData, ...]:
    """The zones of the data file that lie in the current province `code`, in file order."""
    province = current_province(code)
    former_codes = {former.code for former in predecessors(province.code)}
    return tuple(zone for zone in _zones() if zone.former_province_code in former_codes)


def package_key(text: str) -> str:
    """The package's form of a name: folded, without spaces (`"Xã Tân Mỹ"` -> `"xatanmy"`)."""
    return fold(text).replace(" ", "")


def source_version() -> str:
    """The installed version of the package the units come from."""
    return _distribution().version


# --- reading the package ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Source:
    current: dict[str, ProvinceData]
    former: dict[str, FormerProvinceData]
    predecessors: dict[str, tuple[FormerProvinceData, ...]]
    # (new province code) -> raw links: (former commune code, former district code, new code,
    # is default), straight from the package.
    raw_links: dict[str, tuple[tuple[str, str, str, bool], ...]]


def _distribution():
    # Imported here: importlib.metadata costs ~30 ms, and importing this module should not.
    from importlib import metadata

    try:
        return metadata.distribution(SOURCE_PACKAGE)
    except metadata.PackageNotFoundError as error:
        raise SourceUnavailable(
            f"{SOURCE_PACKAGE} is not installed; it is pinned in pyproject.toml"
        ) from error


def _data_file(name: str) -> Path:
    # locate_file finds the package's files without importing it (see the module docstring).
    path = Path(str(_distribution().locate_file(f"{SOURCE_PACKAGE}/data/{name}")))
    if not path.is_file():
        raise SourceUnavailable(f"{SOURCE_PACKAGE} is installed without {path.name}")
    return path


@lru_cache(maxsize=1)
def _source() -> _Source:
    current_rows, legacy_rows = _read_dataset(_data_file("dataset.db"))
    with _data_file("converter_2025.json").open(encoding="utf-8") as stream:
        converter = json.load(stream)
    current, new_keys = _current_provinces(current_rows)
    former, old_keys = _former_provinces(legacy_rows)
    successor_of = _successors(converter["DICT_PROVINCE"], new_keys, old_keys, former)
    former = {
        code: FormerProvinceData(
            province.code, province.name, successor_of[code], province.districts
        )
        for code, province in former.items()
    }
    grouped: dict[str, list[FormerProvinceData]] = defaultdict(list)
    for province in former.values():
        grouped[province.successor_code].append(province)
    return _Source(
        current=current,
        former=former,
        predecessors={code: tuple(grouped[code]) for code in current},
        raw_links=_raw_links(converter, new_keys, old_keys),
    )


@dataclass
class _Keys:
    """How the crosswalk names units: by the package's keys, not by codes.

    A province is named by its key (`tinhbacninh`); a new commune by its province's key and its
    own (`phuongbacgiang`); an old commune by "province_district_commune" keys
    (`tinhbacgiang_thanhphobacgiang_phuonghoangvanthu`), the commune part empty for an island
    district without communes.
    """

    provinces: dict[str, str]
    units: dict[object, tuple[str, str]]


_CURRENT_SQL = """
    SELECT provinceCode, province, provinceKey, wardCode, ward, wardKey,
           wardLat, wardLon, wardAreaKm2
    FROM admin_units ORDER BY provinceCode, wardCode
"""
_LEGACY_SQL = """
    SELECT provinceCode, province, provinceKey, districtCode, district, districtKey,
           districtAlias, wardCode, ward, wardKey, wardAlias
    FROM admin_units_legacy ORDER BY provinceCode, districtCode, wardCode
"""


def _read_dataset(path: Path) -> tuple[list[sqlite3.Row], list[sqlite3.Row]]:
    # Read-only and immutable: site-packages may be read-only, and nothing writes this file.
    uri = f"{path.as_uri()}?mode=ro&immutable=1"
    with closing(sqlite3.connect(uri, uri=True)) as connection:
        connection.row_factory = sqlite3.Row
        return (
            connection.execute(_CURRENT_SQL).fetchall(),
            connection.execute(_LEGACY_SQL).fetchall(),
        )


def _current_provinces(rows) -> tuple[dict[str, ProvinceData], _Keys]:
    """Provinces by code, and the codes of the keys the crosswalk names them by."""
    names: dict[str, str] = {}
    communes: dict[str, list[CommuneData]] = defaultdict(list)
    keys = _Keys(provinces={}, units={})
    for row in rows:
        code = _code(row["provinceCode"], 2)
        if code not in names:
            names[code] = row["province"]
            _put_once(keys.provinces, row["provinceKey"], code)
        name, kind = _name_and_kind(row["ward"], _COMMUNE_KINDS)
        commune = CommuneData(
            code=_code(row["wardCode"], 5),
            name=name,
            kind=kind,
            latitude=row["wardLat"],
            longitude=row["wardLon"],
            area_km2=row["wardAreaKm2"],
        )
        communes[code].append(commune)
        _put_once(keys.units, (row["provinceKey"], row["wardKey"]), (commune.code, code))
    provinces = {
        code: ProvinceData(code, *_name_and_kind(raw, _PROVINCE_KINDS), tuple(communes[code]))
        for code, raw in sorted(names.items())
    }
    return provinces, keys


def _former_provinces(rows) -> tuple[dict[str, FormerProvinceData], _Keys]:
    """Former provinces by code (successor not yet known), and the crosswalk's keys for them.

    An old commune's key maps to (commune code, district code); an island district's to
    ("", district code).
    """
    names: dict[str, str] = {}
    district_rows: dict[str, dict[str, sqlite3.Row]] = defaultdict(dict)
    communes: dict[str, list[FormerCommuneData]] = defaultdict(list)
    keys = _Keys(provinces={}, units={})
    for row in rows:
        code = _code(row["provinceCode"], 2)
        district_code = _code(row["districtCode"], 3)
        if code not in names:
            names[code] = _official_name(row["province"])
            _put_once(keys.provinces, row["provinceKey"], code)
        district_rows[code].setdefault(district_code, row)
        key = f"{row['provinceKey']}_{row['districtKey']}_{row['wardKey'] or ''}"
        if not row["wardCode"]:
            _put_once(keys.units, key, ("", district_code))
            continue
        name, kind = _name_and_kind(row["ward"], _FORMER_COMMUNE_KINDS)
        commune = FormerCommuneData(
            code=_code(row["wardCode"], 5),
            name=name,
            kind=kind,
            district_code=district_code,
            alias_keys=_alias_keys(row["wardAlias"]),
        )
        communes[district_code].append(commune)
        _put_once(keys.units, key, (commune.code, district_code))
    provinces = {}
    for code, name in sorted(names.items()):
        districts = tuple(
            _former_district(code, district_code, row, communes[district_code])
            for district_code, row in sorted(district_rows[code].items())
        )
        provinces[code] = FormerProvinceData(code, name, "", districts)
    return provinces, keys


def _former_district(province_code_, code, row, communes) -> FormerDistrictData:
    name, kind = _name_and_kind(row["district"], _FORMER_DISTRICT_KINDS)
    return FormerDistrictData(
        code=code,
        name=name,
        kind=kind,
        province_code=province_code_,
        communes=tuple(communes),
        alias_keys=_alias_keys(row["districtAlias"]),
    )


def _successors(dict_province, new_keys: _Keys, old_keys: _Keys, former) -> dict[str, str]:
    """Former province code -> the current province code it became (part of)."""
    successor_of: dict[str, str] = {}
    for new_key, old_province_keys in sorted(dict_province.items()):
        new_code = _lookup(new_keys.provinces, new_key)
        for old_key in old_province_keys:
            _put_once(successor_of, _lookup(old_keys.provinces, old_key), new_code)
    missing = sorted(set(former) - set(successor_of))
    if missing:
        raise SourceDataError(f"no successor for the former provinces {missing}")
    return successor_of


def _raw_links(converter, new_keys: _Keys, old_keys: _Keys) -> dict[str, tuple]:
    links: dict[str, set[tuple[str, str, str, bool]]] = defaultdict(set)

    def add(new_province_key, new_ward_key, old_key, is_default):
        new_code, province = _lookup(new_keys.units, (new_province_key, new_ward_key))
        former_code, district_code = _lookup(old_keys.units, old_key)
        if former_code:  # an island district without communes has no commune to link
            links[province].add((former_code, district_code, new_code, is_default))

    for new_province_key, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_ward_key, old_ward_keys in wards.items():
            for old_key in old_ward_keys:
                add(new_province_key, new_ward_key, old_key, True)
    for new_province_key, divided in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for old_key, candidates in divided.items():
            for candidate in candidates:
                is_default = bool(candidate["isDefaultNewWard"])
                add(new_province_key, candidate["newWardKey"], old_key, is_default)
    return {code: tuple(sorted(rows)) for code, rows in links.items()}


@lru_cache(maxsize=64)
def _checked_crosswalk(code: str) -> tuple[Link, ...]:
    source = _source()
    links = [Link(*row) for row in source.raw_links.get(code, ())]
    links.sort(key=lambda link: (link.former_code, not link.is_default, link.new_code))
    by_former: dict[str, list[Link]] = defaultdict(list)
    for link in links:
        by_former[link.former_code].append(link)
    communes = {commune.code for commune in source.current[code].communes}
    for former in source.predecessors[code]:
        for commune in former.communes:
            defaults = [link for link in by_former.pop(commune.code, []) if link.is_default]
            if len(defaults) != 1:
                raise SourceDataError(
                    f"{commune.name} ({commune.code}) has {len(defaults)} default successors"
                )
    if by_former:
        raise SourceDataError(f"links from communes of no predecessor: {sorted(by_former)}")
    strays = sorted({link.new_code for link in links} - communes)
    if strays:
        raise SourceDataError(f"links to communes outside province {code}: {strays}")
    return tuple(links)


# --- small rules -----------------------------------------------------------------------------


def _code(value: object, width: int) -> str:
    text = str(value).strip()
    if not text.isdigit() or len(text) > width:
        raise SourceDataError(f"{value!r} is not a {width}-digit code")
    return text.zfill(width)


def _official_name(raw: str) -> str:
    name = clean_text(raw)
    words = name.split(" ", 2)
    for length in (2, 1):
        official = _TYPE_WORDS.get(" ".join(words[:length]).lower())
        if official and len(words) > length:
            return " ".join([official, *words[length:]])
    return name


def _name_and_kind(raw: str, allowed: frozenset[str]) -> tuple[str, str]:
    # The name, not the package's type column, decides the kind: the column disagrees with the
    # official name in a dozen rows (15061 "Thị trấn Ngọc Lặc" is typed Xã); none in 24 or 27.
    name = _official_name(raw)
    kind = "dac_khu" if name.startswith("Đặc khu ") else unit_kind_from_name(name)
    if kind not in allowed:
        raise SourceDataError(f"{name!r} does not start with one of {sorted(allowed)}")
    return name, kind


def _alias_keys(raw: str | None) -> tuple[str, ...]:
    if not raw:
        return ()
    return tuple(sorted({str(key) for key in json.loads(raw) if key}))


def _lookup(mapping: dict, key):
    try:
        return mapping[key]
    except KeyError:
        raise SourceDataError(f"the crosswalk names an unknown unit {key!r}") from None


def _put_once(mapping: dict, key, value) -> None:
    if mapping.setdefault(key, value) != value:
        raise SourceDataError(f"{key!r} names two units: {mapping[key]!r} and {value!r}")


# --- industrial zones ------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _zones() -> tuple[ZoneData, ...]:
    with ZONES_FILE.open(encoding="utf-8") as stream:
        records = json.load(stream)["zones"]
    return tuple(_zone(record) for record in records)


def _zone(record: dict) -> ZoneData:
    if record["kind"] not in _ZONE_KINDS or record["confidence"] not in _CONFIDENCES:
        raise SourceDataError(f"{ZONES_FILE.name}: bad kind or confidence in {record!r}")
    return ZoneData(
        name=clean_text(record["name"]),
        kind=record["kind"],
        former_province_code=_code(record["former_province_code"], 2),
        former_district_code=_code(record["former_district_code"], 3),
        former_commune_code=_code(record["former_commune_code"], 5),
        current_commune_code=_code(record["current_commune_code"], 5),
        also_in_former_communes=_codes(record["also_in_former_communes"], 5),
        also_in_current_communes=_codes(record["also_in_current_communes"], 5),
        confidence=record["confidence"],
        note=clean_text(record.get("note", "")),
    )


def _codes(values: Iterable[object], width: int) -> tuple[str, ...]:
    return tuple(_code(value, width) for value in values)
