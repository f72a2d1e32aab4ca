"""Staff accounts: a role (a Django group) and a scope (a district or an upper union).

`create_staff` is the one way the project makes them: `manage.py create_staff` and `seed_demo`
both call it. It is idempotent: run again, it updates the role, scope and password.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from unions.access import (
    DISTRICT_STAFF,
    PARTY_VIEWER_DISTRICT,
    ROLES,
    ZONE_STAFF,
    sync_role_groups,
)
from unions.access.models import StaffScope
from unions.organisations.models import UpperUnion
from unions.territory.models import AdministrativeUnit

DISTRICT_ROLES = frozenset({DISTRICT_STAFF, PARTY_VIEWER_DISTRICT})
UNION_ROLES = frozenset({ZONE_STAFF})
# Upper unions whose staff have their own scope; a district federation's staff use --district.
SCOPE_UNION_KINDS = frozenset({UpperUnion.Kind.INDUSTRIAL_ZONE, UpperUnion.Kind.SECTOR})


@transaction.atomic
def create_staff(
    *,
    username: str,
    role: str,
    password: str,
    district_code: str | None = None,
    upper_union_id: int | None = None,
) -> User:
    """Create or update a staff user with exactly one role and the scope that role needs.

    Raises ValidationError (with a code) when the role and scope do not fit together.
    """
    district, upper_union = _scope_for(role, district_code, upper_union_id)
    if not password:
        raise ValidationError(_("A password is required."), code="password_required")
    User._meta.get_field("username").run_validators(username)

    user = User.objects.filter(username=username).first() or User(username=username)
    user.is_staff = True
    user.is_active = True
    user.set_password(password)
    user.save()

    user.groups.remove(*Group.objects.filter(name__in=ROLES))
    user.groups.add(_role_group(role))
    if district is None and upper_union is None:
        StaffScope.objects.filter(user=user).delete()
    else:
        StaffScope.objects.update_or_create(
            user=user, defaults={"district": district, "upper_union": upper_union}
        )
    user.__dict__.pop("_access", None)  # a role cached earlier in this process is stale now
    return user


def _scope_for(
    role: str, district_code: str | None, upper_union_id: int | None
) -> tuple[AdministrativeUnit | None, UpperUnion | None]:
    if role not in ROLES:
        raise ValidationError(
            _("Unknown role %(role)s. Choose one of: %(roles)s.")
            % {"role": role, "roles": ", ".join(ROLES)},
            code="unknown_role",
        )
    if role in DISTRICT_ROLES:
        if not district_code:
            raise ValidationError(
                _("The role %(role)s needs a district (--district GSO code).") % {"role": role},
                code="district_required",
            )
        if upper_union_id:
            raise ValidationError(
                _("The role %(role)s takes a district, not an upper union.") % {"role": role},
                code="upper_union_not_allowed",
            )
        return _district(district_code), None
    if role in UNION_ROLES:
        if not upper_union_id:
            raise ValidationError(
                _("The role %(role)s needs an upper union (--upper-union ID).") % {"role": role},
                code="upper_union_required",
            )
        if district_code:
            raise ValidationError(
                _("The role %(role)s takes an upper union, not a district.") % {"role": role},
                code="district_not_allowed",
            )
        return None, _upper_union(upper_union_id)
    if district_code or upper_union_id:
        raise ValidationError(
            _("The role %(role)s covers the whole province: give no district or upper union.")
            % {"role": role},
            code="scope_not_allowed",
        )
    return None, None


def _district(code: str) -> AdministrativeUnit:
    district = AdministrativeUnit.objects.filter(
        code=code.strip().zfill(3), level=AdministrativeUnit.Level.DISTRICT
    ).first()
    if district is None:
        raise ValidationError(
            _("No district has the GSO code %(code)s. Load the units first (load_units).")
            % {"code": code},
            code="unknown_district",
        )
    return district


def _upper_union(upper_union_id: int) -> UpperUnion:
    union = UpperUnion.objects.filter(pk=upper_union_id).first()
    if union is None:
        raise ValidationError(
            _("No upper union has the id %(id)s.") % {"id": upper_union_id},
            code="unknown_upper_union",
        )
    if union.kind not in SCOPE_UNION_KINDS:
        raise ValidationError(
            _("%(union)s is a labour federation: give its district (--district) instead.")
            % {"union": union},
            code="federation_as_upper_union",
        )
    return union


def _role_group(role: str) -> Group:
    group = Group.objects.filter(name=role).first()
    if group is None:
        # A database whose groups were removed (a flush): put them back with their permissions.
        sync_role_groups()
        group = Group.objects.get(name=role)
    return group
