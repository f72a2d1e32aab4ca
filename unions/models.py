"""Territory and organisations: units, zones, upper unions, enterprises, unions and members."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.account_models import (  # noqa: F401  (defined apart, registered with this app)
    PasswordChangeFailures,
    SecondFactorEnrolment,
)
from unions.text import clean_text, fold

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to narrow itself to what a user may read.

    Subclasses name the lookup paths from their rows to an enterprise's district and managing
    union; `for_user` then applies the user's scope (see `unions.access`).
    """

    district_path: str | None = None
    managing_union_path: str | None = None

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ScopedQuerySet:
        from unions.access import scope_filter

        return self.filter(scope_filter(user, self.district_path, self.managing_union_path))

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ScopedQuerySet:
        from unions.access import write_filter

        return self.filter(write_filter(user, self.district_path, self.managing_union_path))


class CleanTextModel(models.Model):
    """Keeps text in its stored form (NFC, whitespace collapsed) and the folded search key.

    `text_fields` are cleaned on every save; when `search_source` is set, its folded form is
    kept in `search_key`. Bulk paths (the import engine, seed_demo) apply the same functions.
    """

    text_fields: tuple[str, ...] = ()
    search_source: str | None = None

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        self.clean_text_fields()
        super().save(*args, **kwargs)

    def clean_text_fields(self) -> None:
        for name in self.text_fields:
            setattr(self, name, clean_text(getattr(self, name)))
        if self.search_source:
            self.search_key = fold(getattr(self, self.search_source))


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


class ImportBatchQuerySet(ScopedQuerySet):
    district_path = "district"
    managing_union_path = "upper_union"


