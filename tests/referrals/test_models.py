"""Referral models: constraints, defaults kept on save, and who reads and writes what."""

from __future__ import annotations

import datetime

import pytest
from django.db import IntegrityError, transaction

from referrals.models import (
    AwarenessClass,
    Enrollment,
    PartyOrganization,
    Referral,
    Stage,
    Target,
)
from tests.factories import (
    district,
    federation,
    make_enterprise,
    make_member,
    make_union,
    zone,
    zone_union,
)
from tests.referrals.builders import (
    make_class,
    make_enrollment,
    make_party_organization,
    make_referral,
)

pytestmark = pytest.mark.django_db

D = datetime.date


def member_in(code: str, **enterprise_fields):
    return make_member(make_union(make_enterprise(district=code, **enterprise_fields)))


# --- Constraints ------------------------------------------------------------------------------


def test_database_refuses_closing_an_admitted_referral():
    referral = make_referral(stage=Stage.ADMITTED)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(outcome="declined", closed_on=D(2025, 1, 1))


def test_database_refuses_an_outcome_without_a_closing_date():
    referral = make_referral()
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.filter(pk=referral.pk).update(outcome="withdrawn")


def test_database_refuses_a_pass_without_attendance():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enrollment(attended=False, passed=True)


def test_database_refuses_enrolling_a_member_twice_in_a_class():
    enrollment = make_enrollment()
    with pytest.raises(IntegrityError), transaction.atomic():
        make_enrollment(enrollment.awareness_class, enrollment.member)


@pytest.mark.parametrize(
    "owner",
    [{"district_code": "213"}, {"union": True}, {}],
    ids=["district", "upper union", "province"],
)
def test_database_refuses_a_target_set_twice(owner):
    values = {"year": 2025, "indicator": "admitted"}
    if "district_code" in owner:
        values["district"] = district(owner["district_code"])
    if owner.get("union"):
        values["upper_union"] = zone_union()
    Target.objects.create(value=10, **values)
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(value=20, **values)
    Target.objects.create(value=20, **{**values, "indicator": "introduced"})


def test_database_refuses_a_target_of_both_a_district_and_an_upper_union():
    with pytest.raises(IntegrityError), transaction.atomic():
        Target.objects.create(
            year=2025,
            indicator="admitted",
            value=1,
            district=district("213"),
            upper_union=zone_union(),
        )


def test_database_refuses_a_class_ending_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        make_class(starts_on=D(2024, 5, 10), ends_on=D(2024, 5, 9))


# --- Defaults kept on save --------------------------------------------------------------------


def test_a_class_starting_in_may_belongs_to_workers_month():
    may = make_class(starts_on=D(2024, 5, 27), ends_on=D(2024, 6, 2))
    june = make_class(starts_on=D(2024, 6, 3), ends_on=D(2024, 6, 7))
    named = make_class(starts_on=D(2024, 5, 6), ends_on=D(2024, 5, 8), campaign="Đợt 2")
    assert (may.campaign, june.campaign, named.campaign) == ("Tháng Công nhân 2024", "", "Đợt 2")
    assert list(AwarenessClass.objects.workers_month(2024)) == [may]
    assert list(AwarenessClass.objects.for_campaign("THÁNG CÔNG NHÂN 2024")) == [may]


def test_a_class_is_run_by_its_districts_federation_unless_told():
    assert make_class().upper_union == federation("213")
    assert make_class(upper_union=zone_union()).upper_union == zone_union()


def test_party_organisation_names_are_folded_and_unique_per_district():
    organisation = make_party_organization(name="Chi bộ  Công ty Hoà Phát")
    assert organisation.search_key == "chi bo cong ty hoa phat"
    make_party_organization(name="Chi bộ Công ty Hòa Phát", district=district("215"))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_party_organization(name="Chi bộ Công ty Hòa Phát")


def test_a_referral_takes_its_members_union_by_default():
    member = make_member()
    referral = Referral(member=member)
    referral.save()
    assert referral.union == member.union


# --- Scope ------------------------------------------------------------------------------------


def test_referrals_follow_their_members_enterprise(
    district_staff, other_district_staff, zone_staff
):
    ours = make_referral(member_in("213"))
    kcn = make_referral(member_in("213", industrial_zone=zone("kcn song khe noi hoang")))
    assert set(Referral.objects.for_user(district_staff)) == {ours, kcn}
    assert set(Referral.objects.writable_by(district_staff)) == {ours}
    assert set(Referral.objects.for_user(zone_staff)) == {kcn}
    assert not Referral.objects.for_user(other_district_staff).exists()


def test_an_enrollment_is_read_from_its_class_or_its_member(district_staff, other_district_staff):
    class_213 = make_class()
    member_215 = member_in("215")
    enrollment = make_enrollment(class_213, member_215)
    assert Enrollment.objects.for_user(district_staff).filter(pk=enrollment.pk).exists()
    assert Enrollment.objects.for_user(other_district_staff).filter(pk=enrollment.pk).exists()
    # Only the class's organiser records attendance.
    assert Enrollment.objects.writable_by(district_staff).filter(pk=enrollment.pk).exists()
    assert not Enrollment.objects.writable_by(other_district_staff).exists()


def test_classes_are_written_by_the_union_that_runs_them(district_staff, zone_staff):
    district_class = make_class()
    zone_class = make_class(upper_union=zone_union())
    assert set(AwarenessClass.objects.for_user(district_staff)) == {district_class, zone_class}
    assert set(AwarenessClass.objects.writable_by(district_staff)) == {district_class}
    assert set(AwarenessClass.objects.for_user(zone_staff)) == {zone_class}
    assert set(AwarenessClass.objects.writable_by(zone_staff)) == {zone_class}


def test_party_organisations_are_read_where_the_user_has_enterprises(
    district_staff, zone_staff, party_viewer
):
    ours = make_party_organization(district=district("213"))
    viet_yen = make_party_organization(district=district("222"))
    yen_the = make_party_organization(district=district("215"))
    bloc = make_party_organization(district=None, kind=PartyOrganization.Kind.BLOC_COMMITTEE)
    member_in("222", industrial_zone=zone("kcn quang chau"))  # the zone union manages it

    assert set(PartyOrganization.objects.for_user(district_staff)) == {ours, bloc}
    assert set(PartyOrganization.objects.writable_by(district_staff)) == {ours}
    assert set(PartyOrganization.objects.for_user(zone_staff)) == {viet_yen, bloc}
    assert set(PartyOrganization.objects.writable_by(zone_staff)) == {viet_yen}
    assert set(PartyOrganization.objects.for_user(party_viewer)) == {ours, viet_yen, yen_the, bloc}
    assert not PartyOrganization.objects.writable_by(party_viewer).exists()


def test_targets_are_read_by_their_district_and_set_by_the_province(district_staff, province_admin):
    ours = Target.objects.create(
        year=2025, indicator="admitted", value=20, district=district("213")
    )
    theirs = Target.objects.create(
        year=2025, indicator="admitted", value=20, district=district("215")
    )
    province = Target.objects.create(year=2025, indicator="admitted", value=200)
    assert set(Target.objects.for_user(district_staff)) == {ours, province}
    assert not Target.objects.writable_by(district_staff).exists()
    assert set(Target.objects.writable_by(province_admin)) == {ours, theirs, province}
