"""load_units: the province in force and its predecessors (vietnamadminunits), idempotent,
never deleting (TERRITORY.md, "Units are versioned")."""

from __future__ import annotations

import datetime
import io
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_enterprise
from unions.models import (
    AdministrativeUnit,
    IndustrialZone,
    UnitAlias,
    UnitSuccession,
    UpperUnion,
)
from unions.organisations.loading import load_province

pytestmark = pytest.mark.django_db

ENDED = datetime.date(2025, 6, 30)
STARTED = datetime.date(2025, 7, 1)
DISTRICTS = {
    "213": ("Thành phố Bắc Giang", "thanh_pho"),
    "215": ("Huyện Yên Thế", "huyen"),
    "216": ("Huyện Tân Yên", "huyen"),
    "217": ("Huyện Lạng Giang", "huyen"),
    "218": ("Huyện Lục Nam", "huyen"),
    "219": ("Huyện Lục Ngạn", "huyen"),
    "220": ("Huyện Sơn Động", "huyen"),
    "222": ("Thị xã Việt Yên", "thi_xa"),
    "223": ("Huyện Hiệp Hòa", "huyen"),
    "224": ("Thị xã Chũ", "thi_xa"),
}


def _snapshot():
    return {
        "units": list(
            AdministrativeUnit.objects.values_list(
                "pk", "code", "name", "kind", "parent_id", "valid_from", "valid_until"
            )
        ),
        "links": list(
            UnitSuccession.objects.order_by("pk").values_list("former", "successor", "is_default")
        ),
        "aliases": list(UnitAlias.objects.values_list("search_key", "successor_id", "partial")),
        "zones": list(
            IndustrialZone.objects.values_list("search_key", "district_id", "commune_id")
        ),
        "unions": list(UpperUnion.objects.values_list("name", "kind", "district_id")),
    }


def test_loads_the_province_in_force_with_its_99_communes():
    province = AdministrativeUnit.objects.current().get(level="province", code="24")
    communes = AdministrativeUnit.objects.current().filter(level="commune", parent=province)
    assert (province.name, province.kind, province.valid_from) == ("Tỉnh Bắc Ninh", "tinh", STARTED)
    assert Counter(communes.values_list("kind", flat=True)) == {"xa": 66, "phuong": 33}
    assert not AdministrativeUnit.objects.current().filter(level="district").exists()
    bac_giang = communes.get(code="07210")
    assert (bac_giang.name, bac_giang.valid_from, bac_giang.valid_until) == (
        "Phường Bắc Giang",
        STARTED,
        None,
    )


def test_loads_both_predecessors_with_their_districts_and_communes():
    former = AdministrativeUnit.objects.former()
    provinces = former.filter(level="province").order_by("code")
    assert [(p.code, p.name, p.valid_until) for p in provinces] == [
        ("24", "Tỉnh Bắc Giang", ENDED),
        ("27", "Tỉnh Bắc Ninh", ENDED),
    ]
    districts = former.filter(level="district")
    assert {d.code: (d.name, d.kind) for d in districts.filter(parent__code="24")} == DISTRICTS
    assert districts.filter(parent__code="27").count() == 8
    communes = former.filter(level="commune")
    assert communes.filter(parent__parent__code="24").count() == 192
    assert communes.filter(parent__parent__code="27").count() == 121
    tho_xuong = communes.get(code="07201")
    assert (tho_xuong.name, tho_xuong.kind, tho_xuong.parent.code) == (
        "Phường Thọ Xương",
        "phuong",
        "213",
    )


def test_a_code_names_one_unit_in_each_period():
    units = AdministrativeUnit.objects.filter(code="07210", level="commune")
    assert sorted((unit.name, unit.valid_until) for unit in units) == [
        ("Phường Bắc Giang", None),
        ("Phường Hoàng Văn Thụ", ENDED),
    ]
    on_2024 = AdministrativeUnit.objects.in_force_on(datetime.date(2024, 12, 31))
    on_2026 = AdministrativeUnit.objects.in_force_on(datetime.date(2026, 1, 1))
    assert on_2024.get(code="07210", level="commune").name == "Phường Hoàng Văn Thụ"
    assert on_2026.get(code="07210", level="commune").name == "Phường Bắc Giang"
    assert on_2024.get(code="24", level="province").name == "Tỉnh Bắc Giang"
    assert on_2026.get(code="24", level="province").name == "Tỉnh Bắc Ninh"


