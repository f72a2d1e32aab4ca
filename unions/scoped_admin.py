"""The admin base every model's admin uses: scoped querysets, read-only viewers, folded search."""

from __future__ import annotations

import re

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from unions.access import access_for
from unions.paginators import EstimatedCountPaginator
from unions.text import fold

CODE_TERM = re.compile(r"^[0-9][0-9\-]*$")


class ScopedAdmin(SimpleHistoryAdmin):
    """Every queryset goes through `.for_user()`; viewers read and never write.

    `folded_search_fields` are matched word by word against the query's folded form, so
    `Nguyen Van Canh` finds `Nguyễn Văn Cảnh`; `code_search_fields` match a code's prefix.
    """

    search_fields = ["search_key"]
    folded_search_fields: tuple[str, ...] = ("search_key",)
    code_search_fields: tuple[str, ...] = ()
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_user(request.user)

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        words = fold(term).split()
        matches = Q()
        for field in self.folded_search_fields:
            field_match = Q()
            for word in words:
                field_match &= Q(**{f"{field}__contains": word})
            matches |= field_match
        code = re.sub(r"[\s.]", "", term)
        if CODE_TERM.match(code):
            for field in self.code_search_fields:
                matches |= Q(**{f"{field}__startswith": code})
        return queryset.filter(matches), False

    def writable_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model._default_manager.writable_by(request.user)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).role is not None

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access_for(request.user).role is not None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).can_write

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not access_for(request.user).can_write:
            return False
        return obj is None or self.writable_queryset(request).filter(pk=obj.pk).exists()

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self.has_change_permission(request, obj)

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        related = db_field.remote_field.model._default_manager
        if hasattr(related, "for_user") and "queryset" not in kwargs:
            kwargs["queryset"] = related.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # After the write, inside the request's transaction: a row outside the user's write
        # scope (a forged foreign key, say) undoes the save.
        if not self.writable_queryset(request).filter(pk=obj.pk).exists():
            raise PermissionDenied


class ReferenceAdmin(ScopedAdmin):
    """Units, zones and upper unions: everyone with a role reads them, provincial admins edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_province_admin

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access_for(request.user).is_province_admin

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access_for(request.user).is_province_admin
