"""Two admin sessions open one enterprise: the second save must not silently undo the first."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.access.forms import page_form_data
from tests.factories import make_enterprise
from unions.models import Enterprise

pytestmark = pytest.mark.django_db

STALE = "Có người đã lưu bản ghi này lúc"


def change_url(enterprise: Enterprise) -> str:
    return reverse("admin:unions_enterprise_change", args=[enterprise.pk])


def test_a_stale_form_is_refused_and_names_what_changed(client, province_admin):
    enterprise = make_enterprise(name="Công ty Cũ", district="213", workers=10)
    client.force_login(province_admin)
    opened = page_form_data(client.get(change_url(enterprise)))

    # Meanwhile, someone else renames it.
    other = Enterprise.objects.get(pk=enterprise.pk)
    other.name = "Công ty Mới"
    other.save()

    stale = {**opened, "workers": "25"}
    response = client.post(change_url(enterprise), stale)
    assert response.status_code == 200
    body = response.content.decode()
    assert STALE in body and "Tên doanh nghiệp" in body
    assert Enterprise.objects.get(pk=enterprise.pk).name == "Công ty Mới"
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 10

    # The refused page carries the row as it is now: saving again is a decision, and counts.
    again = page_form_data(response)
    assert again["workers"] == "25"
    response = client.post(change_url(enterprise), again)
    assert response.status_code == 302
    saved = Enterprise.objects.get(pk=enterprise.pk)
    assert (saved.workers, saved.name) == (25, "Công ty Cũ")


def test_a_form_of_the_current_row_saves(client, province_admin):
    enterprise = make_enterprise(name="Công ty Cũ", district="213", workers=10)
    client.force_login(province_admin)
    data = {**page_form_data(client.get(change_url(enterprise))), "workers": "25"}
    assert client.post(change_url(enterprise), data).status_code == 302
    assert Enterprise.objects.get(pk=enterprise.pk).workers == 25


def test_a_save_made_by_an_import_counts_as_a_change_too(client, province_admin):
    enterprise = make_enterprise(name="Công ty Cũ", district="213", workers=10)
    client.force_login(province_admin)
    opened = page_form_data(client.get(change_url(enterprise)))
    Enterprise.objects.filter(pk=enterprise.pk).update(
        name="Công ty Nhập", updated_at=enterprise.updated_at.replace(year=2030)
    )
    response = client.post(change_url(enterprise), {**opened, "workers": "25"})
    assert response.status_code == 200
    assert Enterprise.objects.get(pk=enterprise.pk).name == "Công ty Nhập"
