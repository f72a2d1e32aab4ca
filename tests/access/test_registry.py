"""The acceptance test of access: generated from the admin's registry and the page registry.

For every model registered in the admin (now and later) and every role, it requests the
changelist, add, change, history and delete pages of rows inside and outside the role's
territory, each autocomplete the model's forms use, and its other admin pages; then every page
of `tests.access.pages.PAGES`. It asserts DESIGN.md's "Access" statuses:

- anonymous users are sent to sign in (302);
- users, logs and tasks (models outside the project's apps, the read log, staff scopes) are 403
  for everyone but provincial admins;
- a role opens what its permission table allows (`unions.access.role_permissions`: viewers only
  view, district staff never delete enterprises, ...), 403 otherwise;
- a row outside the role's read scope is a 404; a row it reads but does not write (a KCN
  enterprise for district staff, anything for a viewer) shows Django's read-only page;

and that no response body contains the marker, tax code or national ID of a territory the role
does not read (see `tests.access.world`), nor, for Party viewers, any national ID in full.
"""

from __future__ import annotations

import io
import json
from urllib.parse import urlencode

import openpyxl
import pytest
from django.contrib import admin
from django.http import StreamingHttpResponse
from django.urls import NoReverseMatch, reverse

from tests.access.conftest import ROLE_FIXTURES, role_id
from tests.access.pages import PAGES
from tests.access.world import SPECS, UNMARKED_MODELS, VISIBLE, WRITABLE
from unions import access
from unions.admin.scoped import ScopedChoicesMixin, scoped_choices

pytestmark = pytest.mark.django_db

MODELS = sorted(admin.site._registry, key=lambda model: model._meta.label_lower)
ROLES = list(ROLE_FIXTURES)
STANDARD_VIEWS = {"changelist", "add", "change", "delete", "history", "simple_history"}
UNKNOWN_PK = 987_654_321


def body_text(response) -> str:
    """What a response shows a person: HTML/JSON text, or the cells of a spreadsheet."""
    if isinstance(response, StreamingHttpResponse):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if "spreadsheetml" in response.get("Content-Type", ""):
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    text = content.decode("utf-8", errors="replace")
    if "json" in response.get("Content-Type", ""):
        # Undo \\u escapes, so a name in JSON reads as it does in HTML.
        text += json.dumps(json.loads(text), ensure_ascii=False) if text.strip() else ""
    return text


def assert_no_leak(response, role, world, url) -> None:
    text = body_text(response)
    for key, territory in world.items():
        if key in VISIBLE[role]:
            # Party viewers read the territory, but never a national ID in full.
            if role in access.VIEWER_ROLES:
                national_id = territory.member.national_id
                assert national_id not in text, f"{url} shows {national_id} to {role}"
            continue
        for secret in territory.secrets:
            assert secret not in text, f"{url} shows {secret!r} of {key} to {role_id(role)}"


def assert_status(response, expected: int, url: str, role) -> None:
    assert response.status_code == expected, (
        f"{url} as {role_id(role)}: {response.status_code}, expected {expected}"
    )


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def row_states(model, user, role) -> dict[str, object]:
    """One row per state the role sees the model's rows in: 'write', 'read' or 'out'."""
    manager = model._default_manager
    rows = list(manager.order_by("pk")[:500])
    if hasattr(manager, "for_user"):
        readable = set(manager.for_user(user).values_list("pk", flat=True))
        writable = set(manager.writable_by(user).values_list("pk", flat=True))
    elif role == access.PROVINCE_ADMIN:
        readable = writable = {row.pk for row in rows}
    else:
        readable = writable = set()
    if role is None or "change" not in access.role_permissions(role, model):
        writable = set()
    states: dict[str, object] = {}
    for row in rows:
        state = "write" if row.pk in writable else "read" if row.pk in readable else "out"
        states.setdefault(state, row)
    return states


