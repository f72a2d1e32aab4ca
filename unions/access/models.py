"""Where staff work (their scope) and the read log of candidates' personal data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from unions.access.scope import ScopedQuerySet, ScopePaths, access_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


class StaffScopeQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(district="district", managing_union="upper_union")


class StaffScope(models.Model):
    """Where a staff user works: the whole province, one district, or one upper union."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="scope",
    )
    district = models.ForeignKey(
        "unions.AdministrativeUnit",
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"level": "district"},
    )
    upper_union = models.ForeignKey(
        "unions.UpperUnion",
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
        return self if access_for(user).is_province_admin else self.none()

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> ReadLogQuerySet:
        return self.none()


class ReadLog(models.Model):
    """Who opened or exported candidates' personal data, and when (see `unions.access.auditing`)."""

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
