"""The grassroots-union list import: IMPORT.md's union fields and "Union rows"."""

from __future__ import annotations

import datetime

import pytest

from tests import factories
from tests.unions.import_files import FORMATS, UNION_HEADER, run
from unions.models import GrassrootsUnion

pytestmark = pytest.mark.django_db

HEADER = ["MST", "Tên CĐCS", "Ngày thành lập", "Số QĐ", "Số đoàn viên", "Chủ tịch"]


def unions(rows, tmp_path, **options):
    return run(tmp_path, rows, spec="unions", **options)


@pytest.mark.parametrize("ext", FORMATS)
def test_a_union_is_created_for_an_existing_enterprise(tmp_path, ext):
    enterprise = factories.make_enterprise(district="215")
    rows = [
        UNION_HEADER,
        [
            1,
            enterprise.tax_code,
            "CĐCS Công ty A",
            datetime.date(2019, 5, 4),
            "12/QĐ-LĐLĐ",
            120,
            "Nguyễn Văn An",
        ],
    ]
    result = unions(rows, tmp_path, ext=ext)
    assert (result.exit_code, result.created) == (0, 1), result.as_json()
    union = GrassrootsUnion.objects.get(enterprise=enterprise)
    assert (union.name, union.search_key) == ("CĐCS Công ty A", "cdcs cong ty a")
    assert union.founded_on == datetime.date(2019, 5, 4)
    assert (union.decision_number, union.members_reported, union.chair) == (
        "12/QĐ-LĐLĐ",
        120,
        "Nguyễn Văn An",
    )
    assert union.upper_union == factories.federation("215")
    assert union.dissolved_on is None
    assert union.last_import_batch == result.batch
    record = union.history.get()
    assert record.history_type == "+"
    assert str(result.batch.pk) in record.history_change_reason


def test_the_default_name_is_cong_doan_co_so_and_the_enterprise_name(tmp_path):
    enterprise = factories.make_enterprise(name="Công ty TNHH Minh Long")
    result = unions([["MST", "Ngày thành lập"], [enterprise.tax_code, "01/02/2020"]], tmp_path)
    assert result.created == 1
    assert GrassrootsUnion.objects.get().name == "Công đoàn cơ sở Công ty TNHH Minh Long"


def test_the_default_upper_union_is_the_enterprises_managing_union(tmp_path):
    in_zone = factories.make_enterprise(district="222", industrial_zone=factories.zone())
    unions([["MST", "Ngày thành lập"], [in_zone.tax_code, "01/02/2020"]], tmp_path)
    assert GrassrootsUnion.objects.get().upper_union == factories.zone_union()


@pytest.mark.parametrize(
    "cell",
    [
        "Liên đoàn Lao động huyện Yên Thế",
        "LIÊN ĐOÀN LAO ĐỘNG HUYỆN YÊN THẾ",
        "LĐLĐ huyện Yên Thế",
        "Huyện Yên Thế",
    ],
)
def test_an_upper_union_named_in_the_row_is_matched_folded(tmp_path, cell):
    enterprise = factories.make_enterprise(district="213")
    rows = [
        ["MST", "Ngày thành lập", "Công đoàn cấp trên"],
        [enterprise.tax_code, "01/02/2020", cell],
    ]
    result = unions(rows, tmp_path)
    assert result.errors == []
    assert GrassrootsUnion.objects.get().upper_union == factories.federation("215")


@pytest.mark.parametrize(
    "cell",
    [
        "Công đoàn các KCN tỉnh Bắc Giang",
        "CĐ các KCN tỉnh Bắc Giang",
        "Công đoàn các khu công nghiệp tỉnh Bắc Giang",
    ],
)
def test_the_zone_union_is_matched_by_its_short_names(tmp_path, cell):
    enterprise = factories.make_enterprise(district="222", industrial_zone=factories.zone())
    rows = [
        ["MST", "Ngày thành lập", "Công đoàn cấp trên"],
        [enterprise.tax_code, "01/02/2020", cell],
    ]
    result = unions(rows, tmp_path)
    assert result.errors == []
    assert GrassrootsUnion.objects.get().upper_union == factories.zone_union()


