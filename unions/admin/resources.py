"""django-import-export resources for the admin's plain exports and reference-data imports.

Enterprise and union lists are imported by the contract's engine (`unions.importing`), never
through these resources; they only export.
"""

from __future__ import annotations

from import_export import fields
from import_export.widgets import ForeignKeyWidget

from unions.enterprises.models import Enterprise, GrassrootsUnion
from unions.members.models import Member
from unions.organisations.models import UpperUnion
from unions.spreadsheets import SafeModelResource
from unions.territory.models import AdministrativeUnit, IndustrialZone


class EnterpriseResource(SafeModelResource):
    district = fields.Field(attribute="district__name", column_name="Huyện/Thành phố")
    commune = fields.Field(attribute="commune__name", column_name="Xã/Phường")
    industrial_zone = fields.Field(attribute="industrial_zone__name", column_name="KCN")

    class Meta:
        model = Enterprise
        fields = [
            "tax_code",
            "name",
            "address",
            "district",
            "commune",
            "industrial_zone",
            "ownership",
            "legal_form",
            "sector",
            "founded_on",
            "workers",
            "status",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("district", "commune", "industrial_zone")


class GrassrootsUnionResource(SafeModelResource):
    tax_code = fields.Field(attribute="enterprise__tax_code", column_name="MST")
    enterprise = fields.Field(attribute="enterprise__name", column_name="Tên doanh nghiệp")
    upper_union = fields.Field(attribute="upper_union__name", column_name="Công đoàn cấp trên")

    class Meta:
        model = GrassrootsUnion
        fields = [
            "tax_code",
            "enterprise",
            "name",
            "founded_on",
            "decision_number",
            "members_reported",
            "chair",
            "dissolved_on",
            "upper_union",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("enterprise", "upper_union")


class MemberResource(SafeModelResource):
    union = fields.Field(attribute="union__name", column_name="Công đoàn cơ sở")
    tax_code = fields.Field(attribute="union__enterprise__tax_code", column_name="MST")

    class Meta:
        model = Member
        fields = [
            "full_name",
            "date_of_birth",
            "gender",
            "national_id",
            "tax_code",
            "union",
            "joined_on",
            "education",
            "job",
            "vgcl_number",
            "youth_union",
        ]
        export_order = fields

    def filter_export(self, queryset, **kwargs):
        return queryset.select_related("union__enterprise")


class IndustrialZoneResource(SafeModelResource):
    district = fields.Field(
        attribute="district",
        column_name="district",
        widget=ForeignKeyWidget(AdministrativeUnit, field="code"),
    )

    class Meta:
        model = IndustrialZone
        fields = ["id", "name", "kind", "district"]


class UpperUnionResource(SafeModelResource):
    district = fields.Field(
        attribute="district",
        column_name="district",
        widget=ForeignKeyWidget(AdministrativeUnit, field="code"),
    )

    class Meta:
        model = UpperUnion
        fields = ["id", "name", "kind", "district"]
