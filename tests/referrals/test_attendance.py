"""Bulk attendance: paste or upload a list, match members, tick who attended and passed."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from referrals.models import Enrollment
from tests.factories import make_member, make_union
from tests.referrals.builders import make_class, make_enrollment

pytestmark = pytest.mark.django_db

D = datetime.date

CSV_TEXT = "Họ và tên,Ngày sinh,CCCD\nNguyễn Văn Xuân,,024090001111\nTrần Thị Hoa,12/03/1995,\n"
PASTED = (
    "STT\tHọ và tên\tNgày sinh\tSố CCCD\n"
    "1\tNguyễn Văn Xuân\t\t024090001111\n"
    "2\tTRẦN THỊ HOA\t12/03/1995\n"
    "3\tLê Văn Nam\n"
    "\n"
    "4\tKhông Có Ai\t01/01/1990\n"
)


@pytest.fixture
def people():
    union = make_union()
    return {
        "by_id": make_member(union, full_name="Nguyễn Văn Xuân", national_id="024090001111"),
        "hoa": make_member(union, full_name="Trần Thị Hoa", date_of_birth=D(1995, 3, 12)),
        "other_hoa": make_member(union, full_name="Trần Thị Hoa", date_of_birth=D(1996, 1, 1)),
        "nam_1": make_member(union, full_name="Lê Văn Nam", date_of_birth=D(1990, 1, 1)),
        "nam_2": make_member(union, full_name="Lê Văn Nam", date_of_birth=D(1992, 2, 2)),
    }


def attendance_url(awareness_class) -> str:
    return reverse("admin:referrals_awarenessclass_attendance", args=[awareness_class.pk])


def test_a_pasted_list_is_matched_by_id_or_by_name_and_birth(client, district_staff, people):
    awareness_class = make_class()
    client.force_login(district_staff)
    response = client.post(attendance_url(awareness_class), {"step": "match", "text": PASTED})
    assert response.status_code == 200
    rows = [(form.member_obj, form.initial["include"]) for form in response.context["formset"]]
    assert rows == [
        (people["by_id"], True),
        (people["hoa"], True),  # the date of birth tells the two Hoas apart
        (people["nam_1"], False),  # two Nams and no date: the user picks
        (people["nam_2"], False),
    ]
    unknown = [line.number for line in response.context["lines"] if not line.candidates]
    assert unknown == [6]  # the spreadsheet's own line number, blank line included


def save_data(rows: list[dict], certificate_on: str = "15/03/2024") -> dict:
    data = {
        "step": "save",
        "rows-TOTAL_FORMS": len(rows),
        "rows-INITIAL_FORMS": len(rows),
        "rows-MIN_NUM_FORMS": 0,
        "rows-MAX_NUM_FORMS": 2000,
        "defaults-certificate_on": certificate_on,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            if value is True:
                data[f"rows-{index}-{key}"] = "on"
            elif value not in (False, None):
                data[f"rows-{index}-{key}"] = value
    return data


def test_ticked_rows_become_enrollments_with_certificates(client, district_staff, people):
    awareness_class = make_class()
    client.force_login(district_staff)
    rows = [
        {"member": people["by_id"].pk, "include": True, "attended": True, "passed": True,
         "certificate_number": "GCN-001"},
        {"member": people["hoa"].pk, "include": True, "attended": True},
        {"member": people["nam_1"].pk, "include": True, "attended": True},
        {"member": people["nam_2"].pk, "include": False, "attended": True},
    ]  # fmt: skip
    response = client.post(attendance_url(awareness_class), save_data(rows))
    assert response.status_code == 302
    enrollments = {
        e.member_id: e for e in Enrollment.objects.filter(awareness_class=awareness_class)
    }
    assert set(enrollments) == {people["by_id"].pk, people["hoa"].pk, people["nam_1"].pk}
    passed = enrollments[people["by_id"].pk]
    assert (passed.passed, passed.certificate_number, passed.certificate_on) == (
        True, "GCN-001", D(2024, 3, 15),
    )  # fmt: skip
    assert not enrollments[people["hoa"].pk].passed
    assert enrollments[people["hoa"].pk].certificate_on is None

    # The same list again changes nothing.
    client.post(attendance_url(awareness_class), save_data(rows))
    assert Enrollment.objects.filter(awareness_class=awareness_class).count() == 3
    assert passed.history.count() == 1


def test_passing_without_attending_is_refused_on_its_row(client, district_staff, people):
    awareness_class = make_class()
    client.force_login(district_staff)
    rows = [{"member": people["hoa"].pk, "include": True, "attended": False, "passed": True}]
    response = client.post(attendance_url(awareness_class), save_data(rows))
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["passed"]
    assert not Enrollment.objects.exists()


def test_an_existing_enrollment_is_updated_and_shown_with_its_marks(client, district_staff, people):
    awareness_class = make_class()
    make_enrollment(
        awareness_class, people["hoa"], passed=False, certificate_number="", certificate_on=None
    )
    client.force_login(district_staff)
    response = client.post(
        attendance_url(awareness_class), {"step": "match", "text": "Trần Thị Hoa; 12/03/1995"}
    )
    form = response.context["formset"].forms[0]
    assert (form.member_obj, form.initial["passed"]) == (people["hoa"], False)
    rows = [
        {
            "member": people["hoa"].pk,
            "include": True,
            "attended": True,
            "passed": True,
            "certificate_number": "GCN-7",
        }
    ]
    client.post(attendance_url(awareness_class), save_data(rows))
    enrollment = Enrollment.objects.get(awareness_class=awareness_class, member=people["hoa"])
    assert (enrollment.passed, enrollment.certificate_number) == (True, "GCN-7")


def test_a_csv_file_is_read_like_a_pasted_list(client, district_staff, people):
    awareness_class = make_class()
    client.force_login(district_staff)
    upload = SimpleUploadedFile(
        "danh_sach.csv",
        CSV_TEXT.encode("utf-8-sig"),
    )
    response = client.post(attendance_url(awareness_class), {"step": "match", "file": upload})
    assert [form.member_obj for form in response.context["formset"]] == [
        people["by_id"], people["hoa"],
    ]  # fmt: skip


def test_an_excel_file_with_numeric_ids_and_date_cells_is_read(client, district_staff, people):
    awareness_class = make_class()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH HỌC VIÊN"])
    sheet.append(["STT", "Họ và tên", "Ngày sinh", "Số CCCD"])
    sheet.append([1, "Nguyễn Văn Xuân", None, 24090001111])  # Excel dropped the leading 0
    sheet.append([2, "Trần Thị Hoa", datetime.datetime(1995, 3, 12), None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("lop.xlsx", buffer.getvalue())
    client.force_login(district_staff)
    response = client.post(attendance_url(awareness_class), {"step": "match", "file": upload})
    assert [form.member_obj for form in response.context["formset"]] == [
        people["by_id"], people["hoa"],
    ]  # fmt: skip


def test_an_unreadable_file_is_an_error_on_the_form(client, district_staff):
    awareness_class = make_class()
    client.force_login(district_staff)
    upload = SimpleUploadedFile("lop.xlsx", b"not a spreadsheet")
    response = client.post(attendance_url(awareness_class), {"step": "match", "file": upload})
    assert response.status_code == 200
    assert response.context["source"].errors["file"]


def test_members_outside_the_users_scope_are_not_found(client, district_staff, people):
    from tests.factories import make_enterprise

    stranger = make_member(make_union(make_enterprise(district="215")), national_id="024090009999")
    awareness_class = make_class()
    client.force_login(district_staff)
    response = client.post(
        attendance_url(awareness_class), {"step": "match", "text": stranger.national_id}
    )
    assert list(response.context["formset"]) == []
    rows = [{"member": stranger.pk, "include": True, "attended": True}]
    response = client.post(attendance_url(awareness_class), save_data(rows))
    assert response.status_code == 200  # "select a valid choice" on the row
    assert not Enrollment.objects.exists()


def test_other_districts_and_viewers_cannot_record_attendance(
    client, other_district_staff, district_viewer
):
    awareness_class = make_class()
    client.force_login(other_district_staff)
    assert client.get(attendance_url(awareness_class)).status_code == 404
    client.force_login(district_viewer)
    assert client.get(attendance_url(awareness_class)).status_code == 403
