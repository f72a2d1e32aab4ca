"""Which upper union manages an enterprise: the rule, and one resolver that every path uses.

The zone union manages an enterprise inside an industrial park; otherwise its district's
federation does (DESIGN.md, "Domain model"), and the provincial federation one that a list of
since 1/7/2025 placed without a district. Commune unions join this rule with the territory's
organisations (TERRITORY.md, "Managing union"). `ManagingUnions.load()` reads the upper unions and
the zones' kinds once (two queries), then answers for any number of enterprises from dicts: the
admin's save, the imports and the demo data all ask it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from unions.organisations.models import UpperUnion
from unions.territory.models import IndustrialZone


@dataclass(frozen=True)
class ManagingUnions:
    """The upper unions an enterprise can be managed by, by what decides between them."""

    zone_union_id: int | None = None
    federations: dict[int, int] = field(default_factory=dict)  # district id -> federation id
    industrial_parks: frozenset[int] = frozenset()  # ids of the zones that are parks (KCN)
    province_federation_id: int | None = None

    @classmethod
    def load(cls) -> ManagingUnions:
        unions = UpperUnion.objects.order_by("id").values_list("id", "kind", "district_id")
        parks = IndustrialZone.objects.filter(kind=IndustrialZone.Kind.INDUSTRIAL_PARK)
        return cls.from_rows(unions, parks.values_list("id", flat=True))

    @classmethod
    def from_rows(
        cls, unions: Iterable[tuple[int, str, int | None]], industrial_parks: Iterable[int]
    ) -> ManagingUnions:
        """From upper unions as (id, kind, district id) in id order, and the parks' ids."""
        federations: dict[int, int] = {}
        zone_union_id = province_federation_id = None
        for pk, kind, district_id in unions:
            if kind == UpperUnion.Kind.DISTRICT_FEDERATION and district_id:
                federations.setdefault(district_id, pk)
            elif kind == UpperUnion.Kind.INDUSTRIAL_ZONE and zone_union_id is None:
                zone_union_id = pk
            elif kind == UpperUnion.Kind.PROVINCE_FEDERATION and province_federation_id is None:
                province_federation_id = pk
        return cls(zone_union_id, federations, frozenset(industrial_parks), province_federation_id)

    def for_enterprise(self, *, district_id: int | None, zone_id: int | None) -> int | None:
        """The id of the union that manages an enterprise of that district and zone."""
        if zone_id in self.industrial_parks and self.zone_union_id is not None:
            return self.zone_union_id
        if district_id is None:
            # Placed by a list of since 1/7/2025, which names no district (TERRITORY.md).
            return self.province_federation_id
        return self.federations.get(district_id)
