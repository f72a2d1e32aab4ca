"""The data-entry admin: constant page cost, diacritic-free search, the enterprise page."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.factories import make_enterprise, make_member, make_union
from unions.models import Headcount

pytestmark = pytest.mark.django_db


def _changelist(client, user, model, **params):
    client.force_login(user)
    return client.get(reverse(f"admin:unions_{model}_changelist"), params)


@pytest.mark.parametrize("rows", [1, 50])
def test_enterprise_changelist_costs_the_same_for_1_and_50_rows(
    client, province_admin, django_assert_num_queries, rows
):
    for _ in range(rows):
        make_union(make_enterprise())
    client.force_login(province_admin)
    # session, user, role groups, district filter choices, zone filter choices, table estimate,
    # count, user permissions, group permissions, rows with has-union, then the idle-timeout
    # session save (savepoint, update, release)
    with django_assert_num_queries(13):
        response = client.get(reverse("admin:unions_enterprise_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("rows", [1, 50])
def test_member_changelist_costs_the_same_for_1_and_50_rows(
    client, district_staff, django_assert_num_queries, rows
):
    union = make_union(make_enterprise(district="213"))
    for _ in range(rows):
        make_member(union)
    client.force_login(district_staff)
    # session, user, role groups, scope, district filter choices, scoped count, user
    # permissions, group permissions, rows with union/enterprise/district, then the idle-timeout
    # session save (savepoint, update, release)
    with django_assert_num_queries(12):
        response = client.get(reverse("admin:unions_member_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == rows


def test_search_ignores_diacritics(client, province_admin):
    wanted = make_member(full_name="Nguyễn Văn Cảnh")
    make_member(full_name="Nguyễn Văn Cường")
    make_member(full_name="Trần Thị Cảnh")
    response = _changelist(client, province_admin, "member", q="Nguyen Van Canh")
    assert list(response.context["cl"].result_list) == [wanted]


def test_search_by_tax_code_prefix(client, province_admin):
    wanted = make_enterprise(tax_code="2400123458")
    make_enterprise()
    response = _changelist(client, province_admin, "enterprise", q="2400123")
    assert list(response.context["cl"].result_list) == [wanted]


def test_has_union_filter_splits_enterprises(client, province_admin):
    with_union = make_enterprise()
    make_union(with_union)
    without = make_enterprise()
    yes = _changelist(client, province_admin, "enterprise", has_union="yes")
    no = _changelist(client, province_admin, "enterprise", has_union="no")
    assert list(yes.context["cl"].result_list) == [with_union]
    assert list(no.context["cl"].result_list) == [without]


def test_enterprise_page_shows_its_union_and_headcount_history(client, province_admin):
    enterprise = make_enterprise(name="Công ty TNHH Hòa Phú", workers=120)
    make_union(enterprise, name="Công đoàn cơ sở Công ty TNHH Hòa Phú")
    Headcount.objects.create(enterprise=enterprise, on=datetime.date(2024, 3, 1), workers=95)
    Headcount.objects.create(enterprise=enterprise, on=datetime.date(2025, 3, 1), workers=120)
    client.force_login(province_admin)
    response = client.get(reverse("admin:unions_enterprise_change", args=[enterprise.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Công đoàn cơ sở Công ty TNHH Hòa Phú" in body
    assert "01/03/2024" in body and "01/03/2025" in body


def test_admin_speaks_vietnamese_by_default(client, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("admin:index"))
    assert response.headers["Content-Language"] == "vi"
    assert "<title>Cập nhật dữ liệu | Độ phủ công đoàn</title>" in response.content.decode()


def test_eligible_drill_down_lists_the_biggest_enterprises_first(client, province_admin):
    small = make_enterprise(workers=25, name="A nhỏ")
    big = make_enterprise(workers=900, name="B lớn")
    response = _changelist(client, province_admin, "enterprise", eligible="yes")
    assert list(response.context["cl"].result_list) == [big, small]


def test_names_sort_in_vietnamese_order_on_postgresql(client, province_admin):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the ICU collation vi-VN-x-icu is PostgreSQL's; SQLite sorts by folded key")
    for name in ["Đào Văn Bình", "Dương Văn An", "Anh Thị Hà"]:
        make_member(full_name=name)
    response = _changelist(client, province_admin, "member")
    names = [member.full_name for member in response.context["cl"].result_list]
    assert names == ["Anh Thị Hà", "Dương Văn An", "Đào Văn Bình"]


def test_without_a_collation_names_sort_by_folded_key(client, province_admin, settings):
    settings.VIETNAMESE_COLLATION = ""
    for name in ["Đào Văn Bình", "Dương Văn An", "Anh Thị Hà"]:
        make_member(full_name=name)
    response = _changelist(client, province_admin, "member")
    names = [member.full_name for member in response.context["cl"].result_list]
    assert names == ["Anh Thị Hà", "Đào Văn Bình", "Dương Văn An"]
