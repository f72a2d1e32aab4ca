"""Demo data: deterministic, realistic, within the campaign's ranges, and safe to run twice."""

from __future__ import annotations

import datetime
import io
import unicodedata
from collections import Counter

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command
from django.db import transaction

from referrals.models import Referral
from unions import access
from unions.access import access_for
from unions.demo import DEMO_CHANGE_REASON, DEMO_PASSWORD, SCALES, seed_unions
from unions.models import (
    Enterprise,
    GrassrootsUnion,
    Headcount,
    IndustrialZone,
    Member,
    UpperUnion,
)
from unions.taxcode import has_valid_check_digit, normalize_tax_code
from unions.text import fold

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 15)


def seeded_then_rolled_back(seed: int) -> dict[str, list]:
    """What a tiny seed creates, read back, and then undone so the next one starts empty."""
    with transaction.atomic():
        seed_unions(scale="tiny", seed=seed, today=TODAY)
        snapshot = {
            "tax_codes": list(Enterprise.objects.order_by("pk").values_list("tax_code", flat=True)),
            "names": list(Enterprise.objects.order_by("pk").values_list("name", flat=True)),
            "workers": list(Enterprise.objects.order_by("pk").values_list("workers", flat=True)),
            "unions": list(
                GrassrootsUnion.objects.order_by("pk").values_list("name", "founded_on")
            ),
            "members": list(Member.objects.order_by("pk").values_list("full_name", "national_id")),
        }
        transaction.set_rollback(True)
    return snapshot


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


# --- determinism ------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_data():
    first = seeded_then_rolled_back(7)
    assert Enterprise.objects.count() == 0  # really rolled back
    assert seeded_then_rolled_back(7) == first
    assert len(first["tax_codes"]) == SCALES["tiny"].enterprises


def test_another_seed_gives_other_data():
    first, other = seeded_then_rolled_back(7), seeded_then_rolled_back(8)
    assert first["tax_codes"] != other["tax_codes"]
    assert first["names"] != other["names"]
    assert first["members"] != other["members"]


# --- the small scale, as `make run` builds it --------------------------------------------------


def test_small_scale_reaches_its_targets_within_the_campaigns_ranges():
    run("seed_demo", "--scale", "small", "--seed", "3")

    assert Enterprise.objects.count() == SCALES["small"].enterprises
    assert 140 <= GrassrootsUnion.objects.count() <= 220
    assert Member.objects.count() == SCALES["small"].members

    # Unions in 30–85% of eligible enterprises in every district, at rates that differ.
    rates = []
    for district_id in Enterprise.objects.order_by().values_list("district", flat=True).distinct():
        eligible = Enterprise.objects.filter(district_id=district_id).eligible()
        covered = eligible.with_active_union().count()
        rates.append(covered / eligible.count())
    assert len(rates) == 10
    assert all(0.30 <= rate <= 0.85 for rate in rates), rates
    assert max(rates) - min(rates) >= 0.1

    # Some unions sit in enterprises under the threshold, and a few are dissolved.
    assert GrassrootsUnion.objects.filter(enterprise__workers__lt=20).exists()
    dissolved = GrassrootsUnion.objects.filter(dissolved_on__isnull=False).count()
    assert 0 < dissolved < GrassrootsUnion.objects.count() * 0.15


def test_small_scale_headcounts_are_heavy_tailed_and_partly_unknown():
    seed_unions(scale="small", seed=3, today=TODAY)
    workers = list(Enterprise.objects.values_list("workers", flat=True))
    known = sorted(w for w in workers if w is not None)
    assert 5 <= workers.count(None) <= 30  # about 5% unknown
    assert sum(5 <= w <= 50 for w in known) > len(known) * 0.3  # many small
    assert any(100 <= w < 1000 for w in known)  # some hundreds
    assert any(w >= 1000 for w in known)  # a few thousands...
    big = Enterprise.objects.filter(workers__gte=1000)
    assert big.filter(industrial_zone__isnull=False).count() >= big.count() / 2  # ...in parks


# --- tax codes, names, territory ----------------------------------------------------------------


def test_tax_codes_are_normalised_and_pass_the_check_digit():
    seed_unions(scale="small", seed=3, today=TODAY)
    codes = list(Enterprise.objects.values_list("tax_code", flat=True))
    assert all(normalize_tax_code(code) == code for code in codes)
    assert all(has_valid_check_digit(code) for code in codes)
    branches = [code for code in codes if "-" in code]
    assert 1 <= len(branches) < len(codes) * 0.05
    assert all(len(code) == 14 for code in branches)


