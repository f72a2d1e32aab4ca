"""Data entry for enterprises, their headcounts and their grassroots unions."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from unions.admin.filters import (
    DistrictFilter,
    EligibleFilter,
    HasUnionFilter,
    UnionDateFilter,
    union_date,
)
from unions.admin.mixins import StaffExportMixin
from unions.admin.resources import (
    EnterpriseResource,
    GrassrootsUnionResource,
)
from unions.admin.scoped import ScopedAdmin
from unions.enterprises.models import Enterprise, GrassrootsUnion, Headcount


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
    # A link to the spreadsheet import screens (unions.web.views), for those who may write.
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
