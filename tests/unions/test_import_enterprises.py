"""The enterprise list import: IMPORT.md's cell values, rows, matching and write scope."""

from __future__ import annotations

import datetime
import gc
import sys
import threading
import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.unions.import_files import (
    FORMATS,
    TYPED_FORMATS,
    invalid_check_digit_code,
    place_notes_aside,
    run,
    write,
)
from unions.enterprises.enterprise_import import EnterpriseImport
from unions.importing import run_import
from unions.models import AdministrativeUnit, Enterprise, Headcount, ImportBatch, UpperUnion

pytestmark = pytest.mark.django_db

HEADER = ["Mã số thuế", "Tên doanh nghiệp", "Huyện", "Xã", "Số lao động"]
FULL_HEADER = [
    "STT",
    "Mã số thuế",
    "Tên doanh nghiệp",
    "Địa chỉ",
    "Huyện",
    "Xã/Phường",
    "KCN",
    "Thành phần kinh tế",
    "Loại hình",
    "Ngành nghề",
    "Ngày thành lập",
    "Số lao động",
    "Tình trạng",
]


def code() -> str:
    return factories.next_tax_code()


def one(tmp_path, header, row, **options):
    return run(tmp_path, [header, row], **options)


def enterprise(tax_code: str) -> Enterprise:
    return Enterprise.objects.get(tax_code=tax_code)


# The whole row -----------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_every_field_is_read_and_stored_in_every_format(tmp_path, ext):
    tax = code()
    row = [
        1,
        tax,
        "Công ty TNHH May Thành Công",
        "Số 1, đường Lê Lợi",
        "Thị xã Việt Yên",
        "Phường Bích Động",
        "KCN Quang Châu",
        "Có vốn đầu tư nước ngoài",
        "Công ty TNHH",
        "May mặc",
        datetime.date(2015, 3, 9),
        1250,
        "Đang hoạt động",
    ]
    result = one(tmp_path, FULL_HEADER, row, ext=ext)

    assert result.exit_code == 0, result.as_json()
    assert (result.created, place_notes_aside(result.warnings), result.ignored_columns) == (
        1,
        [],
        ["STT"],
    )
    stored = enterprise(tax)
    assert stored.name == "Công ty TNHH May Thành Công"
    assert stored.search_key == "cong ty tnhh may thanh cong"
    assert stored.address == "Số 1, đường Lê Lợi"
    assert stored.district.code == "222"
    assert stored.commune.name == "Phường Bích Động"
    assert stored.industrial_zone.name == "KCN Quang Châu"
    assert stored.ownership == Enterprise.Ownership.FOREIGN
    assert (stored.legal_form, stored.sector) == ("Công ty TNHH", "May mặc")
    assert stored.founded_on == datetime.date(2015, 3, 9)
    assert stored.workers == 1250
    assert stored.status == Enterprise.Status.ACTIVE
    # Inside a KCN, the zone union manages it.
    assert stored.managing_union == factories.zone_union()
    assert stored.last_import_batch == result.batch


def test_a_new_enterprise_outside_a_zone_is_managed_by_its_district_federation(tmp_path):
    tax = code()
    one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", 30])
    assert enterprise(tax).managing_union == factories.federation("215")


def test_names_are_stored_in_nfc_trimmed_with_whitespace_collapsed(tmp_path):
    tax = code()
    decomposed = unicodedata.normalize("NFD", "  Công ty   Hòa\nBình ")
    one(tmp_path, HEADER, [tax, decomposed, "Huyện Yên Thế", "", ""])
    stored = enterprise(tax)
    assert stored.name == "Công ty Hòa Bình"
    assert unicodedata.is_normalized("NFC", stored.name)


# Tax codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "stored"),
    [
        ("2400123458", "2400123458"),
        ("2400 123 458", "2400123458"),
        ("2400.123.458", "2400123458"),
        ("2400123458-001", "2400123458-001"),
        ("2400123458001", "2400123458-001"),
        ("101234565", "0101234565"),  # text that lost its leading zero (CSV from Excel)
        (101234565, "0101234565"),  # a numeric cell
        (101234565.0, "0101234565"),
        ("240012345800" + "1", "2400123458-001"),
    ],
)
def test_tax_code_forms_are_normalised(tmp_path, cell, stored):
    result = one(tmp_path, HEADER, [cell, "Công ty A", "Huyện Yên Thế", "", ""])
    assert result.errors == []
    assert Enterprise.objects.filter(tax_code=stored).exists()
    # Only a failed check digit warns; padding a lost zero does not.
    assert place_notes_aside(result.warnings) == []