def test_names_are_nfc_vietnamese_with_their_search_keys():
    seed_unions(scale="tiny", seed=3, today=TODAY)
    names = list(Enterprise.objects.values_list("name", "search_key"))
    names += list(GrassrootsUnion.objects.values_list("name", "search_key"))
    names += list(Member.objects.values_list("full_name", "search_key"))
    for name, search_key in names:
        assert unicodedata.normalize("NFC", name) == name
        assert search_key == fold(name)
    assert sum(not name.isascii() for name, _key in names) > len(names) * 0.8
    legal_forms = ("Công ty", "Doanh nghiệp tư nhân", "Hợp tác xã", "Chi nhánh")
    assert all(name.startswith(legal_forms) for name, _key in names[:60])


def test_member_middle_names_match_their_gender():
    seed_unions(scale="tiny", seed=3, today=TODAY)
    members = list(Member.objects.values_list("full_name", "gender"))
    assert {gender for _name, gender in members} == {"male", "female"}
    for full_name, gender in members:
        words = full_name.split()
        assert 3 <= len(words) <= 4
        if gender == Member.Gender.MALE:
            assert "Thị" not in words
        else:
            assert "Văn" not in words


def test_enterprises_lie_in_their_districts_communes_and_are_managed_by_the_right_union():
    seed_unions(scale="small", seed=3, today=TODAY)
    zone_union = UpperUnion.objects.get(kind=UpperUnion.Kind.INDUSTRIAL_ZONE)
    enterprises = Enterprise.objects.select_related("commune", "managing_union", "industrial_zone")
    for enterprise in enterprises:
        assert enterprise.commune.parent_id == enterprise.district_id
        assert enterprise.commune.name in enterprise.address
        zone = enterprise.industrial_zone
        if zone is not None and zone.kind == IndustrialZone.Kind.INDUSTRIAL_PARK:
            assert enterprise.managing_union == zone_union
        else:
            assert enterprise.managing_union.kind == UpperUnion.Kind.DISTRICT_FEDERATION
            assert enterprise.managing_union.district_id == enterprise.district_id
    # Foreign investment concentrates in the parks' districts.
    foreign = Enterprise.objects.filter(ownership=Enterprise.Ownership.FOREIGN)
    zone_districts = IndustrialZone.objects.values("district")
    assert foreign.filter(district__in=zone_districts).count() > foreign.count() * 0.8


def test_unions_hang_off_their_enterprise_and_upper_union():
    seed_unions(scale="small", seed=3, today=TODAY)
    for union in GrassrootsUnion.objects.select_related("enterprise"):
        assert union.upper_union_id == union.enterprise.managing_union_id
        assert union.founded_on <= TODAY
        assert union.enterprise.founded_on < union.founded_on
        assert union.chair
    years = Counter(GrassrootsUnion.objects.values_list("founded_on__year", flat=True))
    assert years[2024] >= max(count for year, count in years.items() if year != 2024)
    assert min(years) <= TODAY.year - 10


# --- headcounts, members, history -----------------------------------------------------------


def test_each_known_headcount_has_a_history_ending_with_it():
    seed_unions(scale="tiny", seed=3, today=TODAY)
    for enterprise in Enterprise.objects.prefetch_related("headcounts"):
        history = list(enterprise.headcounts.all())  # newest first
        if enterprise.workers is None:
            assert history == []
            continue
        assert 1 <= len(history) <= 4
        assert history[0].workers == enterprise.workers
        assert all(TODAY - datetime.timedelta(days=731) <= h.on <= TODAY for h in history)
    assert Headcount.objects.count() > Enterprise.objects.count()


def test_members_fit_their_unions_and_carry_valid_unique_ids():
    seed_unions(scale="small", seed=3, today=TODAY)
    for union in GrassrootsUnion.objects.filter(dissolved_on=None).prefetch_related("members"):
        assert len(union.members.all()) <= union.members_reported
    assert not Member.objects.filter(union__dissolved_on__isnull=False).exists()

    members = list(Member.objects.all())
    ids = [m.national_id for m in members if m.national_id]
    assert len(ids) == len(set(ids))
    citizen_ids = [m for m in members if m.national_id and len(m.national_id) == 12]
    assert 0.6 < len(citizen_ids) / len(members) < 0.8
    assert any(m.national_id and len(m.national_id) == 9 for m in members)
    for member in citizen_ids:
        # CCCD: province of birth, then gender and century, then the year of birth.
        century = 0 if member.date_of_birth.year < 2000 else 2
        female = member.gender == Member.Gender.FEMALE
        assert member.national_id[3] == str(century + female)
        assert member.national_id[4:6] == f"{member.date_of_birth.year % 100:02d}"
    assert all(1965 <= m.date_of_birth.year <= 2006 for m in members)
    assert any(m.birth_year_only for m in members)
    assert all(m.phone == "" or (len(m.phone) == 10 and m.phone[0] == "0") for m in members)
    assert all(m.joined_on is None or m.joined_on <= TODAY for m in members)


