"""The units of 1/7/2025 and of 30/6/2025, and the crosswalk, from the pinned package.

TERRITORY.md states the counts these tests pin: Tỉnh Bắc Ninh (24) has 99 communes (66 xã,
33 phường), made from the 192 communes of the former Bắc Giang (10 districts) and the 121 of the
former Bắc Ninh (8 districts); code 27 no longer exists.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import tomllib
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from unions.territory import sources as unit_sources
from unions.territory.sources import (
    ProvinceNotCurrent,
    ProvinceRef,
    UnknownProvince,
    crosswalk,
    current_province,
    current_provinces,
    industrial_zones,
    package_key,
    predecessors,
)

ROOT = Path(__file__).resolve().parents[2]

BAC_GIANG_DISTRICTS = {
    "213": ("Thành phố Bắc Giang", "thanh_pho", 31),
    "215": ("Huyện Yên Thế", "huyen", 17),
    "216": ("Huyện Tân Yên", "huyen", 19),
    "217": ("Huyện Lạng Giang", "huyen", 19),
    "218": ("Huyện Lục Nam", "huyen", 24),
    "219": ("Huyện Lục Ngạn", "huyen", 19),
    "220": ("Huyện Sơn Động", "huyen", 17),
    "222": ("Thị xã Việt Yên", "thi_xa", 17),
    "223": ("Huyện Hiệp Hòa", "huyen", 19),
    "224": ("Thị xã Chũ", "thi_xa", 10),
}
BAC_NINH_DISTRICTS = {
    "256": ("Thành phố Bắc Ninh", "thanh_pho", 17),
    "258": ("Huyện Yên Phong", "huyen", 14),
    "259": ("Thị xã Quế Võ", "thi_xa", 20),
    "260": ("Huyện Tiên Du", "huyen", 14),
    "261": ("Thành phố Từ Sơn", "thanh_pho", 12),
    "262": ("Thị xã Thuận Thành", "thi_xa", 18),
    "263": ("Huyện Gia Bình", "huyen", 14),
    "264": ("Huyện Lương Tài", "huyen", 12),
}
TYPE_WORDS = ("Tỉnh ", "Thành phố ", "Thị xã ", "Huyện ", "Quận ", "Thị trấn ", "Phường ", "Xã ")


def _defaults(code: str) -> dict[str, str]:
    return {link.former_code: link.new_code for link in crosswalk(code) if link.is_default}


def _links_by_former(code: str) -> dict[str, list]:
    grouped = defaultdict(list)
    for link in crosswalk(code):
        grouped[link.former_code].append(link)
    return grouped


# --- the current province 24 ------------------------------------------------------------------


def test_province_24_is_bac_ninh_with_99_communes_66_xa_and_33_phuong():
    province = current_province("24")
    assert (province.code, province.name, province.kind) == ("24", "Tỉnh Bắc Ninh", "tinh")
    assert len(province.communes) == 99
    assert Counter(commune.kind for commune in province.communes) == {"xa": 66, "phuong": 33}


def test_current_communes_are_in_code_order_with_five_digit_codes_and_centroids():
    communes = current_province(24).communes
    codes = [commune.code for commune in communes]
    assert codes == sorted(codes) and len(set(codes)) == 99
    assert all(len(code) == 5 and code.isdigit() for code in codes)
    bac_giang = next(commune for commune in communes if commune.code == "07210")
    assert (bac_giang.name, bac_giang.kind) == ("Phường Bắc Giang", "phuong")
    assert 21 < bac_giang.latitude < 22 and 105 < bac_giang.longitude < 107
    assert all(commune.area_km2 and commune.area_km2 > 0 for commune in communes)


@pytest.mark.parametrize("code", ["24", 24, " 24", "24 "])
def test_a_province_code_may_be_given_as_text_or_number(code):
    assert current_province(code).name == "Tỉnh Bắc Ninh"


def test_values_are_frozen():
    province = current_province("24")
    with pytest.raises(dataclasses.FrozenInstanceError):
        province.name = "Tỉnh Bắc Giang"  # type: ignore[misc]
    assert isinstance(province.communes, tuple)


# --- codes that name no province today ----------------------------------------------------------


@pytest.mark.parametrize("code", ["27", 27, " 27 "])
def test_former_bac_ninh_27_is_refused_and_names_its_successor(code):
    with pytest.raises(ProvinceNotCurrent) as raised:
        current_province(code)
    assert raised.value.code == "27"
    assert raised.value.successor == ProvinceRef("24", "Tỉnh Bắc Ninh")
    assert str(raised.value.successor) == "Tỉnh Bắc Ninh (24)"


def test_every_former_code_that_names_no_current_province_is_refused_with_its_successor():
    current = {province.code for province in current_provinces()}
    former = {f.code: p.code for p in current_provinces() for f in predecessors(p.code)}
    gone = sorted(set(former) - current)
    assert len(gone) == 63 - 34
    for code in gone:
        with pytest.raises(ProvinceNotCurrent) as raised:
            current_province(code)
        assert raised.value.successor.code == former[code]
    with pytest.raises(ProvinceNotCurrent) as raised:
        current_province("02")  # Hà Giang
    assert raised.value.successor == ProvinceRef("08", "Tỉnh Tuyên Quang")


@pytest.mark.parametrize(
    "code", ["99", "00", "3", "001", "abc", "", "2 4", "２４", None, 2.5, True]
)
def test_a_code_of_no_province_is_unknown(code):
    with pytest.raises(UnknownProvince):
        current_province(code)


def test_unknown_and_not_current_are_lookup_errors_a_command_can_catch_together():
    assert issubclass(UnknownProvince, LookupError)
    assert issubclass(ProvinceNotCurrent, LookupError)


# --- the predecessors of 24 as of 30/6/2025 ----------------------------------------------------


def test_predecessors_of_24_are_bac_giang_and_bac_ninh_with_10_and_8_districts():
    bac_giang, bac_ninh = predecessors("24")
    assert (bac_giang.code, bac_giang.name, bac_giang.successor_code) == (
        "24",
        "Tỉnh Bắc Giang",
        "24",
    )
    assert (bac_ninh.code, bac_ninh.name, bac_ninh.successor_code) == ("27", "Tỉnh Bắc Ninh", "24")
    for former, expected in ((bac_giang, BAC_GIANG_DISTRICTS), (bac_ninh, BAC_NINH_DISTRICTS)):
        assert {d.code: (d.name, d.kind, len(d.communes)) for d in former.districts} == expected
        assert all(district.province_code == former.code for district in former.districts)


def test_predecessors_of_24_have_192_and_121_communes():
    bac_giang, bac_ninh = predecessors("24")
    assert len(bac_giang.communes) == 192
    assert len(bac_ninh.communes) == 121
    assert Counter(c.kind for c in bac_giang.communes) == {"xa": 143, "phuong": 35, "thi_tran": 14}
    assert Counter(c.kind for c in bac_ninh.communes) == {"xa": 66, "phuong": 50, "thi_tran": 5}
    for former in (bac_giang, bac_ninh):
        for district in former.districts:
            assert all(commune.district_code == district.code for commune in district.communes)


def test_former_units_are_those_of_30_june_2025_not_of_2024():
    """Huyện Yên Dũng joined Thành phố Bắc Giang on 1/1/2025; the package knows its old names."""
    bac_giang = predecessors("24")[0]
    districts = {district.code: district for district in bac_giang.districts}
    assert "221" not in districts  # Huyện Yên Dũng
    assert "huyenyendung" in districts["213"].alias_keys
    communes = {commune.code: commune for commune in bac_giang.communes}
    tan_my = communes["07687"]
    assert (tan_my.name, tan_my.district_code) == ("Phường Tân Mỹ", "213")
    assert package_key("Xã Tân Mỹ") in tan_my.alias_keys
    # vietnam-provinces 0.6.0 (loaded today) still lists three communes merged on 1/1/2025;
    # the migration finds their successors by these keys.
    assert not {"07693", "07732", "07744"} & set(communes)
    assert package_key("Xã Tân An") in communes["07682"].alias_keys
    assert {package_key("Xã Nham Sơn"), package_key("Xã Thắng Cương")} <= set(
        communes["07681"].alias_keys
    )


def test_the_same_code_names_different_communes_before_and_after_the_change():
    former = {c.code: c for p in predecessors("24") for c in p.communes}
    current = {c.code: c for c in current_province("24").communes}
    assert former["07210"].name == "Phường Hoàng Văn Thụ"
    assert current["07210"].name == "Phường Bắc Giang"
    # And the same name moves to another code: the new Phường Hạp Lĩnh took Khắc Niệm's code.
    assert (former["09325"].name, former["09331"].name) == ("Phường Khắc Niệm", "Phường Hạp Lĩnh")
    assert current["09325"].name == "Phường Hạp Lĩnh"
    assert _defaults("24")["09331"] == "09325"


def test_names_are_nfc_trimmed_and_keep_their_official_type_prefix():
    names = [p.name for p in current_provinces()]
    names += [c.name for p in current_provinces() for c in p.communes]
    for province in current_provinces():
        for former in predecessors(province.code):
            names.append(former.name)
            names += [d.name for d in former.districts]
            names += [c.name for c in former.communes]
    for name in names:
        assert name == unicodedata.normalize("NFC", name) == " ".join(name.split())
        assert name.startswith((*TYPE_WORDS, "Đặc khu ")), name
    # The package writes "Thị Xã Việt Yên" and "Thị Trấn Ái Tử"; the official names have a
    # lower-case second word.
    assert not [name for name in names if name.startswith(("Thị Xã", "Thị Trấn", "Thành Phố"))]


# --- the crosswalk ----------------------------------------------------------------------------


def test_every_former_commune_of_24_has_exactly_one_default_successor_in_24():
    links = _links_by_former("24")
    former_codes = {c.code for p in predecessors("24") for c in p.communes}
    assert set(links) == former_codes and len(former_codes) == 192 + 121
    assert all(sum(link.is_default for link in group) == 1 for group in links.values())
    current_codes = {commune.code for commune in current_province("24").communes}
    assert {link.new_code for link in crosswalk("24")} == current_codes


def test_links_name_the_former_district_of_their_commune():
    districts = {c.code: c.district_code for p in predecessors("24") for c in p.communes}
    assert all(link.former_district_code == districts[link.former_code] for link in crosswalk(24))


def test_no_commune_of_bac_giang_or_bac_ninh_was_divided():
    """The package divides none of the 313; Resolution 1658/NQ-UBTVQH15 merged whole communes."""
    assert all(len(group) == 1 for group in _links_by_former("24").values())
    assert len(crosswalk("24")) == 313


def test_crosswalk_examples_of_24_many_to_one():
    defaults = _defaults("24")
    thanh_pho_bac_giang = ["07201", "07207", "07210", "07213", "07225", "07231", "07441"]
    assert {defaults[code] for code in thanh_pho_bac_giang} == {"07210"}  # Phường Bắc Giang
    tuan_dao = [former for former, new in defaults.items() if new == "07663"]
    assert tuan_dao == ["07663"]  # Xã Tuấn Đạo, the one commune left as it was


def test_72_of_the_99_current_communes_carry_the_name_of_a_former_commune_they_came_from():
    former_names = {c.code: c.name for p in predecessors("24") for c in p.communes}
    made_from = defaultdict(set)
    for link in crosswalk("24"):
        made_from[link.new_code].add(former_names[link.former_code])
    communes = current_province("24").communes
    assert sum(commune.name in made_from[commune.code] for commune in communes) == 72


def test_a_divided_commune_lists_every_candidate_with_one_default_first():
    # Hà Nội: Phường Điện Biên (Quận Ba Đình) was divided among four new phường.
    dien_bien = _links_by_former("01")["00019"]
    assert [(link.new_code, link.is_default) for link in dien_bien] == [
        ("00004", True),  # Phường Ba Đình
        ("00070", False),  # Phường Hoàn Kiếm
        ("00190", False),  # Phường Ô Chợ Dừa
        ("00226", False),  # Phường Văn Miếu - Quốc Tử Giám
    ]
    assert {link.former_district_code for link in dien_bien} == {"001"}
    # Thái Nguyên: Xã Thượng Đình (Huyện Phú Bình), default Xã Điềm Thụy, also Xã Phú Bình.
    thuong_dinh = _links_by_former("19")["05932"]
    assert [(link.new_code, link.is_default) for link in thuong_dinh] == [
        ("05941", True),
        ("05908", False),
    ]


def test_crosswalk_order_is_stable_former_code_then_default_first():
    links = crosswalk("01")
    keys = [(link.former_code, not link.is_default, link.new_code) for link in links]
    assert keys == sorted(keys)
    assert len(keys) == len(set(keys))


def test_reading_the_package_again_gives_the_same_values_in_the_same_order():
    before = (current_provinces(), predecessors("24"), crosswalk("24"))
    unit_sources._source.cache_clear()
    unit_sources._checked_crosswalk.cache_clear()
    after = (current_provinces(), predecessors("24"), crosswalk("24"))
    assert after == before


# --- the other provinces ----------------------------------------------------------------------


def test_ha_noi_and_lang_son_load_with_plausible_counts():
    ha_noi = current_province("01")
    assert (ha_noi.name, ha_noi.kind, len(ha_noi.communes)) == (
        "Thành phố Hà Nội",
        "thanh_pho",
        126,
    )
    assert [former.name for former in predecessors("01")] == ["Thành phố Hà Nội"]
    assert sum(len(d.communes) for d in predecessors("01")[0].districts) == 526
    lang_son = current_province("20")
    assert (lang_son.name, len(lang_son.communes)) == ("Tỉnh Lạng Sơn", 65)
    assert Counter(commune.kind for commune in lang_son.communes) == {"xa": 61, "phuong": 4}


def test_tuyen_quang_took_in_ha_giang():
    assert [f.ref for f in predecessors("08")] == [
        ProvinceRef("02", "Tỉnh Hà Giang"),
        ProvinceRef("08", "Tỉnh Tuyên Quang"),
    ]


def test_all_34_provinces_load_and_every_crosswalk_passes_its_checks():
    provinces = current_provinces()
    assert len(provinces) == 34
    assert [p.code for p in provinces] == sorted(p.code for p in provinces)
    communes = [commune for province in provinces for commune in province.communes]
    assert len(communes) == 3321
    assert Counter(c.kind for c in communes) == {"xa": 2621, "phuong": 687, "dac_khu": 13}
    former = [f for province in provinces for f in predecessors(province.code)]
    assert len(former) == 63 == len({f.code for f in former})
    assert sum(len(d) for d in (f.districts for f in former)) == 696
    for province in provinces:
        links = _links_by_former(province.code)
        former_codes = {c.code for f in predecessors(province.code) for c in f.communes}
        assert set(links) == former_codes, province.name


def test_island_districts_without_communes_are_kept_with_none():
    hai_phong = {d.code: d for f in predecessors("31") for d in f.districts}
    assert hai_phong["318"].name == "Huyện Bạch Long Vĩ"
    assert hai_phong["318"].communes == ()


# --- the other source: vietnam-provinces 2025.10.1 ----------------------------------------------


def test_counts_of_24_agree_with_vietnam_provinces_2025():
    """vietnam-provinces 2025.10.1 is a dev dependency for this comparison only."""
    import vietnam_provinces

    with open(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH, encoding="utf-8") as stream:
        record = next(p for p in json.load(stream) if p["code"] == 24)
    theirs = {str(ward["code"]).zfill(5): ward["division_type"] for ward in record["wards"]}
    ours = {commune.code: commune.kind for commune in current_province("24").communes}
    assert len(theirs) == len(ours) == 99
    assert Counter(theirs.values()) == {"xã": 66, "phường": 33}
    # Three Từ Sơn phường differ in code; the statistics office's list of 25/6/2025 has ours.
    assert set(ours) - set(theirs) == {"09370", "09379", "09385"}
    assert set(theirs) - set(ours) == {"09373", "09376", "09382"}


# --- industrial zones -------------------------------------------------------------------------


def _zone_records() -> list[dict]:
    return json.loads(unit_sources.ZONES_FILE.read_text(encoding="utf-8"))["zones"]


def test_zones_lie_in_former_communes_of_their_former_district():
    former = {c.code: (f.code, c) for f in predecessors("24") for c in f.communes}
    for record in _zone_records():
        province_code, commune = former[record["former_commune_code"]]
        assert province_code == record["former_province_code"], record["name"]
        assert commune.district_code == record["former_district_code"], record["name"]
        assert commune.name == record["former_commune_name"], record["name"]
        assert set(record["also_in_former_communes"]) <= set(former), record["name"]


def test_zones_current_communes_are_derived_through_the_crosswalk():
    defaults = _defaults("24")
    current = {commune.code: commune.name for commune in current_province("24").communes}
    for record in _zone_records():
        new_code = defaults[record["former_commune_code"]]
        assert record["current_commune_code"] == new_code, record["name"]
        assert record["current_commune_name"] == current[new_code], record["name"]
        spanned = {defaults[code] for code in record["also_in_former_communes"]} - {new_code}
        assert record["also_in_current_communes"] == sorted(spanned), record["name"]


# The parks the product knew before the zones file, as databases store them.
STORED_PARKS = {
    "KCN Quang Châu": "222",
    "KCN Vân Trung": "222",
    "KCN Đình Trám": "222",
    "KCN Việt Hàn": "222",
    "KCN Song Khê – Nội Hoàng": "213",
    "KCN Hòa Phú": "223",
}


def test_zones_cover_both_predecessors_and_keep_the_names_stored_today():
    zones = industrial_zones("24")
    by_name = {zone.name: zone for zone in zones}
    assert len(by_name) == len(zones) == len(_zone_records())
    assert {zone.former_province_code for zone in zones} == {"24", "27"}
    assert {zone.kind for zone in zones} == {"kcn", "ccn"}
    assert {zone.confidence for zone in zones} <= {"high", "medium", "low"}
    for name, district_code in STORED_PARKS.items():
        assert by_name[name].former_district_code == district_code
        assert by_name[name].kind == "kcn"


def test_a_province_without_zones_in_the_file_has_none():
    assert industrial_zones("01") == ()
    with pytest.raises(ProvinceNotCurrent):
        industrial_zones("27")


# --- the module itself ------------------------------------------------------------------------


def test_reading_the_units_imports_neither_django_nor_the_packages_geocoder():
    code = (
        "import sys\n"
        "from unions.territory.sources import crosswalk, current_province\n"
        "assert len(current_province('24').communes) == 99 and crosswalk('24')\n"
        "loaded = {'django', 'shapely', 'geopy', 'numpy', 'vietnamadminunits'} & set(sys.modules)\n"
        "print(sorted(loaded))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_the_installed_package_is_the_pinned_one():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pins = dict(pin.split("==") for pin in pyproject["project"]["dependencies"])
    assert unit_sources.source_version() == pins[unit_sources.SOURCE_PACKAGE]


def test_package_key_is_the_packages_form_of_a_name():
    assert package_key("Xã Tân Mỹ") == "xatanmy"
    assert package_key("Huyện  Yên Dũng") == "huyenyendung"
