"""Pipeline figures: the one function behind `pipeline_report`, the dashboards and their JSON.

The document is IMPORT.md's `pipeline_report --json`: every district of the province in GSO-code
order with the year's counts and targets, and the province's totals and own targets. Each count
is computed in the database in a fixed number of queries, whatever the amount of data.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from referrals.models import Commendation, Enrollment, Referral, Target
from unions.access import access_for
from unions.enterprises.coverage import province_units
from unions.enterprises.models import GrassrootsUnion, narrowing_q
from unions.members.models import Member
from unions.territory.models import IndustrialZone

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

INDICATORS: tuple[str, ...] = tuple(Target.Indicator.values)
MEMBER_INDICATORS: tuple[str, ...] = tuple(i for i in INDICATORS if i != "new_unions")


def member_conditions(year: int) -> dict[str, Q]:
    """For each member indicator, the members with that milestone dated in the year.

    The subqueries are uncorrelated, so the database evaluates each once per query.
    """

    def referrals_with(field: str) -> Q:
        return Q(pk__in=Referral.objects.filter(**{f"{field}__year": year}).values("member"))

    return {
        "commended": Q(pk__in=Commendation.objects.dated_in(year).values("member"))
        | referrals_with("commended_on"),
        # A certificate comes from a passed class or, for older ones, from a register.
        "certified": Q(
            pk__in=Enrollment.objects.certificates()
            .filter(certificate_on__year=year)
            .values("member")
        )
        | referrals_with("certificate_on"),
        "introduced": referrals_with("introduced_on"),
        "admitted": referrals_with("admitted_on"),
        "recognized": referrals_with("recognized_on"),
    }


def _counts_by_district(
    members: QuerySet, unions: QuerySet, *, year: int, narrowing_members: Q, narrowing_unions: Q
) -> dict[int, dict[str, int]]:
    """Counts per district id: two queries."""
    conditions = member_conditions(year)
    any_milestone = Q()
    for condition in conditions.values():
        any_milestone |= condition
    counts: dict[int, dict[str, int]] = {}
    member_rows = (
        members.filter(narrowing_members)
        .filter(any_milestone)
        .order_by()
        .values("union__enterprise__district")
        .annotate(**{name: Count("pk", filter=q) for name, q in conditions.items()})
    )
    for row in member_rows:
        district_id = row.pop("union__enterprise__district")
        counts.setdefault(district_id, {}).update(row)
    union_rows = (
        unions.filter(narrowing_unions, founded_on__year=year)
        .order_by()
        .values("enterprise__district")
        .annotate(new_unions=Count("pk"))
    )
    for row in union_rows:
        counts.setdefault(row["enterprise__district"], {})["new_unions"] = row["new_unions"]
    return counts


def _figures(counts: dict[str, int] | None) -> dict[str, int]:
    counts = counts or {}
    return {indicator: counts.get(indicator, 0) for indicator in INDICATORS}


def pipeline_figures(
    *,
    year: int,
    user: AbstractBaseUser | AnonymousUser | None = None,
    ownership: str | None = None,
    zone: IndustrialZone | int | None = None,
) -> dict[str, Any]:
    """The year's pipeline counts and targets per district and for the province.

    Without `user`, every district of the province is listed (the command's document). With
    one, only the districts in the user's read scope are listed, each counting what the user
    reads (for zone-union staff, their union's enterprises), while `province` stays the
    province's totals. `ownership` and `zone` narrow every count by the member's enterprise
    (a union's, for `new_unions`).
    """
    province, districts = province_units()
    narrowing_members = narrowing_q(ownership=ownership, zone=zone, prefix="union__enterprise__")
    narrowing_unions = narrowing_q(ownership=ownership, zone=zone, prefix="enterprise__")
    all_counts = _counts_by_district(
        Member.objects.all(),
        GrassrootsUnion.objects.all(),
        year=year,
        narrowing_members=narrowing_members,
        narrowing_unions=narrowing_unions,
    )
    visible = access_for(user).read_district_ids if user is not None else None
    if visible is None:
        scoped_counts = all_counts
    else:
        scoped_counts = _counts_by_district(
            Member.objects.for_user(user),
            GrassrootsUnion.objects.for_user(user),
            year=year,
            narrowing_members=narrowing_members,
            narrowing_unions=narrowing_unions,
        )

    targets: dict[int | None, dict[str, int]] = {}
    target_rows = (
        Target.objects.filter(year=year, upper_union__isnull=True)
        .order_by()
        .values_list("district", "indicator", "value")
    )
    for district_id, indicator, value in target_rows:
        targets.setdefault(district_id, {})[indicator] = value

    def ordered_targets(district_id: int | None) -> dict[str, int]:
        found = targets.get(district_id, {})
        return {indicator: found[indicator] for indicator in INDICATORS if indicator in found}

    province_totals = dict.fromkeys(INDICATORS, 0)
    for district in districts:
        for indicator, value in _figures(all_counts.get(district.pk)).items():
            province_totals[indicator] += value

    return {
        "year": year,
        "districts": [
            {
                "code": district.code,
                "name": district.name,
                **_figures(scoped_counts.get(district.pk)),
                "targets": ordered_targets(district.pk),
            }
            for district in districts
            if visible is None or district.pk in visible
        ],
        "province": {
            "code": province.code,
            "name": province.name,
            **province_totals,
            "targets": ordered_targets(None),
        },
    }
