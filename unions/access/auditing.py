"""The read log: who opened or exported candidates' personal data, and when.

Candidates' Party-related data is a sensitive category under Vietnam's personal-data law, so
every view of a member's or a referral's page and every export of such data leaves a row here.
Views call `log_view` / `log_export`. ScopedAdmin logs the change and history pages of
`READ_LOGGED_MODELS`; `ReadLoggedAdminMixin` logs another admin's pages and its exports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model

from unions.access.models import ReadLog

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
    from django.db.models import QuerySet
    from django.http import HttpRequest, HttpResponse

REPR_LENGTH = ReadLog._meta.get_field("object_repr").max_length
PATH_LENGTH = ReadLog._meta.get_field("path").max_length
# Candidates' personal data: every admin page showing one of these rows is logged (ScopedAdmin).
READ_LOGGED_MODELS = frozenset({"unions.member", "referrals.referral"})
# Form fields of an export POST that say nothing about what was exported.
NOISE_PARAMS = frozenset({"csrfmiddlewaretoken", "format", "resource", "export_items"})


def log_view(*, user: AbstractBaseUser | AnonymousUser, obj: Model, path: str = "") -> ReadLog:
    """Record that `user` opened `obj`'s page (its change page, history or detail view)."""
    return _write(user=user, action=ReadLog.Action.VIEW, obj=obj, path=path)


def log_export(
    *,
    user: AbstractBaseUser | AnonymousUser,
    model: type[Model],
    query: str = "",
    rows: int | None = None,
    path: str = "",
) -> ReadLog:
    """Record that `user` exported rows of `model` selected by `query` (a filter, as text)."""
    return _write(
        user=user, action=ReadLog.Action.EXPORT, model=model, query=query, rows=rows, path=path
    )


def request_query(request: HttpRequest) -> str:
    """The filter of a list or export request as text: its query string and meaningful POST."""
    params = request.GET.copy()
    for key, values in request.POST.lists():
        if key not in NOISE_PARAMS and not key.startswith("_"):
            params.setlist(key, values)
    return params.urlencode()


def _write(
    *,
    user: AbstractBaseUser | AnonymousUser,
    action: str,
    obj: Model | None = None,
    model: type[Model] | None = None,
    query: str = "",
    rows: int | None = None,
    path: str = "",
) -> ReadLog:
    model = model or type(obj)
    authenticated = user.is_authenticated
    return ReadLog.objects.create(
        user=user if authenticated else None,
        username=user.get_username() if authenticated else "",
        action=action,
        content_type=ContentType.objects.get_for_model(model),
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:REPR_LENGTH] if obj is not None else "",
        query=query,
        rows=rows,
        path=path[:PATH_LENGTH],
    )


def log_shown_page(request: HttpRequest, response: HttpResponse, obj: Model | None = None) -> None:
    """Log an admin page that showed a row (a GET answered 200); refusals leave no row."""
    if request.method != "GET" or response.status_code != 200:
        return
    if obj is None:
        context = getattr(response, "context_data", None) or {}
        obj = context.get("original") or context.get("object")
    if isinstance(obj, Model):
        log_view(user=request.user, obj=obj, path=request.get_full_path())


class ReadLoggedAdminMixin:
    """Put first in a ModelAdmin's bases to log its change and history pages and its exports.

    `ScopedAdmin` already logs the pages of `READ_LOGGED_MODELS`; this mixin adds any other
    admin, and django-import-export's exports (which run before ScopedAdmin in the MRO).
    """

    read_logged = True

    def get_export_data(self, file_format, request: HttpRequest, queryset: QuerySet, **kwargs):
        # django-import-export's one path to an export file, from its page and from actions.
        data = super().get_export_data(file_format, request, queryset, **kwargs)
        log_export(
            user=request.user,
            model=self.model,
            query=request_query(request),
            rows=queryset.count(),
            path=request.path,
        )
        return data
