"""The figures of the province dashboard and the district pages, with their drill-down links.

Every number comes from `unions.enterprises.coverage.coverage_figures` or
`referrals.reports.pipeline_figures` (the same functions as the management commands, the JSON
endpoints and the Excel exports), so a page can never disagree with a report. This module only
arranges them: it merges the two documents by district, pairs each count with the year's target
and with the URL of the rows behind it, and adds the lists that only the pages show (gap list,
referrals, classes, trends).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from referrals.workdays import add_months
from unions.access import access_for
from unions.enterprises.coverage import coverage_figures, coverage_pct, province_units
from unions.enterprises.models import Enterprise, narrowing_q
from unions.members.models import Member
from unions.territory.models import AdministrativeUnit

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

COVERAGE_KEYS = ("eligible", "with_union", "gap", "unions_total", "union_members")
PIPELINE_KEYS = ("new_unions", "commended", "certified", "introduced", "admitted", "recognized")
FUNNEL_KEYS = ("commended", "certified", "introduced", "admitted", "recognized")
MEMBER_INDICATORS = FUNNEL_KEYS
TREND_MONTHS = 24
# Rows a page shows of a long list; the export and the drill-down list carry all of them.
PAGE_ROWS = 200


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters, already validated (see `views.DashboardFilterForm`)."""

    year: int
    as_of: datetime.date
    ownership: str | None = None
    zone: int | None = None
    today: datetime.date = field(default_factory=timezone.localdate)

    def query(self) -> str:
        """The filters as a query string for links between pages and to exports."""
        params: dict[str, Any] = {}
        if self.year != self.today.year:
            params["year"] = self.year
        if self.as_of != self.today:
            params["as_of"] = self.as_of.isoformat()
        if self.ownership:
            params["ownership"] = self.ownership
        if self.zone:
            params["zone"] = self.zone
        return urlencode(params)


class Drilldown:
    """URLs of the rows behind each number: filtered admin changelists that count exactly it.

    The changelists are scoped by `.for_user()` as the figures are, and their filters are the
    figures' rules (`eligible`, `has_union`, `active`, with `on` for the as-of date).
    """

    def __init__(self, filters: Filters):
        self.filters = filters
        self.enterprise_list = reverse("admin:unions_enterprise_changelist")
        self.union_list = reverse("admin:unions_grassrootsunion_changelist")
        self.member_list = reverse("referrals:members")
        self.class_list = reverse("admin:referrals_awarenessclass_changelist")

    def _union_date(self) -> dict[str, str]:
        # The admin judges "has a union" and "active" on today unless told the as-of date.
        if self.filters.as_of == self.filters.today:
            return {}
        return {"on": self.filters.as_of.isoformat()}

    def enterprises(self, district_id: int | None, *, has_union: bool | None = None) -> str:
        params: dict[str, Any] = {}
        if district_id is not None:
            params["district__id__exact"] = district_id
        params["eligible"] = "yes"
        if has_union is not None:
            params["has_union"] = "yes" if has_union else "no"
            params |= self._union_date()
        if self.filters.ownership:
            params["ownership__exact"] = self.filters.ownership
        if self.filters.zone:
            params["industrial_zone__id__exact"] = self.filters.zone
        return f"{self.enterprise_list}?{urlencode(params)}"

    def unions(self, district_id: int | None, *, founded_in: int | None = None) -> str:
        params: dict[str, Any] = {}
        if district_id is not None:
            params["enterprise__district__id__exact"] = district_id
        if founded_in is None:
            params["active"] = "yes"
            params |= self._union_date()
        else:
            params["founded_on__year"] = founded_in
        if self.filters.ownership:
            params["enterprise__ownership__exact"] = self.filters.ownership
        if self.filters.zone:
            params["enterprise__industrial_zone__id__exact"] = self.filters.zone
        return f"{self.union_list}?{urlencode(params)}"

    def classes(self, district_id: int | None, *, campaign: str | None = None) -> str:
        """The awareness classes of the year (or of a campaign) held in the district."""
        params: dict[str, Any] = {}
        if campaign is None:
            params["year"] = self.filters.year
        else:
            params["campaign"] = campaign
        if district_id is not None:
            params["district__id__exact"] = district_id
        return f"{self.class_list}?{urlencode(params)}"

    def members(self, district_code: str | None, indicator: str) -> str:
        """The members behind a pipeline count: the list page built on the report's own rules."""
        params: dict[str, Any] = {"indicator": indicator, "year": self.filters.year}
        if district_code is not None:
            params["district"] = district_code
        if self.filters.ownership:
            params["ownership"] = self.filters.ownership
        if self.filters.zone:
            params["zone"] = self.filters.zone
        return f"{self.member_list}?{urlencode(params)}"

    def row(self, district_id: int | None, district_code: str | None) -> dict[str, str]:
        """Links for every number of a row (a district, or the province with None)."""
        links = self.coverage(district_id)
        for indicator in MEMBER_INDICATORS:
            links[indicator] = self.members(district_code, indicator)
        return links

    def coverage(self, district_id: int | None) -> dict[str, str]:
        """Links for each coverage number of a row."""
        return {
            "eligible": self.enterprises(district_id),
            "coverage_pct": self.enterprises(district_id),
            "with_union": self.enterprises(district_id, has_union=True),
            "gap": self.enterprises(district_id, has_union=False),
            "unions_total": self.unions(district_id),
            "union_members": self.unions(district_id),
            "new_unions": self.unions(district_id, founded_in=self.filters.year),
        }


