"""Placing stored enterprises in their commune of today, through the crosswalk.

An enterprise imported before the two-level territory knows its district and commune of
30/6/2025 only. Once `load_units` has linked those communes to what they became, each such
enterprise takes the default successor of its commune as its current commune; one known only by
its district stays unplaced (TERRITORY.md, "Nothing lost on upgrade").
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Subquery

from unions.enterprises.models import Enterprise
from unions.territory.models import UnitSuccession


def place_by_crosswalk() -> int:
    """Give every enterprise without a current commune its former commune's default successor;
    returns how many were placed. One statement, so it costs the same for any number."""
    default_successor = UnitSuccession.objects.filter(
        former_id=OuterRef("commune_id"), is_default=True, successor__valid_until__isnull=True
    )
    return (
        Enterprise.objects.filter(current_commune__isnull=True, commune__isnull=False)
        .filter(Exists(default_successor))
        .update(current_commune=Subquery(default_successor.values("successor_id")[:1]))
    )
