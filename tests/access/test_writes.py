"""Writes stay inside the territory: forged foreign keys, read-only rows, viewers, actions."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from tests.access.conftest import role_id
from tests.access.forms import page_form_data
from tests.access.world import SPECS
from tests.factories import district, federation, next_tax_code
from unions import access
from unions.models import Enterprise, GrassrootsUnion, Headcount, Member

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
VIEWERS = [access.PARTY_VIEWER_PROVINCE, access.PARTY_VIEWER_DISTRICT]


def url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def snapshot() -> dict:
    """Every row of the data models, to show that a refused request wrote nothing."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in MODELS
        if not access.is_admin_only(model)
    }


# --- A district officer cannot move rows out of the district by editing the form -------------


def test_district_officer_cannot_create_an_enterprise_in_another_district(
    client, world, district_staff
):
    client.force_login(district_staff)
    page = client.get(url(Enterprise, "add"))
    data = page_form_data(page)
    tax_code = next_tax_code()
    data.update(tax_code=tax_code, name="Công ty TNHH Lạc Đường", district=district("215").pk)
    before = Enterprise.objects.count()

    response = client.post(url(Enterprise, "add"), data)

    assert response.status_code in {200, 403}
    if response.status_code == 200:  # the form refuses the district: not one of its choices
        assert "district" in response.context["adminform"].form.errors
    assert Enterprise.objects.count() == before
    assert not Enterprise.objects.filter(tax_code=tax_code).exists()


def test_district_officer_creates_an_enterprise_in_their_district_managed_by_their_federation(
    client, world, district_staff
):
    """The allowed case of the test above, with the same form: it is not refused for nothing."""
    client.force_login(district_staff)
    data = page_form_data(client.get(url(Enterprise, "add")))
    tax_code = next_tax_code()
    data.update(tax_code=tax_code, name="Công ty TNHH Đúng Đường", district=district("213").pk)
    # A forged managing union is ignored: only provincial admins set it.
    data["managing_union"] = federation("215").pk

    response = client.post(url(Enterprise, "add"), data)

    assert response.status_code == 302, response.context and response.context["errors"]
    created = Enterprise.objects.get(tax_code=tax_code)
    assert created.district.code == "213"
    assert created.managing_union == federation("213")


def test_district_officer_cannot_move_their_enterprise_to_another_district(
    client, world, district_staff
):
    enterprise = world["own"].enterprise
    client.force_login(district_staff)
    data = page_form_data(client.get(url(Enterprise, "change", enterprise.pk)))
    data["district"] = district("215").pk

    response = client.post(url(Enterprise, "change", enterprise.pk), data)

    assert response.status_code in {200, 403}
    enterprise.refresh_from_db()
    assert enterprise.district.code == "213"


@pytest.mark.parametrize(
    ("model", "field", "target"),
    [
        (Member, "union", lambda world: world["other"].union),
        (Member, "union", lambda world: world["own_kcn"].union),
        (GrassrootsUnion, "enterprise", lambda world: world["other"].enterprise),
        (GrassrootsUnion, "upper_union", lambda world: federation("215")),
    ],
    ids=["member-to-215", "member-to-kcn", "union-to-215", "union-under-215-federation"],
)
def test_district_officer_cannot_point_a_row_at_what_they_do_not_write(
    client, world, district_staff, model, field, target
):
    row = {Member: world["own"].member, GrassrootsUnion: world["own"].union}[model]
    client.force_login(district_staff)
    data = page_form_data(client.get(url(model, "change", row.pk)))
    data[field] = target(world).pk
    before = snapshot()

    response = client.post(url(model, "change", row.pk), data)

    assert response.status_code in {200, 403}
    if response.status_code == 200:
        assert field in response.context["adminform"].form.errors
    assert snapshot() == before


