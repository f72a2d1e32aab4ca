"""A limit on guesses of the current password on the password-change form.

Someone at a colleague's signed-in computer could otherwise try one password after another
there, where no sign-in limit counts them. After `PASSWORD_CHANGE_FAILURE_LIMIT` wrong current
passwords within `PASSWORD_CHANGE_COOLOFF_MINUTES`, the session that typed the last one is
signed out, and the form is closed for that user, in every session, until the cool-off has
passed since that last wrong password. A successful change clears the count.
"""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.forms import AdminPasswordChangeForm
from django.contrib.auth import logout
from django.contrib.auth.views import PasswordChangeView, redirect_to_login
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import ngettext

from unions.access.account_models import PasswordChangeFailures


def _cool_off() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.PASSWORD_CHANGE_COOLOFF_MINUTES)


def locked_until(user) -> datetime.datetime | None:
    """When the user's password-change form opens again, or None if it is open."""
    row = PasswordChangeFailures.objects.filter(user=user).first()
    if row is None or row.count < settings.PASSWORD_CHANGE_FAILURE_LIMIT:
        return None
    until = row.last_at + _cool_off()
    return until if until > timezone.now() else None


@transaction.atomic
def record_wrong_password(*, user) -> int:
    """Count one wrong current password; returns the wrong ones left before the lock (0: locked).

    A count whose last failure is older than the cool-off starts again from one.
    """
    now = timezone.now()
    row, created = PasswordChangeFailures.objects.select_for_update().get_or_create(
        user=user, defaults={"count": 1, "last_at": now}
    )
    if not created:
        row.count = 1 if row.last_at + _cool_off() <= now else row.count + 1
        row.last_at = now
        row.save(update_fields=["count", "last_at"])
    return max(0, settings.PASSWORD_CHANGE_FAILURE_LIMIT - row.count)


def clear_failures(*, user) -> None:
    PasswordChangeFailures.objects.filter(user=user).delete()


def minutes_until(moment: datetime.datetime) -> int:
    return max(1, math.ceil((moment - timezone.now()).total_seconds() / 60))


class GuardedPasswordChangeForm(AdminPasswordChangeForm):
    """The admin's password-change form, counting wrong current passwords."""

    just_locked = False  # set when this submission's wrong password closed the form

    def clean_old_password(self):
        until = locked_until(self.user)
        if until is not None:
            minutes = minutes_until(until)
            raise ValidationError(
                ngettext(
                    "The current password was wrong too many times: changing the password is "
                    "paused for this account. Try again in %(minutes)d minute.",
                    "The current password was wrong too many times: changing the password is "
                    "paused for this account. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="locked",
            )
        try:
            return super().clean_old_password()
        except ValidationError as wrong:
            left = record_wrong_password(user=self.user)
            self.just_locked = left == 0
            warning = ngettext(
                "%(left)d more wrong current password and you will be signed out.",
                "%(left)d more wrong current passwords and you will be signed out.",
                left,
            ) % {"left": left}
            raise ValidationError([*wrong.error_list, warning] if left else wrong) from None

    def save(self, commit: bool = True):
        user = super().save(commit)
        clear_failures(user=user)
        return user


def password_change_view(site, request: HttpRequest, extra_context=None) -> HttpResponse:
    """The admin site's password change (as Django's own), with the guarded form.

    The submission that reaches the limit signs the session out and sends it to sign in again.
    """
    defaults = {
        "form_class": GuardedPasswordChangeForm,
        "success_url": reverse("admin:password_change_done", current_app=site.name),
        "extra_context": {**site.each_context(request), **(extra_context or {})},
    }
    if site.password_change_template is not None:
        defaults["template_name"] = site.password_change_template
    request.current_app = site.name
    response = PasswordChangeView.as_view(**defaults)(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if not getattr(form, "just_locked", False):
        return response
    logout(request)
    minutes = settings.PASSWORD_CHANGE_COOLOFF_MINUTES
    messages.error(
        request,
        ngettext(
            "The current password was wrong too many times, so you have been signed out to "
            "protect the account. Sign in again; the password can be changed again in "
            "%(minutes)d minute.",
            "The current password was wrong too many times, so you have been signed out to "
            "protect the account. Sign in again; the password can be changed again in "
            "%(minutes)d minutes.",
            minutes,
        )
        % {"minutes": minutes},
    )
    return redirect_to_login(reverse("admin:index"), reverse("admin:login"))