class ImportBatch(models.Model):
    """One run of an import, successful or not, with what it did."""

    class Kind(models.TextChoices):
        ENTERPRISES = "enterprises", _("enterprise list")
        UNIONS = "unions", _("grassroots union list")
        MEMBERS = "members", _("member list")
        REFERRALS = "referrals", _("referral register")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("waiting for confirmation")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("imported")
        PARTIAL = "partial", _("imported, invalid rows skipped")
        FAILED = "failed", _("refused: rows with errors")
        # Unreadable, or refused by the database: the batch's message says which.
        FILE_ERROR = "file_error", _("refused: the whole file")
        DRY_RUN = "dry_run", _("preview only")
        EXPIRED = "expired", _("expired")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The importing user's district, for scoping the history of batches."),
    )
    upper_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("upper union"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome, default="pending")
    dry_run = models.BooleanField(_("dry run"), default=False)
    skip_errors = models.BooleanField(_("skip invalid rows"), default=False)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    skipped = models.PositiveIntegerField(_("skipped"), default=0)
    error_count = models.PositiveIntegerField(_("errors"), default=0)
    warning_count = models.PositiveIntegerField(_("warnings"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    stored_file = models.CharField(max_length=255, blank=True, editable=False)
    # The browser flow (unions.views): the sheet the user chose, the rows counted at upload (the
    # progress bar's 100%), and the background task working on the upload, if any.
    sheet = models.CharField(_("sheet"), max_length=255, blank=True)
    total_rows = models.PositiveIntegerField(_("rows in the file"), default=0)
    task_id = models.CharField(max_length=64, blank=True, editable=False)
    # "preview" or "import" while that step runs on the upload (in the request or the worker),
    # empty when idle: a second click finds the upload taken and does nothing.
    in_progress = models.CharField(max_length=10, blank=True, editable=False)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("import batch")
        verbose_name_plural = _("import batches")
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["kind", "sha256", "outcome"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.file_name}"


class ImportedRecord(CleanTextModel):
    """A record that imports create and change: the last batch that wrote it, and when."""

    # An audit pointer without a database constraint: checking it cost a tenth of a large
    # import's time, and a batch that wrote rows is never deleted (only dry-run previews are,
    # and they write none). Deleting one through the ORM still sets the pointers to NULL.
    last_import_batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("last import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class EnterpriseQuerySet(ScopedQuerySet):
    district_path = "district"
    managing_union_path = "managing_union"

    def active(self) -> EnterpriseQuerySet:
        return self.filter(status=Enterprise.Status.ACTIVE)

    def eligible(self, threshold: int | None = None) -> EnterpriseQuerySet:
        """Active enterprises with a known headcount at or over the union threshold."""
        if threshold is None:
            threshold = settings.UNION_THRESHOLD
        return self.active().filter(workers__gte=threshold)

    def with_active_union(self, on: datetime.date | None = None) -> EnterpriseQuerySet:
        return self.filter(
            Exists(GrassrootsUnion.objects.active(on).filter(enterprise=OuterRef("pk")))
        )

    def without_active_union(self, on: datetime.date | None = None) -> EnterpriseQuerySet:
        return self.exclude(
            Exists(GrassrootsUnion.objects.active(on).filter(enterprise=OuterRef("pk")))
        )

    def annotate_has_union(self, on: datetime.date | None = None) -> EnterpriseQuerySet:
        return self.annotate(
            has_union=Exists(GrassrootsUnion.objects.active(on).filter(enterprise=OuterRef("pk")))
        )

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
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        db_index=False,  # led by the (district, status, workers) index
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    commune = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("commune"),
        on_delete=models.PROTECT,
        related_name="commune_enterprises",
        null=True,
        blank=True,
        limit_choices_to={"level": AdministrativeUnit.Level.COMMUNE},
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
                condition=Q(tax_code__regex=r"^[0-9]{10}(-[0-9]{3})?$"),
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
        indexes = [models.Index(fields=["district", "status", "workers"])]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if self.managing_union_id is None:
            self.managing_union = default_managing_union(
                district_id=self.district_id, industrial_zone=self.industrial_zone
            )
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:unions_enterprise_change", args=[self.pk])


def default_managing_union(
    *, district_id: int | None, industrial_zone: IndustrialZone | None
) -> UpperUnion | None:
    """The zone union for an enterprise inside an industrial park, else its district federation."""
    if industrial_zone is not None and industrial_zone.kind == IndustrialZone.Kind.INDUSTRIAL_PARK:
        zone_union = UpperUnion.objects.filter(kind=UpperUnion.Kind.INDUSTRIAL_ZONE).first()
        if zone_union is not None:
            return zone_union
    return UpperUnion.objects.filter(
        kind=UpperUnion.Kind.DISTRICT_FEDERATION, district_id=district_id
    ).first()


class HeadcountQuerySet(ScopedQuerySet):
    district_path = "enterprise__district"
    managing_union_path = "enterprise__managing_union"


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
    district_path = "enterprise__district"
    managing_union_path = "enterprise__managing_union"

    def active(self, on: datetime.date | None = None) -> GrassrootsUnionQuerySet:
        """Founded on or before the date and not dissolved on or before it (today by default)."""
        on = on or timezone.localdate()
        return self.filter(founded_on__lte=on).exclude(dissolved_on__lte=on)


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


class MemberQuerySet(ScopedQuerySet):
    district_path = "union__enterprise__district"
    managing_union_path = "union__enterprise__managing_union"


class Member(ImportedRecord):
    class Gender(models.TextChoices):
        MALE = "male", _("male")
        FEMALE = "female", _("female")

    full_name = models.CharField(_("full name"), max_length=200)
    search_key = models.CharField(max_length=200, db_index=True, editable=False)
    date_of_birth = models.DateField(_("date of birth"))
    birth_year_only = models.BooleanField(
        _("year of birth only"), default=False, help_text=_("Only the year of birth is known.")
    )
    gender = models.CharField(_("gender"), max_length=6, choices=Gender, blank=True)
    # Null, not "": the uniqueness constraint must not treat all missing IDs as one.
    national_id = models.CharField(  # noqa: DJ001
        _("national ID"),
        max_length=12,
        null=True,
        blank=True,
        help_text=_("12-digit citizen ID, or a 9-digit old ID card."),
    )
    union = models.ForeignKey(
        GrassrootsUnion,
        verbose_name=_("grassroots union"),
        on_delete=models.PROTECT,
        related_name="members",
    )
    joined_on = models.DateField(_("joined the union on"), null=True, blank=True)
    education = models.CharField(_("education"), max_length=20, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    job = models.CharField(_("job"), max_length=200, blank=True)
    vgcl_number = models.CharField(_("VGCL member number"), max_length=30, blank=True)
    youth_union = models.BooleanField(_("Youth Union member"), default=False)

    text_fields = ("full_name",)
    search_source = "full_name"

    objects = MemberQuerySet.as_manager()
    history = HistoricalRecords(
        excluded_fields=["search_key", "updated_at", "created_at"],
        no_db_index=["national_id", "union", "last_import_batch"],
    )

    class Meta:
        verbose_name = _("union member")
        verbose_name_plural = _("union members")
        ordering = ["search_key", "date_of_birth"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_id"],
                condition=Q(national_id__isnull=False),
                name="unique_member_national_id",
                violation_error_message=_("Another member already has this national ID."),
            ),
            models.CheckConstraint(
                condition=Q(national_id__isnull=True)
                | Q(national_id__regex=r"^([0-9]{9}|[0-9]{12})$"),
                name="member_national_id_format",
            ),
        ]
        indexes = [models.Index(fields=["search_key", "date_of_birth", "union"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        if not self.national_id:
            self.national_id = None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:unions_member_change", args=[self.pk])

    def age_on(self, on: datetime.date) -> int:
        """Age in full years on a date."""
        born = self.date_of_birth
        return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class StaffScopeQuerySet(ScopedQuerySet):
    district_path = "district"
    managing_union_path = "upper_union"


class StaffScope(models.Model):
    """Where a staff user works: the whole province, one district, or one upper union."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="scope",
    )
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    upper_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("upper union"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = StaffScopeQuerySet.as_manager()

    class Meta:
        verbose_name = _("staff scope")
        verbose_name_plural = _("staff scopes")
        constraints = [
            models.CheckConstraint(
                condition=Q(district__isnull=True) | Q(upper_union__isnull=True),
                name="scope_district_or_union",
            )
        ]

    def __str__(self) -> str:
        return str(self.district or self.upper_union or _("whole province"))


class ReadLogQuerySet(ScopedQuerySet):
    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> ReadLogQuerySet:
        """Only provincial admins read the log (DESIGN.md, "Access")."""
        from unions.access import access_for

        return self if access_for(user).is_province_admin else self.none()

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ReadLogQuerySet:
        return self.none()


class ReadLog(models.Model):
    """Who opened or exported candidates' personal data, and when (see `unions.auditing`)."""

    class Action(models.TextChoices):
        VIEW = "view", _("viewed")
        EXPORT = "export", _("exported")

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Kept as text too, so the entry still says who it was after the account is deleted.
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("kind of record"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=300, blank=True)
    query = models.TextField(_("filter"), blank=True, help_text=_("The filter or search exported."))
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    path = models.CharField(_("address"), max_length=500, blank=True)

    objects = ReadLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("read log entry")
        verbose_name_plural = _("read log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id", "at"])]

    def __str__(self) -> str:
        return f"{self.username} · {self.get_action_display()} · {self.object_repr or self.query}"
