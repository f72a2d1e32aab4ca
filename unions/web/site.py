"""The admin site: sign-in with an optional second factor, viewers who never write, scoped search.

It replaces Django's default site (see `unions.apps.ProtectedAdminConfig`), so every
`admin.site.register` and `@admin.register` in the project lands here.

- A user with a confirmed TOTP device types its code at sign-in; users without one sign in with
  their password. With `OTP_REQUIRED_FOR_PROVINCE_ADMINS` (on in production), a provincial admin
  without a device is sent to the set-up page before anything else. Setting up a device needs a
  one-time code a provincial admin issued (`unions.access.second_factor`), never the password alone.
- Any POST by a Party viewer is refused (403), whatever the page; signing out and changing one's
  own password and second factor are the exceptions.
- Autocomplete offers what the form it serves accepts: the related admin's scoped rows, cut to
  the source form field's choices (a writer's writable rows).
"""

from __future__ import annotations

from enum import Enum
from functools import wraps

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django_otp.plugins.otp_totp.models import TOTPDevice

from unions.access import SAFE_METHODS, access_for

# Set at sign-in (see `remember_otp_devices`), so pages need not ask the database each time.
HAS_DEVICE_SESSION_KEY = "unions_has_otp_device"
# Pages a signed-in user reaches whatever their second-factor state or role.
ACCOUNT_PAGES = frozenset({"logout", "password_change", "password_change_done", "otp_setup"})


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """django-axes' answer while an account or an address is locked: for how long (429)."""
    from axes.helpers import get_cool_off

    from unions.web.login_limits import ADDRESS_THROTTLED

    cool_off = get_cool_off(request)
    minutes = max(1, round(cool_off.total_seconds() / 60)) if cool_off else 0
    context = {
        "minutes": minutes,
        "title": gettext("Sign-in paused"),
        "by_address": getattr(request, ADDRESS_THROTTLED, False),
    }
    return TemplateResponse(request, "admin/lockout.html", context, status=429).render()


class OTPState(Enum):
    OK = "ok"
    NEEDS_VERIFICATION = "needs_verification"  # has a device; this session has not used it
    NEEDS_SETUP = "needs_setup"  # a provincial admin without a device, when one is required


def confirmed_devices(user) -> list[TOTPDevice]:
    return list(TOTPDevice.objects.filter(user=user, confirmed=True))