def test_an_unknown_upper_union_is_a_row_error_listing_the_valid_ones(tmp_path):
    enterprise = factories.make_enterprise()
    rows = [
        ["MST", "Ngày thành lập", "Trực thuộc"],
        [enterprise.tax_code, "01/02/2020", "Công đoàn ngành Y tế"],
    ]
    result = unions(rows, tmp_path)
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "Trực thuộc", "Công đoàn ngành Y tế")
    ]
    assert "Liên đoàn Lao động huyện Yên Thế" in result.errors[0].message
    assert "Công đoàn các Khu công nghiệp tỉnh Bắc Giang" in result.errors[0].message
    assert not GrassrootsUnion.objects.exists()


def test_the_enterprise_must_exist(tmp_path):
    tax = factories.next_tax_code()
    result = unions([["MST", "Ngày thành lập"], [tax, "01/02/2020"]], tmp_path)
    assert [(e.row, e.column, e.value) for e in result.errors] == [(2, "MST", tax)]


def test_one_row_per_enterprise(tmp_path):
    enterprise = factories.make_enterprise()
    rows = [
        ["MST", "Ngày thành lập"],
        [enterprise.tax_code, "01/02/2020"],
        [enterprise.tax_code, "01/02/2021"],
    ]
    result = unions(rows, tmp_path, skip_errors=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "MST")]
    assert GrassrootsUnion.objects.get().founded_on == datetime.date(2020, 2, 1)


def test_the_founding_date_is_required_for_a_new_and_an_existing_union(tmp_path):
    fresh = factories.make_enterprise()
    existing = factories.make_union()
    rows = [
        ["MST", "Ngày thành lập", "Chủ tịch"],
        [fresh.tax_code, "", "A"],
        [existing.enterprise.tax_code, "", "B"],
    ]
    result = unions(rows, tmp_path)
    assert [(e.row, e.column, e.value) for e in result.errors] == [
        (2, "Ngày thành lập", ""),
        (3, "Ngày thành lập", ""),
    ]


def test_a_row_updates_the_latest_union_and_a_new_founding_date_is_a_correction(tmp_path):
    union = factories.make_union(founded_on=datetime.date(2020, 3, 1), members_reported=30)
    rows = [
        ["MST", "Ngày thành lập", "Số đoàn viên"],
        [union.enterprise.tax_code, "15/03/2020", "45"],
    ]
    result = unions(rows, tmp_path)
    assert (result.updated, result.created) == (1, 0)
    union.refresh_from_db()
    assert (union.founded_on, union.members_reported) == (datetime.date(2020, 3, 15), 45)
    assert [r.history_type for r in union.history.order_by("history_id")] == ["+", "~"]
    assert GrassrootsUnion.objects.count() == 1


def test_an_unchanged_union_row_is_not_written(tmp_path):
    union = factories.make_union(
        founded_on=datetime.date(2020, 3, 1),
        members_reported=30,
        chair="Lê Thị Hoa",
        decision_number="5/QĐ",
    )
    updated_at = union.updated_at
    rows = [
        ["MST", "Tên CĐCS", "Ngày thành lập", "Số đoàn viên", "Chủ tịch", "Số QĐ"],
        [
            union.enterprise.tax_code,
            union.name,
            datetime.date(2020, 3, 1),
            30,
            " Lê  Thị Hoa",
            "5/QĐ",
        ],
    ]
    result = unions(rows, tmp_path)
    assert result.unchanged == 1
    union.refresh_from_db()
    assert union.updated_at == updated_at
    assert union.history.count() == 1


