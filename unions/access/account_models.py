"""Account security records: wrong current passwords on the password-change form, and the
one-time codes with which a provincial admin lets a user set up their second factor.

They live apart from the data models; `unions.models` imports them so that Django registers
them with the app. The rules that use them are `unions.web.password_change` and
`unions.access.second_factor`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
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


class SecondFactorEnrolmentQuerySet(models.QuerySet):
    def open(self) -> SecondFactorEnrolmentQuerySet:
        """Codes that may still be used: not used, not expired, not spent on wrong guesses."""
        return self.filter(
            used_at__isnull=True,
            expires_at__gt=timezone.now(),
            failed_attempts__lt=settings.OTP_ENROLMENT_MAX_WRONG_CODES,
        )


class SecondFactorEnrolment(models.Model):
    """A one-time code a provincial admin issues so that one user can set up an authenticator.

    Only a digest of the code is stored; the admin sees the code once, when issuing it, and
    hands it to the user in person or by telephone. Setting up a device needs the code, so a
    password alone (a stolen one) never lets anyone enrol their own device.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="second_factor_enrolments",
    )
    code_digest = models.CharField(max_length=64, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong codes typed"), default=0)

    objects = SecondFactorEnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("two-factor set-up code")
        verbose_name_plural = _("two-factor set-up codes")
        ordering = ["-issued_at"]

    def __str__(self) -> str:
        return _("Set-up code for %(user)s, issued %(at)s") % {
            "user": self.user,
            "at": timezone.localtime(self.issued_at).strftime("%d/%m/%Y %H:%M"),
        }
