"""Small builders for test data: `make_<thing>(**overrides)`, each with realistic defaults."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group, User

from unions.models import (
    AdministrativeUnit,
    Enterprise,
    GrassrootsUnion,
    IndustrialZone,
    Member,
    StaffScope,
    UpperUnion,
)
from unions.taxcode import make_tax_code

_serial = itertools.count(1)


def district(code: str = "213") -> AdministrativeUnit:
    return AdministrativeUnit.objects.get(code=code)


def federation(district_code: str = "213") -> UpperUnion:
    return UpperUnion.objects.get(
        kind=UpperUnion.Kind.DISTRICT_FEDERATION, district__code=district_code
    )


def zone_union() -> UpperUnion:
    return UpperUnion.objects.get(kind=UpperUnion.Kind.INDUSTRIAL_ZONE)


def zone(name_key: str = "kcn quang chau") -> IndustrialZone:
    return IndustrialZone.objects.get(search_key=name_key)


def next_tax_code() -> str:
    while True:
        code = make_tax_code(f"24{next(_serial):07d}")
        if code:
            return code


def make_enterprise(**overrides) -> Enterprise:
    n = next(_serial)
    values = {
        "tax_code": next_tax_code(),
        "name": f"Công ty TNHH Thử Nghiệm Số {n}",
        "district": overrides.pop("district", None) or district(),
        "workers": 50,
        "ownership": Enterprise.Ownership.DOMESTIC,
    }
    values.update(overrides)
    if isinstance(values["district"], str):
        values["district"] = district(values["district"])
    enterprise = Enterprise(**values)
    enterprise.save()
    return enterprise


def make_union(enterprise: Enterprise | None = None, **overrides) -> GrassrootsUnion:
    enterprise = enterprise or make_enterprise()
    values = {
        "enterprise": enterprise,
        "name": f"Công đoàn cơ sở {enterprise.name}",
        "founded_on": datetime.date(2020, 3, 1),
        "upper_union": enterprise.managing_union,
        "members_reported": 30,
    }
    values.update(overrides)
    union = GrassrootsUnion(**values)
    union.save()
    return union


def make_member(union: GrassrootsUnion | None = None, **overrides) -> Member:
    n = next(_serial)
    values = {
        "union": union or make_union(),
        "full_name": f"Nguyễn Văn Cảnh {n}",
        "date_of_birth": datetime.date(1990, 5, 17),
        "gender": Member.Gender.MALE,
    }
    values.update(overrides)
    member = Member(**values)
    member.save()
    return member


def make_user(
    role: str | None,
    *,
    username: str | None = None,
    district_code: str | None = None,
    upper_union: UpperUnion | None = None,
    password: str = "secret-pass-123",
) -> User:
    user = User.objects.create_user(
        username=username or f"user{next(_serial)}", password=password, is_staff=True
    )
    if role:
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    if district_code or upper_union:
        StaffScope.objects.create(
            user=user,
            district=district(district_code) if district_code else None,
            upper_union=upper_union,
        )
    return user
