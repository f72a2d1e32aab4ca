"""Member lists and registers through the browser's import screens: preview, errors, confirm."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from referrals.models import Referral, Stage
from tests.factories import make_enterprise, make_member, make_union
from tests.imports_web.files import upload, workbook_bytes
from unions.models import ImportBatch, Member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.IMPORT_UPLOAD_DIR = tmp_path / "imports"
    return settings.IMPORT_UPLOAD_DIR


def test_a_member_list_is_previewed_then_imported(client, district_staff, today):
    union = make_union()
    content = workbook_bytes(
        ("Danh sách", [["Họ và tên", "Ngày sinh", "Dân tộc", "MST"],
                       ["Nguyễn Thị Hoa", "12/03/1995", "Kinh", union.enterprise.tax_code]])
    )  # fmt: skip
    client.force_login(district_staff)
    assert client.get(reverse("unions:import_upload", args=["members"])).status_code == 200
    response = upload(client, content, kind="members")
    batch = ImportBatch.objects.get()
    assert response["Location"] == reverse("unions:import_preview", args=[batch.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert page.context["preview"]["created"] == 1
    assert "Kinh" not in page.content.decode()
    assert not Member.objects.exists()
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert Member.objects.get().union == union


def test_a_registers_error_rows_download_with_their_messages(client, district_staff, today):
    member = make_member(national_id="024090000001")
    content = workbook_bytes(
        ("Sổ theo dõi", [["Số CCCD", "Ngày cấp GCN lớp NTVĐ", "Ngày giới thiệu"],
                         [member.national_id, "20/04/2024", "10/04/2024"],
                         ["024099999999", "20/03/2024", "10/04/2024"]])
    )  # fmt: skip
    client.force_login(district_staff)
    upload(client, content, kind="referrals")
    batch = ImportBatch.objects.get()
    assert batch.error_count == 2
    download = client.get(reverse("unions:import_errors", args=[batch.pk]))
    assert download.status_code == 200
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert [row[3] for row in rows[1:]] == [2, 3]  # the spreadsheet's row numbers
    assert not Referral.objects.exists()


def test_a_valid_register_is_confirmed(client, district_staff, today):
    member = make_member(make_union(make_enterprise()), national_id="024090000001")
    content = workbook_bytes(
        ("Sổ", [["Số CCCD", "Ngày cấp GCN lớp NTVĐ", "Ngày giới thiệu"],
                [member.national_id, "20/03/2024", "10/04/2024"]])
    )  # fmt: skip
    client.force_login(district_staff)
    upload(client, content, kind="referrals")
    batch = ImportBatch.objects.get()
    client.post(reverse("unions:import_confirm", args=[batch.pk]))
    assert Referral.objects.get().stage == Stage.INTRODUCED
