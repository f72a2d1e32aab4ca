"""Roles: the five kinds of user, and the admin permissions each holds (DESIGN.md, "Access").

The permission table below is DESIGN.md's "Access" table in Django's terms. A data migration
and every later `migrate` (post_migrate) write it into the five groups, so a model added later
gets its permissions without a new migration. `ScopedAdmin` then checks the permission AND the
territory.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.apps.registry import Apps
    from django.db.models import Model

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
# Data that Party viewers never read: import reports hold the rows of the files, national IDs
# included, and the import screens are for staff only.
STAFF_ONLY_MODELS = frozenset({"unions.importbatch"})


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
    label = model._meta.label_lower
    if role in VIEWER_ROLES:
        return frozenset() if label in STAFF_ONLY_MODELS else frozenset({"view"})
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