def test_rows_have_a_creation_history_marked_as_demo_data():
    seed_unions(scale="tiny", seed=3, today=TODAY)
    for model in (Enterprise, GrassrootsUnion, Member):
        history = model.history.all()
        assert history.count() == model.objects.count()
        assert set(history.values_list("history_type", "history_change_reason")) == {
            ("+", DEMO_CHANGE_REASON)
        }


# --- the command ---------------------------------------------------------------------------------


def test_if_empty_does_nothing_when_enterprises_exist():
    run("seed_demo", "--scale", "tiny")
    counts = (Enterprise.objects.count(), GrassrootsUnion.objects.count(), Member.objects.count())

    run("seed_demo", "--scale", "tiny", "--if-empty")

    assert counts[0] == SCALES["tiny"].enterprises
    assert (
        Enterprise.objects.count(),
        GrassrootsUnion.objects.count(),
        Member.objects.count(),
    ) == counts


def test_seed_demo_refuses_to_add_to_existing_data_without_if_empty():
    run("seed_demo", "--scale", "tiny")
    with pytest.raises(CommandError):
        run("seed_demo", "--scale", "tiny", "--seed", "2")
    assert Enterprise.objects.count() == SCALES["tiny"].enterprises


# --- demo users -----------------------------------------------------------------------------------


def test_seed_demo_creates_one_demo_user_per_role_in_its_scope():
    output = run("seed_demo", "--scale", "tiny")
    users = {user.username: user for user in User.objects.filter(is_staff=True)}
    expected = {
        "admin_tinh": (access.PROVINCE_ADMIN, None),
        "canbo_tpbg": (access.DISTRICT_STAFF, "213"),
        "canbo_yenthe": (access.DISTRICT_STAFF, "215"),
        "canbo_kcn": (access.ZONE_STAFF, None),
        "xem_tinh": (access.PARTY_VIEWER_PROVINCE, None),
        "xem_tpbg": (access.PARTY_VIEWER_DISTRICT, "213"),
    }
    assert set(users) == set(expected)
    for username, (role, district_code) in expected.items():
        user = users[username]
        user_access = access_for(user)
        assert user_access.role == role
        assert user.check_password(DEMO_PASSWORD)
        assert not user.is_superuser
        if district_code:
            assert user.scope.district.code == district_code
        assert username in output
    zone_union = UpperUnion.objects.get(kind=UpperUnion.Kind.INDUSTRIAL_ZONE)
    assert access_for(users["canbo_kcn"]).upper_union_id == zone_union.pk
    # Every role has its demo user.
    assert {role for role, _code in expected.values()} == set(access.ROLES)
    # What they may read follows: district staff see their district's enterprises only.
    readable = Enterprise.objects.for_user(users["canbo_yenthe"])
    assert set(readable.values_list("district__code", flat=True)) <= {"215"}


def test_demo_logins_prints_the_password_only_while_it_is_unchanged():
    run("seed_demo", "--scale", "tiny")
    changed = User.objects.get(username="canbo_kcn")
    changed.set_password("a-real-password-42")
    changed.save()

    lines = run("demo_logins").splitlines()

    rows = {line.split()[0]: line for line in lines if line.split()[:1]}
    assert DEMO_PASSWORD in rows["admin_tinh"]
    assert DEMO_PASSWORD in rows["canbo_tpbg"]
    assert DEMO_PASSWORD not in rows["canbo_kcn"]
    assert "a-real-password-42" not in "\n".join(lines)


def test_seeding_again_keeps_a_changed_demo_password():
    run("seed_demo", "--scale", "tiny")
    user = User.objects.get(username="admin_tinh")
    user.set_password("a-real-password-42")
    user.save()
    Referral.objects.all().delete()  # members with a referral are protected from deletion
    Member.objects.all().delete()
    GrassrootsUnion.objects.all().delete()
    Enterprise.objects.all().delete()

    run("seed_demo", "--scale", "tiny")

    user.refresh_from_db()
    assert user.check_password("a-real-password-42")
    assert User.objects.filter(username="admin_tinh").count() == 1


@pytest.mark.parametrize("username", ["admin_tinh", "canbo_kcn", "xem_tpbg"])
def test_demo_users_sign_in_to_the_admin_and_read_enterprises(client, username):
    run("seed_demo", "--scale", "tiny")

    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": DEMO_PASSWORD}
    )

    assert response.status_code == 302
    assert client.get("/admin/unions/enterprise/").status_code == 200


def test_a_wrong_password_does_not_sign_a_demo_user_in(client):
    run("seed_demo", "--scale", "tiny")
    client.post("/admin/login/?next=/admin/", {"username": "admin_tinh", "password": "demo"})
    assert client.get("/admin/unions/enterprise/").status_code == 302  # back to the login page
