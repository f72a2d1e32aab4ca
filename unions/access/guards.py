"""Guards for pages outside the admin, and national IDs as each user may see them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied

from unions.access.scope import access_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.http import HttpRequest, HttpResponse


def mask_national_id(national_id: str | None) -> str:
    """All but the last three digits hidden: enough to tell two people apart on a call."""
    if not national_id:
        return "—"
    return "•" * (len(national_id) - 3) + national_id[-3:]


def national_id_for(user: AbstractBaseUser | AnonymousUser, national_id: str | None) -> str:
    """A national ID as this user may see it: masked for Party viewers, in full for staff."""
    if access_for(user).is_viewer:
        return mask_national_id(national_id)
    return national_id or ""


def role_required(
    *, write: bool = False, roles: frozenset[str] | None = None
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Guard a non-admin view: sign-in required (redirect), a role (403), optionally a writer.

    Any POST by a Party viewer is refused, whatever the view says.
    """

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                from django.contrib.auth.views import redirect_to_login

                return redirect_to_login(request.get_full_path())
            access = access_for(request.user)
            if access.role is None or (roles is not None and access.role not in roles):
                raise PermissionDenied
            if (write or request.method not in SAFE_METHODS) and not access.can_write:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return guarded

    return decorator


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
