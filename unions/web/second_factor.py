"""The admin's second-factor pages: setting up with a set-up code, and issuing codes to users.

The rules are `unions.access.second_factor`'s; these are the screens around them.
"""

from __future__ import annotations

import base64

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from unions.access import second_factor
from unions.web.site import (
    HAS_DEVICE_SESSION_KEY,
    OTPSetupForm,
    OTPState,
    confirmed_devices,
    otp_state,
)

# The set-up code this session typed and the device it is setting up, between the two steps.
ENROLMENT_SESSION_KEY = "unions_otp_enrolment"


class SetupCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Set-up code from a provincial admin"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
        help_text=_("Twelve letters and digits, for example ABCD-EFGH-JKMN."),
    )


def otp_setup_view(site: admin.AdminSite, request: HttpRequest) -> HttpResponse:
    """Set up an authenticator: a set-up code first, then the app's key and a first code."""
    user = request.user
    if not (user.is_active and user.is_staff):
        return redirect_to_login(request.get_full_path(), reverse("admin:login"))
    context = {
        **site.each_context(request),
        "title": gettext("Two-factor sign-in"),
        "required": otp_state(request) is OTPState.NEEDS_SETUP,
    }
    if confirmed_devices(user):
        return TemplateResponse(request, "admin/otp_setup.html", {**context, "step": "confirmed"})
    pending = _pending_enrolment(request)
    if pending is None:
        return _code_step(request, context)
    return _device_step(request, context, *pending)


def _pending_enrolment(request: HttpRequest):
    """(set-up code, device) this session is between, if both are still good."""
    state = request.session.get(ENROLMENT_SESSION_KEY)
    if not state:
        return None
    user = request.user
    enrolment = second_factor.open_enrolment(user=user, enrolment_id=state["enrolment"])
    device = TOTPDevice.objects.filter(user=user, pk=state["device"], confirmed=False).first()
    if enrolment is None or device is None:
        del request.session[ENROLMENT_SESSION_KEY]
        return None
    return enrolment, device


def _code_step(request: HttpRequest, context: dict) -> HttpResponse:
    form = SetupCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enrolment = second_factor.check_code(user=request.user, code=form.cleaned_data["code"])
        if enrolment is not None:
            device = second_factor.start_device(user=request.user)
            request.session[ENROLMENT_SESSION_KEY] = {
                "enrolment": enrolment.pk,
                "device": device.pk,
            }
            return HttpResponseRedirect(reverse("admin:otp_setup"))
        form.add_error(
            "code",
            gettext(
                "This set-up code is not right, has expired or has been used. Check it, or ask "
                "a provincial admin for a new one."
            ),
        )
    return TemplateResponse(
        request, "admin/otp_setup.html", {**context, "step": "code", "form": form}
    )


def _device_step(request: HttpRequest, context: dict, enrolment, device) -> HttpResponse:
    form = OTPSetupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip()):
            del request.session[ENROLMENT_SESSION_KEY]
            if not second_factor.complete_enrolment(enrolment=enrolment, device=device):
                messages.error(request, gettext("The set-up code has expired: ask for a new one."))
                return HttpResponseRedirect(reverse("admin:otp_setup"))
            otp_login(request, device)
            request.session[HAS_DEVICE_SESSION_KEY] = True
            messages.success(request, gettext("Two-factor sign-in is on for your account."))
            return HttpResponseRedirect(reverse("admin:index"))
        form.add_error("token", gettext("This code is not right. Try the current one."))
    context.update(
        step="device",
        form=form,
        secret=base64.b32encode(device.bin_key).decode(),
        config_url=device.config_url,
        expires_at=enrolment.expires_at,
    )
    return TemplateResponse(request, "admin/otp_setup.html", context)


# --- Issuing codes: an action of the user admin -------------------------------------------------


@admin.action(description=_("Issue two-factor set-up codes"))
def issue_setup_codes(model_admin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet):
    """Confirm, then issue a code for each selected user and show the codes, once.

    An admin never issues one for their own account: another admin does, or the server's
    `create_staff --issue-otp-code`, so a password-only session cannot enrol itself.
    """
    users = list(queryset.filter(is_active=True).exclude(pk=request.user.pk).order_by("username"))
    skipped = queryset.count() - len(users)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Issue two-factor set-up codes"),
        "opts": model_admin.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "skipped": skipped,
        "valid_hours": settings.OTP_ENROLMENT_VALID_HOURS,
    }
    if not users:
        messages.warning(
            request,
            gettext(
                "No code was issued: choose active users other than yourself. Your own code "
                "comes from another provincial admin."
            ),
        )
        return None
    if request.POST.get("confirm") != "yes":
        with_device = set(
            TOTPDevice.objects.filter(user__in=users, confirmed=True).values_list(
                "user_id", flat=True
            )
        )
        rows = [(user, user.pk in with_device) for user in users]
        return TemplateResponse(
            request, "admin/auth/user/issue_setup_codes.html", {**context, "rows": rows}
        )
    issued = [second_factor.issue_enrolment(user=user, issued_by=request.user) for user in users]
    model_admin.message_user(
        request,
        gettext("Set-up codes issued: %(count)d.") % {"count": len(issued)},
        messages.SUCCESS,
    )
    # The admin's never_cache keeps the page, and so the codes, out of every cache.
    return TemplateResponse(
        request, "admin/auth/user/issued_setup_codes.html", {**context, "issued": issued}
    )
