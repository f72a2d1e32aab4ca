"""Database constraints and the rules models keep on save."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from tests.factories import make_enterprise, make_member, make_union, zone, zone_union
from unions.models import Enterprise, GrassrootsUnion, UpperUnion

pytestmark = pytest.mark.django_db


def test_database_refuses_a_second_undissolved_union_for_one_enterprise():
    enterprise = make_enterprise()
    make_union(enterprise)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_union(enterprise, founded_on=datetime.date(2022, 1, 1))


def test_a_dissolved_union_can_be_followed_by_a_new_one():
    enterprise = make_enterprise()
    make_union(enterprise, dissolved_on=datetime.date(2021, 6, 30))
    make_union(enterprise, founded_on=datetime.date(2022, 1, 1))
    assert enterprise.unions.count() == 2


def test_database_refuses_a_duplicate_tax_code():
    enterprise = make_enterprise()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(tax_code=enterprise.tax_code)


def test_database_refuses_a_tax_code_that_is_not_normalised():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(tax_code="24001234")


def test_database_refuses_negative_workers():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enterprise(workers=-1)


def test_unknown_workers_are_allowed():
    assert make_enterprise(workers=None).workers is None


def test_database_refuses_a_national_id_used_twice_but_allows_many_empty():
    make_member(national_id="024090001234")
    make_member(national_id=None)
    make_member(national_id="")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_member(national_id="024090001234")


def test_search_key_is_folded_on_save():
    enterprise = make_enterprise(name="  Công ty  Cổ phần Hoà Phú\u0301 ")
    member = make_member(full_name="Nguyễn Văn Cảnh")
    assert enterprise.search_key == "cong ty co phan hoa phu"
    assert member.search_key == "nguyen van canh"


def test_names_are_stored_in_nfc():
    import unicodedata

    enterprise = make_enterprise(name=unicodedata.normalize("NFD", "Công ty Đồng Tâm"))
    assert enterprise.name == unicodedata.normalize("NFC", "Công ty Đồng Tâm")


def test_enterprise_outside_a_zone_is_managed_by_its_district_federation():
    enterprise = make_enterprise(district="215")
    assert enterprise.managing_union.kind == UpperUnion.Kind.DISTRICT_FEDERATION
    assert enterprise.managing_union.district.code == "215"


def test_enterprise_in_an_industrial_park_is_managed_by_the_zone_union():
    enterprise = make_enterprise(district="222", industrial_zone=zone())
    assert enterprise.managing_union == zone_union()


def test_union_is_active_from_founding_until_dissolution():
    union = make_union(
        founded_on=datetime.date(2020, 1, 10), dissolved_on=datetime.date(2023, 5, 1)
    )
    assert not union.is_active_on(datetime.date(2020, 1, 9))
    assert union.is_active_on(datetime.date(2020, 1, 10))
    assert union.is_active_on(datetime.date(2023, 4, 30))
    assert not union.is_active_on(datetime.date(2023, 5, 1))
    active = GrassrootsUnion.objects.active
    assert active(datetime.date(2023, 4, 30)).filter(pk=union.pk).exists()
    assert not active(datetime.date(2023, 5, 1)).filter(pk=union.pk).exists()


def test_eligible_means_active_with_a_known_headcount_at_or_over_the_threshold():
    counted = make_enterprise(workers=20)
    make_enterprise(workers=19)
    make_enterprise(workers=None)
    make_enterprise(workers=500, status=Enterprise.Status.DISSOLVED)
    assert list(Enterprise.objects.eligible(20)) == [counted]


def test_gap_list_holds_eligible_enterprises_without_an_active_union_biggest_first():
    small = make_enterprise(workers=25)
    big = make_enterprise(workers=900)
    make_union(make_enterprise(workers=300))
    lapsed = make_enterprise(workers=60)
    make_union(lapsed, dissolved_on=datetime.date(2022, 1, 1))
    assert list(Enterprise.objects.for_gap_list(20)) == [big, lapsed, small]