def allowed_for_province(model_admin, what: str, obj, province_request) -> bool:
    """Whether the admin lets anyone do this at all (some pages allow nobody to add)."""
    if what == "add":
        return model_admin.has_add_permission(province_request)
    return getattr(model_admin, f"has_{what}_permission")(province_request, obj)


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model._meta.label_lower)
@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_admin_pages_answer_as_the_access_table_says(
    client, world, user_for, request_as, role, model
):
    user = user_for(role)
    if role is not None:
        client.force_login(user)
    model_admin = admin.site._registry[model]
    province_request = request_as(user_for(access.PROVINCE_ADMIN))
    permissions = access.role_permissions(role, model) if role else frozenset()
    can_view = "view" in permissions

    def check(url: str, expected: int):
        response = client.get(url)
        if role is None:
            assert_status(response, 302, url, role)
            assert "/admin/login/" in response["Location"]
            return response
        assert_status(response, expected, url, role)
        assert_no_leak(response, role, world, url)
        return response

    check(admin_url(model, "changelist"), 200 if can_view else 403)
    may_add = "add" in permissions and allowed_for_province(
        model_admin, "add", None, province_request
    )
    check(admin_url(model, "add"), 200 if may_add else 403)
    check(admin_url(model, "change", UNKNOWN_PK), 404 if can_view else 403)

    for state, row in row_states(model, user, role).items():
        if not can_view:
            expected = {"change": 403, "history": 403, "delete": 403}
        elif state == "out":
            expected = {"change": 404, "history": 404, "delete": 404}
        else:
            may_delete = (
                state == "write"
                and "delete" in permissions
                and allowed_for_province(model_admin, "delete", row, province_request)
            )
            expected = {"change": 200, "history": 200, "delete": 200 if may_delete else 403}
        for view, status in expected.items():
            response = check(admin_url(model, view, row.pk), status)
            if view == "change" and status == 200 and role is not None:
                editable = (
                    state == "write"
                    and "change" in permissions
                    and allowed_for_province(model_admin, "change", row, province_request)
                )
                shows_save = 'name="_save"' in response.content.decode()
                assert shows_save == editable, (
                    f"{model._meta.label} {row.pk} ({state}) as {role_id(role)}: "
                    f"{'editable' if shows_save else 'read-only'}, expected the other"
                )


def autocomplete_sources():
    """(source model, field name, target model) for every autocomplete field of every form."""
    sources = []
    for model, model_admin in admin.site._registry.items():
        for name in model_admin.autocomplete_fields:
            sources.append((model, model, name))
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                sources.append((model, inline.model, name))
    return sources


AUTOCOMPLETES = autocomplete_sources()


@pytest.mark.parametrize(
    ("parent", "source", "field_name"),
    AUTOCOMPLETES,
    ids=[f"{source._meta.label_lower}.{name}" for _parent, source, name in AUTOCOMPLETES],
)
@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_autocomplete_offers_only_what_the_form_accepts(
    client, world, user_for, request_as, role, parent, source, field_name
):
    user = user_for(role)
    if role is not None:
        client.force_login(user)
    target = source._meta.get_field(field_name).remote_field.model
    query = {
        "app_label": source._meta.app_label,
        "model_name": source._meta.model_name,
        "field_name": field_name,
    }
    url = f"{reverse('admin:autocomplete')}?{urlencode(query)}"
    response = client.get(url)
    if role is None:
        assert_status(response, 302, url, role)
        return
    needed = [parent, source, target]
    may = all("view" in access.role_permissions(role, model) for model in needed)
    assert_status(response, 200 if may else 403, url, role)
    assert_no_leak(response, role, world, url)
    if not may:
        return
    offered = {int(result["id"]) for result in response.json()["results"]}
    # What the form accepts ...
    field = source._meta.get_field(field_name)
    model_admin = admin.site._registry[parent]
    form_admin = (
        model_admin
        if source is parent
        else next(
            inline(parent, admin.site) for inline in model_admin.inlines if inline.model is source
        )
    )
    formfield = form_admin.formfield_for_foreignkey(field, request_as(user))
    assert offered <= set(formfield.queryset.values_list("pk", flat=True))
    # ... never more than the user reads, and for writers by default what they may write.
    manager = target._default_manager
    if hasattr(manager, "for_user"):
        assert offered <= set(manager.for_user(user).values_list("pk", flat=True))
    if type(form_admin).formfield_for_foreignkey is ScopedChoicesMixin.formfield_for_foreignkey:
        choices = scoped_choices(request_as(user), target)
        if choices is not None:
            assert offered <= set(choices.values_list("pk", flat=True))


