"""Enterprises, their headcount history and their grassroots unions."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.access.scope import ScopedQuerySet, ScopePaths
from unions.importing.models import ImportBatch
from unions.organisations.managing import ManagingUnions
from unions.organisations.models import UpperUnion
from unions.records import ImportedRecord
from unions.territory.models import AdministrativeUnit, IndustrialZone

# Every scoped row of the app leads to an enterprise: its district and its managing union.
ENTERPRISE_SCOPE = ScopePaths(district="district", managing_union="managing_union")


# The figures' rules, each one `Q` that querysets, figures, exports and the admin share.
# `prefix` leads from the row filtered to the enterprise or union the rule is about.


def eligible_q(threshold: int | None = None, prefix: str = "") -> Q:
    """Active enterprises with a known headcount at or over the union threshold (IMPORT.md)."""
    if threshold is None:
        threshold = settings.UNION_THRESHOLD
    return Q(**{f"{prefix}status": Enterprise.Status.ACTIVE, f"{prefix}workers__gte": threshold})


def active_union_q(on: datetime.date | None = None, prefix: str = "") -> Q:
    """Unions founded on or before the date and not dissolved on or before it (today)."""
    on = on or timezone.localdate()
    return Q(**{f"{prefix}founded_on__lte": on}) & ~Q(**{f"{prefix}dissolved_on__lte": on})


def narrowing_q(*, ownership: str | None = None, zone: int | None = None, prefix: str = "") -> Q:
    """The dashboards' filters: enterprises of an ownership and of an industrial zone."""
    narrow = Q()
    if ownership:
        narrow &= Q(**{f"{prefix}ownership": ownership})
    if zone:
        narrow &= Q(**{f"{prefix}industrial_zone_id": getattr(zone, "pk", zone)})
    return narrow


def has_active_union(on: datetime.date | None = None) -> Exists:
    """Whether the enterprise of the outer query has a union active on the date."""
    unions = GrassrootsUnion.objects.filter(active_union_q(on), enterprise=OuterRef("pk"))
    return Exists(unions)


class EnterpriseQuerySet(ScopedQuerySet):
    scope_paths = ENTERPRISE_SCOPE

    def active(self) -> EnterpriseQuerySet:
        return self.filter(status=Enterprise.Status.ACTIVE)

    def eligible(self, threshold: int | None = None) -> EnterpriseQuerySet:
        """Active enterprises with a known headcount at or over the union threshold."""
        return self.filter(eligible_q(threshold))

    def with_active_union(self, on: datetime.date | None = None) -> EnterpriseQuerySet:
        return self.filter(has_active_union(on))

    def without_active_union(self, on: datetime.date | None = None) -> EnterpriseQuerySet:
        return self.exclude(has_active_union(on))

    def annotate_has_union(self, on: datetime.date | None = None) -> EnterpriseQuerySet:
        return self.annotate(has_union=has_active_union(on))

    def for_gap_list(
        self, threshold: int | None = None, on: datetime.date | None = None
    ) -> EnterpriseQuerySet:
        """Eligible enterprises without a union active on the date (today), biggest first: one
        query."""
        return (
            self.eligible(threshold)
            .without_active_union(on)
            .select_related("district", "commune", "industrial_zone")
            .order_by("-workers", "search_key")
        )


