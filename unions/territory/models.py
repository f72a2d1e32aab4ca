"""Administrative units, the former units old lists still name, and industrial zones."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from unions.access.scope import ScopedQuerySet
from unions.records import CleanTextModel


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data (units, zones, upper unions): every signed-in user with a role reads it."""


class AdministrativeUnit(CleanTextModel):
    class Level(models.TextChoices):
        PROVINCE = "province", _("province")
        DISTRICT = "district", _("district")
        COMMUNE = "commune", _("commune")

    class Kind(models.TextChoices):
        PROVINCE = "tinh", _("province")
        CITY = "thanh_pho", _("city")
        TOWN = "thi_xa", _("town")
        RURAL_DISTRICT = "huyen", _("rural district")
        URBAN_DISTRICT = "quan", _("urban district")
        WARD = "phuong", _("ward")
        COMMUNE = "xa", _("commune")
        TOWNSHIP = "thi_tran", _("township")

    code = models.CharField(_("GSO code"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    search_key = models.CharField(max_length=100, db_index=True, editable=False)
    level = models.CharField(_("level"), max_length=10, choices=Level)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )

    text_fields = ("name",)
    search_source = "name"

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code"]
        indexes = [models.Index(fields=["level", "parent"])]

    def __str__(self) -> str:
        return self.name


class UnitAlias(CleanTextModel):
    """A former unit that import files may still name, and the unit that took its place.

    `partial` marks a split: the former unit still exists, and only its communes that now lie in
    the successor move there (Thị xã Chũ from Huyện Lục Ngạn).
    """

    name = models.CharField(_("former name"), max_length=100)
    search_key = models.CharField(max_length=100, db_index=True, editable=False)
    former_code = models.CharField(_("former GSO code"), max_length=5, blank=True)
    successor = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("successor"),
        on_delete=models.CASCADE,
        related_name="aliases",
    )
    since = models.DateField(_("since"))
    partial = models.BooleanField(_("split off part only"), default=False)

    text_fields = ("name",)
    search_source = "name"

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("former unit")
        verbose_name_plural = _("former units")
        constraints = [
            models.UniqueConstraint(fields=["search_key", "successor"], name="unique_unit_alias")
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.successor}"


class IndustrialZone(CleanTextModel):
    class Kind(models.TextChoices):
        INDUSTRIAL_PARK = "kcn", _("industrial park (KCN)")
        INDUSTRIAL_CLUSTER = "ccn", _("industrial cluster (CCN)")

    name = models.CharField(_("name"), max_length=200)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=3, choices=Kind, default=Kind.INDUSTRIAL_PARK)
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="industrial_zones",
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )

    text_fields = ("name",)
    search_source = "name"

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("industrial zone")
        verbose_name_plural = _("industrial zones")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["search_key"], name="unique_industrial_zone_name")
        ]

    def __str__(self) -> str:
        return self.name
