"""Who may read and write what: roles, scopes and the filters every user-facing queryset uses.

The rules are DESIGN.md's "Access" table. Reads follow territory (an enterprise's district, or
for zone-union staff its managing union); writes follow the managing union, so district staff
read the industrial-park enterprises of their district but do not write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

PROVINCE_ADMIN = "province_admin"
DISTRICT_STAFF = "district_staff"
ZONE_STAFF = "zone_staff"
PARTY_VIEWER_PROVINCE = "party_viewer_province"
PARTY_VIEWER_DISTRICT = "party_viewer_district"

ROLE_LABELS = {
    PROVINCE_ADMIN: _("provincial admin"),
    DISTRICT_STAFF: _("district union staff"),
    ZONE_STAFF: _("industrial-zone union staff"),
    PARTY_VIEWER_PROVINCE: _("Party viewer (province)"),
    PARTY_VIEWER_DISTRICT: _("Party viewer (district)"),
}
# Checked in this order, so a user put in two groups by mistake gets the narrower reading.
ROLES = (
    PARTY_VIEWER_DISTRICT,
    PARTY_VIEWER_PROVINCE,
    ZONE_STAFF,
    DISTRICT_STAFF,
    PROVINCE_ADMIN,
)
VIEWER_ROLES = frozenset({PARTY_VIEWER_PROVINCE, PARTY_VIEWER_DISTRICT})
PROVINCE_WIDE_READERS = frozenset({PROVINCE_ADMIN, PARTY_VIEWER_PROVINCE})
NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class Access:
    """A user's role and territory, computed once per request."""

    role: str | None
    district_id: int | None = None
    upper_union_id: int | None = None

    @property
    def is_viewer(self) -> bool:
        return self.role in VIEWER_ROLES

    @property
    def can_write(self) -> bool:
        return self.role is not None and not self.is_viewer

    @property
    def province_wide(self) -> bool:
        return self.role in PROVINCE_WIDE_READERS

    @property
    def is_province_admin(self) -> bool:
        return self.role == PROVINCE_ADMIN


def access_for(user: AbstractBaseUser | AnonymousUser) -> Access:
    """The user's role and scope; cached on the user object for the rest of the request."""
    cached = getattr(user, "_access", None)
    if cached is not None:
        return cached
    access = _compute_access(user)
    if user.is_authenticated:
        user._access = access
    return access


def _compute_access(user: AbstractBaseUser | AnonymousUser) -> Access:
    if not user.is_authenticated or not user.is_active:
        return Access(role=None)
    if user.is_superuser:
        return Access(role=PROVINCE_ADMIN)
    from unions.models import StaffScope

    names = set(user.groups.values_list("name", flat=True))
    role = next((role for role in ROLES if role in names), None)
    if role is None or role in PROVINCE_WIDE_READERS:
        return Access(role=role)
    scope = StaffScope.objects.filter(user=user).values("district_id", "upper_union_id").first()
    if scope is None:
        return Access(role=None)
    return Access(role=role, district_id=scope["district_id"],
                  upper_union_id=scope["upper_union_id"])


def scope_filter(
    user: AbstractBaseUser | AnonymousUser, district_path: str | None, union_path: str | None
) -> Q:
    """A filter for rows the user may read; paths lead from the row to its district and union."""
    access = access_for(user)
    if access.role is None:
        return NOTHING
    if access.province_wide or (district_path is None and union_path is None):
        return Q()
    if access.role == ZONE_STAFF:
        if union_path is None or access.upper_union_id is None:
            return NOTHING
        return Q(**{union_path: access.upper_union_id})
    if district_path is None or access.district_id is None:
        return NOTHING
    return Q(**{district_path: access.district_id})


def write_filter(
    user: AbstractBaseUser | AnonymousUser, district_path: str | None, union_path: str | None
) -> Q:
    """A filter for rows the user may change: those their own upper union manages."""
    access = access_for(user)
    if not access.can_write:
        return NOTHING
    if access.is_province_admin:
        return Q()
    if union_path is None:
        return NOTHING
    if access.role == ZONE_STAFF:
        return Q(**{union_path: access.upper_union_id}) if access.upper_union_id else NOTHING
    if access.district_id is None:
        return NOTHING
    return Q(**{f"{union_path}__kind": "district", f"{union_path}__district": access.district_id})