class Enterprise(ImportedRecord):
    class Ownership(models.TextChoices):
        STATE = "state", _("state-owned")
        DOMESTIC = "domestic", _("domestic non-state")
        FOREIGN = "foreign", _("foreign-invested")

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        SUSPENDED = "suspended", _("suspended")
        DISSOLVED = "dissolved", _("dissolved")

    tax_code = models.CharField(_("tax code"), max_length=14)  # unique: see Meta
    name = models.CharField(_("enterprise name"), max_length=300)
    # Not indexed (migration 0008 says why): search matches words anywhere in the key, which no
    # B-tree serves, and PostgreSQL sorts names with the Vietnamese collation instead.
    search_key = models.CharField(max_length=300, editable=False)
    address = models.CharField(_("address"), max_length=500, blank=True)
    # Where a list of before 1/7/2025 placed it (TERRITORY.md, "Enterprises"): the district
    # and commune of 30/6/2025. Lists sent since name only the current commune.
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former district"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        null=True,
        blank=True,
        db_index=False,  # led by the (district, status, workers) index
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("former commune"),
        on_delete=models.PROTECT,
        related_name="commune_enterprises",
        null=True,
        blank=True,
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE, "valid_until__isnull": False},
    )
    current_commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="current_enterprises",
        null=True,
        blank=True,
        db_index=False,  # led by the (current_commune, status, workers) index
        help_text=_("The commune since 1/7/2025. Empty: unplaced, known only by its district."),
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE, "valid_until": None},
    )
    industrial_zone = models.ForeignKey(
        IndustrialZone,
        verbose_name=_("industrial zone"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        null=True,
        blank=True,
    )
    # Null, not "": an unknown ownership counts in every total but in no ownership filter.
    ownership = models.CharField(  # noqa: DJ001
        _("ownership"), max_length=10, choices=Ownership, null=True, blank=True
    )
    legal_form = models.CharField(_("legal form"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=300, blank=True)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    workers = models.IntegerField(
        _("workers"), null=True, blank=True, help_text=_("Empty means unknown.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    managing_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("managing upper union"),
        on_delete=models.PROTECT,
        related_name="managed_enterprises",
        null=True,
        blank=True,
        help_text=_(
            "Set automatically: the zone union inside an industrial park, otherwise the "
            "district federation."
        ),
    )
    last_import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("last import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by batch: the index would only slow imports
        db_constraint=False,  # as ImportedRecord's
    )

    text_fields = ("name", "address")
    search_source = "name"

    objects = EnterpriseQuerySet.as_manager()
    # History is read per enterprise (by id, indexed); indexes on its copies of the foreign keys
    # would only slow every import down.
    history = HistoricalRecords(
        excluded_fields=["search_key", "updated_at", "created_at"],
        no_db_index=[
            "tax_code",
            "district",
            "commune",
            "current_commune",
            "industrial_zone",
            "managing_union",
            "last_import_batch",
        ],
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["search_key"]
        constraints = [
            models.CheckConstraint(
                condition=Q(workers__gte=0) | Q(workers__isnull=True),
                name="enterprise_workers_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(tax_code__regex=r"^([0-9]{10}(-[0-9]{3})?|[0-9]{12})$"),
                name="enterprise_tax_code_normalised",
            ),
            # One index for both lookups: pattern operators serve equality and the prefix
            # searches of tax codes alike, where unique=True would build a second index for
            # the prefixes, slowing every import down. SQLite ignores the operator class.
            models.UniqueConstraint(
                fields=["tax_code"],
                name="unique_enterprise_tax_code",
                opclasses=["varchar_pattern_ops"],
            ),
        ]
        # The foreign key's own index serves managing_union; district is the lead column here.
        indexes = [
            models.Index(fields=["district", "status", "workers"]),
            models.Index(fields=["current_commune", "status", "workers"]),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.managing_union_id is None:
            self.managing_union_id = ManagingUnions.load().for_enterprise(
                district_id=self.district_id, zone_id=self.industrial_zone_id
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:unions_enterprise_change", args=[self.pk])


class HeadcountQuerySet(ScopedQuerySet):
    scope_paths = ENTERPRISE_SCOPE.under("enterprise__")


class Headcount(models.Model):
    """The number of workers an enterprise reported on a date."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.CASCADE,
        related_name="headcounts",
        db_index=False,  # led by the (enterprise, on) index
        # A log, like django-simple-history's tables, which keep no constraint either: the ORM
        # still deletes an enterprise's headcounts with it. The database check, one lookup per
        # row, was a sixth of a 100,000-row import's server time (benchmarks/README.md).
        db_constraint=False,
    )
    on = models.DateField(_("date"))
    workers = models.PositiveIntegerField(_("workers"))
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # never looked up by batch: the index would only slow imports
        db_constraint=False,  # as ImportedRecord.last_import_batch
    )

    objects = HeadcountQuerySet.as_manager()

    class Meta:
        verbose_name = _("headcount")
        verbose_name_plural = _("headcount history")
        ordering = ["enterprise", "-on", "-id"]
        indexes = [models.Index(fields=["enterprise", "on"])]

    def __str__(self) -> str:
        return f"{self.enterprise} · {self.on:%d/%m/%Y}: {self.workers}"


class GrassrootsUnionQuerySet(ScopedQuerySet):
    scope_paths = ENTERPRISE_SCOPE.under("enterprise__")

    def active(self, on: datetime.date | None = None) -> GrassrootsUnionQuerySet:
        """Founded on or before the date and not dissolved on or before it (today by default)."""
        return self.filter(active_union_q(on))


class GrassrootsUnion(ImportedRecord):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="unions"
    )
    name = models.CharField(_("union name"), max_length=300)
    search_key = models.CharField(max_length=300, db_index=True, editable=False)
    founded_on = models.DateField(_("founded on"))
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    upper_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("upper union"),
        on_delete=models.PROTECT,
        related_name="grassroots_unions",
    )
    members_reported = models.PositiveIntegerField(_("members reported"), null=True, blank=True)
    chair = models.CharField(_("chair"), max_length=200, blank=True)
    dissolved_on = models.DateField(_("dissolved on"), null=True, blank=True)

    text_fields = ("name", "chair")
    search_source = "name"

    objects = GrassrootsUnionQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_key", "updated_at", "created_at"],
        no_db_index=["enterprise", "upper_union", "last_import_batch"],
    )

    class Meta:
        verbose_name = _("grassroots union")
        verbose_name_plural = _("grassroots unions")
        ordering = ["search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise"],
                condition=Q(dissolved_on__isnull=True),
                name="one_undissolved_union_per_enterprise",
                violation_error_message=_(
                    "This enterprise already has a union that is not dissolved."
                ),
            ),
            models.CheckConstraint(
                condition=Q(dissolved_on__isnull=True)
                | Q(dissolved_on__gte=models.F("founded_on")),
                name="union_dissolved_after_founded",
            ),
        ]
        indexes = [models.Index(fields=["enterprise", "founded_on", "dissolved_on"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:unions_grassrootsunion_change", args=[self.pk])

    def is_active_on(self, on: datetime.date) -> bool:
        return self.founded_on <= on and (self.dissolved_on is None or self.dissolved_on > on)