def test_twelve_digits_are_a_branch_that_lost_its_leading_zero(tmp_path):
    result = one(tmp_path, HEADER, ["101234565001", "Chi nhánh A", "Huyện Yên Thế", "", ""])
    assert result.errors == []
    assert Enterprise.objects.filter(tax_code="0101234565-001").exists()


@pytest.mark.parametrize("cell", ["2400123458-000", "24001234", "99345678901", "24OO123458", "x"])
def test_a_malformed_tax_code_is_a_row_error(tmp_path, cell):
    result = one(tmp_path, HEADER, [cell, "Công ty A", "Huyện Yên Thế", "", ""])
    assert result.exit_code == 1
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Mã số thuế", cell)]
    assert not Enterprise.objects.exists()


def test_a_failed_check_digit_is_imported_with_a_warning(tmp_path):
    tax = invalid_check_digit_code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", ""])
    assert result.exit_code == 0
    assert [(w.row, w.column, w.value) for w in place_notes_aside(result.warnings)] == [
        (2, "Mã số thuế", tax)
    ]
    assert Enterprise.objects.filter(tax_code=tax).exists()


def test_a_tax_code_seen_earlier_in_the_file_is_an_error_on_each_later_row(tmp_path):
    tax = code()
    rows = [
        HEADER,
        [tax, "Công ty A", "Huyện Yên Thế", "", ""],
        [tax, "Công ty A (2)", "Huyện Yên Thế", "", ""],
        [tax.replace("", " ").strip(), "Công ty A (3)", "Huyện Yên Thế", "", ""],
    ]
    result = run(tmp_path, rows, skip_errors=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Mã số thuế"), (4, "Mã số thuế")]
    assert "2" in result.errors[0].message  # names the first row
    assert enterprise(tax).name == "Công ty A"


# Workers -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "workers"),
    [
        ("1.250", 1250),
        ("1,250", 1250),
        ("1 250", 1250),
        ("1\u00a0250", 1250),
        (1250, 1250),
        (1250.0, 1250),
        ("0", 0),
        ("1.250.000", 1250000),
        ("45", 45),
    ],
)
def test_workers_accept_thousands_separators(tmp_path, cell, workers):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", cell])
    assert result.errors == []
    assert enterprise(tax).workers == workers


@pytest.mark.parametrize("cell", ["1.5", 1.5, "-3", -3, "nhiều", "12,5", "1.25", "1 2345"])
def test_workers_that_are_not_a_whole_number_from_zero_are_a_row_error(tmp_path, cell):
    result = one(tmp_path, HEADER, [code(), "Công ty A", "Huyện Yên Thế", "", cell])
    assert [(e.row, e.column) for e in result.errors] == [(2, "Số lao động")]
    assert not Enterprise.objects.exists()


def test_empty_workers_are_unknown_not_zero(tmp_path):
    tax = code()
    one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", ""])
    assert enterprise(tax).workers is None
    assert not Headcount.objects.exists()


# Dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "09/03/2015",
        "9/3/2015",
        "09-03-2015",
        "09.03.2015",
        "2015-03-09",
        datetime.date(2015, 3, 9),
        datetime.datetime(2015, 3, 9, 0, 0),
    ],
)
def test_founding_dates_are_read_in_every_listed_form(tmp_path, cell):
    tax = code()
    result = one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "Ngày thành lập"],
        [tax, "Công ty A", "Huyện Yên Thế", cell],
    )
    assert result.errors == []
    assert enterprise(tax).founded_on == datetime.date(2015, 3, 9)


@pytest.mark.parametrize("cell", ["31/02/2024", "2024-13-01", "hôm qua", "03/2015", "2015"])
def test_impossible_or_unreadable_dates_are_a_row_error(tmp_path, cell):
    result = one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "Ngày thành lập"],
        [code(), "Công ty A", "Huyện Yên Thế", cell],
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Ngày thành lập", cell)]


def test_an_error_value_is_reported_as_read_dates_as_dd_mm_yyyy(tmp_path):
    rows = [["MST", "Tên DN", "Huyện", "Số LĐ"], [code(), "A", "Huyện Không Có", 12.0]]
    result = run(tmp_path, rows)
    assert result.errors[0].value == "Huyện Không Có"
    rows = [["MST", "Tên DN", "Huyện", "Số LĐ"], [code(), "A", "Huyện Yên Thế", -12.0]]
    assert run(tmp_path, rows, name="b").errors[0].value == "-12"


