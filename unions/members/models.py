"""Union members."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from unions.access.scope import ScopedQuerySet
from unions.enterprises.models import ENTERPRISE_SCOPE, GrassrootsUnion
from unions.records import ImportedRecord


class MemberQuerySet(ScopedQuerySet):
    scope_paths = ENTERPRISE_SCOPE.under("union__enterprise__")


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


def age_on(date_of_birth: datetime.date, on: datetime.date) -> int:
    """Age in full years on a date."""
    born = date_of_birth
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
