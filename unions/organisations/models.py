"""Upper unions: the provincial federation, district federations, the zone union."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unions.records import CleanTextModel
from unions.territory.models import AdministrativeUnit, ReferenceQuerySet


class UpperUnionQuerySet(ReferenceQuerySet):
    def district_federations(self) -> UpperUnionQuerySet:
        return self.filter(kind=UpperUnion.Kind.DISTRICT_FEDERATION)


class UpperUnion(CleanTextModel):
    class Kind(models.TextChoices):
        PROVINCE_FEDERATION = "province", _("provincial labour federation")
        DISTRICT_FEDERATION = "district", _("district labour federation")
        INDUSTRIAL_ZONE = "industrial_zone", _("industrial-zone union")
        SECTOR = "sector", _("sector union")

    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="upper_unions",
        null=True,
        blank=True,
        help_text=_("The territory of a district federation; empty for province-wide unions."),
    )

    text_fields = ("name",)
    search_source = "name"

    objects = UpperUnionQuerySet.as_manager()

    class Meta:
        verbose_name = _("upper union")
        verbose_name_plural = _("upper unions")
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["district"],
                condition=Q(kind="district"),
                name="one_federation_per_district",
            )
        ]

    def __str__(self) -> str:
        return self.name