# Districts and communes --------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "Thị xã Việt Yên",
        "Huyện Việt Yên",
        "TX Việt Yên",
        "TX.Việt Yên",
        "Việt Yên",
        "thị xã việt yên",
        "THỊ XÃ VIỆT YÊN",
        "222",
        222,
    ],
)
def test_districts_match_with_or_without_any_type_prefix_and_by_gso_code(tmp_path, cell):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", cell, "", ""])
    assert (result.errors, place_notes_aside(result.warnings)) == ([], [])
    assert enterprise(tax).district.code == "222"


@pytest.mark.parametrize("cell", ["TP.Bắc Giang", "TP Bắc Giang", "Thành phố Bắc Giang", "213"])
def test_city_prefixes_match(tmp_path, cell):
    tax = code()
    one(tmp_path, HEADER, [tax, "Công ty A", cell, "", ""])
    assert enterprise(tax).district.code == "213"


def test_a_merged_former_district_maps_to_its_successor_with_a_warning(tmp_path):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Dũng", "Xã Tư Mại", ""])
    assert result.exit_code == 0
    assert [(w.row, w.column, w.value) for w in place_notes_aside(result.warnings)] == [
        (2, "Huyện", "Huyện Yên Dũng")
    ]
    stored = enterprise(tax)
    assert (stored.district.code, stored.commune.name) == ("213", "Xã Tư Mại")


def test_a_commune_of_a_split_off_unit_under_the_old_district_moves_the_row(tmp_path):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Lục Ngạn", "Xã Kiên Lao", ""])
    assert [(w.row, w.column, w.value) for w in place_notes_aside(result.warnings)] == [
        (2, "Huyện", "Huyện Lục Ngạn")
    ]
    stored = enterprise(tax)
    assert (stored.district.code, stored.commune.name) == ("224", "Xã Kiên Lao")


def test_a_commune_still_in_the_old_district_stays_there_without_a_warning(tmp_path):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Lục Ngạn", "Xã Tân Sơn", ""])
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).district.code == "219"


def test_an_unknown_district_is_a_row_error_naming_the_valid_ones(tmp_path):
    result = one(tmp_path, HEADER, [code(), "Công ty A", "Huyện Không Có", "", ""])
    assert [(e.row, e.column) for e in result.errors] == [(2, "Huyện")]
    assert "Huyện Yên Thế" in result.errors[0].message
    assert "Thị xã Chũ" in result.errors[0].message


def test_an_empty_district_is_a_row_error_for_a_new_and_an_existing_enterprise(tmp_path):
    existing = factories.make_enterprise()
    rows = [
        HEADER,
        [code(), "Công ty A", "", "", ""],
        [existing.tax_code, existing.name, "", "", ""],
    ]
    result = run(tmp_path, rows)
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "Huyện", ""),
        (3, "Huyện", ""),
    ]


@pytest.fixture
def two_tan_an():
    """A second Tân An in Thành phố Bắc Giang beside Phường Tân An: no district of 30/6/2025
    has two communes of one name, but the rule must hold where a province has them."""
    district = AdministrativeUnit.objects.former().get(level="district", code="213")
    AdministrativeUnit.objects.create(
        code="99901",
        name="Xã Tân An",
        level="commune",
        kind="xa",
        parent=district,
        valid_until=district.valid_until,
    )


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        ("Phường Tân An", "Phường Tân An"),
        ("P. Tân An", "Phường Tân An"),
        ("Xã Tân An", "Xã Tân An"),
        ("X. Tân An", "Xã Tân An"),
    ],
)
@pytest.mark.usefixtures("two_tan_an")
def test_a_commune_type_prefix_settles_two_same_named_communes(tmp_path, cell, name):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Thành phố Bắc Giang", cell, ""])
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).commune.name == name


def test_communes_match_without_prefix_and_with_old_tone_placement(tmp_path):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Thành phố Bắc Giang", "cảnh thuỵ", ""])
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).commune.name == "Phường Cảnh Thụy"


@pytest.mark.parametrize(
    ("district", "cell", "name"),
    [
        ("Thành phố Bắc Giang", "Xã Thắng Cương", "Phường Nham Biền"),
        ("Thành phố Bắc Giang", "TT Tân Dân", "Phường Tân An"),
        ("Thành phố Bắc Giang", "Xã Tân An", "Phường Tân An"),
        ("Huyện Lục Ngạn", "Xã Xa Lý", "Xã Sa Lý"),
        ("Huyện Lục Ngạn", "Xa Lý", "Xã Sa Lý"),
    ],
)
def test_a_commune_merged_before_30_6_2025_is_found_by_its_earlier_name(
    tmp_path, district, cell, name
):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", district, cell, ""])
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).commune.name == name


