"""Import batches: one record of every run of an import, successful or not."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.access.scope import ScopedQuerySet, ScopePaths
from unions.organisations.models import UpperUnion
from unions.territory.models import AdministrativeUnit


class ImportBatchQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(district="district", managing_union="upper_union")


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
    # The browser flow (unions.web.views): the sheet the user chose, the rows counted at upload (the
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
