"""List filters the admin's scoped lists share: dates, unions, eligibility, districts."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from unions.territory.models import AdministrativeUnit


def union_date(request: HttpRequest) -> datetime.date | None:
    """The date "has a union" and "active" are judged on: `?on=YYYY-MM-DD` (a dashboard's as-of
    date, so its drill-down counts what it showed), else today (None)."""
    value = request.GET.get(UnionDateFilter.parameter_name)
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise IncorrectLookupParameters(value) from None


class UnionDateFilter(admin.SimpleListFilter):
    """Shows the date the union filters use when it is not today; filters nothing itself."""

    title = _("union active on")
    parameter_name = "on"

    def lookups(self, request, model_admin):
        value = self.used_parameters.get(self.parameter_name)
        try:
            on = datetime.date.fromisoformat(value) if value else None
        except ValueError:
            return []
        return [(on.isoformat(), date_format(on, "SHORT_DATE_FORMAT"))] if on else []

    def queryset(self, request, queryset):
        return queryset


class HasUnionFilter(admin.SimpleListFilter):
    title = _("has a union")
    parameter_name = "has_union"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.with_active_union(union_date(request))
        if self.value() == "no":
            return queryset.without_active_union(union_date(request))
        return queryset


class EligibleFilter(admin.SimpleListFilter):
    title = _("eligible (20+ workers, active)")
    parameter_name = "eligible"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.eligible()
        return queryset


class DistrictFilter(admin.RelatedFieldListFilter):
    """Only district-level units, in code order: communes would drown the list."""

    def field_choices(self, field, request, model_admin):
        return [
            (unit.pk, unit.name)
            for unit in AdministrativeUnit.objects.for_user(request.user)
            .filter(level=AdministrativeUnit.Level.DISTRICT)
            .only("pk", "name")
        ]