# --- Assembling the pages ----------------------------------------------------------------------


def province_dashboard(*, user: AbstractBaseUser, filters: Filters) -> dict[str, Any]:
    """Everything the province dashboard shows, in a fixed number of queries."""
    data = figures(user=user, filters=filters)
    drill = Drilldown(filters)
    linked_totals = access_for(user).province_wide
    for row in data["rows"]:
        row["links"] = drill.row(row["pk"], row["code"])
    province = data["province"]
    province["links"] = drill.row(None, None) if linked_totals else {}
    steps = funnel(province)
    trend = monthly_trend(
        user=user, district_ids=[row["pk"] for row in data["rows"]], filters=filters
    )
    return {
        **data,
        "kpis": kpi_cards(province, threshold=data["threshold"]),
        "funnel": steps,
        "funnel_chart": funnel_chart(steps),
        "linked_totals": linked_totals,
        "chart": coverage_chart(data["rows"]),
        "trend": trend,
        "trend_chart": trend_chart(trend),
        "campaign": workers_month(user=user, filters=filters, district_id=None),
    }


def district_dashboard(*, user: AbstractBaseUser, filters: Filters, code: str) -> dict[str, Any]:
    """One district's page; None when the district is outside the user's scope."""
    data = figures(user=user, filters=filters)
    row = next((row for row in data["rows"] if row["code"] == code), None)
    if row is None:
        return None
    row["links"] = Drilldown(filters).row(row["pk"], row["code"])
    steps = funnel(row)
    trend = monthly_trend(user=user, district_ids=[row["pk"]], filters=filters)
    return {
        "filters": filters,
        "threshold": data["threshold"],
        "district": row,
        "province": data["province"],
        "kpis": kpi_cards(row, threshold=data["threshold"]),
        "funnel": steps,
        "funnel_chart": funnel_chart(steps),
        "trend": trend,
        "trend_chart": trend_chart(trend),
        "gap_list": gap_list(user=user, filters=filters, district_id=row["pk"])[:PAGE_ROWS],
        "referrals": referral_table(user=user, filters=filters, district_id=row["pk"])[:PAGE_ROWS],
        "classes": class_table(user=user, filters=filters, district_id=row["pk"]),
        "classes_link": Drilldown(filters).classes(row["pk"]),
        "campaign": workers_month(user=user, filters=filters, district_id=row["pk"]),
        "page_rows": PAGE_ROWS,
    }


def district_in_scope(*, user: AbstractBaseUser, code: str) -> AdministrativeUnit | None:
    """The province's district of that code if the user reads enterprises there (`Access`).

    The same rule as the figures' rows (DESIGN.md, Access): province-wide readers any district,
    district users their own, zone-union staff those where their union manages an enterprise.
    """
    access = access_for(user)
    if access.role is None:
        return None
    districts = AdministrativeUnit.objects.filter(
        access.districts_q("pk"),
        code=code,
        level=AdministrativeUnit.Level.DISTRICT,
        parent__code=settings.PROVINCE_CODE,
    )
    return districts.first()


def member_list(
    *, user: AbstractBaseUser, filters: Filters, indicator: str, district_id: int | None
):
    """The members behind a pipeline count, by the report's own rule: one query (and a count).

    `pipeline_figures` counts, per district, the members of its enterprises meeting the
    indicator's condition for the year; this is that same condition on the same scoped rows.
    """
    from referrals.reports import member_conditions

    members = Member.objects.for_user(user).filter(member_conditions(filters.year)[indicator])
    if district_id is not None:
        members = members.filter(union__enterprise__district_id=district_id)
    return (
        _narrowed(members, filters, "union__enterprise__")
        .select_related("union__enterprise__district")
        .order_by("search_key", "date_of_birth", "pk")
    )


