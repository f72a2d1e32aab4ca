"""Enterprise lists of since 1/7/2025, lists of 2024 through the crosswalk, and address-only lists
(TERRITORY.md, "Imports")."""

from __future__ import annotations

import pytest

from tests import factories
from tests.unions.import_files import place_notes_aside, run
from unions import access
from unions.models import AdministrativeUnit, Enterprise, UnitSuccession, UpperUnion

pytestmark = pytest.mark.django_db

NEW_HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Phường/xã mới", "Tỉnh"]
OLD_HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Xã"]


def current(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.current().get(level="commune", code=code)


def former(code: str) -> AdministrativeUnit:
    return AdministrativeUnit.objects.former().get(level="commune", code=code)


def one(tmp_path, header, cells, **options):
    tax = factories.next_tax_code()
    result = run(tmp_path, [header, [tax, "Công ty A", *cells]], **options)
    return result, Enterprise.objects.filter(tax_code=tax).first()


def notes(result) -> list[tuple[str, str]]:
    return [(warning.column, warning.message) for warning in result.warnings]


# Lists of since 1/7/2025: a commune of today, no district ---------------------------------------


@pytest.mark.parametrize(
    "cell", ["Phường Bắc Giang", "P. Bắc Giang", "phuong bac giang", "Bắc Giang", "07210"]
)
def test_a_2026_row_names_a_commune_of_today_by_name_with_or_without_type_or_by_code(
    tmp_path, cell
):
    result, enterprise = one(tmp_path, NEW_HEADER, [cell, "Tỉnh Bắc Ninh"])
    assert (result.exit_code, result.errors, result.warnings) == (0, [], [])
    assert enterprise.current_commune == current("07210")
    assert (enterprise.district, enterprise.commune) == (None, None)
    assert enterprise.managing_union.kind == UpperUnion.Kind.PROVINCE_FEDERATION


def test_a_commune_of_today_wins_over_a_former_one_of_the_same_name(tmp_path):
    # Phường Nếnh is the name of 07795 before and after 1/7/2025: two different units.
    result, enterprise = one(tmp_path, NEW_HEADER, ["Phường Nếnh", "Tỉnh Bắc Ninh"])
    assert result.warnings == []
    assert enterprise.current_commune == current("07795")
    assert enterprise.commune is None


def test_the_province_column_is_accepted_and_not_stored(tmp_path):
    result, _enterprise = one(tmp_path, NEW_HEADER, ["Phường Bắc Giang", "Tỉnh Bắc Ninh"])
    assert result.ignored_columns == []
    assert any("Tỉnh" in notice for notice in result.notices)


def test_an_unknown_commune_of_today_warns_and_places_nothing(tmp_path):
    result, enterprise = one(tmp_path, NEW_HEADER, ["Phường Không Có", "Tỉnh Bắc Ninh"])
    assert [column for column, _message in notes(result)] == ["Phường/xã mới"]
    assert "Tỉnh Bắc Ninh" in result.warnings[0].message
    assert (enterprise.current_commune, enterprise.district) == (None, None)


# Lists of 2024: a former district and commune, through the crosswalk --------------------------


def test_a_2024_row_of_bac_giang_maps_to_its_commune_of_today_with_a_warning(tmp_path):
    result, enterprise = one(tmp_path, OLD_HEADER, ["Thành phố Bắc Giang", "Phường Thọ Xương"])
    assert notes(result) == [
        ("Xã", "Phường Thọ Xương (Thành phố Bắc Giang) nay là Phường Bắc Giang.")
    ]
    assert (enterprise.district.code, enterprise.commune) == ("213", former("07201"))
    assert enterprise.current_commune == current("07210")


def test_a_2024_row_of_the_former_bac_ninh_maps_the_same_way(tmp_path):
    vu_ninh = AdministrativeUnit.objects.former().get(name="Phường Vũ Ninh")
    result, enterprise = one(tmp_path, OLD_HEADER, ["Thành phố Bắc Ninh", "Phường Vũ Ninh"])
    assert notes(result) == [("Xã", "Phường Vũ Ninh (Thành phố Bắc Ninh) nay là Phường Vũ Ninh.")]
    assert enterprise.commune == vu_ninh
    assert enterprise.current_commune == vu_ninh.successors.get()
    assert enterprise.district.parent.name == "Tỉnh Bắc Ninh"


def test_a_former_commune_named_without_its_district_maps_through_the_crosswalk(tmp_path):
    header = ["Mã số thuế", "Tên doanh nghiệp", "Xã/Phường"]
    result, enterprise = one(tmp_path, header, ["Phường Thọ Xương"])
    assert notes(result) == [
        ("Xã/Phường", "Phường Thọ Xương (Thành phố Bắc Giang) nay là Phường Bắc Giang.")
    ]
    assert (enterprise.district.code, enterprise.current_commune) == ("213", current("07210"))


def test_a_divided_commune_maps_to_its_default_and_names_the_others(tmp_path):
    tho_xuong = former("07201")
    UnitSuccession.objects.create(former=tho_xuong, successor=current("07777"), is_default=False)
    result, enterprise = one(tmp_path, OLD_HEADER, ["Thành phố Bắc Giang", "Phường Thọ Xương"])
    assert enterprise.current_commune == current("07210")
    [(_column, message)] = notes(result)
    assert "Phường Việt Yên" in message and "kiểm tra địa chỉ" in message


def test_a_former_district_without_a_commune_is_unplaced_with_a_warning(tmp_path):
    result, enterprise = one(tmp_path, OLD_HEADER, ["Huyện Yên Thế", ""])
    assert [column for column, _message in notes(result)] == ["Huyện"]
    assert place_notes_aside(result.warnings) == []
    assert (enterprise.district.code, enterprise.current_commune) == ("215", None)


def test_a_row_with_no_place_at_all_is_a_row_error(tmp_path):
    result, enterprise = one(tmp_path, OLD_HEADER, ["", ""])
    assert [(error.column, error.value) for error in result.errors] == [("Huyện", "")]
    assert enterprise is None


# Address-only lists -----------------------------------------------------------------------------

ADDRESS_HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Địa chỉ"]


def test_the_commune_of_today_is_read_from_an_address_that_names_one(tmp_path):
    address = "Số 5 đường Trần Phú, Phường Bắc Giang, Tỉnh Bắc Ninh"
    result, enterprise = one(tmp_path, ADDRESS_HEADER, [address])
    assert notes(result) == [("Địa chỉ", "Xã/phường được đọc từ địa chỉ: Phường Bắc Giang.")]
    assert enterprise.current_commune == current("07210")
    assert enterprise.address == address


def test_an_address_of_2024_is_read_through_its_district_and_the_crosswalk(tmp_path):
    address = "Thôn Đông, Phường Thọ Xương - Thành phố Bắc Giang - Tỉnh Bắc Giang"
    result, enterprise = one(tmp_path, ADDRESS_HEADER, [address])
    assert [column for column, _message in notes(result)] == ["Địa chỉ", "Địa chỉ"]
    assert (enterprise.district.code, enterprise.commune) == ("213", former("07201"))
    assert enterprise.current_commune == current("07210")


@pytest.mark.parametrize(
    "address",
    [
        "Phường Bắc Giang, Phường Việt Yên, Tỉnh Bắc Ninh",  # two communes: which one?
        "Số 5 đường Trần Phú",  # a street named after a former commune, no unit at all
        "",
    ],
)
def test_an_address_that_names_no_single_unit_places_nothing(tmp_path, address):
    result, enterprise = one(tmp_path, ADDRESS_HEADER, [address])
    assert result.exit_code == 0
    assert enterprise.current_commune is None and enterprise.district is None


# Write scope ------------------------------------------------------------------------------------


def test_a_district_officer_cannot_create_enterprises_of_a_2026_list(tmp_path, district_staff):
    result, enterprise = one(tmp_path, NEW_HEADER, ["Phường Bắc Giang", ""], user=district_staff)
    assert [error.column for error in result.errors] == ["Phường/xã mới"]
    assert enterprise is None


def test_a_provincial_admin_creates_them(tmp_path):
    admin = factories.make_user(access.PROVINCE_ADMIN, username="tinh")
    result, enterprise = one(tmp_path, NEW_HEADER, ["Phường Bắc Giang", ""], user=admin)
    assert result.errors == []
    assert enterprise.current_commune == current("07210")
