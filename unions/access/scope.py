"""A user's scope: the one `Access` object, and the filters every user-facing queryset uses.

The rules are DESIGN.md's "Access" table. Reads follow territory (an enterprise's district, or
for zone-union staff its managing union); writes follow the managing union, so district staff
read the industrial-park enterprises of their district but do not write them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
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

NOTHING = Q(pk__in=[])


@dataclass(frozen=True)
class ScopePaths:
    """Lookup paths from a queryset's rows to what scopes them: the district of the enterprise
    they belong to, and the upper union that manages it. None where a row has no such link."""

    district: str | None = None
    managing_union: str | None = None

    def under(self, prefix: str) -> ScopePaths:
        """The same paths seen from a row `prefix` away (`prefix` ends in ``__``)."""
        return ScopePaths(
            district=f"{prefix}{self.district}" if self.district else None,
            managing_union=f"{prefix}{self.managing_union}" if self.managing_union else None,
        )


# Rows that hang off nothing scoped: reference data every user with a role reads.
UNSCOPED = ScopePaths()


@dataclass(frozen=True)
class Access:
    """A user's role and territory, and every scope rule as a filter (`Q`) or a set of ids.

    Computed once per request (`access_for`). Reads follow territory: an enterprise's district,
    or for zone-union staff its managing union. Writes follow the managing union, so district
    staff read the industrial-park enterprises of their district but do not write them. Every
    scope check of the app (querysets, admin choices, imports, figures) asks this object.
    """

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

    @property
    def is_zone_staff(self) -> bool:
        return self.role == ZONE_STAFF

    # Reading ----------------------------------------------------------------------------------

    def read_q(self, paths: ScopePaths) -> Q:
        """The rows the user may read, for rows reached through `paths`."""
        if self.role is None:
            return NOTHING
        if self.province_wide or paths == UNSCOPED:
            return Q()
        if self.is_zone_staff:
            if paths.managing_union is None or self.upper_union_id is None:
                return NOTHING
            return Q(**{paths.managing_union: self.upper_union_id})
        if paths.district is None or self.district_id is None:
            return NOTHING
        return Q(**{paths.district: self.district_id})

    @cached_property
    def read_district_ids(self) -> frozenset[int] | None:
        """The districts where the user reads enterprises; None for province-wide readers.

        District users read their district; zone-union staff the districts where their union
        manages an enterprise (one query, the first time it is asked).
        """
        if self.province_wide:
            return None
        if self.role is None:
            return frozenset()
        if not self.is_zone_staff:
            return frozenset({self.district_id}) if self.district_id else frozenset()
        if self.upper_union_id is None:
            return frozenset()
        districts = (
            _upper_union_model()
            .objects.filter(pk=self.upper_union_id, managed_enterprises__isnull=False)
            .values_list("managed_enterprises__district", flat=True)
            .distinct()
        )
        return frozenset(districts)

    def districts_q(self, path: str) -> Q:
        """Rows attached to a district the user reads enterprises in (`path` leads to it)."""
        district_ids = self.read_district_ids
        if district_ids is None:
            return Q()
        return Q(**{f"{path}__in": sorted(district_ids)}) if district_ids else NOTHING

    def reads_district(self, district_id: int) -> bool:
        return self.read_district_ids is None or district_id in self.read_district_ids

    # Writing ----------------------------------------------------------------------------------

    def writable_unions_q(self) -> Q:
        """The upper unions whose enterprises the user may write, as a filter on upper unions."""
        if not self.can_write:
            return NOTHING
        if self.is_province_admin:
            return Q()
        if self.is_zone_staff:
            return Q(pk=self.upper_union_id) if self.upper_union_id else NOTHING
        if self.district_id is None:
            return NOTHING
        return Q(kind="district", district_id=self.district_id)

    def write_q(self, paths: ScopePaths) -> Q:
        """The rows the user may change: those their own upper union manages."""
        unions = self.writable_unions_q()
        if unions == Q() or unions == NOTHING:
            return unions
        if paths.managing_union is None:
            return NOTHING
        return _prefixed(unions, paths.managing_union)

    @cached_property
    def writable_unions(self) -> frozenset[int] | None:
        """`writable_unions_q` as a set of ids (None: every union), so that a bulk path checks
        each row without a query (one query, the first time it is asked)."""
        unions = self.writable_unions_q()
        if unions == Q():
            return None
        if unions == NOTHING:
            return frozenset()
        return frozenset(_upper_union_model().objects.filter(unions).values_list("pk", flat=True))

    def may_write(self, managing_union_id: int | None) -> bool:
        unions = self.writable_unions
        return unions is None or managing_union_id in unions

    def assignable_q(self, label: str) -> Q:
        """Reference rows (units, zones, upper unions; `label` as "app.model") a writer may put
        on a row they create or edit.

        Choosing another district, a zone the district does not manage or another federation
        would move the row out of the writer's territory, so those choices are not offered.
        """
        if self.is_province_admin:
            return Q()
        if not self.can_write:
            return NOTHING
        zone = self.is_zone_staff
        if label == "unions.administrativeunit":
            # Zone-union staff work in industrial parks across districts.
            return Q() if zone else Q(pk=self.district_id) | Q(parent_id=self.district_id)
        if label == "unions.upperunion":
            return self.writable_unions_q()
        if label == "unions.industrialzone":
            # An enterprise in an industrial park is the zone union's; a cluster the district's.
            return Q(kind="kcn") if zone else Q(district_id=self.district_id, kind="ccn")
        return Q()


def _prefixed(q: Q, prefix: str) -> Q:
    """A filter on upper unions as seen from a row whose `prefix` leads to its upper union."""
    children = [
        _prefixed(child, prefix)
        if isinstance(child, Q)
        else (prefix if child[0] == "pk" else f"{prefix}__{child[0]}", child[1])
        for child in q.children
    ]
    prefixed = Q(*children, _connector=q.connector, _negated=q.negated)
    return prefixed


def _staff_scope_model():
    from unions.access.models import StaffScope

    return StaffScope


def _upper_union_model():
    """Upper unions, reached through the staff scope's link: access sits below organisations."""
    return _staff_scope_model()._meta.get_field("upper_union").related_model


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
    names = set(user.groups.values_list("name", flat=True))
    role = next((role for role in ROLES if role in names), None)
    if role is None or role in PROVINCE_WIDE_READERS:
        return Access(role=role)
    scope = (
        _staff_scope_model()
        .objects.filter(user=user)
        .values("district_id", "upper_union_id")
        .first()
    )
    if scope is None:
        return Access(role=None)
    return Access(
        role=role, district_id=scope["district_id"], upper_union_id=scope["upper_union_id"]
    )


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may read and write.

    Subclasses name the paths from their rows to an enterprise's district and managing union
    (`scope_paths`); `for_user` and `writable_by` then apply the user's `Access`.
    """

    scope_paths: ScopePaths = UNSCOPED

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ScopedQuerySet:
        return self.filter(access_for(user).read_q(self.scope_paths))

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ScopedQuerySet:
        return self.filter(access_for(user).write_q(self.scope_paths))