def figures(*, user: AbstractBaseUser, filters: Filters) -> dict[str, Any]:
    """The coverage and pipeline documents merged by district, scoped to the user."""
    coverage = coverage_figures(
        as_of=filters.as_of,
        user=user,
        ownership=filters.ownership,
        zone=filters.zone,
        with_members=True,
    )
    pipeline = pipeline_document(user=user, filters=filters)
    _province, units = province_units()
    pks = {unit.code: unit.pk for unit in units}
    by_code = {row["code"]: row for row in pipeline["districts"]}
    rows = []
    for row in coverage["districts"]:
        counts = by_code.get(row["code"], {})
        rows.append(_merged(row, counts, pk=pks[row["code"]]))
    return {
        "filters": filters,
        "as_of": coverage["as_of"],
        "threshold": coverage["threshold"],
        "year": pipeline["year"],
        "province": _merged(coverage["province"], pipeline["province"], pk=None),
        "rows": rows,
    }


def _merged(coverage: dict, pipeline: dict, *, pk: int | None) -> dict[str, Any]:
    row = dict(coverage)
    row["pk"] = pk
    for key in PIPELINE_KEYS:
        row[key] = pipeline.get(key, 0)
    row["targets"] = dict(pipeline.get("targets") or {})
    return row


def pipeline_document(*, user: AbstractBaseUser, filters: Filters) -> dict[str, Any]:
    from referrals.reports import pipeline_figures

    return pipeline_figures(
        year=filters.year, user=user, ownership=filters.ownership, zone=filters.zone
    )


# --- KPI cards, funnel and charts --------------------------------------------------------------


@dataclass(frozen=True)
class Kpi:
    key: str
    label: str
    value: int | float | None
    link: str | None
    target: int | None = None
    kind: str = "count"
    detail: str = ""

    @property
    def is_pct(self) -> bool:
        return self.kind == "pct"

    @property
    def target_pct(self) -> float | None:
        if not self.target or self.value is None:
            return None
        return coverage_pct(int(self.value), self.target)


def kpi_cards(row: dict[str, Any], *, threshold: int) -> list[Kpi]:
    """The cards of a page, for the province or one district, each with its target if set."""
    links = row.get("links", {})
    targets = row.get("targets", {})

    def count(key: str, label: str, kind: str = "count", link_key: str | None = None) -> Kpi:
        return Kpi(
            key=key,
            label=label,
            value=row.get(key),
            link=links.get(link_key or key),
            target=targets.get(key),
            kind=kind,
        )

    return [
        Kpi(
            key="coverage_pct",
            label=_("Coverage of enterprises with %(threshold)d+ workers")
            % {"threshold": threshold},
            value=row["coverage_pct"],
            link=links.get("coverage_pct"),
            kind="pct",
            detail=_("%(with_union)s of %(eligible)s")
            % {
                "with_union": number_format(row["with_union"], force_grouping=True),
                "eligible": number_format(row["eligible"], force_grouping=True),
            },
        ),
        count("eligible", _("Eligible enterprises")),
        count("with_union", _("With a union")),
        count("gap", _("Gap: without a union"), kind="gap"),
        count("unions_total", _("Grassroots unions")),
        count("union_members", _("Union members")),
        count("new_unions", _("New unions this year")),
        count("commended", _("Outstanding members"), kind="pipeline"),
        count("certified", _("Class attendees certified"), kind="pipeline"),
        count("introduced", _("Introduced to the Party"), kind="pipeline"),
        count("admitted", _("Admitted to the Party"), kind="pipeline"),
        count("recognized", _("Recognised as full members"), kind="pipeline"),
    ]


def funnel_labels() -> dict[str, str]:
    return {
        "commended": _("Outstanding members"),
        "certified": _("Certified after the class"),
        "introduced": _("Introduced"),
        "admitted": _("Admitted"),
        "recognized": _("Full members"),
    }


def funnel(row: dict[str, Any]) -> list[dict[str, Any]]:
    labels = funnel_labels()
    targets = row.get("targets", {})
    links = row.get("links", {})
    return [
        {
            "key": key,
            "label": labels[key],
            "value": row.get(key, 0),
            "target": targets.get(key),
            "link": links.get(key),
        }
        for key in FUNNEL_KEYS
    ]