def remember_otp_devices(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: note in the session whether the user has a second factor."""
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_SESSION_KEY] = TOTPDevice.objects.filter(
            user=user, confirmed=True
        ).exists()


def otp_state(request: HttpRequest) -> OTPState:
    cached = getattr(request, "_otp_state", None)
    if cached is not None:
        return cached
    state = _compute_otp_state(request)
    request._otp_state = state
    return state


def _compute_otp_state(request: HttpRequest) -> OTPState:
    user = request.user
    if not user.is_authenticated:
        return OTPState.OK
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and is_verified():
        return OTPState.OK
    has_device = request.session.get(HAS_DEVICE_SESSION_KEY)
    if has_device is None:
        has_device = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        request.session[HAS_DEVICE_SESSION_KEY] = has_device
    if has_device:
        return OTPState.NEEDS_VERIFICATION
    if settings.OTP_REQUIRED_FOR_PROVINCE_ADMINS and access_for(user).is_province_admin:
        return OTPState.NEEDS_SETUP
    return OTPState.OK


class SecondFactorMiddleware:
    """The second-factor rules on the project's own pages (the admin site applies them itself).

    A provincial admin who must set up a device is sent to the set-up page; a session that has
    not used the user's device goes back to sign-in. No query unless one of those applies.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace == "admin" or match.url_name == "set_language":
            return None
        if not request.user.is_authenticated:
            return None
        state = otp_state(request)
        if state is OTPState.NEEDS_SETUP:
            return redirect("admin:otp_setup")
        if state is OTPState.NEEDS_VERIFICATION:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        return None


class StaffLoginForm(AdminAuthenticationForm):
    """Username and password, plus the authenticator code for users who have set one up."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text=_("Only if you have set up two-factor sign-in."),
    )

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "token_required": _("Enter the code your authenticator app shows."),
        "invalid_token": _("This code is not right, or it has expired. Try the current one."),
    }

    def clean(self):
        cleaned_data = super().clean()
        user = self.get_user()
        if user is None:
            return cleaned_data
        devices = confirmed_devices(user)
        if not devices:
            return cleaned_data
        token = (cleaned_data.get("otp_token") or "").strip()
        if not token:
            raise forms.ValidationError(
                self.error_messages["token_required"], code="token_required"
            )
        user.otp_device = self._verified_device(devices, token)
        if user.otp_device is None:
            raise forms.ValidationError(self.error_messages["invalid_token"], code="invalid_token")
        # django_otp's user_logged_in receiver marks the session verified by this device.
        return cleaned_data

    @staticmethod
    def _verified_device(devices: list[TOTPDevice], token: str) -> TOTPDevice | None:
        for device in devices:
            with transaction.atomic():
                allowed, _extra = device.verify_is_allowed()
                # Throttling after failures is the device's own (django-otp).
                if allowed and device.verify_token(token):
                    return device
        return None


class OTPSetupForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=10,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """Django's autocomplete, asking the source form too: its permission and its choices."""

    def process_request(self, request: HttpRequest):
        term, model_admin, source_field, to_field_name = super().process_request(request)
        self.source_admin, self.parent_admin = self._source_admin(source_field.model)
        if self.source_admin is None:
            raise PermissionDenied
        return term, model_admin, source_field, to_field_name

    def has_perm(self, request: HttpRequest, obj=None) -> bool:
        return (
            super().has_perm(request, obj)
            and self.source_admin.has_view_or_change_permission(request)
            and self.parent_admin.has_view_or_change_permission(request)
        )

    def get_queryset(self):
        queryset = super().get_queryset()
        field = self.source_field
        if field.many_to_many:
            formfield = self.source_admin.formfield_for_manytomany(field, self.request)
        else:
            formfield = self.source_admin.formfield_for_foreignkey(field, self.request)
        choices = getattr(formfield, "queryset", None)
        if choices is not None:
            queryset = queryset.filter(pk__in=choices.values("pk"))
        return queryset

    def _source_admin(self, source_model):
        """The admin (or inline) whose form shows the field, and the page's admin; or Nones."""
        registry = self.admin_site._registry
        if source_model in registry:
            return registry[source_model], registry[source_model]
        for parent_admin in registry.values():
            for inline_class in parent_admin.inlines:
                if inline_class.model is source_model:
                    return inline_class(parent_admin.model, self.admin_site), parent_admin
        return None, None


class ProtectedAdminSite(admin.AdminSite):
    login_form = StaffLoginForm
    login_template = "admin/login_otp.html"
    # Lists of enterprises and referrals are wide; the index page already lists every model.
    enable_nav_sidebar = False

    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and otp_state(request) is OTPState.OK

    def admin_view(self, view, cacheable: bool = False):
        guarded = super().admin_view(view, cacheable)

        @wraps(guarded)
        def inner(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            page = getattr(getattr(request, "resolver_match", None), "url_name", None)
            user = request.user
            if user.is_active and user.is_staff and page not in ACCOUNT_PAGES:
                if otp_state(request) is OTPState.NEEDS_SETUP:
                    return redirect("admin:otp_setup")
                if request.method not in SAFE_METHODS and access_for(user).is_viewer:
                    raise PermissionDenied
            return guarded(request, *args, **kwargs)

        return inner

    def password_change(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        from unions.web.password_change import password_change_view

        # Django's view with a form that limits guesses of the current password.
        return password_change_view(self, request, extra_context)

    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)

    def get_urls(self):
        setup = never_cache(csrf_protect(self.otp_setup))
        return [path("two-factor/", setup, name="otp_setup"), *super().get_urls()]

    def otp_setup(self, request: HttpRequest) -> HttpResponse:
        """Set up an authenticator app, with a set-up code a provincial admin issued."""
        from unions.web.second_factor import otp_setup_view

        return otp_setup_view(self, request)
