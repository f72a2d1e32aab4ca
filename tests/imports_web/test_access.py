"""Who may use the import screens: staff within their scope; viewers never; strangers 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.imports_web.files import enterprise_file, upload
from unions import access
from unions.models import ImportBatch

pytestmark = pytest.mark.django_db


def make_batch(user, **overrides) -> ImportBatch:
    """A finished real run recorded for a user, scoped as the engine scopes it."""
    scope = access.access_for(user)
    values = {
        "kind": "enterprises",
        "file_name": "ds.xlsx",
        "sha256": "0" * 64,
        "user": user,
        "district_id": scope.district_id,
        "upper_union_id": scope.upper_union_id,
        "outcome": ImportBatch.Outcome.SUCCEEDED,
        "state": ImportBatch.State.DONE,
        "created": 3,
        "report": {"errors": [], "invalid_rows": []},
    }
    values.update(overrides)
    return ImportBatch.objects.create(**values)


def urls_of(batch: ImportBatch) -> list[str]:
    return [
        reverse("unions:import_list"),
        reverse("unions:import_upload", args=["enterprises"]),
        reverse("unions:import_template", args=["enterprises"]),
        reverse("unions:import_detail", args=[batch.pk]),
        reverse("unions:import_preview", args=[batch.pk]),
        reverse("unions:import_status", args=[batch.pk]),
        reverse("unions:import_errors", args=[batch.pk]),
    ]


@pytest.mark.parametrize("viewer", ["party_viewer", "district_viewer"])
def test_viewers_get_403_on_every_import_url(client, request, viewer, district_staff):
    batch = make_batch(district_staff)
    client.force_login(request.getfixturevalue(viewer))
    for url in urls_of(batch):
        assert client.get(url).status_code == 403, url
    assert upload(client, enterprise_file(1)).status_code == 403
    for name in ("import_confirm", "import_cancel"):
        assert client.post(reverse(f"unions:{name}", args=[batch.pk])).status_code == 403
    assert ImportBatch.objects.count() == 1


def test_staff_may_upload_where_viewers_may_not(client, district_staff):
    client.force_login(district_staff)
    assert client.get(reverse("unions:import_upload", args=["enterprises"])).status_code == 200
    assert upload(client, enterprise_file(1)).status_code == 302


def test_a_user_without_a_role_gets_403(client):
    client.force_login(factories.make_user(None))
    assert client.get(reverse("unions:import_list")).status_code == 403


def test_anonymous_users_go_to_the_login_page(client):
    response = client.get(reverse("unions:import_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_uploads_need_a_csrf_token(district_staff):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(district_staff)
    assert upload(client, enterprise_file(1)).status_code == 403
    assert not ImportBatch.objects.exists()


def test_an_unknown_kind_is_404(client, district_staff):
    client.force_login(district_staff)
    assert client.get(reverse("unions:import_upload", args=["nonsense"])).status_code == 404
    assert client.get(reverse("unions:import_template", args=["nonsense"])).status_code == 404


def test_district_staff_see_their_districts_batches_only(
    client, district_staff, other_district_staff
):
    own = make_batch(district_staff)
    other = make_batch(other_district_staff)
    client.force_login(district_staff)
    history = client.get(reverse("unions:import_list"))
    assert [batch.pk for batch in history.context["page"].object_list] == [own.pk]
    assert client.get(reverse("unions:import_detail", args=[own.pk])).status_code == 200
    for name in ("import_detail", "import_errors", "import_status"):
        assert client.get(reverse(f"unions:{name}", args=[other.pk])).status_code == 404


def test_a_colleague_sees_the_batch_but_not_someone_elses_pending_upload(client, district_staff):
    colleague = factories.make_user(access.DISTRICT_STAFF, district_code="213")
    client.force_login(district_staff)
    upload(client, enterprise_file(1))
    pending = ImportBatch.objects.get()
    done = make_batch(district_staff, file_name="xong.xlsx")
    client.force_login(colleague)
    assert client.get(reverse("unions:import_detail", args=[done.pk])).status_code == 200
    assert client.get(reverse("unions:import_preview", args=[pending.pk])).status_code == 404
    assert client.post(reverse("unions:import_confirm", args=[pending.pk])).status_code == 404
    assert client.post(reverse("unions:import_cancel", args=[pending.pk])).status_code == 404
    pending.refresh_from_db()
    assert pending.state == ImportBatch.State.WAITING


def test_province_admin_sees_every_districts_batches(
    client, province_admin, district_staff, other_district_staff
):
    batches = {make_batch(district_staff).pk, make_batch(other_district_staff).pk}
    client.force_login(province_admin)
    history = client.get(reverse("unions:import_list"))
    assert {batch.pk for batch in history.context["page"].object_list} == batches


def test_zone_staff_see_their_unions_batches_only(client, zone_staff, district_staff):
    own = make_batch(zone_staff)
    make_batch(district_staff)
    client.force_login(zone_staff)
    history = client.get(reverse("unions:import_list"))
    assert [batch.pk for batch in history.context["page"].object_list] == [own.pk]


@pytest.mark.parametrize(
    ("changelist", "kind"),
    [
        ("admin:unions_enterprise_changelist", "enterprises"),
        ("admin:unions_grassrootsunion_changelist", "unions"),
    ],
)
def test_the_admin_lists_link_staff_to_the_import_screen(
    client, district_staff, party_viewer, changelist, kind
):
    link = reverse("unions:import_upload", args=[kind])
    client.force_login(district_staff)
    page = client.get(reverse(changelist))
    assert page.status_code == 200
    assert link in page.content.decode()
    # django-import-export's button stays beside it
    assert reverse(changelist.replace("changelist", "export")) in page.content.decode()
    client.force_login(party_viewer)
    page = client.get(reverse(changelist))
    assert page.status_code == 200
    assert link not in page.content.decode()
