"""Data entry for territory and organisations, in Vietnamese, scoped to the user's territory."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from import_export.admin import ExportMixin, ImportExportMixin

from unions import admin_users  # noqa: F401 - registers the provincial admins' pages
from unions.access import access_for, mask_national_id
from unions.auditing import ReadLoggedAdminMixin
from unions.models import (
    AdministrativeUnit,
    Enterprise,
    GrassrootsUnion,
    Headcount,
    ImportBatch,
    IndustrialZone,
    Member,
    UnitAlias,
    UpperUnion,
)
from unions.resources import (
    EnterpriseResource,
    GrassrootsUnionResource,
    IndustrialZoneResource,
    MemberResource,
    UpperUnionResource,
)
from unions.scoped_admin import ReferenceAdmin, ScopedAdmin

admin.site.site_header = _("Union coverage and Party referrals")
admin.site.site_title = _("Union coverage")
admin.site.index_title = _("Data entry")


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


class ReferenceImportExportMixin(ImportExportMixin):
    """Plain import and export of reference data; only provincial admins import."""

    def has_import_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_province_admin


class StaffExportMixin(ExportMixin):
    """Exports of scoped lists, for staff; Party viewers read the dashboards' own exports."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).can_write


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


class HeadcountInline(admin.TabularInline):
    model = Headcount
    fields = ["on", "workers", "batch"]
    readonly_fields = ["on", "workers", "batch"]
    extra = 0
    can_delete = False
    verbose_name_plural = _("headcount history")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("batch")


class UnionInline(admin.TabularInline):
    model = GrassrootsUnion
    fields = ["name", "founded_on", "decision_number", "members_reported", "dissolved_on"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(StaffExportMixin, ScopedAdmin):
    resource_classes = [EnterpriseResource]
    # A link to the spreadsheet import screens (unions.views), for those who may write.
    change_list_template = "admin/unions/change_list_import_link.html"
    list_display = [
        "tax_code",
        "name",
        "district",
        "industrial_zone",
        "ownership",
        "workers",
        "status",
        "has_union",
    ]
    list_filter = [
        ("district", DistrictFilter),
        "ownership",
        "industrial_zone",
        "status",
        HasUnionFilter,
        EligibleFilter,
        UnionDateFilter,
    ]
    list_select_related = ["district", "industrial_zone"]
    search_fields = ["search_key", "tax_code"]
    code_search_fields = ("tax_code",)
    autocomplete_fields = ["district", "commune", "industrial_zone", "managing_union"]
    readonly_fields = ["last_import_batch", "created_at", "updated_at"]
    # Set from the zone or district on save; only the province moves an enterprise to another.
    admin_only_fields = ("managing_union",)
    inlines = [UnionInline, HeadcountInline]
    fieldsets = [
        (
            None,
            {"fields": ["tax_code", "name", "address", "district", "commune", "industrial_zone"]},
        ),
        (
            _("Profile"),
            {
                "fields": [
                    "ownership",
                    "legal_form",
                    "sector",
                    "founded_on",
                    "workers",
                    "status",
                    "managing_union",
                ]
            },
        ),
        (_("Record"), {"fields": ["last_import_batch", "created_at", "updated_at"]}),
    ]

    def get_ordering(self, request: HttpRequest) -> list[str]:
        # Drill-downs of eligible enterprises read like the gap list: biggest first.
        if request.GET.get(EligibleFilter.parameter_name) and "o" not in request.GET:
            return ["-workers", "search_key"]
        return super().get_ordering(request)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate_has_union()

    @admin.display(description=_("has a union"), boolean=True, ordering="has_union")
    def has_union(self, obj: Enterprise) -> bool:
        return obj.has_union


@admin.register(Headcount)
class HeadcountAdmin(ScopedAdmin):
    list_display = ["enterprise", "on", "workers", "batch"]
    list_select_related = ["enterprise", "batch"]
    list_filter = [("enterprise__district", DistrictFilter)]
    folded_search_fields = ("enterprise__search_key",)
    search_fields = ["enterprise__search_key"]
    code_search_fields = ("enterprise__tax_code",)
    autocomplete_fields = ["enterprise"]
    date_hierarchy = "on"


class ActiveUnionFilter(admin.SimpleListFilter):
    title = _("active")
    parameter_name = "active"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        active = GrassrootsUnion.objects.active(union_date(request))
        if self.value() == "yes":
            return queryset.filter(pk__in=active.values("pk"))
        if self.value() == "no":
            return queryset.exclude(pk__in=active.values("pk"))
        return queryset


@admin.register(GrassrootsUnion)
class GrassrootsUnionAdmin(StaffExportMixin, ScopedAdmin):
    resource_classes = [GrassrootsUnionResource]
    change_list_template = "admin/unions/change_list_import_link.html"
    list_display = [
        "name",
        "enterprise",
        "district",
        "founded_on",
        "members_reported",
        "upper_union",
        "dissolved_on",
    ]
    list_filter = [
        ("enterprise__district", DistrictFilter),
        ActiveUnionFilter,
        UnionDateFilter,
        "upper_union",
        "enterprise__ownership",
        "enterprise__industrial_zone",
    ]
    list_select_related = ["enterprise__district", "upper_union"]
    search_fields = ["search_key", "enterprise__tax_code"]
    folded_search_fields = ("search_key", "enterprise__search_key")
    code_search_fields = ("enterprise__tax_code",)
    autocomplete_fields = ["enterprise", "upper_union"]
    readonly_fields = ["last_import_batch", "created_at", "updated_at"]
    date_hierarchy = "founded_on"

    @admin.display(description=_("district"), ordering="enterprise__district__code")
    def district(self, obj: GrassrootsUnion):
        return obj.enterprise.district


@admin.register(Member)
class MemberAdmin(ReadLoggedAdminMixin, StaffExportMixin, ScopedAdmin):
    resource_classes = [MemberResource]
    list_display = [
        "full_name",
        "date_of_birth",
        "gender",
        "masked_national_id",
        "union",
        "district",
    ]
    list_filter = [("union__enterprise__district", DistrictFilter), "gender", "youth_union"]
    list_select_related = ["union__enterprise__district"]
    search_fields = ["search_key", "national_id"]
    code_search_fields = ("national_id",)
    autocomplete_fields = ["union"]
    readonly_fields = ["last_import_batch", "created_at", "updated_at"]

    @admin.display(description=_("district"), ordering="union__enterprise__district__code")
    def district(self, obj: Member):
        return obj.union.enterprise.district

    @admin.display(description=_("national ID"))
    def masked_national_id(self, obj: Member) -> str:
        return mask_national_id(obj.national_id) if obj.national_id else "—"

    def get_list_display(self, request: HttpRequest):
        if access_for(request.user).is_viewer:
            return self.list_display
        return [("national_id" if f == "masked_national_id" else f) for f in self.list_display]


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdmin):
    list_display = [
        "started_at",
        "kind",
        "file_name",
        "user",
        "outcome",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
    ]
    list_filter = ["kind", "outcome"]
    list_select_related = ["user"]
    folded_search_fields = ()
    search_fields = ["file_name", "sha256"]
    code_search_fields = ("sha256",)
    date_hierarchy = "started_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
