"""Every dashboard page, export and JSON document costs the same number of queries for 10 and
for 1,000 enterprises: the figures are aggregated in the database, never row by row."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from referrals.models import Referral
from tests.dashboards.conftest import PARAMS, bulk_enterprises

# What every request costs, by persona: the session, the user, the user's groups (their role)
# and, for users scoped to a district or an upper union, their StaffScope row.
SIGNED_IN = {"party_viewer": 3, "district_staff": 4, "zone_staff": 4}
# SESSION_SAVE_EVERY_REQUEST (the idle timeout): a savepoint, the UPDATE, the release.
SESSION_SAVE = 3
# coverage_figures: the province's units; enterprises grouped by district; active unions
# grouped by district.
COVERAGE = 3
# pipeline_figures: the province's units; members grouped by district; new unions grouped by
# district; the targets. Scoped users add the same two groupings on their own rows, and zone
# staff the districts where their union manages enterprises.
PIPELINE = {"party_viewer": 4, "district_staff": 6, "zone_staff": 7}
# The dashboards' merge: the district ids behind the drill-down links.
UNITS = 1


def figures(persona: str) -> int:
    return SIGNED_IN[persona] + COVERAGE + PIPELINE[persona] + UNITS


def expected(persona: str) -> dict[tuple[str, tuple[str, ...]], int]:
    pages = figures(persona) + SESSION_SAVE
    # Zone-union staff read no district-wide snapshots: their (empty) trend needs no query.
    trend = 0 if persona == "zone_staff" else 1
    return {
        # + the monthly trend (one grouped query), the Workers' Month classes with their
        # attendance counts, the industrial zones of the filter form.
        ("referrals:dashboard", ()): pages + trend + 2,
        # + the same three, the gap list, the open referrals with overdue flags, the classes.
        ("referrals:district", ("213",)): pages + trend + 5,
        ("referrals:export", ("districts",)): pages,
        ("referrals:export", ("funnel",)): pages,
        ("referrals:export", ("trend",)): pages + trend,  # + the snapshots
        ("referrals:export", ("campaign",)): pages + 1,  # + the classes
        ("referrals:district_export", ("213", "gap")): pages + 1,  # + the enterprises
        # + the referrals, the read-log row of this export of personal data
        ("referrals:district_export", ("213", "referrals")): pages + 2,
        ("referrals:district_export", ("213", "classes")): pages + 1,  # + the classes
        # The documents alone.
        ("referrals:coverage_json", ()): SIGNED_IN[persona] + COVERAGE + SESSION_SAVE,
        ("referrals:pipeline_json", ()): SIGNED_IN[persona] + PIPELINE[persona] + SESSION_SAVE,
    }


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 1000])
@pytest.mark.parametrize("persona", ["party_viewer", "district_staff", "zone_staff"])
def test_pages_cost_the_same_for_10_and_1000_enterprises(
    request, client, seeded, django_assert_num_queries, persona, n
):
    bulk_enterprises(n, code="213")
    bulk_enterprises(n // 10, code="222")
    ContentType.objects.get_for_model(Referral)  # the read log's content type, cached once
    client.force_login(request.getfixturevalue(persona))
    for (name, args), queries in expected(persona).items():
        if persona == "zone_staff" and name == "referrals:district":
            args = ("222",)
        with django_assert_num_queries(queries, info=f"{name} {args}"):
            response = client.get(reverse(name, args=args), PARAMS)
        assert response.status_code == 200, (name, args)


@pytest.mark.django_db
@pytest.mark.parametrize("n", [10, 1000])
def test_member_list_costs_the_same_for_any_size(
    client, seeded, district_staff, django_assert_num_queries, n
):
    bulk_enterprises(n)
    client.force_login(district_staff)
    url = reverse("referrals:members")
    # Signed in (4); the district in the user's scope; the count; the page; the session (3).
    with django_assert_num_queries(4 + 1 + 1 + 1 + SESSION_SAVE):
        response = client.get(url, {"indicator": "commended", "year": 2024, "district": "213"})
    assert response.context["page"].paginator.count == 4


@pytest.mark.django_db
def test_the_zone_filter_adds_only_its_own_lookup(
    client, seeded, party_viewer, django_assert_num_queries
):
    from tests.factories import zone

    client.force_login(party_viewer)
    zone_id = zone("kcn quang chau").pk
    # The filter form checks the chosen zone exists: one query more than without it.
    with django_assert_num_queries(figures("party_viewer") + SESSION_SAVE + 3 + 1):
        client.get(reverse("referrals:dashboard"), PARAMS | {"zone": zone_id})
