"""GET /api/coverage.json and /api/pipeline.json: the commands' documents, scoped per user."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from tests.dashboards.conftest import AS_OF, YEAR
from tests.factories import zone
from unions.enterprises.coverage import coverage_figures


def command_json(name: str, *args: str) -> dict:
    out = StringIO()
    call_command(name, *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def coverage(client, **params) -> dict:
    response = client.get(reverse("referrals:coverage_json"), params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def pipeline(client, **params) -> dict:
    response = client.get(reverse("referrals:pipeline_json"), params)
    assert response.status_code == 200
    return json.loads(response.content)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["province_admin", "party_viewer"])
def test_province_readers_get_exactly_the_commands_documents(request, client, seeded, persona):
    client.force_login(request.getfixturevalue(persona))
    assert coverage(client, as_of=AS_OF.isoformat()) == command_json(
        "coverage_report", "--as-of", AS_OF.isoformat()
    )
    assert pipeline(client, year=YEAR) == command_json("pipeline_report", "--year", str(YEAR))


@pytest.mark.django_db
def test_defaults_are_today_and_this_year(client, seeded, party_viewer, today):
    client.force_login(party_viewer)
    assert coverage(client) == command_json("coverage_report")
    assert coverage(client)["as_of"] == today.isoformat()
    assert pipeline(client)["year"] == today.year


@pytest.mark.django_db
def test_json_keeps_vietnamese_text_readable(client, seeded, party_viewer):
    client.force_login(party_viewer)
    response = client.get(reverse("referrals:coverage_json"))
    assert "Tỉnh Bắc Giang".encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["district_staff", "district_viewer"])
def test_district_users_get_their_district_and_the_province_totals(
    request, client, seeded, persona
):
    client.force_login(request.getfixturevalue(persona))
    full_coverage = command_json("coverage_report", "--as-of", AS_OF.isoformat())
    full_pipeline = command_json("pipeline_report", "--year", str(YEAR))
    scoped = coverage(client, as_of=AS_OF.isoformat())
    assert [row["code"] for row in scoped["districts"]] == ["213"]
    assert scoped["districts"][0] == full_coverage["districts"][0]
    assert scoped["province"] == full_coverage["province"]
    scoped = pipeline(client, year=YEAR)
    assert [row["code"] for row in scoped["districts"]] == ["213"]
    assert scoped["districts"][0] == full_pipeline["districts"][0]
    assert scoped["province"] == full_pipeline["province"]


@pytest.mark.django_db
def test_zone_staff_get_their_unions_counts_per_district(client, seeded, zone_staff):
    client.force_login(zone_staff)
    scoped = coverage(client, as_of=AS_OF.isoformat())
    assert [row["code"] for row in scoped["districts"]] == ["213", "222"]
    assert scoped == coverage_figures(as_of=AS_OF, user=zone_staff)
    assert (
        scoped["province"]
        == command_json("coverage_report", "--as-of", AS_OF.isoformat())["province"]
    )
    assert [row["code"] for row in pipeline(client, year=YEAR)["districts"]] == ["213", "222"]


@pytest.mark.django_db
def test_ownership_and_zone_filter_both_documents(client, seeded, party_viewer):
    from referrals.reports import pipeline_figures

    client.force_login(party_viewer)
    zone_id = zone("kcn quang chau").pk
    for params in ({"ownership": "foreign"}, {"zone": zone_id}, {"ownership": "state"}):
        expected = coverage_figures(
            as_of=AS_OF, ownership=params.get("ownership"), zone=params.get("zone")
        )
        assert coverage(client, as_of=AS_OF.isoformat(), **params) == expected
        expected = pipeline_figures(
            year=YEAR, ownership=params.get("ownership"), zone=params.get("zone")
        )
        assert pipeline(client, year=YEAR, **params) == expected
    narrowed = coverage(client, as_of=AS_OF.isoformat(), zone=zone_id)
    assert narrowed["province"]["eligible"] == 4
    assert narrowed != coverage(client, as_of=AS_OF.isoformat())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("referrals:coverage_json", {"as_of": "31/12/2024"}),
        ("referrals:coverage_json", {"as_of": "2024-02-31"}),
        ("referrals:coverage_json", {"ownership": "cooperative"}),
        ("referrals:coverage_json", {"zone": "abc"}),
        ("referrals:pipeline_json", {"year": "20x4"}),
    ],
)
def test_malformed_parameters_are_a_400_with_the_reason(client, party_viewer, url, params):
    client.force_login(party_viewer)
    response = client.get(reverse(url), params)
    assert response.status_code == 400
    assert set(response.json()["error"]) == set(params)
