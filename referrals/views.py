"""Dashboards, their Excel exports and the JSON documents the charts and other tools read.

Views parse the filters, call `referrals.dashboards` (which calls the report functions the
management commands use) and render. Every view needs a signed-in user with a role; anything
outside the user's scope is a 404.
"""

from __future__ import annotations

import datetime
from functools import wraps
from typing import TYPE_CHECKING

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from referrals import dashboards, exports
from unions.access import PROVINCE_WIDE_READERS, access_for
from unions.enterprises.coverage import coverage_figures
from unions.enterprises.models import Enterprise
from unions.territory.models import AdministrativeUnit, IndustrialZone

if TYPE_CHECKING:
    from collections.abc import Callable

FIRST_YEAR = 2015
MEMBERS_PER_PAGE = 100
FILTER_FIELDS = frozenset({"year", "ownership", "zone", "as_of"})


def role_required(view: Callable) -> Callable:
    """Signed in (else the admin's login page) and holding a role (else 403)."""

    @login_required(login_url="admin:login")
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if access_for(request.user).role is None:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


class DashboardFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    ownership = forms.ChoiceField(
        label=gettext_lazy("Ownership"),
        choices=[("", gettext_lazy("All"))] + list(Enterprise.Ownership.choices),
        required=False,
    )
    zone = forms.ModelChoiceField(
        label=gettext_lazy("Industrial zone"),
        queryset=IndustrialZone.objects.none(),
        required=False,
        empty_label=gettext_lazy("All"),
    )
    as_of = forms.DateField(
        label=gettext_lazy("As of"),
        required=False,
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, user, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["year"].choices = [
            (year, str(year)) for year in range(today.year, FIRST_YEAR - 1, -1)
        ]
        self.fields["zone"].queryset = IndustrialZone.objects.for_user(user).only("pk", "name")

    def filters(self) -> dashboards.Filters:
        """The validated filters; a field left empty or invalid falls back to its default."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        zone = data.get("zone")
        return dashboards.Filters(
            year=data.get("year") or self.today.year,
            as_of=data.get("as_of") or self.today,
            ownership=data.get("ownership") or None,
            zone=zone.pk if zone else None,
            today=self.today,
        )


def _filters(request: HttpRequest) -> tuple[DashboardFilterForm, dashboards.Filters]:
    today = timezone.localdate()
    # Always bound, with the defaults filled in, so the form shows what the page counts.
    data = {"year": str(today.year), "as_of": today.isoformat()}
    data |= {key: value for key, value in request.GET.items() if key in FILTER_FIELDS and value}
    form = DashboardFilterForm(data, user=request.user, today=today)
    return form, form.filters()


@role_required
def home(request: HttpRequest) -> HttpResponse:
    """The province dashboard for viewers and provincial staff; district staff's own district."""
    access = access_for(request.user)
    if access.role not in PROVINCE_WIDE_READERS and access.district_id is not None:
        code = (
            AdministrativeUnit.objects.filter(pk=access.district_id)
            .values_list("code", flat=True)
            .first()
        )
        if code:
            return redirect("referrals:district", code=code)
    return province(request)


@role_required
def province(request: HttpRequest) -> HttpResponse:
    form, filters = _filters(request)
    context = dashboards.province_dashboard(user=request.user, filters=filters)
    context |= {"form": form, "query": filters.query(), "export_base": _export_base(None)}
    return render(request, "referrals/province_dashboard.html", context)


@role_required
def district(request: HttpRequest, code: str) -> HttpResponse:
    form, filters = _filters(request)
    context = dashboards.district_dashboard(user=request.user, filters=filters, code=code)
    if context is None:
        raise Http404
    context |= {"form": form, "query": filters.query(), "export_base": _export_base(code)}
    return render(request, "referrals/district_dashboard.html", context)


def _export_base(code: str | None) -> str:
    """The URL prefix of a page's exports: the templates append `<table>.xlsx`."""
    if code is None:
        url = reverse("referrals:export", kwargs={"table": "t"})
    else:
        url = reverse("referrals:district_export", kwargs={"code": code, "table": "t"})
    return url.removesuffix("t.xlsx")


class MemberListForm(forms.Form):
    indicator = forms.ChoiceField(choices=[(key, key) for key in dashboards.MEMBER_INDICATORS])
    district = forms.CharField(required=False, max_length=5)


@role_required
def members(request: HttpRequest) -> HttpResponse:
    """The members behind a pipeline count of the dashboards (a drill-down page)."""
    _form, filters = _filters(request)
    form = MemberListForm(request.GET)
    if not form.is_valid():
        raise Http404
    code = form.cleaned_data["district"] or None
    district = None
    if code is not None:
        district = dashboards.district_in_scope(user=request.user, code=code)
        if district is None:
            raise Http404
    indicator = form.cleaned_data["indicator"]
    rows = dashboards.member_list(
        user=request.user,
        filters=filters,
        indicator=indicator,
        district_id=district.pk if district else None,
    )
    page = Paginator(rows, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "referrals/dashboard_members.html",
        {
            "page": page,
            "filters": filters,
            "district": district,
            "indicator": indicator,
            "indicator_label": dashboards.funnel_labels()[indicator],
            "query": filters.query(),
            "page_query": _without_page(request),
        },
    )


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@role_required
def export(request: HttpRequest, table: str, code: str | None = None) -> HttpResponse:
    """A dashboard table as an .xlsx report; the district's tables need the district's code."""
    _form, filters = _filters(request)
    try:
        workbook = exports.export_table(
            table=table,
            user=request.user,
            filters=filters,
            district_code=code,
            path=request.get_full_path(),
        )
    except exports.UnknownTable:
        raise Http404 from None
    return exports.xlsx_response(workbook)


# --- JSON --------------------------------------------------------------------------------------


class _JsonFilterForm(forms.Form):
    ownership = forms.ChoiceField(choices=Enterprise.Ownership.choices, required=False)
    zone = forms.IntegerField(required=False, min_value=1)
    as_of = forms.DateField(required=False, input_formats=["%Y-%m-%d"])
    year = forms.IntegerField(required=False, min_value=1900, max_value=2999)


def _json_filters(request: HttpRequest) -> dict | JsonResponse:
    form = _JsonFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"error": form.errors.get_json_data()}, status=400)
    return form.cleaned_data


def _json(document: dict) -> JsonResponse:
    return JsonResponse(document, json_dumps_params={"ensure_ascii": False})


@role_required
def coverage_json(request: HttpRequest) -> JsonResponse:
    """`coverage_report --json`, scoped to the user; `as_of`, `ownership` and `zone` filter."""
    params = _json_filters(request)
    if isinstance(params, JsonResponse):
        return params
    return _json(
        coverage_figures(
            as_of=params["as_of"],
            user=request.user,
            ownership=params["ownership"] or None,
            zone=params["zone"],
        )
    )


@role_required
def pipeline_json(request: HttpRequest) -> JsonResponse:
    """`pipeline_report --json`, scoped to the user; `year`, `ownership` and `zone` filter."""
    from referrals.reports import pipeline_figures

    params = _json_filters(request)
    if isinstance(params, JsonResponse):
        return params
    return _json(
        pipeline_figures(
            year=params["year"] or timezone.localdate().year,
            user=request.user,
            ownership=params["ownership"] or None,
            zone=params["zone"],
        )
    )
