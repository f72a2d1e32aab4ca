"""Administrative units with their validity periods, former names, and industrial zones.

Units are versioned (TERRITORY.md): a code names a unit only within its validity period, since
`24` was Tỉnh Bắc Giang until 30/6/2025 and is Tỉnh Bắc Ninh since 1/7/2025. A change ends one
record and starts another, linked by `UnitSuccession`; nothing is renamed in place.
"""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from unions.access.scope import ScopedQuerySet
from unions.records import CleanTextModel


class ReferenceQuerySet(ScopedQuerySet):
    """Reference data (units, zones, upper unions): every signed-in user with a role reads it."""


def in_force_q(on: datetime.date, prefix: str = "") -> Q:
    """Units valid on `on`: started by then (or with no recorded start) and not yet ended."""
    started = Q(**{f"{prefix}valid_from__isnull": True}) | Q(**{f"{prefix}valid_from__lte": on})
    not_ended = Q(**{f"{prefix}valid_until__isnull": True}) | Q(**{f"{prefix}valid_until__gte": on})
    return started & not_ended


class AdministrativeUnitQuerySet(ReferenceQuerySet):
    def in_force_on(self, on: datetime.date) -> AdministrativeUnitQuerySet:
        return self.filter(in_force_q(on))

    def current(self) -> AdministrativeUnitQuerySet:
        """Units still in force: the two-level territory since 1/7/2025."""
        return self.filter(valid_until__isnull=True)

    def former(self) -> AdministrativeUnitQuerySet:
        """Units that were ended: the provinces, districts and communes of 30/6/2025."""
        return self.filter(valid_until__isnull=False)


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
        SPECIAL_ZONE = "dac_khu", _("special zone")

    code = models.CharField(_("GSO code"), max_length=5)
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
    alias_keys = models.TextField(
        _("former names"),
        blank=True,
        editable=False,
        help_text=_("Names lists may still use, in the package's key form, separated by spaces."),
    )
    valid_from = models.DateField(
        _("valid from"), null=True, blank=True, help_text=_("Empty: before the product's records.")
    )
    valid_until = models.DateField(
        _("valid until"), null=True, blank=True, help_text=_("Empty: still in force.")
    )
    successors = models.ManyToManyField(
        "self",
        verbose_name=_("successors"),
        through="UnitSuccession",
        symmetrical=False,
        through_fields=("former", "successor"),
        related_name="predecessors",
        blank=True,
    )

    text_fields = ("name",)
    search_source = "name"

    objects = AdministrativeUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("administrative unit")
        verbose_name_plural = _("administrative units")
        ordering = ["code", models.F("valid_from").asc(nulls_first=True)]
        indexes = [models.Index(fields=["level", "parent"])]
        constraints = [
            models.UniqueConstraint(
                fields=["level", "code"],
                condition=Q(valid_until__isnull=True),
                name="unique_unit_in_force",
            ),
            models.UniqueConstraint(
                fields=["level", "code", "valid_until"],
                condition=Q(valid_until__isnull=False),
                name="unique_ended_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UnitSuccession(models.Model):
    """One unit that an ended unit became (all or part of), as the package's crosswalk says.

    A former commune that was divided has a link to each new commune; `is_default` marks the one
    its rows map to when nothing else tells. A former district's successors are the communes its
    communes became; a former province's is the province it merged into.
    """

    former = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="succession_links"
    )
    successor = models.ForeignKey(
        AdministrativeUnit, on_delete=models.CASCADE, related_name="predecessor_links"
    )
    is_default = models.BooleanField(_("default successor"), default=True)

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        constraints = [
            models.UniqueConstraint(fields=["former", "successor"], name="unique_unit_succession")
        ]

    def __str__(self) -> str:
        return f"{self.former} → {self.successor}"


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
        help_text=_("The district it lay in on 30/6/2025."),
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="commune_industrial_zones",
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE, "valid_until": None},
        null=True,
        blank=True,
        help_text=_("The commune it lies in today."),
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
