"""load_units: Bắc Giang's units from vietnam-provinces 0.6.0, idempotent, never deleting."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.factories import make_enterprise
from unions.models import AdministrativeUnit, IndustrialZone, UnitAlias, UpperUnion

pytestmark = pytest.mark.django_db

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
        "units": list(AdministrativeUnit.objects.values_list("code", "name", "kind", "parent_id")),
        "aliases": list(UnitAlias.objects.values_list("search_key", "successor_id", "partial")),
        "zones": list(IndustrialZone.objects.values_list("search_key", "district_id")),
        "unions": list(UpperUnion.objects.values_list("name", "kind", "district_id")),
    }


def test_loads_one_province_its_ten_districts_and_their_communes():
    province = AdministrativeUnit.objects.get(level="province")
    districts = AdministrativeUnit.objects.filter(level="district")
    communes = AdministrativeUnit.objects.filter(level="commune")
    assert (province.code, province.name, province.kind) == ("24", "Tỉnh Bắc Giang", "tinh")
    assert {d.code: (d.name, d.kind) for d in districts} == DISTRICTS
    assert all(d.parent_id == province.pk for d in districts)
    assert communes.count() == 195
    assert not communes.exclude(parent__level="district").exists()
    assert set(communes.values_list("code", flat=True)) >= {"07201", "07207"}
    assert all(len(code) == 5 for code in communes.values_list("code", flat=True))
    tho_xuong = communes.get(code="07201")
    assert (tho_xuong.name, tho_xuong.kind, tho_xuong.parent.code) == (
        "Phường Thọ Xương",
        "phuong",
        "213",
    )
    assert communes.filter(kind="thi_tran").exists() and communes.filter(kind="xa").exists()


def test_running_twice_changes_nothing():
    before = _snapshot()
    out = io.StringIO()
    call_command("load_units", "--province", "24", stdout=out)
    assert _snapshot() == before
    assert " 0 " in out.getvalue()  # nothing created, nothing updated


def test_default_province_is_the_setting(settings):
    settings.PROVINCE_CODE = "24"
    before = _snapshot()
    call_command("load_units", stdout=io.StringIO())
    assert _snapshot() == before


def test_renamed_unit_is_updated_and_units_with_data_are_kept():
    district = AdministrativeUnit.objects.get(code="215")
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


def test_creates_federations_the_zone_union_and_six_industrial_parks():
    federations = UpperUnion.objects.filter(kind="district")
    assert sorted(federations.values_list("district__code", flat=True)) == sorted(DISTRICTS)
    assert UpperUnion.objects.filter(kind="industrial_zone").count() == 1
    zones = dict(IndustrialZone.objects.values_list("search_key", "district__code"))
    assert zones == {
        "kcn quang chau": "222",
        "kcn van trung": "222",
        "kcn dinh tram": "222",
        "kcn viet han": "222",
        "kcn song khe noi hoang": "213",
        "kcn hoa phu": "223",
    }


def test_unknown_province_is_a_clear_error():
    with pytest.raises(CommandError):
        call_command("load_units", "--province", "99", stdout=io.StringIO())
