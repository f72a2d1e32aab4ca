"""Roles as groups: the permission table, the data migration's groups, and create_staff."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission, User
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from tests.factories import zone_union
from unions import access
from unions.models import Enterprise, GrassrootsUnion, Member, ReadLog, StaffScope, UpperUnion
from unions.staff import create_staff

pytestmark = pytest.mark.django_db

STAFF = (access.DISTRICT_STAFF, access.ZONE_STAFF)
VIEWERS = (access.PARTY_VIEWER_PROVINCE, access.PARTY_VIEWER_DISTRICT)


def codenames(role: str) -> set[str]:
    group = Group.objects.get(name=role)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


# --- The table, as DESIGN.md words it --------------------------------------------------------


@pytest.mark.parametrize("role", STAFF)
def test_staff_write_data_but_never_delete_enterprises(role):
    assert access.role_permissions(role, Enterprise) == {"view", "add", "change"}
    for model in (GrassrootsUnion, Member):
        assert access.role_permissions(role, model) == {"view", "add", "change", "delete"}


@pytest.mark.parametrize("role", VIEWERS)
def test_viewers_only_view_data(role):
    for model in (Enterprise, GrassrootsUnion, Member, UpperUnion):
        assert access.role_permissions(role, model) == {"view"}


@pytest.mark.parametrize("role", [*STAFF, *VIEWERS])
def test_only_provincial_admins_hold_users_logs_and_tasks(role):
    admin_only = [
        User,
        Group,
        ReadLog,
        StaffScope,
        apps.get_model("axes", "AccessAttempt"),
        apps.get_model("django_tasks_database", "DBTaskResult"),
        apps.get_model("otp_totp", "TOTPDevice"),
    ]
    for model in admin_only:
        assert access.is_admin_only(model)
        assert access.role_permissions(role, model) == frozenset()
        assert access.role_permissions(access.PROVINCE_ADMIN, model) == set(access.ACTIONS)


def test_staff_only_read_territory_and_upper_unions():
    for model in (UpperUnion, apps.get_model("unions", "AdministrativeUnit")):
        assert access.role_permissions(access.DISTRICT_STAFF, model) == {"view"}


# --- The groups the migration and post_migrate write -----------------------------------------


def test_the_five_role_groups_exist_with_their_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(access.ROLES)
    district = codenames(access.DISTRICT_STAFF)
    assert {
        "unions.add_enterprise",
        "unions.change_enterprise",
        "unions.view_enterprise",
    } <= district
    assert "unions.delete_enterprise" not in district
    assert "unions.delete_member" in district
    assert not any(name.startswith(("auth.", "axes.", "django_tasks")) for name in district)
    assert "unions.view_readlog" not in district
    viewer = codenames(access.PARTY_VIEWER_PROVINCE)
    assert "unions.view_member" in viewer
    assert not any(name.split(".")[1].startswith(("add_", "change_", "delete_")) for name in viewer)
    assert codenames(access.PROVINCE_ADMIN) == {
        f"{p.content_type.app_label}.{p.codename}"
        for p in Permission.objects.select_related("content_type")
    }


def test_later_models_get_permissions_when_the_groups_are_synced():
    # referrals' models came after the data migration: post_migrate gave them to the groups.
    assert "referrals.change_referral" in codenames(access.DISTRICT_STAFF)
    assert "referrals.view_referral" in codenames(access.PARTY_VIEWER_DISTRICT)
    assert "referrals.change_referral" not in codenames(access.PARTY_VIEWER_DISTRICT)


def test_sync_restores_the_table_and_is_idempotent():
    group = Group.objects.get(name=access.PARTY_VIEWER_PROVINCE)
    group.permissions.add(Permission.objects.get(codename="delete_member"))
    access.sync_role_groups()
    access.sync_role_groups()
    assert "unions.delete_member" not in codenames(access.PARTY_VIEWER_PROVINCE)
    assert Group.objects.filter(name__in=access.ROLES).count() == len(access.ROLES)


# --- create_staff -----------------------------------------------------------------------------


def test_create_staff_makes_a_district_officer_who_reads_only_their_district():
    user = create_staff(
        username="cb_yendung",
        role=access.DISTRICT_STAFF,
        password="x-Pass-2024",
        district_code="213",
    )
    assert user.is_staff and user.check_password("x-Pass-2024")
    assert access.access_for(User.objects.get(pk=user.pk)) == access.Access(
        role=access.DISTRICT_STAFF, district_id=user.scope.district_id
    )
    assert user.scope.district.code == "213"


def test_create_staff_updates_role_scope_and_password_of_an_existing_user():
    create_staff(
        username="cb", role=access.DISTRICT_STAFF, password="first-Pass-1", district_code="213"
    )
    user = create_staff(
        username="cb",
        role=access.ZONE_STAFF,
        password="second-Pass-2",
        upper_union_id=zone_union().pk,
    )
    user = User.objects.get(pk=user.pk)
    assert list(user.groups.values_list("name", flat=True)) == [access.ZONE_STAFF]
    assert user.scope.district is None and user.scope.upper_union == zone_union()
    assert user.check_password("second-Pass-2")
    assert User.objects.filter(username="cb").count() == 1
    create_staff(username="cb", role=access.PARTY_VIEWER_PROVINCE, password="third-Pass-3")
    assert not StaffScope.objects.filter(user=user).exists()


@pytest.mark.parametrize(
    ("role", "district", "union", "code"),
    [
        ("chairman", None, None, "unknown_role"),
        (access.DISTRICT_STAFF, None, None, "district_required"),
        (access.PARTY_VIEWER_DISTRICT, None, None, "district_required"),
        (access.DISTRICT_STAFF, "999", None, "unknown_district"),
        (access.DISTRICT_STAFF, "213", "zone", "upper_union_not_allowed"),
        (access.ZONE_STAFF, None, None, "upper_union_required"),
        (access.ZONE_STAFF, "213", "zone", "district_not_allowed"),
        (access.ZONE_STAFF, None, "federation", "federation_as_upper_union"),
        (access.PROVINCE_ADMIN, "213", None, "scope_not_allowed"),
        (access.PARTY_VIEWER_PROVINCE, None, "zone", "scope_not_allowed"),
    ],
)
def test_create_staff_refuses_a_scope_that_does_not_fit_the_role(role, district, union, code):
    union_id = {
        "zone": lambda: zone_union().pk,
        "federation": lambda: UpperUnion.objects.get(kind="district", district__code="213").pk,
        None: lambda: None,
    }[union]()
    with pytest.raises(ValidationError) as error:
        create_staff(
            username="x",
            role=role,
            password="x-Pass-2024",
            district_code=district,
            upper_union_id=union_id,
        )
    assert error.value.code == code
    assert not User.objects.filter(username="x").exists()


def test_create_staff_command_creates_and_reports(capsys):
    call_command(
        "create_staff",
        "xem_yenthe",
        "--role",
        access.PARTY_VIEWER_DISTRICT,
        "--district",
        "215",
        "--password",
        "Xem-Yen-The-2024",
    )
    user = User.objects.get(username="xem_yenthe")
    assert user.scope.district.code == "215"
    assert "xem_yenthe" in capsys.readouterr().out


def test_create_staff_command_refuses_a_district_role_without_a_district():
    with pytest.raises(CommandError):
        call_command(
            "create_staff", "cb", "--role", access.DISTRICT_STAFF, "--password", "Cb-Pass-2024"
        )
    assert not User.objects.filter(username="cb").exists()


def test_create_staff_command_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("create_staff", "cb", "--role", access.PROVINCE_ADMIN, "--password", "123")
    assert not User.objects.filter(username="cb").exists()
