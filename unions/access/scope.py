"""A user's scope: the one `Access` object, and the filters every user-facing queryset uses.

The rules are DESIGN.md's "Access" table. Reads follow territory (an enterprise's district, or
for zone-union staff its managing union); writes follow the managing union, so district staff
read the industrial-park enterprises of their district but do not write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from unions.access.roles import (
    PROVINCE_ADMIN,
    PROVINCE_WIDE_READERS,
    ROLES,
    VIEWER_ROLES,
    ZONE_STAFF,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import Model

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
    from unions.access.models import StaffScope

    names = set(user.groups.values_list("name", flat=True))
    role = next((role for role in ROLES if role in names), None)
    if role is None or role in PROVINCE_WIDE_READERS:
        return Access(role=role)
    scope = StaffScope.objects.filter(user=user).values("district_id", "upper_union_id").first()
    if scope is None:
        return Access(role=None)
    return Access(
        role=role, district_id=scope["district_id"], upper_union_id=scope["upper_union_id"]
    )


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


def assignable_filter(user: AbstractBaseUser | AnonymousUser, model: type[Model]) -> Q:
    """Reference rows (units, zones, upper unions) a writer may put on a row they create or edit.

    Choosing another district, a zone the district does not manage or another federation would
    move the row out of the writer's territory, so those choices are not offered at all.
    """
    access = access_for(user)
    if access.is_province_admin:
        return Q()
    if not access.can_write:
        return NOTHING
    label = model._meta.label_lower
    zone = access.role == ZONE_STAFF
    if label == "unions.administrativeunit":
        # Zone-union staff work in industrial parks across districts.
        if zone:
            return Q()
        return Q(pk=access.district_id) | Q(parent_id=access.district_id)
    if label == "unions.upperunion":
        if zone:
            return Q(pk=access.upper_union_id)
        return Q(kind="district", district_id=access.district_id)
    if label == "unions.industrialzone":
        # An enterprise in an industrial park is the zone union's; a cluster stays the district's.
        if zone:
            return Q(kind="kcn")
        return Q(district_id=access.district_id, kind="ccn")
    return Q()


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may read.

    Subclasses name the lookup paths from their rows to an enterprise's district and managing
    union; `for_user` then applies the user's scope (see `unions.access`).
    """

    district_path: str | None = None
    managing_union_path: str | None = None

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ScopedQuerySet:
        return self.filter(scope_filter(user, self.district_path, self.managing_union_path))

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ScopedQuerySet:
        return self.filter(write_filter(user, self.district_path, self.managing_union_path))