@pytest.mark.parametrize(
    ("district", "cell", "name"),
    [
        ("Huyện Lục Nam", "Phương Sơn", "Thị trấn Phương Sơn"),
        ("Huyện Lục Nam", "Thị trấn Phương Sơn", "Thị trấn Phương Sơn"),
        ("Huyện Lục Nam", "TT Phương Sơn", "Thị trấn Phương Sơn"),
        ("Thị xã Chũ", "Phượng Sơn", "Phường Phượng Sơn"),
    ],
)
def test_a_name_whose_first_word_reads_as_a_type_is_matched_whole(tmp_path, district, cell, name):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", district, cell, ""])
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).commune.name == name


def test_an_earlier_name_gives_way_to_a_commune_that_bears_it(tmp_path, two_tan_an):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Thành phố Bắc Giang", "Xã Tân An", ""])
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).commune.code == "99901"


@pytest.mark.parametrize("cell", ["Tân An", "Xã Không Có"])
@pytest.mark.usefixtures("two_tan_an")
def test_an_ambiguous_or_unknown_commune_warns_and_keeps_the_stored_one(tmp_path, cell):
    existing = factories.make_enterprise(district="213")
    existing.commune = existing.district.children.get(name="Phường Thọ Xương")
    existing.save()
    new = code()
    rows = [
        HEADER,
        [existing.tax_code, existing.name, "Thành phố Bắc Giang", cell, ""],
        [new, "Công ty Mới", "Thành phố Bắc Giang", cell, ""],
    ]
    result = run(tmp_path, rows)
    assert result.exit_code == 0
    assert [(w.row, w.column, w.value) for w in place_notes_aside(result.warnings)] == [
        (2, "Xã", cell),
        (3, "Xã", cell),
    ]
    assert enterprise(existing.tax_code).commune.name == "Phường Thọ Xương"
    assert enterprise(new).commune is None


def test_a_commune_of_another_district_is_unknown_in_the_rows_district(tmp_path):
    tax = code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "Phường Bích Động", ""])
    assert [w.column for w in place_notes_aside(result.warnings)] == ["Xã"]
    assert enterprise(tax).commune is None


# Zones, ownership, status ------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "KCN Song Khê – Nội Hoàng",
        "Song Khê - Nội Hoàng",
        "song khe noi hoang",
        "Khu công nghiệp Song Khê-Nội Hoàng",
        "KCN Song Khê–Nội Hoàng",
    ],
)
def test_zones_match_with_or_without_their_prefix(tmp_path, cell, province_admin):
    tax = code()
    result = one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "Khu công nghiệp"],
        [tax, "Công ty A", "Thành phố Bắc Giang", cell],
    )
    assert place_notes_aside(result.warnings) == []
    assert enterprise(tax).industrial_zone.search_key == "kcn song khe noi hoang"


def test_an_unknown_zone_warns_and_keeps_the_stored_zone(tmp_path):
    existing = factories.make_enterprise(district="222", industrial_zone=factories.zone())
    result = one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "KCN"],
        [existing.tax_code, existing.name, "Thị xã Việt Yên", "KCN Không Có"],
    )
    assert [(w.column, w.value) for w in place_notes_aside(result.warnings)] == [
        ("KCN", "KCN Không Có")
    ]
    assert enterprise(existing.tax_code).industrial_zone == factories.zone()
    assert result.unchanged == 1


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("Nhà nước", "state"),
        ("DNNN", "state"),
        ("Doanh nghiệp nhà nước", "state"),
        ("Khu vực nhà nước", "state"),
        ("Ngoài nhà nước", "domestic"),
        ("Ngoài quốc doanh", "domestic"),
        ("Tư nhân", "domestic"),
        ("Dân doanh", "domestic"),
        ("FDI", "foreign"),
        ("Có vốn đầu tư nước ngoài", "foreign"),
        ("Vốn đầu tư nước ngoài", "foreign"),
        ("100% vốn nước ngoài", "foreign"),
        ("Liên doanh", "foreign"),
        ("NGOÀI NHÀ NƯỚC", "domestic"),
    ],
)
def test_ownership_words(tmp_path, cell, value):
    tax = code()
    one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "Thành phần kinh tế"],
        [tax, "Công ty A", "Huyện Yên Thế", cell],
    )
    assert enterprise(tax).ownership == value


def test_without_ownership_a_new_enterprise_has_none_and_an_existing_keeps_its(tmp_path):
    existing = factories.make_enterprise(ownership=Enterprise.Ownership.STATE)
    new = code()
    rows = [
        ["MST", "Tên DN", "Huyện", "Khu vực"],
        [existing.tax_code, existing.name, existing.district.name, ""],
        [new, "Công ty Mới", "Huyện Yên Thế", ""],
    ]
    run(tmp_path, rows)
    assert enterprise(existing.tax_code).ownership == "state"
    assert enterprise(new).ownership is None


