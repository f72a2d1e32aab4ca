"""Account security records: wrong current passwords on the password-change form.

They live apart from the data models; `unions.models` imports them so that Django registers
them with the app. The rules that use them are in `unions.password_change`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PasswordChangeFailures(models.Model):
    """Wrong current passwords typed on one user's password-change form, counted for a cool-off.

    One row per user, kept in the database (not a process's cache) so that every web server
    process sees the same count.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(_("wrong current passwords"), default=0)
    last_at = models.DateTimeField(_("last wrong password at"))

    class Meta:
        verbose_name = _("password-change failures")
        verbose_name_plural = _("password-change failures")

    def __str__(self) -> str:
        return f"{self.user_id}: {self.count}"