def test_district_officer_can_save_their_member_unchanged(client, world, district_staff):
    """The allowed case: the form built by `page_form_data` is valid as it stands."""
    member = world["own"].member
    client.force_login(district_staff)
    data = page_form_data(client.get(url(Member, "change", member.pk)))
    data["job"] = "Công nhân may"
    response = client.post(url(Member, "change", member.pk), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.job == "Công nhân may"


# --- Rows read but not written ---------------------------------------------------------------


def test_district_officer_reads_a_kcn_enterprise_but_cannot_post_to_it(
    client, world, district_staff
):
    enterprise = world["own_kcn"].enterprise
    client.force_login(district_staff)
    page = client.get(url(Enterprise, "change", enterprise.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    before = snapshot()
    response = client.post(url(Enterprise, "change", enterprise.pk), {"name": "Đổi tên"})
    assert response.status_code == 403
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_district_staff_never_delete_enterprises(client, world, district_staff, method):
    enterprise = world["own"].enterprise
    client.force_login(district_staff)
    response = getattr(client, method)(url(Enterprise, "delete", enterprise.pk), {"post": "yes"})
    assert response.status_code == 403
    assert Enterprise.objects.filter(pk=enterprise.pk).exists()


def test_bulk_delete_runs_only_on_rows_the_officer_writes(client, world, district_staff):
    own = Headcount.objects.get(enterprise=world["own"].enterprise)
    kcn = Headcount.objects.get(enterprise=world["own_kcn"].enterprise)
    client.force_login(district_staff)
    response = client.post(
        url(Headcount, "changelist"),
        {"action": "delete_selected", ACTION_CHECKBOX_NAME: [own.pk, kcn.pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert not Headcount.objects.filter(pk=own.pk).exists()
    assert Headcount.objects.filter(pk=kcn.pk).exists()


def test_out_of_scope_post_is_a_404_and_writes_nothing(client, world, district_staff):
    other = world["other"].member
    client.force_login(district_staff)
    before = snapshot()
    response = client.post(url(Member, "change", other.pk), {"full_name": "Tên mới"})
    assert response.status_code == 404
    assert snapshot() == before


def test_revert_to_a_past_version_is_for_writers_only(client, world, district_staff, party_viewer):
    member = world["own"].member
    version = member.history.earliest()
    revert = reverse("admin:unions_member_simple_history", args=[member.pk, version.pk])
    client.force_login(party_viewer)
    assert client.get(revert).status_code == 403
    client.force_login(district_staff)
    assert client.get(revert).status_code == 200
    kcn = world["own_kcn"].member
    kcn_version = kcn.history.earliest()
    kcn_revert = reverse("admin:unions_member_simple_history", args=[kcn.pk, kcn_version.pk])
    assert client.get(kcn_revert).status_code == 403
    other = world["other"].member
    other_revert = reverse(
        "admin:unions_member_simple_history", args=[other.pk, other.history.earliest().pk]
    )
    assert client.get(other_revert).status_code == 404


# --- Party viewers never write: every POST of every admin is a 403 ---------------------------


def viewer_posts():
    cases = []
    for model in MODELS:
        cases.append((model, "add"))
        cases.append((model, "change"))
        cases.append((model, "delete"))
        cases.append((model, "action"))
    return cases


@pytest.mark.parametrize(("model", "view"), viewer_posts(), ids=lambda value: str(value))
@pytest.mark.parametrize("role", VIEWERS, ids=role_id)
def test_party_viewer_posts_are_refused_everywhere(client, world, user_for, role, model, view):
    client.force_login(user_for(role))
    rows = (
        list(model._default_manager.for_user(user_for(role))[:1])
        if hasattr(model._default_manager, "for_user")
        else list(model._default_manager.all()[:1])
    )
    if view in {"change", "delete"} and not rows:
        pytest.skip(f"no {model._meta.label} row this viewer reads")
    before = snapshot()
    if view == "add":
        target, data = url(model, "add"), {"name": "x"}
    elif view == "action":
        pks = [row.pk for row in rows]
        target = url(model, "changelist")
        data = {"action": "delete_selected", ACTION_CHECKBOX_NAME: pks, "post": "yes"}
    else:
        target, data = url(model, view, rows[0].pk), {"post": "yes", "name": "x"}

    response = client.post(target, data)

    assert response.status_code == 403, (target, response.status_code)
    assert snapshot() == before


@pytest.mark.parametrize("role", VIEWERS, ids=role_id)
def test_party_viewer_posts_to_other_admin_pages_are_refused(client, world, user_for, role):
    """Exports, imports and any page a model's admin adds: a viewer's POST is a 403."""
    client.force_login(user_for(role))
    refused = 0
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None) or ""
            if not name.startswith(prefix):
                continue
            try:
                target = reverse(f"admin:{name}")
            except Exception:  # noqa: BLE001 - pages taking arguments are covered above
                continue
            response = client.post(target, {"format": "0"})
            assert response.status_code == 403, (target, response.status_code)
            refused += 1
    assert refused, "no admin page without arguments was tried"


def test_viewers_may_still_sign_out_and_change_their_password(client, world, party_viewer):
    client.force_login(party_viewer)
    response = client.post(
        reverse("admin:password_change"),
        {
            "old_password": "secret-pass-123",
            "new_password1": "Another-pass-2024",
            "new_password2": "Another-pass-2024",
        },
    )
    assert response.status_code == 302
    assert client.post(reverse("admin:logout")).status_code == 200


def test_territories_in_the_world_are_the_ones_the_tests_name():
    assert set(SPECS) == {"own", "own_kcn", "other", "other_kcn"}


def autocomplete(client, model, field_name, term=""):
    query = {
        "app_label": model._meta.app_label,
        "model_name": model._meta.model_name,
        "field_name": field_name,
        "term": term,
    }
    response = client.get(reverse("admin:autocomplete"), query)
    assert response.status_code == 200
    return {int(result["id"]) for result in response.json()["results"]}


def test_autocomplete_offers_a_writer_what_they_may_choose(client, world, district_staff):
    client.force_login(district_staff)
    # A union's enterprise: the ones the officer writes, not the KCN one they only read.
    assert autocomplete(client, GrassrootsUnion, "enterprise") == {world["own"].enterprise.pk}
    # An enterprise's district: their own district only.
    assert autocomplete(client, Enterprise, "district") == {district("213").pk}


def test_autocomplete_offers_zone_staff_districts_and_their_enterprises(client, world, zone_staff):
    client.force_login(zone_staff)
    assert len(autocomplete(client, Enterprise, "district")) > 2
    assert autocomplete(client, GrassrootsUnion, "enterprise") == {
        world["own_kcn"].enterprise.pk,
        world["other_kcn"].enterprise.pk,
    }


def test_autocomplete_of_a_form_the_user_cannot_open_is_refused(client, world, district_staff):
    client.force_login(district_staff)
    query = {"app_label": "unions", "model_name": "staffscope", "field_name": "district"}
    assert client.get(reverse("admin:autocomplete"), query).status_code == 403
    query = {"app_label": "unions", "model_name": "readlog", "field_name": "user"}
    assert client.get(reverse("admin:autocomplete"), query).status_code == 403
