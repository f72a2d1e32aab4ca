"""Loading a province: its units (`unions.territory.loading`), then its upper unions.

This is `manage.py load_units`: the provincial federation, a federation for each district of
the provinces of 30/6/2025 it was formed from, and the province's industrial-zone union, created
once and never deleted.
"""

from __future__ import annotations

from django.db import transaction

from unions.organisations.models import UpperUnion
from unions.territory.loading import EXTRAS, LoadedProvince, LoadSummary, ProvinceExtras, load_units
from unions.territory.models import AdministrativeUnit

Level = AdministrativeUnit.Level


@transaction.atomic
def load_province(code: str) -> LoadSummary:
    """Create or update the province's units and upper unions; idempotent, deletes nothing."""
    summary, loaded = load_units(code)
    _load_federations(loaded, summary)
    extras = EXTRAS.get(loaded.current.code, ProvinceExtras())
    if extras.zone_union_name:
        _get_or_create_union(
            summary,
            kind=UpperUnion.Kind.INDUSTRIAL_ZONE,
            district=None,
            name=extras.zone_union_name,
        )
    return summary


def _load_federations(loaded: LoadedProvince, summary: LoadSummary) -> None:
    _get_or_create_union(
        summary,
        kind=UpperUnion.Kind.PROVINCE_FEDERATION,
        district=None,
        name=f"Liên đoàn Lao động {_lower_first(loaded.current.name)}",
    )
    districts = AdministrativeUnit.objects.filter(
        level=Level.DISTRICT, parent__in=loaded.predecessors
    ).order_by("code")
    for district in districts:
        _get_or_create_union(
            summary,
            kind=UpperUnion.Kind.DISTRICT_FEDERATION,
            district=district,
            name=f"Liên đoàn Lao động {_lower_first(district.name)}",
        )


def _get_or_create_union(summary, *, kind, district, name) -> UpperUnion:
    union = UpperUnion.objects.filter(kind=kind, district=district).first()
    if union is None:
        union = UpperUnion(kind=kind, district=district, name=name)
        union.save()
        summary.created += 1
    return union


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]