def test_after_a_dissolution_a_later_founding_creates_a_new_union(tmp_path):
    old = factories.make_union(
        founded_on=datetime.date(2015, 1, 1), dissolved_on=datetime.date(2019, 12, 31)
    )
    rows = [["MST", "Ngày thành lập"], [old.enterprise.tax_code, "01/06/2021"]]
    result = unions(rows, tmp_path)
    assert result.created == 1
    old.refresh_from_db()
    assert old.founded_on == datetime.date(2015, 1, 1)
    new = GrassrootsUnion.objects.exclude(pk=old.pk).get()
    assert (new.founded_on, new.dissolved_on) == (datetime.date(2021, 6, 1), None)


def test_a_founding_date_before_the_dissolution_corrects_the_dissolved_union(tmp_path):
    old = factories.make_union(
        founded_on=datetime.date(2015, 1, 1), dissolved_on=datetime.date(2019, 12, 31)
    )
    rows = [["MST", "Ngày thành lập"], [old.enterprise.tax_code, "01/06/2016"]]
    result = unions(rows, tmp_path)
    assert (result.updated, result.created) == (1, 0)
    old.refresh_from_db()
    assert old.founded_on == datetime.date(2016, 6, 1)


def test_a_dissolution_date_is_recorded_and_never_erased(tmp_path):
    union = factories.make_union(founded_on=datetime.date(2015, 1, 1))
    tax = union.enterprise.tax_code
    unions(
        [["MST", "Ngày thành lập", "Ngày giải thể"], [tax, "01/01/2015", "30/06/2023"]], tmp_path
    )
    union.refresh_from_db()
    assert union.dissolved_on == datetime.date(2023, 6, 30)
    result = unions(
        [["MST", "Ngày thành lập", "Ngày giải thể"], [tax, "01/01/2015", ""]], tmp_path, name="b"
    )
    assert result.unchanged == 1


def test_a_dissolution_before_the_founding_is_a_row_error(tmp_path):
    enterprise = factories.make_enterprise()
    rows = [
        ["MST", "Ngày thành lập", "Ngày giải thể"],
        [enterprise.tax_code, "01/01/2020", "01/01/2019"],
    ]
    result = unions(rows, tmp_path)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Ngày giải thể")]


def test_union_rows_outside_the_users_scope_are_errors(tmp_path, district_staff):
    own = factories.make_enterprise(district="213")
    other = factories.make_enterprise(district="215")
    in_zone = factories.make_enterprise(
        district="213", industrial_zone=factories.zone("kcn song khe noi hoang")
    )
    rows = [
        ["MST", "Ngày thành lập"],
        [own.tax_code, "01/01/2020"],
        [other.tax_code, "01/01/2020"],
        [in_zone.tax_code, "01/01/2020"],
    ]
    result = unions(rows, tmp_path, user=district_staff, skip_errors=True)
    assert [(e.row, e.column) for e in result.errors] == [(3, "MST"), (4, "MST")]
    assert list(GrassrootsUnion.objects.values_list("enterprise", flat=True)) == [own.pk]


def test_members_and_dates_are_parsed_as_in_the_enterprise_list(tmp_path):
    enterprise = factories.make_enterprise()
    rows = [HEADER, [enterprise.tax_code, "CĐCS A", "31/02/2020", "", "1.5", ""]]
    result = unions(rows, tmp_path)
    assert [(e.column, e.value) for e in result.errors] == [
        ("Ngày thành lập", "31/02/2020"),
        ("Số đoàn viên", "1.5"),
    ]


def test_union_totals_and_blank_rows_are_skipped(tmp_path):
    enterprise = factories.make_enterprise()
    rows = [
        HEADER,
        [enterprise.tax_code, "CĐCS A", "01/01/2020", "", "1.250", ""],
        ["", "", "", "", "", ""],
        ["", "Tổng cộng", "", "", "1250", ""],
    ]
    result = unions(rows, tmp_path)
    assert (result.created, result.skipped) == (1, 2)
    assert GrassrootsUnion.objects.get().members_reported == 1250