def test_every_former_unit_links_to_what_it_became():
    new_province = AdministrativeUnit.objects.current().get(level="province", code="24")
    former_provinces = AdministrativeUnit.objects.former().filter(level="province")
    assert all(list(p.successors.all()) == [new_province] for p in former_provinces)
    former_communes = AdministrativeUnit.objects.former().filter(
        level="commune", parent__parent__in=former_provinces
    )
    defaults = Counter(
        UnitSuccession.objects.filter(former__in=former_communes, is_default=True).values_list(
            "former", flat=True
        )
    )
    assert len(defaults) == 313 and set(defaults.values()) == {1}
    tho_xuong = former_communes.get(code="07201")
    assert [unit.name for unit in tho_xuong.successors.all()] == ["Phường Bắc Giang"]
    yen_the = AdministrativeUnit.objects.former().get(level="district", code="215")
    assert yen_the.successors.exists()
    assert not yen_the.succession_links.filter(is_default=True).exists()


def test_code_27_is_refused_naming_its_successor():
    before = _snapshot()
    with pytest.raises(CommandError, match=r"27.*Tỉnh Bắc Ninh \(24\)"):
        call_command("load_units", "--province", "27", stdout=io.StringIO())
    assert _snapshot() == before


@pytest.mark.parametrize(
    ("code", "name", "predecessors"),
    [("01", "Thành phố Hà Nội", {"01"}), ("79", "Thành phố Hồ Chí Minh", {"74", "77", "79"})],
)
def test_other_current_provinces_load(code, name, predecessors):
    out = io.StringIO()
    call_command("load_units", "--province", code, stdout=out)
    province = AdministrativeUnit.objects.current().get(level="province", code=code)
    assert province.name == name
    assert province.children.filter(level="commune").exists()
    formers = set(province.predecessors.values_list("code", flat=True))
    assert formers == predecessors
    assert name in out.getvalue()


def test_running_twice_changes_nothing():
    before = _snapshot()
    out = io.StringIO()
    call_command("load_units", "--province", "24", stdout=out)
    assert _snapshot() == before
    assert "tạo mới 0, cập nhật 0." in out.getvalue()
    summary = load_province("24")
    assert (summary.created, summary.updated) == (0, 0)


def test_default_province_is_the_setting(settings):
    settings.PROVINCE_CODE = "24"
    before = _snapshot()
    call_command("load_units", stdout=io.StringIO())
    assert _snapshot() == before


def test_renamed_unit_is_updated_and_units_with_data_are_kept():
    district = AdministrativeUnit.objects.former().get(level="district", code="215")
    enterprise = make_enterprise(district=district)
    AdministrativeUnit.objects.filter(pk=district.pk).update(name="Huyện Yên Thế Cũ")
    call_command("load_units", "--province", "24", stdout=io.StringIO())
    district.refresh_from_db()
    enterprise.refresh_from_db()
    assert district.name == "Huyện Yên Thế"
    assert enterprise.district_id == district.pk


def test_former_units_are_aliases_of_their_successors():
    yen_dung = UnitAlias.objects.get(search_key="huyen yen dung")
    luc_ngan = UnitAlias.objects.get(search_key="huyen luc ngan")
    assert (yen_dung.successor.name, yen_dung.partial, str(yen_dung.since)) == (
        "Thành phố Bắc Giang",
        False,
        "2025-01-01",
    )
    assert (luc_ngan.successor.name, luc_ngan.partial) == ("Thị xã Chũ", True)


def test_creates_federations_for_every_former_district_and_the_zone_union():
    federations = UpperUnion.objects.filter(kind="district")
    codes = set(federations.values_list("district__code", flat=True))
    assert codes >= set(DISTRICTS) and len(codes) == 18
    assert UpperUnion.objects.filter(kind="province").count() == 1
    assert UpperUnion.objects.filter(kind="industrial_zone").count() == 1


def test_loads_the_zones_of_both_predecessors_in_their_communes_of_today():
    zones = IndustrialZone.objects.select_related("district__parent", "commune")
    by_province = Counter(zone.district.parent.name for zone in zones)
    assert by_province == {"Tỉnh Bắc Giang": 19, "Tỉnh Bắc Ninh": 25}
    quang_chau = zones.get(search_key="kcn quang chau")
    assert (quang_chau.district.code, quang_chau.commune.name) == ("222", "Phường Nếnh")
    assert all(zone.commune.valid_until is None for zone in zones)


def test_unknown_province_is_a_clear_error():
    with pytest.raises(CommandError):
        call_command("load_units", "--province", "99", stdout=io.StringIO())
