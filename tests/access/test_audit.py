"""Who changed what (django-simple-history) and who read or exported candidates (the read log)."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
import time_machine
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from tests.access.forms import page_form_data
from tests.factories import make_member
from unions.access import mask_national_id
from unions.access.auditing import READ_LOGGED_MODELS, log_export
from unions.models import Enterprise, Member, ReadLog

pytestmark = pytest.mark.django_db

# In the future, so that rows made by the fixtures (now) come before it.
NOON = datetime.datetime(2031, 6, 3, 5, 0, tzinfo=datetime.UTC)  # 12:00 in Hà Nội


def change_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])


def history_url(obj) -> str:
    opts = obj._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk])


# --- Change history ------------------------------------------------------------------------------


def edit_enterprise(client, user, enterprise, **changes):
    client.force_login(user)
    data = page_form_data(client.get(change_url(enterprise)))
    data.update(changes)
    response = client.post(change_url(enterprise), data)
    assert response.status_code == 302, response.context and response.context["errors"]


def test_an_admin_change_records_who_changed_what_and_when(client, world, district_staff):
    enterprise = world["own"].enterprise
    with time_machine.travel(NOON, tick=False):
        edit_enterprise(client, district_staff, enterprise, workers="95")
    latest = enterprise.history.order_by("-history_id").first()
    assert latest.history_user == district_staff
    assert latest.history_date == NOON
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [("workers", 80, 95)]


def test_the_enterprise_page_shows_its_last_changes(client, world, district_staff):
    enterprise = world["own"].enterprise
    edit_enterprise(client, district_staff, enterprise, workers="95")
    response = client.get(change_url(enterprise))
    changes = response.context["recent_changes"]
    assert changes[0]["user"] == district_staff
    assert changes[0]["fields"][0]["old"] == 80 and changes[0]["fields"][0]["new"] == 95
    body = response.content.decode()
    assert 'data-testid="recent-changes"' in body and district_staff.username in body


def test_the_history_page_lists_changes_with_their_author(client, world, district_staff):
    enterprise = world["own"].enterprise
    edit_enterprise(client, district_staff, enterprise, workers="95")
    response = client.get(history_url(enterprise))
    assert response.status_code == 200
    body = response.content.decode()
    assert district_staff.username in body and "95" in body


def test_history_pages_are_scoped(client, world, district_staff):
    client.force_login(district_staff)
    assert client.get(history_url(world["own_kcn"].enterprise)).status_code == 200
    assert client.get(history_url(world["other"].enterprise)).status_code == 404
    assert client.get(history_url(world["other"].member)).status_code == 404


def test_member_history_masks_national_ids_for_viewers(client, world, district_staff, party_viewer):
    member = world["own"].member
    client.force_login(district_staff)
    data = page_form_data(client.get(change_url(member)))
    data["national_id"] = "024190009876"
    assert client.post(change_url(member), data).status_code == 302

    client.force_login(party_viewer)
    for url in (history_url(member), change_url(member)):
        body = client.get(url).content.decode()
        assert "024190009876" not in body and "024090001000" not in body, url
        assert mask_national_id("024190009876") in body, url

    client.force_login(district_staff)
    assert "024190009876" in client.get(history_url(member)).content.decode()


# --- National IDs are masked for viewers everywhere ---------------------------------------------


@pytest.mark.parametrize("viewer", ["party_viewer", "district_viewer"])
def test_viewers_see_national_ids_masked_in_lists_searches_and_pages(
    client, world, request, viewer
):
    member = world["own"].member
    client.force_login(request.getfixturevalue(viewer))
    pages = [
        reverse("admin:unions_member_changelist"),
        reverse("admin:unions_member_changelist") + f"?q={member.national_id}",
        change_url(member),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        # The search term the viewer typed comes back in the search box and links: not a leak.
        typed = member.national_id
        body = body.replace(f'value="{typed}"', "").replace(f"q={typed}", "")
        body = body.replace(f"q%3D{typed}", "")
        assert member.national_id not in body, url
        assert mask_national_id(member.national_id) in body, url


def test_staff_see_national_ids_in_full(client, world, district_staff):
    member = world["own"].member
    client.force_login(district_staff)
    assert member.national_id in client.get(change_url(member)).content.decode()


# --- The read log ---------------------------------------------------------------------------------


def test_opening_a_members_page_is_logged(client, world, district_staff):
    member = world["own"].member
    with time_machine.travel(NOON, tick=False):
        client.force_login(district_staff)
        assert client.get(change_url(member)).status_code == 200
    entry = ReadLog.objects.get()
    assert entry.user == district_staff and entry.username == district_staff.username
    assert entry.action == ReadLog.Action.VIEW and entry.at == NOON
    assert entry.content_type == ContentType.objects.get_for_model(Member)
    assert entry.object_id == str(member.pk) and entry.object_repr == str(member)
    assert entry.path == change_url(member)


def test_viewers_reads_and_history_pages_are_logged_too(client, world, party_viewer):
    member = world["other"].member
    client.force_login(party_viewer)
    client.get(change_url(member))
    client.get(history_url(member))
    assert list(ReadLog.objects.order_by("at", "id").values_list("username", "path")) == [
        (party_viewer.username, change_url(member)),
        (party_viewer.username, history_url(member)),
    ]


def test_refused_pages_and_other_models_are_not_logged(client, world, district_staff):
    client.force_login(district_staff)
    assert client.get(change_url(world["other"].member)).status_code == 404
    assert client.get(change_url(world["own"].enterprise)).status_code == 200
    assert not ReadLog.objects.exists()


def test_every_candidate_models_admin_logs_its_pages():
    for model, model_admin in admin.site._registry.items():
        if model._meta.label_lower in READ_LOGGED_MODELS:
            assert model_admin.is_read_logged(), model._meta.label


def test_a_referral_page_is_logged(client, world, district_staff):
    referral = world["own"].extras["referral"]
    assert type(referral) in admin.site._registry
    client.force_login(district_staff)
    assert client.get(change_url(referral)).status_code == 200
    entry = ReadLog.objects.get()
    assert entry.object_id == str(referral.pk) and entry.action == ReadLog.Action.VIEW


def test_exporting_members_is_logged_with_its_filter(client, world, district_staff):
    client.force_login(district_staff)
    export_url = reverse("admin:unions_member_export") + "?q=Alphaown"
    page = client.get(export_url)
    form = page.context["form"]
    formats = [fmt().get_title() for fmt in admin.site._registry[Member].get_export_formats()]
    data = {name: "on" for name in form.fields if name.startswith("memberresource_")}
    data.update(format=str(formats.index("xlsx")), resource="0")
    response = client.post(export_url, data)
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
    cells = [cell for row in book.active.iter_rows(values_only=True) for cell in row]
    assert world["own"].member.full_name in cells
    assert world["own_kcn"].member.full_name not in cells  # the filter held
    entry = ReadLog.objects.get()
    assert entry.action == ReadLog.Action.EXPORT and entry.user == district_staff
    assert entry.content_type == ContentType.objects.get_for_model(Member)
    assert "q=Alphaown" in entry.query and entry.rows == 1


def test_log_export_records_the_filter_and_count(district_staff):
    entry = log_export(user=district_staff, model=Enterprise, query="district=213", rows=7)
    assert (entry.username, entry.query, entry.rows) == (district_staff.username, "district=213", 7)


def test_provincial_admins_browse_the_read_log_and_nobody_edits_it(
    client, world, province_admin, district_staff
):
    client.force_login(district_staff)
    client.get(change_url(world["own"].member))
    entry = ReadLog.objects.get()
    client.force_login(province_admin)
    listing = client.get(reverse("admin:unions_readlog_changelist"))
    assert listing.status_code == 200 and district_staff.username in listing.content.decode()
    page = client.get(reverse("admin:unions_readlog_change", args=[entry.pk]))
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert client.post(reverse("admin:unions_readlog_delete", args=[entry.pk])).status_code == 403
    client.force_login(district_staff)
    assert client.get(reverse("admin:unions_readlog_changelist")).status_code == 403


@pytest.mark.parametrize("rows", [1, 40])
def test_read_log_list_costs_the_same_for_any_size(
    client, province_admin, django_assert_num_queries, rows
):
    member = make_member()
    for _ in range(rows):
        ReadLog.objects.create(
            user=province_admin,
            username=province_admin.username,
            action="view",
            content_type=ContentType.objects.get_for_model(Member),
            object_id=str(member.pk),
            object_repr=str(member),
        )
    client.force_login(province_admin)
    # session, user, role groups, user permissions, group permissions, content-type filter
    # choices, table estimate, count, rows with content types, date-hierarchy bounds and days,
    # then the idle-timeout session save (savepoint, update, release)
    with django_assert_num_queries(14):
        response = client.get(reverse("admin:unions_readlog_changelist"))
    assert len(response.context["cl"].result_list) == rows


@pytest.mark.parametrize("users", [1, 30])
def test_user_list_costs_the_same_for_any_size(
    client, province_admin, django_assert_num_queries, users
):
    from tests.factories import make_user
    from unions import access

    for index in range(users):
        make_user(access.DISTRICT_STAFF, username=f"cb{index}", district_code="215")
    client.force_login(province_admin)
    # session, user, role groups, user permissions, group permissions, group filter choices,
    # count, users with scope, district and union, their groups (prefetch), then the
    # idle-timeout session save (savepoint, update, release)
    with django_assert_num_queries(12):
        response = client.get(reverse("admin:auth_user_changelist"))
    assert response.status_code == 200
    assert len(response.context["cl"].result_list) == users + 1


@pytest.mark.parametrize("viewer", ["party_viewer", "district_viewer"])
def test_viewers_cannot_read_national_ids_off_by_prefix(client, world, request, viewer):
    member = world["own"].member
    changelist = reverse("admin:unions_member_changelist")
    client.force_login(request.getfixturevalue(viewer))
    by_prefix = client.get(changelist, {"q": member.national_id[:9]})
    assert list(by_prefix.context["cl"].result_list) == []
    whole = client.get(changelist, {"q": member.national_id})
    assert list(whole.context["cl"].result_list) == [member]
    filtered = client.get(changelist, {"national_id__startswith": member.national_id[:9]})
    assert filtered.status_code == 400


def test_staff_still_search_national_ids_by_prefix(client, world, district_staff):
    member = world["own"].member
    changelist = reverse("admin:unions_member_changelist")
    client.force_login(district_staff)
    by_prefix = client.get(changelist, {"q": member.national_id[:9]})
    assert member in by_prefix.context["cl"].result_list