def funnel_chart(steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "labels": [step["label"] for step in steps],
        "values": [step["value"] for step in steps],
        "targets": [step["target"] for step in steps],
        "label": _("Members"),
        "target_label": _("Target"),
    }


def trend_chart(trend: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "labels": [point["month"].strftime("%m/%Y") for point in trend],
        "coverage": [point["coverage_pct"] for point in trend],
        "admitted": [point["admitted"] for point in trend],
        "coverage_label": _("Coverage %"),
        "admitted_label": _("Admitted in the month"),
    }


def coverage_chart(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Data for the coverage-by-district bar chart (its table alternative is the district table)."""
    return {
        "labels": [row["name"] for row in rows],
        "coverage": [row["coverage_pct"] for row in rows],
        "label": _("Coverage %"),
        "goal_label": _("Goal: 100%"),
    }


# --- Lists -------------------------------------------------------------------------------------


def _narrowed(queryset, filters: Filters, prefix: str = ""):
    return queryset.filter(
        narrowing_q(ownership=filters.ownership, zone=filters.zone, prefix=prefix)
    )


def gap_list(*, user: AbstractBaseUser, filters: Filters, district_id: int):
    """Eligible enterprises without a union on the as-of date, biggest first: one query."""
    enterprises = Enterprise.objects.for_user(user).filter(district_id=district_id)
    return _narrowed(enterprises, filters).for_gap_list(on=filters.as_of)


def referral_table(*, user: AbstractBaseUser, filters: Filters, district_id: int):
    """Open referrals of the district's members, overdue first: one query."""
    from referrals.models import Referral, Stage

    referrals = (
        Referral.objects.for_user(user)
        .filter(member__union__enterprise__district_id=district_id)
        .open()
        .exclude(stage=Stage.FULL_MEMBER)
    )
    return (
        _narrowed(referrals, filters, "member__union__enterprise__")
        .for_changelist()
        .order_by("-is_overdue", "member__search_key", "pk")
    )


def class_table(*, user: AbstractBaseUser, filters: Filters, district_id: int | None):
    """The year's awareness classes held in the district with attendance: one query."""
    from referrals.models import AwarenessClass

    classes = AwarenessClass.objects.for_user(user).filter(starts_on__year=filters.year)
    if district_id is not None:
        classes = classes.filter(district_id=district_id)
    return _with_attendance(classes).order_by("starts_on", "title", "pk")


def _with_attendance(classes):
    return classes.select_related("district").annotate(
        enrolled=Count("enrollments"),
        attended=Count("enrollments", filter=Q(enrollments__attended=True)),
        passed=Count("enrollments", filter=Q(enrollments__passed=True)),
    )


def workers_month(
    *, user: AbstractBaseUser, filters: Filters, district_id: int | None
) -> dict[str, Any]:
    """The Workers' Month campaign panel: its classes of the year and their attendees."""
    from referrals.models import AwarenessClass, workers_month_campaign

    classes = AwarenessClass.objects.for_user(user).workers_month(filters.year)
    if district_id is not None:
        classes = classes.filter(district_id=district_id)
    rows = list(_with_attendance(classes).order_by("starts_on", "title", "pk"))
    campaign = workers_month_campaign(filters.year)
    return {
        "campaign": campaign,
        "link": Drilldown(filters).classes(district_id, campaign=campaign),
        "classes": rows,
        "enrolled": sum(row.enrolled for row in rows),
        "attended": sum(row.attended for row in rows),
        "passed": sum(row.passed for row in rows),
    }


def monthly_trend(
    *, user: AbstractBaseUser, district_ids: list[int], filters: Filters
) -> list[dict[str, Any]]:
    """Coverage and admissions month by month from the snapshots: one query.

    Snapshots are per district and ownership, so the zone filter does not apply here.
    """
    from referrals.models import IndicatorSnapshot

    last = filters.as_of.replace(day=1)
    first = add_months(last, -(TREND_MONTHS - 1))
    rows = (
        IndicatorSnapshot.objects.for_user(user)
        .filter(
            district_id__in=district_ids,
            ownership=filters.ownership or "",
            month__range=(first, last),
        )
        .order_by("month")
        .values("month")
        .annotate(
            eligible=Sum("eligible"),
            with_union=Sum("with_union"),
            admitted=Sum("admitted"),
        )
    )
    return [
        {
            "month": row["month"],
            "eligible": row["eligible"],
            "with_union": row["with_union"],
            "coverage_pct": coverage_pct(row["with_union"], row["eligible"]),
            "admitted": row["admitted"],
        }
        for row in rows
    ]
