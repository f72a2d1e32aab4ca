"""Member lists and referral registers: the second half of IMPORT.md, on the import engine.

Both are :class:`unions.importing.ImportSpec` kinds, registered when the app is ready
(`referrals.apps`), so the commands and the browser's import screens offer them.

- :class:`MemberImport` upserts union members: found by national ID, else by folded name, date
  of birth and union (the enterprise's active union). It writes set-based like the unions
  imports: a staging table, then one INSERT, one UPDATE and one history statement.
- :class:`ReferralImport` reads a register of milestone dates. Every row passes the pipeline's
  own rules (`referrals.pipeline.check_milestones`) before anything is written; the writes are
  bulk ORM statements, with history rows, events and commendations.

Ethnicity and religion columns are recognised so they can be named in a notice, and their cells
are blanked as soon as a row is read: they are never stored, nor echoed in an error download.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from referrals.models import (
    Commendation,
    Enrollment,
    IntroducerType,
    Outcome,
    PartyOrganization,
    Referral,
    ReferralEvent,
    Stage,
)
from referrals.rules import Plan, ReferralState, RegisterRow, RuleViolation, plan
from referrals.stages import RULE_FIELDS
from unions.enterprises.enterprise_import import TAX_CODE
from unions.importing import (
    CREATED,
    UNCHANGED,
    UPDATED,
    Column,
    FileError,
    ImportSpec,
    Issue,
    Row,
    Vocabulary,
    parse_date,
    register,
)
from unions.importing.cells import cell_text, text_parser
from unions.members.importing import (
    BIRTH_ALIASES,
    DROPPED,
    FULL_NAME_ALIASES,
    NATIONAL_ID_ALIASES,
    MemberIdentity,
    drop_sensitive_cells,
    pick_member,
)
from unions.members.models import Member
from unions.text import fold

__all__ = ["ReferralImport"]

REGISTER_COLUMNS = (
    Column("national_id", NATIONAL_ID_ALIASES),
    Column("full_name", FULL_NAME_ALIASES),
    Column("date_of_birth", BIRTH_ALIASES),
    Column("tax_code", TAX_CODE.aliases),
    Column("commended_on", ("Ngày được biểu dương", "Ngày công nhận ưu tú", "Ngày biểu dương")),
    Column("certificate_number", ("Số giấy chứng nhận", "Số GCN", "Số GCN lớp NTVĐ")),
    Column(
        "certificate_on",
        ("Ngày cấp GCN lớp NTVĐ", "Ngày cấp giấy chứng nhận", "Ngày cấp GCN", "Ngày GCN"),
    ),
    Column("introduced_on", ("Ngày giới thiệu", "Ngày CĐCS giới thiệu")),
    Column("party_organization", ("Tổ chức đảng tiếp nhận", "Chi bộ tiếp nhận", "Chi bộ")),
    Column("admitted_on", ("Ngày kết nạp", "Ngày kết nạp Đảng", "Ngày kết nạp vào Đảng")),
    Column("decision_number", ("Số quyết định kết nạp", "Số QĐ kết nạp")),
    Column(
        "recognized_on",
        (
            "Ngày công nhận đảng viên chính thức",
            "Ngày chuyển chính thức",
            "Ngày công nhận chính thức",
        ),
    ),
    Column("introducer_type", ("Hình thức giới thiệu", "Người giới thiệu")),
    Column("outcome", ("Kết quả",)),
    Column("reason", ("Lý do",)),
)


INTRODUCER_TYPES = Vocabulary(
    {
        "BCH CĐCS và 1 đảng viên": IntroducerType.UNION_COMMITTEE,
        "BCH CĐCS và một đảng viên": IntroducerType.UNION_COMMITTEE,
        "BCH công đoàn cơ sở và 1 đảng viên": IntroducerType.UNION_COMMITTEE,
        "Ban chấp hành CĐCS và 1 đảng viên": IntroducerType.UNION_COMMITTEE,
        "Ban chấp hành công đoàn cơ sở và 1 đảng viên": IntroducerType.UNION_COMMITTEE,
        "2 đảng viên": IntroducerType.TWO_MEMBERS,
        "Hai đảng viên": IntroducerType.TWO_MEMBERS,
        "2 đảng viên chính thức": IntroducerType.TWO_MEMBERS,
        "BCH Đoàn và 1 đảng viên": IntroducerType.YOUTH_COMMITTEE,
        "BCH Đoàn và một đảng viên": IntroducerType.YOUTH_COMMITTEE,
        "BCH Đoàn TN và 1 đảng viên": IntroducerType.YOUTH_COMMITTEE,
        "BCH Đoàn thanh niên và 1 đảng viên": IntroducerType.YOUTH_COMMITTEE,
        "Ban chấp hành Đoàn và 1 đảng viên": IntroducerType.YOUTH_COMMITTEE,
    }
)
NO_OUTCOME = "-"
OUTCOMES = Vocabulary(
    {
        "Không kết nạp": Outcome.DECLINED,
        "Không được kết nạp": Outcome.DECLINED,
        "Không đủ điều kiện": Outcome.DECLINED,
        "Rút hồ sơ": Outcome.WITHDRAWN,
        "Xin rút hồ sơ": Outcome.WITHDRAWN,
        "Rút": Outcome.WITHDRAWN,
        # Registers also note admissions in this column; the dates already say so.
        "Kết nạp": NO_OUTCOME,
        "Đã kết nạp": NO_OUTCOME,
        "Được kết nạp": NO_OUTCOME,
    }
)

MILESTONE_DATES = (
    "commended_on",
    "certificate_on",
    "introduced_on",
    "admitted_on",
    "recognized_on",
)
MILESTONE_NUMBERS = ("certificate_number", "decision_number")
# Where a rule's field is read from in a register, and the rules that are about one cell.
COLUMN_OF_FIELD = {"outcome_reason": "reason"}
CELL_RULES = frozenset({"future_date"})
OUTCOME_COLUMNS = frozenset({"outcome", "reason"})
# What a register writes on a referral it updates.
UPDATED_FIELDS = [
    *RULE_FIELDS,
    "stage",
    "introducer_type",
    "party_organization",
    "outcome",
    "outcome_reason",
    "closed_on",
    "last_import_batch",
    "updated_at",
]


# --- Referral registers -----------------------------------------------------------------------


@dataclass
class _Write:
    """What one register row writes: the rules' decision for its member's referral."""

    member_id: int
    union_id: int
    referral: Referral | None
    decision: Plan

    @property
    def party_organization(self) -> int | tuple[int | None, str] | None:
        return self.decision.values.get("party_organization")


class ReferralImport(MemberIdentity, ImportSpec):
    """A register of milestone dates: creates or moves forward each member's referral."""

    kind = "referrals"
    label = gettext_lazy("referral register")
    columns = REGISTER_COLUMNS
    dropped_columns = DROPPED
    key_column = "national_id"
    name_column = "full_name"

    def load(self) -> None:
        self.plans: list[_Write] = []
        self.layout_checked = False
        self.members_seen: dict[int, int] = {}
        # Party organisations by (district, folded name); None for province-level ones.
        self.organizations: dict[tuple[int | None, str], int] = {
            (district_id, key): pk
            for pk, district_id, key in PartyOrganization.objects.values_list(
                "pk", "district_id", "search_key"
            )
        }
        self.organization_names = dict(PartyOrganization.objects.values_list("pk", "name"))
        self.new_organizations: dict[tuple[int | None, str], str] = {}

    def name_required(self, row: Row) -> bool:
        return row.cell("national_id") is None

    # Reading ---------------------------------------------------------------------------------

    def _check_layout(self, row: Row) -> None:
        present = row.layout.indexes
        if "national_id" in present or {"full_name", "date_of_birth", "tax_code"} <= set(present):
            self.layout_checked = True
            return
        raise FileError(
            _(
                "The register has no columns to find members by: it needs the national ID, or "
                "the full name, the date of birth and the enterprise's tax code."
            )
        )

    def parse(self, row: Row) -> None:
        if not self.layout_checked:
            self._check_layout(row)
        drop_sensitive_cells(row)
        self.read_identity(row, warn=False)
        for name in MILESTONE_DATES:
            self.read(row, name, parse_date)
        self.read(row, "certificate_number", text_parser(50))
        self.read(row, "decision_number", text_parser(50))
        self.read(row, "party_organization", text_parser(300))
        self.read(row, "reason", text_parser(500))
        introducer = row.cell("introducer_type")
        if introducer is not None:
            found = INTRODUCER_TYPES.get(introducer)
            if found is None:
                row.error(
                    "introducer_type",
                    _("Unknown introducer. Write one of: %(choices)s.")
                    % {
                        "choices": "; ".join(
                            ("BCH CĐCS và 1 đảng viên", "2 đảng viên", "BCH Đoàn và 1 đảng viên")
                        )
                    },
                )
            else:
                row.values["introducer_type"] = found
        outcome = row.cell("outcome")
        if outcome is not None:
            found = OUTCOMES.get(outcome)
            if found is None:
                row.error("outcome", _("Unknown outcome. Write Không kết nạp or Rút hồ sơ."))
            elif found != NO_OUTCOME:
                row.values["outcome"] = found
        dated = any(row.cell(name) is not None for name in MILESTONE_DATES)
        if not dated and "outcome" not in row.values:
            row.error(
                "national_id" if "national_id" in row.layout.indexes else "full_name",
                _("This row gives no milestone date and no outcome."),
            )

    # Comparing -------------------------------------------------------------------------------

    def classify(self, rows: list[Row]) -> None:
        members = self._members(rows)
        member_ids = [member["id"] for member in members.values()]
        referrals: dict[int, list[Referral]] = {}
        for referral in Referral.objects.filter(member_id__in=member_ids).order_by("pk"):
            referrals.setdefault(referral.member_id, []).append(referral)
        commended: dict[int, set[datetime.date]] = {}
        for member_id, on in Commendation.objects.filter(member_id__in=member_ids).values_list(
            "member_id", "date"
        ):
            commended.setdefault(member_id, set()).add(on)
        certificates: dict[int, tuple[str, datetime.date]] = {}
        for member_id, number, on in (
            Enrollment.objects.certificates()
            .filter(member_id__in=member_ids)
            .order_by("member_id", "certificate_on", "pk")
            .values_list("member_id", "certificate_number", "certificate_on")
        ):
            certificates[member_id] = (number, on)  # the latest wins
        for row in rows:
            if row.errors:
                continue
            member = members.get(row.number)
            if member is None:
                column = "national_id" if row.values.get("national_id") else "full_name"
                row.error(column, _("No member matches this row: import the member list first."))
                continue
            if not self.run.may_write(member["union__enterprise__managing_union_id"]):
                row.error(
                    "national_id" if row.values.get("national_id") else "full_name",
                    _("Outside your write scope: another union manages this member's enterprise."),
                )
                continue
            earlier = self.members_seen.get(member["id"])
            if earlier is not None:
                row.error(
                    "national_id" if row.values.get("national_id") else "full_name",
                    self.duplicate_message(earlier),
                )
                continue
            self.members_seen[member["id"]] = row.number
            self._plan(
                row,
                member,
                referrals.get(member["id"], []),
                commended.get(member["id"], set()),
                certificates.get(member["id"]),
            )

    def _members(self, rows: list[Row]) -> dict[int, dict]:
        """The stored member each row names, by row number: two queries per chunk."""
        fields = (
            "id",
            "date_of_birth",
            "birth_year_only",
            "national_id",
            "search_key",
            "union_id",
            "union__enterprise__tax_code",
            "union__enterprise__district_id",
            "union__enterprise__managing_union_id",
        )
        ids = [row.values["national_id"] for row in rows if row.values.get("national_id")]
        by_id = {
            m["national_id"]: m for m in Member.objects.filter(national_id__in=ids).values(*fields)
        }
        named = [
            row
            for row in rows
            if not row.values.get("national_id")
            and row.values.get("full_name")
            and row.values.get("date_of_birth")
            and row.values.get("tax_code")
        ]
        by_name: dict[tuple[str, str], list[dict]] = {}
        if named:
            for member in Member.objects.filter(
                search_key__in={fold(row.values["full_name"]) for row in named},
                union__enterprise__tax_code__in={row.values["tax_code"] for row in named},
            ).values(*fields):
                key = (member["search_key"], member["union__enterprise__tax_code"])
                by_name.setdefault(key, []).append(member)
        named_rows = {row.number for row in named}
        found = {}
        for row in rows:
            values = row.values
            if values.get("national_id"):
                member = by_id.get(values["national_id"])
            elif row.number in named_rows:
                member = pick_member(
                    by_name.get((fold(values["full_name"]), values["tax_code"]), []), values
                )
            else:
                member = None
            if member is not None:
                found[row.number] = member
        return found

    def _plan(
        self,
        row: Row,
        member: dict,
        referrals: list[Referral],
        commended: set[datetime.date],
        certificate: tuple[str, datetime.date] | None,
    ) -> None:
        """Decide the row with the pipeline's own `plan`; carry nothing out yet."""
        given = {
            name: row.values[name]
            for name in (*MILESTONE_DATES, *MILESTONE_NUMBERS)
            if name in row.values
        }
        outcome = row.values.get("outcome")
        referral = next((r for r in referrals if r.outcome is None), None)
        if referral is None and self._matches_closed(referrals, given, outcome):
            row.status = UNCHANGED
            return
        organization = self._organization(row, member)
        state = _state(referral, member, certificate, commended)
        change = RegisterRow(
            on=self.run.today,
            milestones=given,
            details={
                "introducer_type": row.values.get("introducer_type"),
                "party_organization": organization,
            },
            outcome=outcome,
            reason=row.values.get("reason", ""),
            label=self._label,
        )
        decision = plan(state, change, today=self.run.today)
        merged = {**state.recorded(), **given}
        for violation in decision.violations:
            self._violation(row, violation, merged)
        if row.errors:
            return
        if not decision.changes:
            row.status = UNCHANGED
            return
        row.status = CREATED if referral is None else UPDATED
        row.changes = decision.changes
        row.data = _Write(member["id"], member["union_id"], referral, decision)

    @staticmethod
    def _matches_closed(
        referrals: list[Referral], given: dict[str, object], outcome: str | None
    ) -> bool:
        """Whether the row restates a declined or withdrawn referral: it stays closed."""
        for referral in referrals:
            if referral.outcome is None or (outcome is not None and outcome != referral.outcome):
                continue
            if given and all(getattr(referral, name) == value for name, value in given.items()):
                return True
        return False

    def _violation(self, row: Row, violation: RuleViolation, merged: dict) -> None:
        name = COLUMN_OF_FIELD.get(violation.field, violation.field)
        if name in row.layout.indexes and (violation.code in CELL_RULES or name in OUTCOME_COLUMNS):
            row.error(name, violation.message)
            return
        # A rule spanning cells names its field (IMPORT.md, "Outcome").
        row.add_error(Issue(row.number, name, cell_text(merged.get(name)), violation.message))

    def _organization(self, row: Row, member: dict) -> int | tuple[int | None, str] | None:
        """The Party organisation a row names: found in the member's district (or the
        province's), else to be created in the district, with a warning."""
        name = row.values.get("party_organization")
        if not name:
            return None
        key = fold(name)
        district_id = member["union__enterprise__district_id"]
        found = self.organizations.get((district_id, key)) or self.organizations.get((None, key))
        if found is not None:
            return found
        self.new_organizations.setdefault((district_id, key), name)
        row.warn(
            "party_organization",
            _("Unknown Party organisation: it will be created in the member's district."),
        )
        return (district_id, key)

    def _organization_name(self, organization: int | tuple[int | None, str]) -> str:
        if isinstance(organization, tuple):
            return self.new_organizations[organization]
        return self.organization_names.get(organization, str(organization))

    def _label(self, name: str, value: object) -> str | None:
        """How a correction of a detail is recorded: an organisation by its name."""
        if name == "party_organization" and value is not None:
            return self._organization_name(value)
        return value

    def title(self, name: str) -> str:
        labels = {
            "stage": _("stage"),
            "outcome": _("outcome"),
            "commendation": _("commendation"),
        }
        return labels.get(name) or super().title(name)

    def display(self, name: str, value: object) -> str:
        if value is None or value == "":
            return ""
        if name == "stage":
            return str(Stage(value).label)
        if name == "outcome":
            return str(Outcome(value).label)
        if name == "introducer_type":
            return str(IntroducerType(value).label)
        if name == "party_organization":
            return self._organization_name(value)
        return cell_text(value)

    # Writing ---------------------------------------------------------------------------------

    def stage(self, rows: list[Row]) -> None:
        self.plans.extend(row.data for row in rows)

    def write(self) -> None:
        if not self.plans:
            return
        run = self.run
        now = timezone.now()
        organizations = self._create_organizations()
        commendations = [
            Commendation(member_id=write.member_id, date=on, batch=run.batch)
            for write in self.plans
            if (on := write.decision.commendation_on)
        ]
        history = {
            "default_user": run.user,
            "default_change_reason": run.reason,
            "default_date": now,
        }
        if commendations:
            bulk_create_with_history(commendations, Commendation, **history)
        created, updated = [], []
        for write in self.plans:
            referral = write.referral or Referral(
                member_id=write.member_id, union_id=write.union_id, created_at=now
            )
            for name, value in write.decision.values.items():
                if name == "party_organization":
                    referral.party_organization_id = organizations.get(value, value)
                else:
                    setattr(referral, name, value)
            referral.last_import_batch = run.batch
            referral.updated_at = now
            (updated if write.referral else created).append(referral)
            write.referral = referral
        if created:
            bulk_create_with_history(created, Referral, **history)
        if updated:
            bulk_update_with_history(updated, Referral, UPDATED_FIELDS, **history)
        ReferralEvent.objects.bulk_create(
            ReferralEvent(
                referral_id=write.referral.pk,
                by=run.user,
                batch=run.batch,
                created_at=now,
                kind=event.kind,
                from_stage=event.from_stage,
                to_stage=event.to_stage,
                on=event.on,
                note=event.note,
                changes=dict(event.changes),
            )
            for write in self.plans
            for event in write.decision.events
        )

    def _create_organizations(self) -> dict[tuple[int | None, str], int]:
        """Create the Party organisations rows named that did not exist: one query."""
        needed = {
            plan.party_organization
            for plan in self.plans
            if isinstance(plan.party_organization, tuple)
        }
        if not needed:
            return {}
        created = PartyOrganization.objects.bulk_create(
            PartyOrganization(
                name=self.new_organizations[key],
                search_key=key[1],
                district_id=key[0],
                batch=self.run.batch,
            )
            for key in sorted(needed, key=lambda key: (key[0] or 0, key[1]))
        )
        return {(org.district_id, org.search_key): org.pk for org in created}


def _state(
    referral: Referral | None,
    member: dict,
    certificate: tuple[str, datetime.date] | None,
    commended: set[datetime.date],
) -> ReferralState:
    """The member's open referral (or none) as the plain values the rules decide on."""
    if referral is None:
        return ReferralState(
            date_of_birth=member["date_of_birth"],
            certificate=certificate,
            commendation_dates=frozenset(commended),
        )
    return ReferralState(
        date_of_birth=member["date_of_birth"],
        stage=referral.stage,
        milestones={name: getattr(referral, name) for name in RULE_FIELDS},
        details={
            "introducer_type": referral.introducer_type,
            "party_organization": referral.party_organization_id,
        },
        certificate=certificate,
        commendation_dates=frozenset(commended),
    )


register(ReferralImport)
