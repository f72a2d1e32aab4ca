"""Who may read and write what: roles, each user's scope, and the filters built from them.

- `roles`: the five roles and the admin permissions each holds;
- `scope`: the `Access` object of a user and the `Q` filters of reads and writes;
- `guards`: guards for pages outside the admin, and masked national IDs;
- `models`: where staff work (`StaffScope`) and the read log; `auditing` writes the log.

This is the lowest layer with models: it knows units and upper unions only by id and by the
lookup paths each queryset names (see docs/architecture.md).
"""

from unions.access.guards import SAFE_METHODS, mask_national_id, national_id_for, role_required
from unions.access.roles import (
    ACTIONS,
    ADMIN_ONLY_MODELS,
    DATA_APPS,
    DISTRICT_STAFF,
    PARTY_VIEWER_DISTRICT,
    PARTY_VIEWER_PROVINCE,
    PROVINCE_ADMIN,
    PROVINCE_WIDE_READERS,
    REFERENCE_MODELS,
    ROLE_LABELS,
    ROLES,
    STAFF_PERMISSIONS,
    VIEWER_ROLES,
    ZONE_STAFF,
    create_all_permissions,
    is_admin_only,
    role_permissions,
    sync_role_groups,
    sync_roles_after_migrate,
)
from unions.access.scope import (
    NOTHING,
    UNSCOPED,
    Access,
    ScopedQuerySet,
    ScopePaths,
    access_for,
)

__all__ = [
    "ACTIONS",
    "ADMIN_ONLY_MODELS",
    "DATA_APPS",
    "DISTRICT_STAFF",
    "NOTHING",
    "PARTY_VIEWER_DISTRICT",
    "PARTY_VIEWER_PROVINCE",
    "PROVINCE_ADMIN",
    "PROVINCE_WIDE_READERS",
    "REFERENCE_MODELS",
    "ROLES",
    "ROLE_LABELS",
    "SAFE_METHODS",
    "STAFF_PERMISSIONS",
    "VIEWER_ROLES",
    "ZONE_STAFF",
    "Access",
    "ScopePaths",
    "ScopedQuerySet",
    "UNSCOPED",
    "access_for",
    "create_all_permissions",
    "is_admin_only",
    "mask_national_id",
    "national_id_for",
    "role_permissions",
    "role_required",
    "sync_role_groups",
    "sync_roles_after_migrate",
]
