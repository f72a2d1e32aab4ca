"""The history of imports costs the same number of queries whatever its length."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.imports_web.test_access import make_batch
from unions.models import ImportBatch

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("count", [1, 30])
def test_history_costs_the_same_for_1_and_30_batches(
    client, district_staff, count, django_assert_num_queries
):
    for n in range(count):
        make_batch(district_staff, file_name=f"ds{n}.xlsx")
    client.force_login(district_staff)
    # session, user, the user's groups and scope (access_for), count of batches, the page of
    # batches with their users, the user's uploads waiting for confirmation, then the
    # idle-timeout session save (savepoint, update, release)
    with django_assert_num_queries(10):
        response = client.get(reverse("unions:import_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(count, 25)
    assert response.context["page"].paginator.count == count


def test_history_pages_by_25_newest_first(client, district_staff):
    batches = [make_batch(district_staff, file_name=f"ds{n}.xlsx") for n in range(30)]
    client.force_login(district_staff)
    first = client.get(reverse("unions:import_list")).context["page"]
    second = client.get(reverse("unions:import_list") + "?page=2").context["page"]
    shown = [batch.pk for batch in [*first.object_list, *second.object_list]]
    assert shown == [batch.pk for batch in reversed(batches)]


def test_history_shows_outcome_counts_user_and_links(client, district_staff):
    batch = make_batch(
        district_staff,
        file_name="tháng11.xlsx",
        created=12,
        updated=3,
        error_count=2,
        outcome=ImportBatch.Outcome.FAILED,
    )
    client.force_login(district_staff)
    content = client.get(reverse("unions:import_list")).content.decode()
    assert reverse("unions:import_detail", args=[batch.pk]) in content
    assert 'class="outcome outcome-failed"' in content
    assert district_staff.username in content
    assert batch.started_at.astimezone().strftime("%Y") in content


def test_history_lists_pending_uploads_apart(client, district_staff):
    make_batch(district_staff)
    pending = make_batch(
        district_staff,
        state=ImportBatch.State.WAITING,
        outcome=ImportBatch.Outcome.NONE,
        stored_file="c" * 32 + ".xlsx",
        file_name="cho.xlsx",
    )
    client.force_login(district_staff)
    response = client.get(reverse("unions:import_list"))
    assert [batch.pk for batch in response.context["waiting"]] == [pending.pk]
    assert pending.pk not in [batch.pk for batch in response.context["page"].object_list]