def test_an_unknown_ownership_or_status_warns_and_keeps_the_stored_value(tmp_path):
    existing = factories.make_enterprise(ownership="state", status="suspended")
    rows = [
        ["MST", "Tên DN", "Huyện", "Khu vực", "Tình trạng"],
        [existing.tax_code, existing.name, existing.district.name, "Hợp tác xã", "Phá sản"],
    ]
    result = run(tmp_path, rows)
    assert [(w.column, w.value) for w in place_notes_aside(result.warnings)] == [
        ("Khu vực", "Hợp tác xã"),
        ("Tình trạng", "Phá sản"),
    ]
    stored = enterprise(existing.tax_code)
    assert (stored.ownership, stored.status) == ("state", "suspended")
    assert result.unchanged == 1


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("Đang hoạt động", "active"),
        ("Tạm ngừng hoạt động", "suspended"),
        ("Tạm ngừng kinh doanh", "suspended"),
        ("Đã giải thể", "dissolved"),
        ("Giải thể", "dissolved"),
        ("Chấm dứt hoạt động", "dissolved"),
        ("Đang giao dịch", "active"),
    ],
)
def test_status_words(tmp_path, cell, value):
    tax = code()
    one(tmp_path, ["MST", "Tên DN", "Huyện", "Trạng thái"], [tax, "A", "Huyện Yên Thế", cell])
    assert enterprise(tax).status == value


def test_an_empty_status_makes_a_new_enterprise_active_and_keeps_an_existing_ones(tmp_path):
    existing = factories.make_enterprise(status="dissolved")
    new = code()
    rows = [
        ["MST", "Tên DN", "Huyện", "Tình trạng"],
        [existing.tax_code, existing.name, existing.district.name, ""],
        [new, "Công ty Mới", "Huyện Yên Thế", ""],
    ]
    run(tmp_path, rows)
    assert enterprise(existing.tax_code).status == "dissolved"
    assert enterprise(new).status == "active"


# Upsert, unchanged, never erase ------------------------------------------------------------


def test_a_row_equal_to_what_is_stored_is_unchanged_and_not_written(tmp_path):
    existing = factories.make_enterprise(
        district="223", workers=40, founded_on=datetime.date(2010, 1, 5)
    )
    before = enterprise(existing.tax_code).updated_at
    history = existing.history.count()
    rows = [
        ["MST", "Tên DN", "Huyện", "Số LĐ", "Ngày thành lập"],
        # Units compare as resolved units: "H. Hiệp Hoà" is "Huyện Hiệp Hòa".
        [
            existing.tax_code,
            f"  {existing.name} ",
            "H. Hiệp Hoà",
            "40",
            datetime.datetime(2010, 1, 5),
        ],
    ]
    with CaptureQueriesContext(connection) as queries:
        result = run(tmp_path, rows)
    assert (result.unchanged, result.updated, result.created) == (1, 0, 0)
    written = [
        q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("UPDATE", "INSERT"))
    ]
    assert all("unions_importbatch" in sql for sql in written), written
    assert enterprise(existing.tax_code).updated_at == before
    assert existing.history.count() == history
    assert not Headcount.objects.exists()


def test_a_name_respelled_with_old_tone_placement_is_an_update(tmp_path):
    existing = factories.make_enterprise(name="Công ty Hòa Bình", district="215")
    result = one(tmp_path, HEADER, [existing.tax_code, "Công ty Hoà Bình", "Huyện Yên Thế", "", ""])
    assert result.updated == 1
    assert enterprise(existing.tax_code).name == "Công ty Hoà Bình"


def test_a_name_with_other_case_is_an_update(tmp_path):
    existing = factories.make_enterprise(name="Công ty Hòa Bình", district="215")
    result = one(tmp_path, HEADER, [existing.tax_code, "CÔNG TY HÒA BÌNH", "Huyện Yên Thế", "", ""])
    assert result.updated == 1


