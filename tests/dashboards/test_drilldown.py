"""Every number on a dashboard links to its rows, and the linked list counts exactly it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.dashboards.conftest import AS_OF, PARAMS
from tests.factories import zone

ENTERPRISE_KEYS = ("eligible", "with_union", "gap")
MEMBER_KEYS = ("commended", "certified", "introduced", "admitted", "recognized")


def listed(client, url: str) -> int:
    """The number of rows the linked page lists (an admin changelist or the member list)."""
    response = client.get(url)
    assert response.status_code == 200, url  # a refused admin filter would redirect (?e=1)
    if "cl" in response.context:
        return response.context["cl"].result_count
    return response.context["page"].paginator.count


def reported_members(client, url: str) -> int:
    response = client.get(url)
    return sum(union.members_reported or 0 for union in response.context["cl"].queryset)


def check_row(client, row: dict) -> None:
    links = row["links"]
    for key in (*ENTERPRISE_KEYS, "unions_total", "new_unions", *MEMBER_KEYS):
        assert listed(client, links[key]) == row[key], (row["code"], key, links[key])
    assert listed(client, links["coverage_pct"]) == row["eligible"]
    assert reported_members(client, links["union_members"]) == row["union_members"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "extra",
    [
        {},
        {"ownership": "foreign"},
        {"ownership": "state"},
        {"zone": "quang_chau"},
        {"as_of": "2025-06-16"},  # today: the admin's own default date
        {"as_of": "2024-06-30", "year": 2025},
    ],
    ids=["default", "foreign", "state", "zone", "today", "mid-2024"],
)
def test_province_admins_links_count_exactly_the_numbers(client, seeded, province_admin, extra):
    if extra.get("zone"):
        extra = extra | {"zone": zone("kcn quang chau").pk}
    client.force_login(province_admin)
    response = client.get(reverse("referrals:dashboard"), PARAMS | extra)
    province = response.context["province"]
    assert province["eligible"] > 0
    check_row(client, province)
    for row in response.context["rows"]:
        if row["code"] in {"213", "215", "222"}:
            check_row(client, row)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_staff", "district_viewer"])
def test_district_users_links_count_exactly_their_districts_numbers(
    request, client, seeded, persona
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("referrals:district", args=["213"]), PARAMS)
    check_row(client, response.context["district"])
    # The gap number on the page links to exactly the gap list's enterprises.
    gap_link = response.context["district"]["links"]["gap"]
    listed_gap = client.get(gap_link).context["cl"].queryset
    assert {item.pk for item in listed_gap} == {item.pk for item in response.context["gap_list"]}


@pytest.mark.django_db
def test_zone_staff_links_count_exactly_their_figures(client, seeded, zone_staff):
    client.force_login(zone_staff)
    response = client.get(reverse("referrals:dashboard"), PARAMS)
    for row in response.context["rows"]:
        check_row(client, row)


@pytest.mark.django_db
def test_the_as_of_date_reaches_the_admin_filters(client, seeded, province_admin):
    client.force_login(province_admin)
    response = client.get(reverse("referrals:district", args=["213"]), PARAMS)
    link = response.context["district"]["links"]["with_union"]
    assert f"on={AS_OF.isoformat()}" in link
    today_link = link.replace(f"on={AS_OF.isoformat()}", "on=2025-06-16")
    # On 31/12/2024 the union dissolved that day no longer counts and the one founded on
    # 02/01/2025 does not count yet; today the latter does.
    assert listed(client, today_link) == listed(client, link) + 1


@pytest.mark.django_db
def test_a_malformed_admin_date_is_refused_not_ignored(client, seeded, province_admin):
    client.force_login(province_admin)
    url = reverse("admin:unions_enterprise_changelist") + "?has_union=yes&on=31-12-2024"
    response = client.get(url)
    assert response.status_code == 302
    assert "e=1" in response["Location"]


@pytest.mark.django_db
def test_member_list_rejects_an_unknown_indicator(client, seeded, province_admin):
    client.force_login(province_admin)
    url = reverse("referrals:members")
    assert client.get(url, {"indicator": "secret"}).status_code == 404
    assert client.get(url, {"indicator": "admitted", "year": 2024}).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["party_viewer", "district_staff"])
def test_class_counts_link_to_exactly_those_classes(request, client, seeded, persona):
    client.force_login(request.getfixturevalue(persona))
    district = client.get(reverse("referrals:district", args=["213"]), PARAMS).context
    assert listed(client, district["classes_link"]) == len(district["classes"]) == 2
    panel = district["campaign"]
    assert listed(client, panel["link"]) == len(panel["classes"]) == 1
    if persona == "party_viewer":
        panel = client.get(reverse("referrals:dashboard"), PARAMS).context["campaign"]
        assert listed(client, panel["link"]) == len(panel["classes"]) == 2
