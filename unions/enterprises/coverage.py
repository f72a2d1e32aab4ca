"""Union coverage of the province's enterprises: the one source of the coverage figures.

`coverage_figures` returns the `coverage_report --json` document of IMPORT.md. The command, the
dashboards, their Excel exports, the JSON endpoint and the monthly snapshots all call it, so they
cannot disagree.

Cost: three queries whatever the number of enterprises (the units; enterprises grouped by
district with conditional counts; active unions grouped by district). Nothing loops over
enterprises in Python.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils import timezone

from unions.access import access_for
from unions.enterprises.models import (
    ENTERPRISE_SCOPE,
    Enterprise,
    GrassrootsUnion,
    eligible_q,
    has_active_union,
    narrowing_q,
)
from unions.territory.models import AdministrativeUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

    User = AbstractBaseUser | AnonymousUser

Level = AdministrativeUnit.Level
COUNT_KEYS = ("eligible", "with_union", "unions_total")


def coverage_figures(
    *,
    as_of: datetime.date | None = None,
    user: User | None = None,
    ownership: str | None = None,
    zone: int | None = None,
    with_members: bool = False,
) -> dict[str, Any]:
    """The coverage document for the province, optionally scoped to a user and narrowed.

    - `user`: None is an operator (every district). Otherwise only the districts where the user
      reads enterprises are listed, and for zone-union staff each district counts only their
      union's enterprises; `province` stays the province's totals.
    - `ownership` (an `Enterprise.Ownership` value) and `zone` (an industrial zone's id) narrow
      the enterprises counted, in the districts and in the province's totals alike.
    - `with_members` adds `union_members` (members reported by the active unions) to the province
      and to each district; without it the document is exactly the command's.
    """
    as_of = as_of or timezone.localdate()
    threshold = settings.UNION_THRESHOLD
    province, districts = province_units()
    district_ids = [unit.pk for unit in districts]
    scope = _Scope(user)
    enterprise_counts = _enterprise_counts(
        district_ids, as_of, threshold, narrowing_q(ownership=ownership, zone=zone), scope
    )
    union_counts = _union_counts(
        district_ids,
        as_of,
        narrowing_q(ownership=ownership, zone=zone, prefix="enterprise__"),
        scope,
    )

    totals = dict.fromkeys(("eligible", "with_union", "unions_total", "union_members"), 0)
    rows = []
    for unit in districts:
        counts = {**enterprise_counts.get(unit.pk, {}), **union_counts.get(unit.pk, {})}
        for key in totals:
            totals[key] += counts.get(key, 0) or 0
        if not scope.lists(unit.pk, counts):
            continue
        prefix = "scoped_" if scope.counts_scoped else ""
        rows.append(
            _row(
                unit,
                eligible=counts.get(f"{prefix}eligible", 0),
                with_union=counts.get(f"{prefix}with_union", 0),
                unions_total=counts.get(f"{prefix}unions_total", 0),
                union_members=counts.get(f"{prefix}union_members", 0) or 0,
                with_members=with_members,
            )
        )
    return {
        "as_of": as_of.isoformat(),
        "threshold": threshold,
        "province": _row(province, **totals, with_members=with_members),
        "districts": rows,
    }


def coverage_pct(with_union: int, eligible: int) -> float | None:
    """100 × with_union / eligible, half up to one decimal; None when nothing is eligible."""
    if not eligible:
        return None
    ratio = Decimal(100 * with_union) / Decimal(eligible)
    return float(ratio.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def province_units() -> tuple[AdministrativeUnit, list[AdministrativeUnit]]:
    """The deployment's province as it stood on 30/6/2025 and its districts in GSO-code order:
    one query."""
    code = settings.PROVINCE_CODE
    units = list(
        AdministrativeUnit.objects.former()
        .filter(Q(code=code, level=Level.PROVINCE) | Q(parent__code=code, level=Level.DISTRICT))
        .only("pk", "code", "name", "level")
        .order_by("code")
    )
    province = next((unit for unit in units if unit.level == Level.PROVINCE), None)
    if province is None:
        raise AdministrativeUnit.DoesNotExist(f"province {code} is not loaded (run load_units)")
    return province, [unit for unit in units if unit.level == Level.DISTRICT]


class _Scope:
    """Which districts a user's figures list, and whether their counts are narrowed to the user
    (the user's `Access`; None is an operator, who reads everything)."""

    def __init__(self, user: User | None):
        self.access = access_for(user) if user is not None else None
        self.province_wide = self.access is None or self.access.province_wide
        self.nobody = self.access is not None and self.access.role is None
        self.district_id = self.access.district_id if self.access is not None else None

    def lists(self, district_id: int, counts: dict[str, int]) -> bool:
        if self.province_wide:
            return True
        if self.nobody:
            return False
        # A district user always sees their own district, even one with no enterprises yet;
        # zone-union staff see the districts where their union manages any enterprise.
        return district_id == self.district_id or counts.get("scoped_present", 0) > 0

    @property
    def counts_scoped(self) -> bool:
        return not (self.province_wide or self.nobody)

    def filter(self, prefix: str = "") -> Q:
        """The user's read scope as seen from a row `prefix` away from its enterprise."""
        return self.access.read_q(ENTERPRISE_SCOPE.under(prefix))


def _enterprise_counts(
    district_ids: list[int], as_of: datetime.date, threshold: int, narrow: Q, scope: _Scope
) -> dict[int, dict[str, int]]:
    """Eligible and covered enterprises per district: one grouped query."""
    eligible = Q(narrow, eligible_q(threshold))
    covered = Q(eligible, has_active_union(as_of))
    aggregates = {
        "eligible": Count("pk", filter=eligible),
        "with_union": Count("pk", filter=covered),
    }
    if scope.counts_scoped:
        mine = scope.filter()
        aggregates |= {
            "scoped_eligible": Count("pk", filter=Q(eligible, mine)),
            "scoped_with_union": Count("pk", filter=Q(covered, mine)),
            # Whether the user reads any enterprise here at all, whatever the narrowing.
            "scoped_present": Count("pk", filter=mine),
        }
    rows = (
        Enterprise.objects.filter(district_id__in=district_ids)
        .order_by()
        .values("district_id")
        .annotate(**aggregates)
    )
    return {row.pop("district_id"): row for row in rows}


def _union_counts(
    district_ids: list[int], as_of: datetime.date, narrow: Q, scope: _Scope
) -> dict[int, dict[str, int]]:
    """Unions active on the date, and their reported members, per district: one grouped query."""
    aggregates = {
        "unions_total": Count("pk", filter=narrow),
        "union_members": Sum("members_reported", filter=narrow, default=0),
    }
    if scope.counts_scoped:
        mine = Q(narrow, scope.filter("enterprise__"))
        aggregates |= {
            "scoped_unions_total": Count("pk", filter=mine),
            "scoped_union_members": Sum("members_reported", filter=mine, default=0),
        }
    rows = (
        GrassrootsUnion.objects.active(as_of)
        .filter(enterprise__district_id__in=district_ids)
        .order_by()
        .values("enterprise__district_id")
        .annotate(**aggregates)
    )
    return {row.pop("enterprise__district_id"): row for row in rows}


def _row(
    unit: AdministrativeUnit,
    *,
    eligible: int,
    with_union: int,
    unions_total: int,
    union_members: int,
    with_members: bool,
) -> dict[str, Any]:
    row = {
        "code": unit.code,
        "name": unit.name,
        "eligible": eligible,
        "with_union": with_union,
        "coverage_pct": coverage_pct(with_union, eligible),
        "gap": eligible - with_union,
        "unions_total": unions_total,
    }
    if with_members:
        row["union_members"] = union_members
    return row
