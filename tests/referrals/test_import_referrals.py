"""The referral-register import: every row passes the pipeline's rules; re-imports are stable
and move referrals forward, never backward."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.management import call_command

from referrals.models import (
    Commendation,
    IntroducerType,
    Outcome,
    PartyOrganization,
    Referral,
    ReferralEvent,
    Stage,
)
from tests.factories import district, make_member, make_union
from tests.referrals.builders import (
    make_commendation,
    make_enrollment,
    make_party_organization,
    make_referral,
)
from tests.unions.import_files import FORMATS, run, write

pytestmark = pytest.mark.django_db

D = datetime.date
HEADER = [
    "STT",
    "Họ và tên",
    "Số CCCD",
    "Ngày được biểu dương",
    "Số GCN",
    "Ngày cấp GCN lớp NTVĐ",
    "Ngày giới thiệu",
    "Chi bộ tiếp nhận",
    "Ngày kết nạp",
    "Số QĐ kết nạp",
    "Ngày chuyển chính thức",
    "Kết quả",
    "Lý do",
]
FIELDS = [
    "n",
    "name",
    "id",
    "commended",
    "cert_no",
    "cert",
    "intro",
    "cell",
    "admitted",
    "decision",
    "recognized",
    "outcome",
    "reason",
]


def line(n: int, member, **cells) -> list:
    values = {"n": n, "name": member.full_name if member else "Không Có Ai", "id": (
        member.national_id if member else "024099999999")} | cells  # fmt: skip
    return [values.get(name) for name in FIELDS]


def register(tmp_path, rows, **options):
    return run(tmp_path, [HEADER, *rows], spec="referrals", **options)


@pytest.fixture
def union():
    return make_union()


@pytest.fixture
def people(union):
    """Members with national IDs, born 17/05/1990 unless said otherwise."""

    def person(n: int, **overrides):
        return make_member(union, national_id=f"0240900{n:05d}", **overrides)

    return person


def complete(**extra) -> dict:
    return {
        "commended": "15/01/2024",
        "cert_no": "GCN-1",
        "cert": "20/03/2024",
        "intro": "10/04/2024",
        "admitted": "19/05/2024",
        "decision": "12-QĐ/ĐU",
    } | extra


# --- Violations: exactly the violating rows ----------------------------------------------------


@pytest.fixture
def violations(people):
    """A register whose rows each break one rule, between valid ones: (rows, bad row numbers)."""
    rows = [
        line(1, people(1), **complete()),  # row 2: valid
        line(2, people(2), cert="20/04/2024", intro="10/04/2024"),  # certificate after intro
        line(3, people(3), cert="01/01/2019", intro="10/04/2024"),  # expired certificate
        line(4, people(4), **complete(decision=None)),  # no decision number
        line(5, people(5, date_of_birth=D(2008, 1, 1)), **complete()),  # 16 at admission
        line(6, people(6), **complete(recognized="01/12/2024")),  # probation too short
        line(7, people(7), cert="20/03/2025", intro="20/06/2025"),  # in the future
        line(8, people(8), **complete(intro="01/06/2024")),  # admitted before introduced
        line(9, None, commended="15/01/2024"),  # no such member
        line(10, people(10)),  # no date, no outcome
        line(11, people(11), commended="15/01/2024"),  # row 12: valid
        line(12, people(12), cert="20/03/2024", intro="10/04/2024", outcome="Rút hồ sơ",
             reason="Chuyển công tác"),  # row 13: valid, closed
        line(13, people(13), **complete(outcome="Không kết nạp", reason="x")),  # after admission
    ]  # fmt: skip
    return rows, {3, 4, 5, 6, 7, 8, 9, 10, 11, 14}


def test_a_register_with_violations_reports_exactly_the_violating_rows(tmp_path, today, violations):
    rows, bad = violations
    result = register(tmp_path, rows)
    assert result.exit_code == 1
    assert {issue.row for issue in result.errors} == bad
    assert (result.rows, result.created, result.invalid) == (13, 3, 10)
    assert not Referral.objects.exists()  # one transaction: nothing written
    by_row = {issue.row: issue for issue in result.errors}
    assert by_row[3].column == "introduced_on"
    assert by_row[5].column == "decision_number"
    assert by_row[6].column == "admitted_on"
    assert by_row[7].column == "recognized_on"
    assert by_row[8].column == "Ngày giới thiệu"  # a future date is its own cell's error
    assert by_row[14].column == "Kết quả"


def test_skipping_errors_writes_the_valid_rows(tmp_path, today, violations, people):
    rows, _bad = violations
    result = register(tmp_path, rows, skip_errors=True)
    assert (result.exit_code, result.created) == (1, 3)
    stages = dict(Referral.objects.values_list("member__national_id", "stage"))
    assert stages == {
        "024090000001": Stage.ADMITTED,
        "024090000011": Stage.IDENTIFIED,
        "024090000012": Stage.INTRODUCED,
    }
    closed = Referral.objects.get(member__national_id="024090000012")
    assert (closed.outcome, closed.outcome_reason, closed.closed_on) == (
        Outcome.WITHDRAWN, "Chuyển công tác", today,
    )  # fmt: skip


def test_the_command_exits_1_and_prints_the_errors_as_json(tmp_path, today, violations):
    rows, bad = violations
    path = write(tmp_path / "so_theo_doi.xlsx", [HEADER, *rows])
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_referrals", str(path), "--json", stdout=out)
    assert exit_info.value.code == 1
    document = json.loads(out.getvalue())
    assert {error["row"] for error in document["errors"]} == bad


# --- Writing a register ------------------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_each_milestone_gets_an_event_dated_with_it(tmp_path, today, people, ext):
    member = people(1)
    result = register(tmp_path, [line(1, member, **complete(cell="Chi bộ Công ty May"))], ext=ext)
    assert (result.exit_code, result.created) == (0, 1), result.as_json()
    referral = Referral.objects.get()
    assert (referral.stage, referral.decision_number, referral.certificate_number) == (
        Stage.ADMITTED, "12-QĐ/ĐU", "GCN-1",
    )  # fmt: skip
    assert referral.introducer_type == IntroducerType.UNION_COMMITTEE
    assert referral.union == member.union
    events = list(
        referral.events.order_by("on").values_list("kind", "from_stage", "to_stage", "on")
    )
    assert events == [
        ("started", None, "identified", D(2024, 1, 15)),
        ("advanced", "identified", "class_completed", D(2024, 3, 20)),
        ("advanced", "class_completed", "introduced", D(2024, 4, 10)),
        ("advanced", "introduced", "admitted", D(2024, 5, 19)),
    ]
    assert referral.events.filter(batch=result.batch).count() == 4
    assert member.commendations.get().date == D(2024, 1, 15)
    assert referral.history.get().history_type == "+"


def test_importing_a_register_twice_changes_nothing(tmp_path, today, people):
    rows = [
        line(1, people(1), **complete(cell="Chi bộ Công ty May")),
        line(2, people(2), commended="15/01/2024"),
        line(3, people(3), cert="20/03/2024", intro="10/04/2024", outcome="Rút hồ sơ",
             reason="Nghỉ việc"),
    ]  # fmt: skip
    first = register(tmp_path, rows)
    assert (first.exit_code, first.created) == (0, 3), first.as_json()
    counts = (
        Referral.objects.count(),
        ReferralEvent.objects.count(),
        Referral.history.count(),
        Commendation.objects.count(),
        PartyOrganization.objects.count(),
    )
    second = register(tmp_path, rows)
    assert (second.exit_code, second.created, second.updated, second.unchanged) == (0, 0, 0, 3)
    assert second.warnings == []
    assert counts == (
        Referral.objects.count(),
        ReferralEvent.objects.count(),
        Referral.history.count(),
        Commendation.objects.count(),
        PartyOrganization.objects.count(),
    )


def test_a_later_register_moves_referrals_forward(tmp_path, today, people):
    member = people(1)
    register(tmp_path, [line(1, member, commended="15/01/2024", cert_no="GCN-1",
                             cert="20/03/2024", intro="10/04/2024")])  # fmt: skip
    assert Referral.objects.get().stage == Stage.INTRODUCED
    later = register(
        tmp_path,
        [line(1, member, **complete(recognized="20/05/2025"))],
        name="so_theo_doi_2025",
    )
    assert (later.exit_code, later.created, later.updated) == (0, 0, 1), later.as_json()
    referral = Referral.objects.get()
    assert (referral.stage, referral.recognized_on) == (Stage.FULL_MEMBER, D(2025, 5, 20))
    advanced = list(
        referral.events.filter(batch=later.batch).values_list("from_stage", "to_stage", "on")
    )
    assert advanced == [
        ("introduced", "admitted", D(2024, 5, 19)),
        ("admitted", "full_member", D(2025, 5, 20)),
    ]
    assert referral.history.order_by("-history_id").first().history_type == "~"


def test_an_older_register_never_moves_a_referral_back(tmp_path, today, people):
    member = people(1)
    make_referral(member, stage=Stage.ADMITTED)
    make_commendation(member, date=D(2024, 1, 15))
    result = register(tmp_path, [line(1, member, commended="15/01/2024", cert="20/03/2024")])
    assert (result.exit_code, result.unchanged) == (0, 1), result.as_json()
    assert Referral.objects.get().stage == Stage.ADMITTED


def test_a_different_date_for_a_recorded_milestone_is_a_correction(tmp_path, today, people):
    member = people(1)
    referral = make_referral(member, stage=Stage.INTRODUCED)
    result = register(tmp_path, [line(1, member, intro="12/04/2024")])
    assert (result.exit_code, result.updated) == (0, 1), result.as_json()
    referral.refresh_from_db()
    assert (referral.stage, referral.introduced_on) == (Stage.INTRODUCED, D(2024, 4, 12))
    event = referral.events.get(kind=ReferralEvent.Kind.CORRECTED)
    assert event.changes == {"introduced_on": ["2024-04-10", "2024-04-12"]}


def test_an_open_referral_from_the_admin_is_carried_forward(tmp_path, today, people):
    member = people(1)
    referral = make_referral(member, stage=Stage.FOSTERING)
    result = register(tmp_path, [line(1, member, cert="20/03/2024", intro="10/04/2024")])
    assert (result.updated, Referral.objects.count()) == (1, 1)
    referral.refresh_from_db()
    assert referral.stage == Stage.INTRODUCED
    moves = list(referral.events.filter(kind="advanced").values_list("from_stage", "to_stage"))
    assert moves == [("fostering", "class_completed"), ("class_completed", "introduced")]


def test_a_certificate_from_a_passed_class_counts_for_the_introduction(tmp_path, today, people):
    member = people(1)
    make_enrollment(member=member, certificate_number="GCN-77", certificate_on=D(2024, 3, 20))
    result = register(tmp_path, [line(1, member, intro="10/04/2024")])
    assert result.exit_code == 0, result.as_json()
    referral = Referral.objects.get()
    assert (referral.certificate_on, referral.certificate_number) == (D(2024, 3, 20), "GCN-77")


def test_an_unknown_party_organisation_is_created_in_the_members_district(tmp_path, today, people):
    known = make_party_organization(name="Chi bộ Công ty Hòa Phát")
    rows = [
        line(1, people(1), commended="15/01/2024", cell="Chi bộ Công ty Hoà Phát"),
        line(2, people(2), commended="15/01/2024", cell="Chi bộ Công ty May Mới"),
        line(3, people(3), commended="15/01/2024", cell="CHI BỘ CÔNG TY MAY MỚI"),
    ]
    result = register(tmp_path, rows)
    assert result.exit_code == 0, result.as_json()
    assert [(w.row, w.column) for w in result.warnings] == [
        (3, "Chi bộ tiếp nhận"), (4, "Chi bộ tiếp nhận"),
    ]  # fmt: skip
    created = PartyOrganization.objects.exclude(pk=known.pk).get()
    assert (created.name, created.district, created.batch) == (
        "Chi bộ Công ty May Mới", district("213"), result.batch,
    )  # fmt: skip
    organisations = dict(Referral.objects.values_list("member__national_id", "party_organization"))
    assert organisations == {
        "024090000001": known.pk, "024090000002": created.pk, "024090000003": created.pk,
    }  # fmt: skip


def test_a_closed_referral_stays_closed(tmp_path, today, people):
    member = people(1)
    make_referral(member, stage=Stage.CLASS_COMPLETED, outcome=Outcome.WITHDRAWN,
                  closed_on=D(2024, 6, 1), outcome_reason="Nghỉ việc")  # fmt: skip
    rows = [line(1, member, cert="20/03/2024", outcome="Rút hồ sơ", reason="Nghỉ việc")]
    result = register(tmp_path, rows)
    assert (result.exit_code, result.unchanged) == (0, 1), result.as_json()
    assert Referral.objects.count() == 1


def test_members_are_found_by_name_birth_and_tax_code(tmp_path, today, union):
    member = make_member(union, full_name="Phạm Thị Lan", date_of_birth=D(1992, 8, 9))
    rows = [
        ["Họ và tên", "Ngày sinh", "MST", "Ngày được biểu dương", "Hình thức giới thiệu"],
        ["PHAM THI LAN", "09/08/1992", union.enterprise.tax_code, "15/01/2024", "2 đảng viên"],
        ["Phạm Thị Lan", "10/08/1992", union.enterprise.tax_code, "15/01/2024", ""],
        ["Phạm Văn Ba", "10/08/1992", union.enterprise.tax_code, "15/01/2024", "3 người"],
    ]
    result = run(tmp_path, rows, spec="referrals")
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "Họ và tên"),  # born a day later: someone else, not found
        (4, "Hình thức giới thiệu"),
    ]
    result = run(tmp_path, rows[:2], spec="referrals")
    referral = Referral.objects.get()
    assert (referral.member, referral.introducer_type) == (member, IntroducerType.TWO_MEMBERS)


def test_a_register_without_member_columns_is_a_file_error(tmp_path, today):
    rows = [["Họ và tên", "Ngày giới thiệu", "Ngày kết nạp"], ["Ai Đó", "10/04/2024", ""]]
    result = run(tmp_path, rows, spec="referrals")
    assert result.exit_code == 2
    assert result.error
    assert result.rows == 0


def test_rows_of_members_outside_the_users_scope_are_errors(
    tmp_path, today, people, other_district_staff
):
    result = register(tmp_path, [line(1, people(1), commended="15/01/2024")],
                      user=other_district_staff)  # fmt: skip
    assert [(e.row, e.column) for e in result.errors] == [(2, "Số CCCD")]


def test_an_outcome_needs_its_reason(tmp_path, today, people):
    member = people(1)
    rows = [line(1, member, cert="20/03/2024", intro="10/04/2024", outcome="Không kết nạp")]
    result = register(tmp_path, rows)
    assert [(e.row, e.column) for e in result.errors] == [(2, "Lý do")]
    rows = [line(1, member, cert="20/03/2024", intro="10/04/2024", outcome="Không kết nạp",
                 reason="Chi bộ không đồng ý")]  # fmt: skip
    result = register(tmp_path, rows)
    assert result.exit_code == 0
    assert Referral.objects.get().outcome == Outcome.DECLINED
