"""The record of import batches, read-only."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from unions.admin.scoped import ScopedAdmin
from unions.importing.models import ImportBatch
from unions.importing.registry import specs


class KindFilter(admin.SimpleListFilter):
    """The registered kinds of import, by their names."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return [(kind, spec.label) for kind, spec in specs().items()]

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(ImportBatch)
class ImportBatchAdmin(ScopedAdmin):
    list_display = [
        "started_at",
        "kind_name",
        "file_name",
        "user",
        "state",
        "outcome",
        "rows",
        "created",
        "updated",
        "unchanged",
        "error_count",
    ]
    list_filter = [KindFilter, "state", "outcome"]
    list_select_related = ["user"]
    folded_search_fields = ()
    search_fields = ["file_name", "sha256"]
    code_search_fields = ("sha256",)
    date_hierarchy = "started_at"

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, obj: ImportBatch) -> str:
        return obj.kind_label

    def get_queryset(self, request):
        # The import screens' rule, not only the territory: reports hold national IDs.
        return super().get_queryset(request).reports_for(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
