"""Sign-in limits on top of django-axes: by username and address together, and by address alone.

Axes counts wrong passwords per (username, address) pair (`AXES_LOCKOUT_PARAMETERS`), so ten
guesses from one place lock that account there and nowhere else: a stranger cannot lock the
provincial admin out of their own office. Axes compares every lockout parameter with one limit,
so the second, higher limit per address is this handler's: an address whose wrong passwords, for
any usernames, reach `AXES_ADDRESS_FAILURE_LIMIT` within the cool-off is refused altogether, which
is what stops one machine from trying a few passwords on many accounts (spraying).

Behind nginx every request comes from 127.0.0.1, so the client's address is read from the header
the proxy sets (`CLIENT_IP_HEADER`, X-Real-IP in production); docs/deploy.md has nginx overwrite
it, and gunicorn listens on the loopback only, so a client cannot choose its own address.
"""

from __future__ import annotations

import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

# Set on the request when the refusal is the address's, so the page can say so.
ADDRESS_THROTTLED = "unions_address_throttled"


def client_ip_address(request: HttpRequest) -> str | None:
    """AXES_CLIENT_IP_CALLABLE: the proxy's header when configured and valid, else REMOTE_ADDR."""
    header = settings.CLIENT_IP_HEADER
    if header:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "").strip()
        if _is_ip_address(value):
            return value
    return request.META.get("REMOTE_ADDR")


def _is_ip_address(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def address_failures(request: HttpRequest) -> int:
    """Wrong passwords from the request's address, for any username, within the cool-off."""
    total = (
        AccessAttempt.objects.filter(
            ip_address=request.axes_ip_address,
            attempt_time__gte=get_cool_off_threshold(request),
        ).aggregate(total=Sum("failures_since_start"))["total"]
        or 0
    )
    return total


def address_throttled(request: HttpRequest) -> bool:
    throttled = address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT
    setattr(request, ADDRESS_THROTTLED, throttled)
    return throttled


class AddressLimitHandler(AxesDatabaseHandler):
    """Axes' database handler, plus a refusal of any sign-in from an address over its limit."""

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return super().is_locked(request, credentials) or address_throttled(request)

    def user_login_failed(self, sender, credentials: dict, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is None or request.axes_locked_out or self.is_whitelisted(request, credentials):
            return
        if address_throttled(request):
            # What axes does when a pair reaches its limit: the middleware answers with the
            # lockout page.
            request.axes_locked_out = True
            request.axes_credentials = credentials
            user_locked_out.send(
                "axes",
                request=request,
                username=get_client_username(request, credentials),
                ip_address=request.axes_ip_address,
            )
