"""The referral admin: stage actions enforcing the rules, scoping, inlines and list costs."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import constants
from django.urls import reverse

from referrals.models import Outcome, Referral, ReferralEvent, Stage, Target
from tests.access.forms import page_form_data
from tests.factories import district, make_member
from tests.referrals.builders import (
    make_class,
    make_commendation,
    make_enrollment,
    make_party_organization,
    make_referral,
)

pytestmark = pytest.mark.django_db

D = datetime.date
CHANGELIST = "admin:referrals_referral_changelist"


def post_action(client, action: str, referrals, **data):
    payload = {
        "action": action,
        "_selected_action": [referral.pk for referral in referrals],
        "apply": "1",
        **data,
    }
    return client.post(reverse(CHANGELIST), payload, follow=True)


def levels(response) -> list[int]:
    return [message.level for message in response.context["messages"]]


def stage_of(referral: Referral) -> str:
    return Referral.objects.get(pk=referral.pk).stage


# --- Each rule through the admin action: refused, then allowed ---------------------------------

RULE_CASES = {
    "no introduction without a certificate": (
        {"stage": Stage.FOSTERING},
        {"to_stage": "introduced", "on": "10/06/2025"},
        {"to_stage": "introduced", "on": "10/06/2025", "certificate_on": "01/06/2025"},
        Stage.INTRODUCED,
    ),
    "the certificate is dated on or before the introduction": (
        {"stage": Stage.CLASS_COMPLETED, "certificate_on": D(2025, 6, 5)},
        {"to_stage": "introduced", "on": "04/06/2025"},
        {"to_stage": "introduced", "on": "05/06/2025"},
        Stage.INTRODUCED,
    ),
    "the certificate is valid for 60 months": (
        {"stage": Stage.CLASS_COMPLETED, "certificate_on": D(2020, 6, 10)},
        {"to_stage": "introduced", "on": "10/06/2025"},
        {"to_stage": "introduced", "on": "09/06/2025"},
        Stage.INTRODUCED,
    ),
    "an admission needs a decision number": (
        {"stage": Stage.DOSSIER},
        {"to_stage": "admitted", "on": "10/06/2025"},
        {"to_stage": "admitted", "on": "10/06/2025", "decision_number": "12-QĐ/ĐU"},
        Stage.ADMITTED,
    ),
    "an admission needs an introduction on or before it": (
        {"stage": Stage.INTRODUCED, "introduced_on": D(2025, 6, 11)},
        {"to_stage": "admitted", "on": "10/06/2025", "decision_number": "12-QĐ/ĐU"},
        {"to_stage": "admitted", "on": "11/06/2025", "decision_number": "12-QĐ/ĐU"},
        Stage.ADMITTED,
    ),
    "full membership comes 12 months after admission": (
        {"stage": Stage.ADMITTED, "admitted_on": D(2024, 6, 11)},
        {"to_stage": "full_member", "on": "10/06/2025"},
        {"to_stage": "full_member", "on": "11/06/2025"},
        Stage.FULL_MEMBER,
    ),
    "no date in the future": (
        {"stage": Stage.IDENTIFIED},
        {"to_stage": "fostering", "on": "17/06/2025"},
        {"to_stage": "fostering", "on": "16/06/2025"},
        Stage.FOSTERING,
    ),
    "no moving backwards": (
        {"stage": Stage.DOSSIER},
        {"to_stage": "class_completed", "on": "10/06/2025"},
        {"to_stage": "admitted", "on": "10/06/2025", "decision_number": "12-QĐ/ĐU"},
        Stage.ADMITTED,
    ),
}


@pytest.mark.parametrize("case", RULE_CASES, ids=list(RULE_CASES))
def test_each_rule_through_the_stage_action(client, district_staff, today, case):
    setup, refused, allowed, reached = RULE_CASES[case]
    referral = make_referral(**setup)
    client.force_login(district_staff)

    response = post_action(client, "change_stage", [referral], **refused)
    assert levels(response) == [constants.ERROR]
    assert str(referral.member) in next(iter(response.context["messages"])).message
    assert stage_of(referral) == setup["stage"]
    assert not referral.events.filter(kind=ReferralEvent.Kind.ADVANCED).exists()

    response = post_action(client, "change_stage", [referral], **allowed)
    assert levels(response) == [constants.SUCCESS]
    assert stage_of(referral) == reached
    event = referral.events.get(kind=ReferralEvent.Kind.ADVANCED)
    assert (event.to_stage, event.by) == (reached, district_staff)


@pytest.mark.parametrize(("born", "allowed"), [(D(2007, 6, 11), False), (D(2007, 6, 10), True)])
def test_the_age_rule_through_the_stage_action(client, district_staff, today, born, allowed):
    referral = make_referral(make_member(date_of_birth=born), stage=Stage.DOSSIER)
    client.force_login(district_staff)
    response = post_action(
        client, "change_stage", [referral],
        to_stage="admitted", on="10/06/2025", decision_number="12-QĐ/ĐU",
    )  # fmt: skip
    assert levels(response) == [constants.SUCCESS if allowed else constants.ERROR]
    assert stage_of(referral) == (Stage.ADMITTED if allowed else Stage.DOSSIER)


def test_the_action_reports_each_refusal_and_applies_the_rest(client, district_staff, today):
    ready = make_referral(stage=Stage.CLASS_COMPLETED)
    without_certificate = make_referral(stage=Stage.FOSTERING)
    client.force_login(district_staff)
    response = post_action(
        client, "change_stage", [ready, without_certificate], to_stage="introduced",
        on="10/06/2025",
    )  # fmt: skip
    assert sorted(levels(response)) == [constants.SUCCESS, constants.ERROR]
    assert (stage_of(ready), stage_of(without_certificate)) == (Stage.INTRODUCED, Stage.FOSTERING)


@pytest.mark.parametrize(
    ("stage", "allowed"),
    [(Stage.DOSSIER, True), (Stage.ADMITTED, False), (Stage.FULL_MEMBER, False)],
)
def test_declining_through_the_action_is_refused_after_admission(
    client, district_staff, today, stage, allowed
):
    referral = make_referral(stage=stage)
    client.force_login(district_staff)
    response = post_action(
        client, "close_referrals", [referral],
        outcome="declined", reason="Chi bộ không đồng ý", on="10/06/2025",
    )  # fmt: skip
    assert levels(response) == [constants.SUCCESS if allowed else constants.ERROR]
    stored = Referral.objects.get(pk=referral.pk)
    assert stored.outcome == (Outcome.DECLINED if allowed else None)


def test_the_action_asks_for_the_change_before_applying_it(client, district_staff, today):
    referral = make_referral()
    client.force_login(district_staff)
    response = client.post(
        reverse(CHANGELIST), {"action": "change_stage", "_selected_action": [referral.pk]}
    )
    assert response.status_code == 200
    assert "to_stage" in response.context["form"].fields
    assert stage_of(referral) == Stage.IDENTIFIED


def test_viewers_cannot_run_stage_actions(client, party_viewer, today):
    referral = make_referral()
    client.force_login(party_viewer)
    response = client.post(
        reverse(CHANGELIST),
        {"action": "change_stage", "_selected_action": [referral.pk], "apply": "1",
         "to_stage": "fostering", "on": "10/06/2025"},
    )  # fmt: skip
    assert response.status_code == 403
    assert stage_of(referral) == Stage.IDENTIFIED


def test_the_action_leaves_referrals_the_user_does_not_write(client, district_staff, today):
    # A KCN enterprise in the staff's district: they read it but the zone union manages it.
    from tests.factories import make_enterprise, make_union, zone

    kcn = make_enterprise(district="213", industrial_zone=zone("kcn song khe noi hoang"))
    referral = make_referral(make_member(make_union(kcn)))
    client.force_login(district_staff)
    post_action(client, "change_stage", [referral], to_stage="fostering", on="10/06/2025")
    assert stage_of(referral) == Stage.IDENTIFIED


# --- One referral's own stage form -------------------------------------------------------------


def test_the_stage_form_shows_a_refusal_on_its_field(client, district_staff, today):
    referral = make_referral(stage=Stage.FOSTERING)
    client.force_login(district_staff)
    url = reverse("admin:referrals_referral_stage", args=[referral.pk])
    response = client.post(url, {"to_stage": "introduced", "on": "10/06/2025"})
    assert response.status_code == 200
    assert "introduced_on" in response.context["form"].errors
    assert stage_of(referral) == Stage.FOSTERING

    response = client.post(
        url, {"to_stage": "introduced", "on": "10/06/2025", "certificate_on": "01/06/2025",
              "certificate_number": "GCN-9", "note": "Đủ điều kiện"},
    )  # fmt: skip
    assert response.status_code == 302
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.stage, stored.certificate_number) == (Stage.INTRODUCED, "GCN-9")
    assert referral.events.get(to_stage=Stage.INTRODUCED).note == "Đủ điều kiện"


def test_the_close_form_refuses_an_admitted_referral(client, district_staff, today):
    referral = make_referral(stage=Stage.ADMITTED)
    client.force_login(district_staff)
    url = reverse("admin:referrals_referral_close", args=[referral.pk])
    response = client.post(url, {"outcome": "withdrawn", "reason": "Xin rút", "on": "10/06/2025"})
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Referral.objects.get(pk=referral.pk).outcome is None


def test_a_viewer_reads_a_referral_but_gets_no_stage_form(client, district_viewer, today):
    referral = make_referral()
    client.force_login(district_viewer)
    page = client.get(reverse("admin:referrals_referral_change", args=[referral.pk]))
    assert page.status_code == 200
    stage_url = reverse("admin:referrals_referral_stage", args=[referral.pk])
    assert stage_url not in page.content.decode()
    assert client.get(stage_url).status_code == 403


def test_staff_of_another_district_get_a_404(client, other_district_staff, today):
    referral = make_referral()
    client.force_login(other_district_staff)
    for name in ("change", "stage", "close"):
        url = reverse(f"admin:referrals_referral_{name}", args=[referral.pk])
        assert client.get(url).status_code == 404


# --- Adding and correcting through the form ----------------------------------------------------


def test_adding_a_referral_starts_it_with_an_event(client, district_staff, today):
    member = make_member()
    client.force_login(district_staff)
    response = client.post(
        reverse("admin:referrals_referral_add"),
        {"member": member.pk, "introducer_type": "union_committee", "commended_on": "01/05/2025"},
    )
    assert response.status_code == 302
    referral = Referral.objects.get(member=member)
    assert (referral.stage, referral.union) == (Stage.IDENTIFIED, member.union)
    assert referral.events.get().kind == ReferralEvent.Kind.STARTED
    assert member.commendations.filter(date=D(2025, 5, 1)).exists()


def test_adding_a_second_open_referral_is_refused(client, district_staff, today):
    member = make_member()
    make_referral(member)
    client.force_login(district_staff)
    response = client.post(
        reverse("admin:referrals_referral_add"),
        {"member": member.pk, "introducer_type": "union_committee"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert Referral.objects.filter(member=member).count() == 1


def change_data(referral: Referral, **changes) -> dict:
    data = {
        "union": referral.union_id,
        "introducer_type": referral.introducer_type,
        "party_organization": referral.party_organization_id or "",
        "events-TOTAL_FORMS": referral.events.count(),
        "events-INITIAL_FORMS": referral.events.count(),
        "events-MIN_NUM_FORMS": 0,
        "events-MAX_NUM_FORMS": 1000,
    }
    for name in (
        "commended_on",
        "certificate_on",
        "applied_on",
        "introduced_on",
        "cell_resolution_on",
        "admitted_on",
        "ceremony_on",
        "recognized_on",
    ):
        value = getattr(referral, name)
        data[name] = value.strftime("%d/%m/%Y") if value else ""
    data["certificate_number"] = referral.certificate_number
    data["decision_number"] = referral.decision_number
    data.update(changes)
    for event in referral.events.all():
        index = list(referral.events.all()).index(event)
        data[f"events-{index}-id"] = event.pk
        data[f"events-{index}-referral"] = referral.pk
    return data


def test_correcting_a_milestone_in_the_form_records_an_event(client, district_staff, today):
    referral = make_referral(stage=Stage.ADMITTED)
    organisation = make_party_organization()
    client.force_login(district_staff)
    url = reverse("admin:referrals_referral_change", args=[referral.pk])
    response = client.post(
        url, change_data(referral, ceremony_on="01/06/2024", party_organization=organisation.pk)
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Referral.objects.get(pk=referral.pk)
    assert (stored.ceremony_on, stored.party_organization) == (D(2024, 6, 1), organisation)
    event = stored.events.get(kind=ReferralEvent.Kind.CORRECTED)
    assert event.changes["ceremony_on"] == [None, "2024-06-01"]


def test_the_form_refuses_a_correction_that_breaks_a_rule(client, district_staff, today):
    referral = make_referral(stage=Stage.INTRODUCED)
    client.force_login(district_staff)
    url = reverse("admin:referrals_referral_change", args=[referral.pk])
    response = client.post(url, change_data(referral, introduced_on="01/01/2024"))
    assert response.status_code == 200
    assert "introduced_on" in response.context["adminform"].form.errors
    assert Referral.objects.get(pk=referral.pk).introduced_on == D(2024, 4, 10)


def test_the_form_refuses_a_milestone_of_a_later_stage(client, district_staff, today):
    referral = make_referral(stage=Stage.INTRODUCED)
    client.force_login(district_staff)
    url = reverse("admin:referrals_referral_change", args=[referral.pk])
    response = client.post(
        url, change_data(referral, admitted_on="01/06/2024", decision_number="1-QĐ")
    )
    assert response.status_code == 200
    assert "admitted_on" in response.context["adminform"].form.errors


def test_a_closed_referral_is_read_only(client, district_staff, today):
    referral = make_referral(
        outcome=Outcome.WITHDRAWN, closed_on=D(2025, 1, 1), outcome_reason="Nghỉ việc"
    )
    client.force_login(district_staff)
    url = reverse("admin:referrals_referral_change", args=[referral.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, change_data(referral)).status_code == 403


# --- Commendations on the member page ---------------------------------------------------------


def test_the_member_page_lists_and_adds_commendations(client, district_staff, today):
    member = make_member()
    make_commendation(member, title="Đoàn viên ưu tú 2024", date=D(2024, 5, 1))
    client.force_login(district_staff)
    url = reverse("admin:unions_member_change", args=[member.pk])
    page = client.get(url)
    assert "Đoàn viên ưu tú 2024" in page.content.decode()
    formsets = {f.formset.prefix: f.formset for f in page.context["inline_admin_formsets"]}
    assert "commendations" in formsets

    data = page_form_data(page)
    data.update({
        "commendations-TOTAL_FORMS": 2,
        "commendations-1-member": member.pk,
        "commendations-1-date": "01/05/2025",
        "commendations-1-movement": "Giỏi việc nước, đảm việc nhà",
        "commendations-1-title": "Đoàn viên ưu tú",
    })  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert member.commendations.count() == 2


def test_viewers_cannot_add_commendations_on_the_member_page(client, district_viewer, today):
    member = make_member()
    client.force_login(district_viewer)
    page = client.get(reverse("admin:unions_member_change", args=[member.pk]))
    formsets = {f.formset.prefix: f for f in page.context["inline_admin_formsets"]}
    assert not formsets["commendations"].has_add_permission


# --- Targets ------------------------------------------------------------------------------------


def test_province_admins_edit_targets_in_the_list(client, province_admin, today):
    target = Target.objects.create(
        year=2025, indicator="admitted", value=20, district=district("213")
    )
    client.force_login(province_admin)
    response = client.post(
        reverse("admin:referrals_target_changelist") + "?year=2025",
        {"form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1, "form-0-id": target.pk,
         "form-0-value": 25, "_save": "1"},
    )  # fmt: skip
    assert response.status_code == 302
    assert Target.objects.get(pk=target.pk).value == 25


def test_district_staff_read_targets_but_cannot_set_them(client, district_staff, today):
    Target.objects.create(year=2025, indicator="admitted", value=20, district=district("213"))
    client.force_login(district_staff)
    assert client.get(reverse("admin:referrals_target_changelist")).status_code == 200
    assert client.get(reverse("admin:referrals_target_add")).status_code == 403


# --- List costs ---------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 30])
def test_the_referral_list_costs_the_same_for_any_number_of_rows(
    client, district_staff, today, django_assert_num_queries, n
):
    organisation = make_party_organization()
    stages = list(Stage)
    for index in range(n):
        make_referral(stage=stages[index % len(stages)], party_organization=organisation)
    client.force_login(district_staff)
    url = reverse(CHANGELIST)
    client.get(url)
    with django_assert_num_queries(12):
        # 1 session, 2 user, 3 the user's role groups, 4 their staff scope, 5-6 their
        # permissions (own, then groups'), 7 the district filter's choices, 8 the count,
        # 9 the rows with member, union, enterprise, district, Party organisation and overdue
        # flags, 10-12 the session's idle-timeout save (savepoint, update, release).
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == n


@pytest.mark.parametrize("n", [1, 30])
def test_the_class_list_costs_the_same_for_any_number_of_rows(
    client, district_staff, today, django_assert_num_queries, n
):
    for _ in range(n):
        awareness_class = make_class(starts_on=D(2024, 5, 6), ends_on=D(2024, 5, 10))
        make_enrollment(awareness_class, certificate_on=D(2024, 5, 10))
        make_enrollment(awareness_class, passed=False, certificate_number="", certificate_on=None)
    client.force_login(district_staff)
    url = reverse("admin:referrals_awarenessclass_changelist")
    client.get(url)
    with django_assert_num_queries(14):
        # 1 session, 2 user, 3 role groups, 4 staff scope, 5-6 permissions, 7 the year
        # filter's years, 8 the district filter's choices, 9 the campaign filter's campaigns,
        # 10 the count, 11 the rows with district and attendance counts (subqueries),
        # 12-14 the session's idle-timeout save.
        response = client.get(url)
    rows = response.context["cl"].result_list
    assert len(rows) == n
    assert {(row.enrolled_count, row.passed_count) for row in rows} == {(2, 1)}
    assert rows[0].campaign == "Tháng Công nhân 2024"
