"""Import and export permissions of the admin's lists."""

from __future__ import annotations

from django.http import HttpRequest
from import_export.admin import ExportMixin, ImportExportMixin

from unions.access import access_for


class ReferenceImportExportMixin(ImportExportMixin):
    """Plain import and export of reference data; only provincial admins import."""

    def has_import_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_province_admin


class StaffExportMixin(ExportMixin):
    """Exports of scoped lists, for staff; Party viewers read the dashboards' own exports."""

    def has_export_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).can_write
