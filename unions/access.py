"""Who may read and write what: roles, scopes and the filters every user-facing queryset uses.

The rules are DESIGN.md's "Access" table. Reads follow territory (an enterprise's district, or
for zone-union staff its managing union); writes follow the managing union, so district staff
read the industrial-park enterprises of their district but do not write them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import Model
    from django.http import HttpRequest, HttpResponse

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


# --- Roles as Django groups ---------------------------------------------------------------------
#
# The permission table below is DESIGN.md's "Access" table in Django's terms. A data migration
# and every later `migrate` (post_migrate) write it into the five groups, so a model added later
# gets its permissions without a new migration. `ScopedAdmin` then checks the permission AND the
# territory.

ACTIONS = ("view", "add", "change", "delete")
# The project's own apps hold the data staff work on; every other app's models (users, groups,
# login logs, task results, OTP devices, sessions) are for provincial admins only.
DATA_APPS = frozenset({"unions", "referrals"})
ADMIN_ONLY_MODELS = {
    "unions.staffscope",
    "unions.readlog",
    "unions.passwordchangefailures",
    "unions.secondfactorenrolment",
}
# Staff read these and provincial admins keep them: territory, upper unions and targets.
REFERENCE_MODELS = {
    "unions.administrativeunit",
    "unions.unitalias",
    "unions.industrialzone",
    "unions.upperunion",
    "referrals.target",
}
# Staff permissions that differ from the default (all four) for a data model.
STAFF_PERMISSIONS = {
    # Enterprises are dissolved, never deleted, by district and zone staff.
    "unions.enterprise": frozenset({"view", "add", "change"}),
    # Batches are written by imports and kept as their record.
    "unions.importbatch": frozenset({"view", "add"}),
}


def is_admin_only(model: type[Model]) -> bool:
    """Users, logs, tasks and the like: 403 for everyone but provincial admins."""
    opts = model._meta
    return opts.app_label not in DATA_APPS or opts.label_lower in ADMIN_ONLY_MODELS


def _is_history_model(model: type[Model]) -> bool:
    return any(field.name == "history_id" for field in model._meta.fields)


def role_permissions(role: str, model: type[Model]) -> frozenset[str]:
    """The admin actions (view/add/change/delete) a role holds on a model, territory aside."""
    if role == PROVINCE_ADMIN:
        return frozenset(ACTIONS)
    if role not in ROLES or is_admin_only(model) or _is_history_model(model):
        return frozenset()
    if role in VIEWER_ROLES:
        return frozenset({"view"})
    label = model._meta.label_lower
    if label in REFERENCE_MODELS:
        return frozenset({"view"})
    return STAFF_PERMISSIONS.get(label, frozenset(ACTIONS))


def sync_role_groups(apps: Apps = global_apps, using: str = "default") -> None:
    """Create the five role groups and give each exactly the permissions of the table above.

    Works with a migration's historical `apps` as well as the live registry. Provincial admins
    also get every custom permission; other roles only the four standard ones.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(Permission.objects.using(using).select_related("content_type"))
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for permission in permissions:
            content_type = permission.content_type
            try:
                model = apps.get_model(content_type.app_label, content_type.model)
            except LookupError:
                continue  # a stale content type: its model is gone
            if role == PROVINCE_ADMIN:
                wanted.append(permission)
                continue
            allowed = role_permissions(role, model)
            if permission.codename in {f"{action}_{content_type.model}" for action in allowed}:
                wanted.append(permission)
        group.permissions.set(wanted)


def create_all_permissions(apps: Apps = global_apps, using: str = "default") -> None:
    """Django creates permissions app by app after `migrate`; the groups need all of them."""
    from django.contrib.auth.management import create_permissions

    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using, apps=apps)


def sync_roles_after_migrate(sender, app_config=None, using="default", apps=global_apps, **kwargs):
    """post_migrate receiver: keep the groups in step with the models after every migrate."""
    create_all_permissions(apps=apps, using=using)
    sync_role_groups(apps=apps, using=using)


# --- Masking and view guards --------------------------------------------------------------------


def mask_national_id(national_id: str | None) -> str:
    """All but the last three digits hidden: enough to tell two people apart on a call."""
    if not national_id:
        return "—"
    return "•" * (len(national_id) - 3) + national_id[-3:]


def national_id_for(user: AbstractBaseUser | AnonymousUser, national_id: str | None) -> str:
    """A national ID as this user may see it: masked for Party viewers, in full for staff."""
    if access_for(user).is_viewer:
        return mask_national_id(national_id)
    return national_id or ""


def role_required(
    *, write: bool = False, roles: frozenset[str] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Guard a non-admin view: sign-in required (redirect), a role (403), optionally a writer.

    Any POST by a Party viewer is refused, whatever the view says.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            access = access_for(request.user)
            if access.role is None or (roles is not None and access.role not in roles):
                raise PermissionDenied
            if (write or request.method not in SAFE_METHODS) and not access.can_write:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
