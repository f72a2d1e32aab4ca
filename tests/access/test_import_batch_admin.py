"""The import batch admin follows the import screens' rule: its reports hold full national IDs.

Before, a pending member upload's change page was 200 for Party viewers and for another officer
of the uploader's district, with names and 12-digit CCCD numbers in its report.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from unions import access
from unions.models import ImportBatch

pytestmark = pytest.mark.django_db

NATIONAL_ID = "024190001234"


@pytest.fixture
def colleague(db):
    """A second officer of the uploader's district (Thành phố Bắc Giang, 213)."""
    return factories.make_user(access.DISTRICT_STAFF, username="cb_tpbg_2", district_code="213")


def member_batch(user, state: str) -> ImportBatch:
    scope = access.access_for(user)
    return ImportBatch.objects.create(
        kind="members",
        file_name="doan_vien.xlsx",
        sha256="1" * 64,
        user=user,
        district_id=scope.district_id,
        state=state,
        report={"invalid_rows": [{"row": 2, "cells": ["Nguyễn Văn A", NATIONAL_ID]}]},
    )


def admin_urls(batch: ImportBatch) -> list[str]:
    return [
        reverse("admin:unions_importbatch_change", args=[batch.pk]),
        reverse("admin:unions_importbatch_history", args=[batch.pk]),
    ]


def crawl(client, user, batch: ImportBatch) -> dict[str, int]:
    client.force_login(user)
    answers = {url: client.get(url).status_code for url in admin_urls(batch)}
    listing = client.get(reverse("admin:unions_importbatch_changelist"))
    answers["list shows it"] = int(
        listing.status_code == 200 and batch.file_name in listing.content.decode()
    )
    answers["national id shown"] = int(
        any(NATIONAL_ID in client.get(url).content.decode() for url in admin_urls(batch))
    )
    return answers


REFUSED = {"list shows it": 0, "national id shown": 0}


@pytest.mark.parametrize("role", ["party_viewer", "district_viewer", "colleague"])
def test_a_pending_upload_is_for_its_uploader_and_provincial_admins_only(
    client, request, role, district_staff, province_admin
):
    batch = member_batch(district_staff, ImportBatch.State.WAITING)
    answers = crawl(client, request.getfixturevalue(role), batch)
    assert {url: code in (403, 404) for url, code in answers.items() if url.startswith("/")} == {
        url: True for url in admin_urls(batch)
    }
    assert {key: answers[key] for key in REFUSED} == REFUSED


@pytest.mark.parametrize("role", ["district_staff", "province_admin"])
def test_the_uploader_and_provincial_admins_read_a_pending_upload(client, request, role):
    uploader = request.getfixturevalue("district_staff")
    batch = member_batch(uploader, ImportBatch.State.WAITING)
    answers = crawl(client, request.getfixturevalue(role), batch)
    assert [answers[url] for url in admin_urls(batch)] == [200, 200]
    assert answers["list shows it"] == 1


@pytest.mark.parametrize("role", ["party_viewer", "district_viewer"])
def test_viewers_read_no_import_record_at_all(client, request, role, district_staff):
    batch = member_batch(district_staff, ImportBatch.State.DONE)
    answers = crawl(client, request.getfixturevalue(role), batch)
    assert all(answers[url] in (403, 404) for url in admin_urls(batch))
    assert {key: answers[key] for key in REFUSED} == REFUSED


def test_a_colleague_reads_a_finished_run_of_the_district_as_the_screens_allow(
    client, district_staff, colleague
):
    batch = member_batch(district_staff, ImportBatch.State.DONE)
    answers = crawl(client, colleague, batch)
    assert [answers[url] for url in admin_urls(batch)] == [200, 200]
    assert client.get(reverse("unions:import_detail", args=[batch.pk])).status_code == 200


def test_staff_of_another_district_read_nothing(client, district_staff, other_district_staff):
    batch = member_batch(district_staff, ImportBatch.State.DONE)
    answers = crawl(client, other_district_staff, batch)
    assert all(answers[url] in (403, 404) for url in admin_urls(batch))
    assert answers["list shows it"] == 0


@pytest.mark.parametrize("count", [1, 30])
def test_the_batch_admin_list_costs_the_same_for_1_and_30_batches(
    client, district_staff, count, django_assert_num_queries
):
    for _ in range(count):
        member_batch(district_staff, ImportBatch.State.DONE)
    client.force_login(district_staff)
    url = reverse("admin:unions_importbatch_changelist")
    # session, user, groups, scope, user and group permissions, the count and the page of
    # batches (with their users), the date hierarchy's first and last dates and its days, then
    # the idle-timeout session save (savepoint, update, release)
    with django_assert_num_queries(NUM_QUERIES_OF_THE_LIST):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == count


NUM_QUERIES_OF_THE_LIST = 13