def other_admin_urls():
    """Pages a model's admin adds without arguments (export, import, ...)."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        prefix = f"{model._meta.app_label}_{model._meta.model_name}_"
        for pattern in model_admin.get_urls():
            name = getattr(pattern, "name", None)
            if not name or not name.startswith(prefix) or name[len(prefix) :] in STANDARD_VIEWS:
                continue
            try:
                urls.append((model, reverse(f"admin:{name}")))
            except NoReverseMatch:
                continue  # takes arguments: reached from a row's page
    return urls


OTHER_ADMIN_URLS = other_admin_urls()


@pytest.mark.parametrize(
    ("model", "url"), OTHER_ADMIN_URLS, ids=[url for _model, url in OTHER_ADMIN_URLS]
)
@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_other_admin_pages_never_leak_or_fail(client, world, user_for, role, model, url):
    user = user_for(role)
    if role is not None:
        client.force_login(user)
    response = client.get(url)
    if role is None:
        assert_status(response, 302, url, role)
        return
    assert response.status_code in {200, 302, 403, 404, 405}, (url, response.status_code)
    if "view" not in access.role_permissions(role, model):
        assert response.status_code in {302, 403, 404, 405}, (url, role, response.status_code)
    assert_no_leak(response, role, world, url)


def page_requests():
    requests = []
    for page in PAGES:
        if page.kwargs is None:
            requests.append((page, None))
        else:
            requests.extend((page, key) for key in SPECS)
    return requests


PAGE_REQUESTS = page_requests()


@pytest.mark.parametrize(
    ("page", "territory_key"),
    PAGE_REQUESTS,
    ids=[f"{page}[{key}]" if key else str(page) for page, key in PAGE_REQUESTS],
)
@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_pages_answer_as_the_access_table_says(client, world, user_for, role, page, territory_key):
    user = user_for(role)
    if role is not None:
        client.force_login(user)
    kwargs = page.url_kwargs(world[territory_key] if territory_key else None)
    url = reverse(page.url_name, kwargs=kwargs) + (f"?{page.query}" if page.query else "")
    response = client.get(url)
    if role is None:
        assert_status(response, 302, url, role)
        return
    if role not in page.readers:
        expected = 403
    elif territory_key is None:
        expected = 200
    else:
        visible = page.visible or (lambda role, key: key in VISIBLE[role])
        expected = 200 if visible(role, territory_key) else 404
    assert_status(response, expected, url, role)
    assert_no_leak(response, role, world, url)


@pytest.mark.parametrize("role", ROLES, ids=role_id)
def test_admin_index_hides_users_logs_and_tasks_from_all_but_provincial_admins(
    client, world, user_for, role
):
    if role is None:
        return
    client.force_login(user_for(role))
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    body = response.content.decode()
    admin_only = [model for model in MODELS if access.is_admin_only(model)]
    assert admin_only, "the registry has no users/logs/tasks admin: the test checks nothing"
    for model in admin_only:
        link = admin_url(model, "changelist")
        assert (link in body) == (role == access.PROVINCE_ADMIN), (link, role)
    assert_no_leak(response, role, world, reverse("admin:index"))


def scoped_models():
    return [
        model
        for model in MODELS
        if hasattr(model._default_manager, "for_user") and not access.is_admin_only(model)
    ]


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model._meta.label_lower)
def test_world_has_rows_of_every_scoped_model(world, model):
    """Every scoped model needs rows in the world, or the registry test checks only its lists.

    Reference data (units, zones, upper unions, targets of the province) is exempt: it is the
    same for everyone. Add a builder to `tests.access.world.BUILDERS` for a new model.
    """
    label = model._meta.label_lower
    if label in access.REFERENCE_MODELS or label in UNMARKED_MODELS:
        return
    markers = {key: territory.marker for key, territory in world.items()}
    found = {
        key
        for key, marker in markers.items()
        for row in model._default_manager.all()
        if marker in str(row)
    }
    assert found == set(SPECS), (
        f"{model._meta.label}: no rows for {sorted(set(SPECS) - found)} in the access test's "
        "world; add a builder to tests/access/world.py BUILDERS"
    )


@pytest.mark.parametrize("model", scoped_models(), ids=lambda model: model._meta.label_lower)
@pytest.mark.parametrize("role", [role for role in ROLES if role], ids=role_id)
def test_querysets_follow_the_territories(world, user_for, role, model):
    """`.for_user()` reads exactly the territories of the Access table; and for the unions
    models, `.writable_by()` writes exactly those the managing union gives the role."""
    user = user_for(role)
    manager = model._default_manager
    readable = list(manager.for_user(user))
    writable = list(manager.writable_by(user))
    for key, territory in world.items():
        rows = [row for row in manager.all() if territory.marker in str(row)]
        if not rows:
            continue
        shown = [row for row in rows if row in readable]
        if key in VISIBLE[role]:
            assert shown == rows, (model._meta.label, role, key, "should be readable")
        else:
            assert not shown, (model._meta.label, role, key, "must not be readable")
        if model._meta.app_label == "unions":
            changed = [row for row in rows if row in writable]
            if key in WRITABLE.get(role, frozenset()):
                assert changed == rows, (model._meta.label, role, key, "should be writable")
            else:
                assert not changed, (model._meta.label, role, key, "must not be writable")
