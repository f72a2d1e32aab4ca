"""Data entry for union members; their pages are read-logged and IDs masked for viewers."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from unions.access import access_for, mask_national_id
from unions.access.auditing import ReadLoggedAdminMixin
from unions.admin.filters import (
    DistrictFilter,
)
from unions.admin.mixins import StaffExportMixin
from unions.admin.resources import (
    MemberResource,
)
from unions.admin.scoped import ScopedAdmin
from unions.members.models import Member


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
