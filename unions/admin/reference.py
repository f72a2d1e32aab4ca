"""Reference data: units, former units, industrial zones and upper unions (read by staff,
kept by provincial admins)."""

from __future__ import annotations

from django.contrib import admin

from unions.admin.filters import (
    DistrictFilter,
)
from unions.admin.mixins import ReferenceImportExportMixin
from unions.admin.resources import (
    IndustrialZoneResource,
    UpperUnionResource,
)
from unions.admin.scoped import ReferenceAdmin
from unions.organisations.models import UpperUnion
from unions.territory.models import AdministrativeUnit, IndustrialZone, UnitAlias


@admin.register(AdministrativeUnit)
class AdministrativeUnitAdmin(ReferenceAdmin):
    list_display = ["code", "name", "kind", "level", "parent"]
    list_filter = ["level", "kind"]
    list_select_related = ["parent"]
    code_search_fields = ("code",)
    autocomplete_fields = ["parent"]

    def get_search_results(self, request, queryset, search_term):
        # Autocomplete for an enterprise's district or commune offers only that level.
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        field = request.GET.get("field_name")
        if field in {"district", "commune"}:
            queryset = queryset.filter(level=field)
        return queryset, distinct


@admin.register(UnitAlias)
class UnitAliasAdmin(ReferenceAdmin):
    list_display = ["name", "successor", "since", "partial"]
    list_select_related = ["successor"]
    autocomplete_fields = ["successor"]


@admin.register(IndustrialZone)
class IndustrialZoneAdmin(ReferenceImportExportMixin, ReferenceAdmin):
    resource_classes = [IndustrialZoneResource]
    list_display = ["name", "kind", "district"]
    list_filter = ["kind", ("district", DistrictFilter)]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]


@admin.register(UpperUnion)
class UpperUnionAdmin(ReferenceImportExportMixin, ReferenceAdmin):
    resource_classes = [UpperUnionResource]
    list_display = ["name", "kind", "district"]
    list_filter = ["kind"]
    list_select_related = ["district"]
    autocomplete_fields = ["district"]