def test_an_absent_column_or_empty_cell_never_erases(tmp_path):
    existing = factories.make_enterprise(
        district="222",
        address="Số 5",
        legal_form="Công ty TNHH",
        sector="May mặc",
        founded_on=datetime.date(2001, 1, 1),
        workers=77,
        industrial_zone=factories.zone(),
        commune=factories.district("222").children.get(name="Phường Bích Động"),
    )
    row = [
        1,
        existing.tax_code,
        existing.name,
        "",
        "Thị xã Việt Yên",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    result = one(tmp_path, FULL_HEADER, row)
    assert result.unchanged == 1
    result = one(
        tmp_path,
        ["MST", "Tên DN", "Huyện"],
        [existing.tax_code, existing.name, "Thị xã Việt Yên"],
        name="b",
    )
    assert result.unchanged == 1
    stored = enterprise(existing.tax_code)
    assert (stored.address, stored.legal_form, stored.sector, stored.workers) == (
        "Số 5",
        "Công ty TNHH",
        "May mặc",
        77,
    )
    assert stored.commune.name == "Phường Bích Động"
    assert stored.industrial_zone == factories.zone()
    assert stored.founded_on == datetime.date(2001, 1, 1)


def test_an_empty_name_is_a_row_error_for_an_existing_enterprise_too(tmp_path):
    existing = factories.make_enterprise()
    result = one(tmp_path, HEADER, [existing.tax_code, "", "Thành phố Bắc Giang", "", 5])
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "Tên doanh nghiệp", "")]
    assert enterprise(existing.tax_code).workers == 50


def test_an_update_writes_the_changed_values_and_keeps_the_managing_union(tmp_path):
    existing = factories.make_enterprise(district="215", workers=40)
    union = existing.managing_union
    result = one(tmp_path, HEADER, [existing.tax_code, "Tên Mới", "Huyện Yên Thế", "", 41])
    assert result.updated == 1
    stored = enterprise(existing.tax_code)
    assert (stored.name, stored.search_key, stored.workers) == ("Tên Mới", "ten moi", 41)
    assert stored.managing_union == union
    assert stored.last_import_batch == result.batch
    assert stored.updated_at > existing.updated_at


# Headcounts and history --------------------------------------------------------------------


def test_a_new_enterprise_and_every_change_of_workers_add_a_headcount_of_the_day(tmp_path):
    tax = code()
    first = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", 30])
    same = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", 30], name="b")
    changed = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", 31], name="c")
    other = one(tmp_path, HEADER, [tax, "Công ty B", "Huyện Yên Thế", "", 31], name="d")
    counts = list(Headcount.objects.order_by("id").values_list("workers", "on", "batch"))
    today = timezone.localdate()
    assert counts == [(30, today, first.batch.pk), (31, today, changed.batch.pk)]
    assert (same.unchanged, other.updated) == (1, 1)


def test_history_rows_name_the_batch_and_the_user(tmp_path, province_admin):
    tax = code()
    first = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", 30], user=province_admin)
    second = one(
        tmp_path, HEADER, [tax, "Công ty B", "Huyện Yên Thế", "", 30], name="b", user=province_admin
    )
    records = list(enterprise(tax).history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~"]
    assert [r.name for r in records] == ["Công ty A", "Công ty B"]
    assert str(first.batch.pk) in records[0].history_change_reason
    assert str(second.batch.pk) in records[1].history_change_reason
    assert "danh_sach" in records[0].history_change_reason
    assert {r.history_user for r in records} == {province_admin}
    assert records[0].last_import_batch_id == first.batch.pk


@pytest.mark.parametrize("rows", [3, 40])
def test_history_and_headcounts_are_written_in_bulk_whatever_the_rows(
    tmp_path, rows, django_assert_num_queries
):
    lines = [HEADER] + [[code(), f"Công ty {n}", "Huyện Yên Thế", "", n] for n in range(rows)]
    path = write(tmp_path / "ds.xlsx", lines)
    # The same statements for 3 rows as for 40: nothing is written row by row.
    with CaptureQueriesContext(connection) as queries:
        result = run_import(spec="enterprises", path=path)
    assert result.created == rows
    assert Enterprise.history.filter(history_type="+").count() == rows
    assert Headcount.objects.count() == rows
    statements = len(queries)
    assert statements == QUERIES_FOR_ONE_CHUNK[connection.vendor], [q["sql"] for q in queries]


def test_new_rows_get_history_and_headcounts_after_a_row_saved_with_a_high_id(tmp_path):
    # New rows are found again above the id sequence's last value: a stored row whose id lies
    # above the sequence must not hide them.
    factories.make_enterprise(pk=10**6)
    lines = [HEADER] + [[code(), f"Công ty {n}", "Huyện Yên Thế", "", 20 + n] for n in range(3)]
    result = run_import(spec="enterprises", path=write(tmp_path / "ds.xlsx", lines))
    assert result.created == 3
    new = Enterprise.objects.filter(last_import_batch=result.batch)
    assert Enterprise.history.filter(history_type="+", id__in=new).count() == 3
    workers = Headcount.objects.filter(batch=result.batch).values_list("workers", flat=True)
    assert sorted(workers) == [20, 21, 22]


def test_deleting_an_enterprise_deletes_its_headcounts(tmp_path):
    # The table keeps no database constraint: the ORM's cascade is what removes them.
    tax = code()
    one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", 30])
    kept = factories.make_enterprise()
    Headcount.objects.create(enterprise=kept, on=datetime.date(2024, 1, 1), workers=5)
    enterprise(tax).delete()
    assert list(Headcount.objects.values_list("enterprise", flat=True)) == [kept.pk]


# Queries of a run whose rows fit in one chunk, the same for any number of rows:
# batch insert, earlier-import notice; districts, communes, former units, zones, upper unions;
# savepoint, (PostgreSQL: constraints checked per statement,) create stage, stored rows, the
# last id (PostgreSQL: the id sequence's last value), the new rows staged (SQLite:
# executemany; PostgreSQL: COPY, not logged) and moved into their table, their history, their
# headcounts, (PostgreSQL: constraints deferred again,) drop stage, release savepoint, batch
# update.
QUERIES_FOR_ONE_CHUNK = {"postgresql": 21, "sqlite": 20}


# Write scope -------------------------------------------------------------------------------


def test_district_staff_import_their_own_districts_enterprises(tmp_path, district_staff):
    tax = code()
    result = one(
        tmp_path, HEADER, [tax, "Công ty A", "Thành phố Bắc Giang", "", 30], user=district_staff
    )
    assert result.exit_code == 0
    assert enterprise(tax).managing_union == factories.federation("213")
    assert result.batch.user == district_staff
    assert result.batch.district == factories.district("213")


def test_a_row_in_another_district_is_a_scope_error_for_district_staff(tmp_path, district_staff):
    result = one(
        tmp_path, HEADER, [code(), "Công ty A", "Huyện Yên Thế", "", 30], user=district_staff
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Huyện")]
    assert not Enterprise.objects.exists()


def test_a_new_kcn_enterprise_is_a_scope_error_for_district_staff(tmp_path, district_staff):
    result = one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "KCN"],
        [code(), "Công ty A", "Thành phố Bắc Giang", "KCN Song Khê – Nội Hoàng"],
        user=district_staff,
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "KCN")]


