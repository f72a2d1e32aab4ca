"""A small province for access tests: the same rows in four territories a user may or may not see.

- `own`: Thành phố Bắc Giang (213), managed by its federation;
- `own_kcn`: an enterprise of 213 inside KCN Song Khê – Nội Hoàng, managed by the zone union;
- `other`: Huyện Yên Thế (215), managed by its federation;
- `other_kcn`: an enterprise of Việt Yên (222) inside KCN Quang Châu, managed by the zone union.

Every row's name carries its territory's ASCII marker, so a test can look for the marker (and the
tax code and national ID) of every territory a user must not see in any response body.

Later models join the world by appending a builder to `BUILDERS`: a function taking a `Territory`
and creating that model's rows for it, with `territory.marker` in their names (their `str`).
`test_registry.test_world_has_rows_of_every_scoped_model` fails until a builder exists.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from tests.factories import make_enterprise, make_member, make_union
from unions import access
from unions.models import Enterprise, GrassrootsUnion, Headcount, IndustrialZone, Member


@dataclass
class Territory:
    key: str
    marker: str
    district_code: str
    enterprise: Enterprise
    union: GrassrootsUnion
    member: Member
    extras: dict[str, object] = field(default_factory=dict)

    @property
    def secrets(self) -> list[str]:
        """Strings of this territory that nobody outside it may ever be shown."""
        return [self.marker, self.enterprise.tax_code, self.member.national_id]


# Builders for later models: each takes a Territory and creates rows in it.
BUILDERS: list[Callable[[Territory], None]] = []
# Scoped models whose rows carry no territory marker, and why (the registry test still requests
# their pages; only the per-territory checks skip them).
UNMARKED_MODELS = {
    # Read by district: zone-union staff read every Party organisation of the districts their
    # enterprises lie in, so a 213 organisation is neither "own" nor "own_kcn" only.
    "referrals.partyorganization": "read by district, not by managing union",
    "unions.importbatch": "made by imports; scoped with the import engine's tests",
}

SPECS = {
    # key: (marker, district code, industrial-park district code or None)
    "own": ("Alphaown", "213", None),
    "own_kcn": ("Bravokcn", "213", "213"),
    "other": ("Charlieother", "215", None),
    "other_kcn": ("Deltakcn", "222", "222"),
}
ALL = frozenset(SPECS)
# Which territories each role reads, from DESIGN.md's "Access" table (district roles: 213).
VISIBLE = {
    access.PROVINCE_ADMIN: ALL,
    access.PARTY_VIEWER_PROVINCE: ALL,
    access.DISTRICT_STAFF: frozenset({"own", "own_kcn"}),
    access.PARTY_VIEWER_DISTRICT: frozenset({"own", "own_kcn"}),
    access.ZONE_STAFF: frozenset({"own_kcn", "other_kcn"}),
    None: frozenset(),
}
# ... and which they write: the managing union decides.
WRITABLE = {
    access.PROVINCE_ADMIN: ALL,
    access.DISTRICT_STAFF: frozenset({"own"}),
    access.ZONE_STAFF: frozenset({"own_kcn", "other_kcn"}),
}


def make_territory(key: str, serial: int) -> Territory:
    marker, district_code, park_district = SPECS[key]
    zone = None
    if park_district:
        zone = (
            IndustrialZone.objects.filter(
                district__code=park_district, kind=IndustrialZone.Kind.INDUSTRIAL_PARK
            )
            .order_by("pk")
            .first()
        )
    enterprise = make_enterprise(
        name=f"Công ty TNHH {marker}", district=district_code, industrial_zone=zone, workers=80
    )
    union = make_union(enterprise, name=f"Công đoàn cơ sở {marker}")
    member = make_member(
        union, full_name=f"Nguyễn Thị {marker}", national_id=f"02409000{serial:04d}"
    )
    Headcount.objects.create(enterprise=enterprise, on=datetime.date(2024, 1, 1), workers=75)
    return Territory(key, marker, district_code, enterprise, union, member)


def make_world() -> dict[str, Territory]:
    world = {key: make_territory(key, 1000 + index) for index, key in enumerate(SPECS)}
    for builder in BUILDERS:
        for territory in world.values():
            builder(territory)
    return world


def build_referrals(territory: Territory) -> None:
    """Commendation, class, enrollment, Party cell and referral of the territory's member."""
    from referrals.models import (
        AwarenessClass,
        Commendation,
        Enrollment,
        PartyOrganization,
        Referral,
    )

    member, marker = territory.member, territory.marker
    Commendation.objects.create(
        member=member, title=f"Chiến sĩ thi đua {marker}", date=datetime.date(2024, 3, 8)
    )
    awareness_class = AwarenessClass(
        title=f"Lớp nhận thức về Đảng {marker}",
        district=territory.enterprise.district,
        upper_union=territory.enterprise.managing_union,
        starts_on=datetime.date(2024, 5, 6),
        ends_on=datetime.date(2024, 5, 10),
    )
    awareness_class.save()
    Enrollment.objects.create(awareness_class=awareness_class, member=member, attended=True)
    cell = PartyOrganization(
        name=f"Chi bộ thử nghiệm {territory.key}", district=territory.enterprise.district
    )
    cell.save()
    referral = Referral(member=member, union=territory.union, party_organization=cell)
    referral.save()
    territory.extras.update(awareness_class=awareness_class, referral=referral, cell=cell)


BUILDERS.append(build_referrals)
