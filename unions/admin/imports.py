"""The record of import batches, read-only."""

from __future__ import annotations

from django.contrib import admin

from unions.admin.scoped import ScopedAdmin
from unions.importing.models import ImportBatch


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