def test_an_existing_enterprise_managed_by_another_union_is_a_scope_error(tmp_path, district_staff):
    in_zone = factories.make_enterprise(
        district="213", industrial_zone=factories.zone("kcn song khe noi hoang")
    )
    assert in_zone.managing_union == factories.zone_union()
    result = one(
        tmp_path,
        HEADER,
        [in_zone.tax_code, "Tên Mới", "Thành phố Bắc Giang", "", ""],
        user=district_staff,
    )
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "Mã số thuế", in_zone.tax_code)
    ]
    assert enterprise(in_zone.tax_code).name == in_zone.name


def test_moving_an_enterprise_to_another_district_is_a_scope_error(
    tmp_path, district_staff, province_admin
):
    own = factories.make_enterprise(district="213")
    result = one(
        tmp_path, HEADER, [own.tax_code, own.name, "Huyện Yên Thế", "", ""], user=district_staff
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "Huyện")]
    assert enterprise(own.tax_code).district.code == "213"
    # Provincial staff may.
    result = one(
        tmp_path,
        HEADER,
        [own.tax_code, own.name, "Huyện Yên Thế", "", ""],
        user=province_admin,
        name="b",
    )
    assert result.updated == 1
    assert enterprise(own.tax_code).district.code == "215"


def test_zone_staff_import_kcn_enterprises_and_nothing_else(tmp_path, zone_staff):
    in_zone, outside = code(), code()
    rows = [
        ["MST", "Tên DN", "Huyện", "KCN"],
        [in_zone, "Công ty A", "Thị xã Việt Yên", "KCN Quang Châu"],
        [outside, "Công ty B", "Thị xã Việt Yên", ""],
    ]
    result = run(tmp_path, rows, user=zone_staff, skip_errors=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Huyện")]
    assert enterprise(in_zone).managing_union == factories.zone_union()
    assert not Enterprise.objects.filter(tax_code=outside).exists()


def test_a_viewer_can_import_nothing(tmp_path, party_viewer):
    result = one(
        tmp_path, HEADER, [code(), "Công ty A", "Huyện Yên Thế", "", ""], user=party_viewer
    )
    assert result.exit_code == 1
    assert not Enterprise.objects.exists()


def test_without_a_user_the_run_is_unscoped_and_recorded_with_no_user(tmp_path):
    result = one(tmp_path, HEADER, [code(), "Công ty A", "Huyện Yên Thế", "", ""])
    assert result.exit_code == 0
    assert result.batch.user is None


def test_scope_errors_come_with_the_rows_warnings(tmp_path, district_staff):
    tax = invalid_check_digit_code()
    result = one(tmp_path, HEADER, [tax, "Công ty A", "Huyện Yên Thế", "", ""], user=district_staff)
    assert [e.column for e in result.errors] == ["Huyện"]
    assert [w.column for w in place_notes_aside(result.warnings)] == ["Mã số thuế"]


@pytest.mark.parametrize("ext", TYPED_FORMATS)
def test_zone_union_is_missing_then_the_district_federation_manages(tmp_path, ext):
    UpperUnion.objects.filter(kind=UpperUnion.Kind.INDUSTRIAL_ZONE).delete()
    tax = code()
    one(
        tmp_path,
        ["MST", "Tên DN", "Huyện", "KCN"],
        [tax, "Công ty A", "Thị xã Việt Yên", "KCN Quang Châu"],
        ext=ext,
    )
    assert enterprise(tax).managing_union == factories.federation("222")
    assert ImportBatch.objects.count() == 1


# Writing in chunks --------------------------------------------------------------------------


def test_an_import_leaves_the_interpreter_as_it_found_it(tmp_path):
    before = (
        sys.getswitchinterval(),
        gc.isenabled(),
        gc.get_freeze_count(),
        threading.active_count(),
    )
    lines = [HEADER] + [[code(), f"Công ty {n}", "Huyện Yên Thế", "", n] for n in range(5)]
    assert run_import(spec="enterprises", path=write(tmp_path / "ds.xlsx", lines)).created == 5
    after = (
        sys.getswitchinterval(),
        gc.isenabled(),
        gc.get_freeze_count(),
        threading.active_count(),
    )
    assert after == before


def test_chunks_grow_from_the_first_chunk_size_to_the_chunk_size(tmp_path, monkeypatch):
    monkeypatch.setattr(EnterpriseImport, "first_chunk_size", 2)
    monkeypatch.setattr(EnterpriseImport, "chunk_size", 8)
    sizes = []
    fetch = EnterpriseImport.fetch

    def record(self, rows):
        sizes.append(len(rows))
        return fetch(self, rows)

    monkeypatch.setattr(EnterpriseImport, "fetch", record)
    lines = [HEADER] + [[code(), f"Công ty {n}", "Huyện Yên Thế", "", n] for n in range(25)]
    result = run_import(spec="enterprises", path=write(tmp_path / "ds.xlsx", lines))
    assert result.created == 25
    assert sizes == [2, 4, 8, 8, 3]
    assert Headcount.objects.count() == 25


@pytest.mark.parametrize(
    ("name_title", "commune_title"),
    [("Tên công ty / HKD", "Phường/xã mới"), ("Tên khách hàng", "Xã/Phường mới")],
)
def test_headers_seen_in_real_files_are_recognised(tmp_path, name_title, commune_title):
    tax = code()
    header = ["MST", name_title, "Huyện", commune_title]
    result = one(tmp_path, header, [tax, "Hộ kinh doanh A", "Huyện Lục Nam", "Thị trấn Đồi Ngô"])
    assert (result.exit_code, result.ignored_columns) == (0, [])
    stored = enterprise(tax)
    assert (stored.name, stored.commune.name) == ("Hộ kinh doanh A", "Thị trấn Đồi Ngô")


def test_an_unknown_commune_on_a_new_row_does_not_claim_a_stored_one(tmp_path):
    existing = factories.make_enterprise(district="213")
    new = code()
    rows = [
        HEADER,
        [existing.tax_code, existing.name, "Thành phố Bắc Giang", "Xã Không Có", ""],
        [new, "Công ty Mới", "Thành phố Bắc Giang", "Xã Không Có", ""],
    ]
    result = run(tmp_path, rows)
    messages = {warning.row: warning.message for warning in result.warnings}
    assert messages[2] == messages[3]
    assert "doanh nghiệp mới để trống" in messages[3]
    assert enterprise(new).commune is None


@pytest.mark.parametrize(
    ("cell", "stored"),
    [("024195001234", "024195001234"), (24195001234, "024195001234")],
)
def test_a_personal_identification_number_is_a_tax_code_without_check_digit(tmp_path, cell, stored):
    result = one(tmp_path, HEADER, [cell, "Hộ kinh doanh Nguyễn Văn A", "Huyện Yên Thế", "", ""])
    assert (result.exit_code, place_notes_aside(result.warnings)) == (0, [])
    assert enterprise(stored).name == "Hộ kinh doanh Nguyễn Văn A"
