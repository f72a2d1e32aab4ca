"""The admin base every model's admin uses: scoped querysets, read-only viewers, folded search.

Every admin path checks two things: the Django permission the user's role group holds (see
`unions.access.role_permissions`) and the user's territory (`.for_user()` to read,
`.writable_by()` to write). A row outside the read scope is a 404, a refused action a 403.
"""

from __future__ import annotations

import re
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import NotRelationField, get_fields_from_path, unquote
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import connections, router, transaction
from django.db.models import Model, Q, QuerySet
from django.db.models.functions import Collate
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from unions.access import access_for, mask_national_id
from unions.access.auditing import READ_LOGGED_MODELS, log_shown_page
from unions.admin.paginators import EstimatedCountPaginator
from unions.admin.stale import StaleEditCheck, loaded_token, tracks_edits
from unions.territory.models import ReferenceQuerySet
from unions.text import fold

CODE_TERM = re.compile(r"^[0-9][0-9\-]*$")
# Actions that only read rows (an export, say) keep every selected row the user reads; any other
# action runs on the selected rows the user may write.
READ_ONLY_ACTION_PERMISSIONS = frozenset({"view", "export"})


def scoped_choices(request: HttpRequest, related_model: type[Model]) -> QuerySet | None:
    """The rows a form may offer for a foreign key to `related_model`, or None for Django's.

    Writers are offered what they may write (for reference data: what they may assign, see
    `Access.assignable_q`); everyone else what they read.
    """
    user = request.user
    access = access_for(user)
    manager = related_model._default_manager
    if related_model is get_user_model():
        return None if access.is_province_admin else manager.filter(pk=user.pk)
    if not hasattr(manager, "for_user"):
        return None
    readable = manager.for_user(user)
    if not access.can_write:
        return readable
    if isinstance(readable, ReferenceQuerySet):
        return readable.filter(access.assignable_q(related_model._meta.label_lower))
    return manager.writable_by(user)


class ScopedChoicesMixin:
    """Foreign-key and many-to-many choices narrowed by `scoped_choices`."""

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(request, db_field.remote_field.model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs):
        if "queryset" not in kwargs:
            queryset = scoped_choices(request, db_field.remote_field.model)
            if queryset is not None:
                kwargs["queryset"] = queryset
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class ScopedRelatedFieldListFilter(admin.RelatedFieldListFilter):
    """A related-field filter listing only the rows the user reads: the plain one lists all."""

    def field_choices(self, field, request, model_admin):
        queryset = scoped_choices_for_reading(request, field.related_model)
        if queryset is None:
            return super().field_choices(field, request, model_admin)
        ordering = self.field_admin_ordering(field, request, model_admin)
        if ordering:
            queryset = queryset.order_by(*ordering)
        return [(obj.pk, str(obj)) for obj in queryset]


def scoped_choices_for_reading(request: HttpRequest, related_model: type[Model]) -> QuerySet | None:
    manager = related_model._default_manager
    if related_model is get_user_model():
        if access_for(request.user).is_province_admin:
            return None
        return manager.filter(pk=request.user.pk)
    if not hasattr(manager, "for_user"):
        return None
    return manager.for_user(request.user)


class MaskingContextHelper(HistoricalRecordContextHelper):
    """History deltas with national IDs masked, for Party viewers."""

    def __init__(self, *args, masked: frozenset[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.masked = masked

    def prepare_delta_change_value(self, change, value):
        if change.field in self.masked:
            return mask_national_id(value)
        return super().prepare_delta_change_value(change, value)


class ScopedAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    """Every queryset goes through `.for_user()`; viewers read and never write.

    `folded_search_fields` are matched word by word against the query's folded form, so
    `Nguyen Van Canh` finds `Nguyễn Văn Cảnh`; `code_search_fields` match a code's prefix.
    `admin_only_fields` are read-only for everyone but provincial admins; `masked_fields` maps a
    field to the admin method that shows it masked to Party viewers.
    """

    search_fields = ["search_key"]
    folded_search_fields: tuple[str, ...] = ("search_key",)
    code_search_fields: tuple[str, ...] = ()
    admin_only_fields: tuple[str, ...] = ()
    masked_fields: dict[str, str] = {"national_id": "masked_national_id"}
    recent_changes_shown = 5
    # Whether change and history pages go to the read log; None: if the model is candidates' data.
    read_logged: bool | None = None
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    object_history_list_template = "admin/scoped_history_list.html"

    # --- What the user reads and writes ----------------------------------------------------

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_user(request.user)

    def writable_queryset(self, request: HttpRequest) -> QuerySet:
        return self.model._default_manager.writable_by(request.user)

    def get_ordering(self, request: HttpRequest):
        """Names in Vietnamese order (A, Ă, Â, B, C, D, Đ…) where the database can collate them;
        elsewhere the folded search key, which at least ignores diacritics consistently."""
        ordering = super().get_ordering(request)
        source = getattr(self.model, "search_source", None)
        collation = settings.VIETNAMESE_COLLATION
        vendor = connections[router.db_for_read(self.model)].vendor
        if ordering or not source or not collation or vendor != "postgresql":
            return ordering
        return [Collate(source, collation).asc(), "pk"]

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        words = fold(term).split()
        matches = Q()
        for field in self.folded_search_fields:
            field_match = Q()
            for word in words:
                field_match &= Q(**{f"{field}__contains": word})
            matches |= field_match
        code = re.sub(r"[\s.]", "", term)
        if CODE_TERM.match(code):
            viewer = access_for(request.user).is_viewer
            for field in self.code_search_fields:
                if viewer and self._is_masked_path(field):
                    # A viewer may look a person up by their whole ID, never read IDs off
                    # digit by digit with prefix searches.
                    matches |= Q(**{field: code})
                else:
                    matches |= Q(**{f"{field}__startswith": code})
        return queryset.filter(matches), False

    def _is_masked_path(self, lookup: str) -> bool:
        return any(part in self.masked_fields for part in lookup.split("__"))

    def lookup_allowed(self, lookup: str, value: str, request: HttpRequest | None = None) -> bool:
        # The admin accepts URL filters on any local field (?national_id__startswith=0240):
        # none on a masked field for viewers, for the same reason as in search.
        if (
            request is not None
            and access_for(request.user).is_viewer
            and self._is_masked_path(lookup)
        ):
            return False
        return super().lookup_allowed(lookup, value, request)

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        """The row if the user reads it; 403 without the model, 404 outside the territory.

        Django's default for a missing row is a redirect with a message, which would tell a
        curious user nothing but still differs from the 404 DESIGN.md asks for.
        """
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            if not self.has_view_or_change_permission(request):
                raise PermissionDenied
            raise Http404("No such row in the user's territory.")
        self._checked(request)[("read", obj.pk)] = True
        return obj

    def is_readable(self, request: HttpRequest, obj: Model) -> bool:
        key = ("read", obj.pk)
        checked = self._checked(request)
        if key not in checked:
            checked[key] = self.get_queryset(request).filter(pk=obj.pk).exists()
        return checked[key]

    def is_writable(self, request: HttpRequest, obj: Model) -> bool:
        key = ("write", obj.pk)
        checked = self._checked(request)
        if key not in checked:
            checked[key] = self.writable_queryset(request).filter(pk=obj.pk).exists()
        return checked[key]

    def _checked(self, request: HttpRequest) -> dict:
        # Django asks the same permission questions many times per page: one query each.
        cache = request.__dict__.setdefault("_scoped_admin_checks", {})
        return cache.setdefault(self.model._meta.label_lower, {})

    # --- Permissions: the role's Django permission AND the territory --------------------------

    def has_module_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).role is not None and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if access_for(request.user).role is None:
            return False
        if not super().has_view_permission(request, obj):
            return False
        return obj is None or obj.pk is None or self.is_readable(request, obj)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).can_write and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not access_for(request.user).can_write:
            return False
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or obj.pk is None or self.is_writable(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        if not access_for(request.user).can_write:
            return False
        if not super().has_delete_permission(request, obj):
            return False
        return obj is None or obj.pk is None or self.is_writable(request, obj)

    # --- Forms -------------------------------------------------------------------------------

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if self.admin_only_fields and not access_for(request.user).is_province_admin:
            fields += [name for name in self.admin_only_fields if name not in fields]
        return fields

    def get_fieldsets(self, request: HttpRequest, obj: Model | None = None):
        fieldsets = super().get_fieldsets(request, obj)
        if not access_for(request.user).is_viewer:
            return fieldsets
        masked = {
            name: method for name, method in self.masked_fields.items() if self._has_field(name)
        }
        if not masked:
            return fieldsets

        def swap(fields):
            return [
                tuple(swap(name)) if isinstance(name, (list, tuple)) else masked.get(name, name)
                for name in fields
            ]

        return [
            (title, {**options, "fields": swap(options["fields"])}) for title, options in fieldsets
        ]

    def _has_field(self, name: str) -> bool:
        try:
            self.model._meta.get_field(name)
        except FieldDoesNotExist:
            return False
        return True

    @admin.display(description=_("national ID"))
    def masked_national_id(self, obj: Model) -> str:
        return mask_national_id(getattr(obj, "national_id", None))

    # --- Writes: checked before and after, inside the request's transaction --------------------

    def save_model(self, request: HttpRequest, obj: Model, form, change: bool) -> None:
        with transaction.atomic(using=router.db_for_write(self.model)):
            # Before: the row as stored must be the user's (a forged id, a revert, list edits).
            if change and obj.pk is not None and not self._writable_in_db(request, obj.pk):
                raise PermissionDenied
            super().save_model(request, obj, form, change)
            # After: a forged foreign key that moves the row out of the territory undoes the save.
            if not self._writable_in_db(request, obj.pk):
                raise PermissionDenied

    def save_formset(self, request: HttpRequest, form, formset, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        manager = formset.model._default_manager
        saved = {obj.pk for obj in formset.new_objects}
        saved |= {obj.pk for obj, _changed in formset.changed_objects}
        if saved and hasattr(manager, "writable_by"):
            writable = manager.writable_by(request.user).filter(pk__in=saved).count()
            if writable != len(saved):
                raise PermissionDenied

    def _writable_in_db(self, request: HttpRequest, pk) -> bool:
        writable = self.writable_queryset(request).filter(pk=pk).exists()
        self._checked(request)[("write", pk)] = writable
        return writable

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(
            request, queryset.filter(pk__in=self.writable_queryset(request).values("pk"))
        )

    # --- Lists and actions -------------------------------------------------------------------

    def changelist_view(self, request: HttpRequest, extra_context=None):
        # Actions and list edits are POSTs to the list; Party viewers never write.
        if request.method == "POST" and not access_for(request.user).can_write:
            raise PermissionDenied
        return super().changelist_view(request, extra_context)

    def get_actions(self, request: HttpRequest):
        actions = super().get_actions(request)
        return {
            name: (self._scoped_action(func), name, description)
            for name, (func, name, description) in actions.items()
        }

    def _scoped_action(self, func):
        permissions = set(getattr(func, "allowed_permissions", ()) or ())
        if permissions and permissions <= READ_ONLY_ACTION_PERMISSIONS:
            return func

        @wraps(func)
        def on_writable_rows(modeladmin, request, queryset):
            queryset = queryset.filter(pk__in=self.writable_queryset(request).values("pk"))
            return func(modeladmin, request, queryset)

        return on_writable_rows

    def get_list_filter(self, request: HttpRequest):
        """Plain related-field filters become scoped ones, so their choices cannot leak."""
        filters = []
        for item in super().get_list_filter(request):
            if isinstance(item, str) and self._is_relation_path(item):
                item = (item, ScopedRelatedFieldListFilter)
            elif isinstance(item, (list, tuple)) and item[1] is admin.RelatedFieldListFilter:
                item = (item[0], ScopedRelatedFieldListFilter)
            filters.append(item)
        return filters

    def _is_relation_path(self, path: str) -> bool:
        try:
            field = get_fields_from_path(self.model, path)[-1]
        except (FieldDoesNotExist, NotRelationField):
            return False
        return bool(getattr(field, "is_relation", False))

    # --- History -----------------------------------------------------------------------------

    def is_read_logged(self) -> bool:
        if self.read_logged is not None:
            return self.read_logged
        return self.model._meta.label_lower in READ_LOGGED_MODELS

    def change_view(self, request: HttpRequest, object_id: str, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        if self.is_read_logged():
            log_shown_page(request, response)
        return response

    @property
    def has_simple_history(self) -> bool:
        return hasattr(self.model._meta, "simple_history_manager_attribute")

    @property
    def object_history_template(self) -> str | None:
        # Models without HistoricalRecords keep Django's own page (its admin log).
        return "simple_history/object_history.html" if self.has_simple_history else None

    def history_view(self, request: HttpRequest, object_id: str, extra_context=None):
        # django-simple-history falls back to the history of rows it cannot find: only rows the
        # user reads have a history page here.
        obj = self.get_object(request, unquote(object_id))
        if not self.has_simple_history:
            response = admin.ModelAdmin.history_view(self, request, object_id, extra_context)
        else:
            response = super().history_view(request, object_id, extra_context)
        if self.is_read_logged():
            log_shown_page(request, response, obj)
        return response

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ):
        """A past version, to revert to: only for those who may change the row."""
        obj = self.get_object(request, unquote(object_id))
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        with transaction.atomic(using=router.db_for_write(self.model)):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def get_historical_record_context_helper(self, request: HttpRequest, historical_record):
        if access_for(request.user).is_viewer:
            return MaskingContextHelper(
                self.model, historical_record, masked=frozenset(self.masked_fields)
            )
        return super().get_historical_record_context_helper(request, historical_record)

    def get_form(self, request: HttpRequest, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is None or not tracks_edits(self.model):
            return form
        return type(form.__name__, (StaleEditCheck, form), {})

    def render_change_form(
        self, request: HttpRequest, context, add=False, change=False, form_url="", obj=None
    ):
        if change and obj is not None:
            context["recent_changes"] = self.recent_changes(request, obj)
            form = context["adminform"].form
            if isinstance(form, StaleEditCheck):
                context["loaded_version"] = loaded_token(form)
        response = super().render_change_form(request, context, add, change, form_url, obj)
        if self.change_form_template is None and isinstance(response.template_name, list):
            # Django's own list of templates, with ours (the recent-changes panel) before the last.
            response.template_name = [
                *response.template_name[:-1],
                "admin/scoped_change_form.html",
                response.template_name[-1],
            ]
        return response

    def recent_changes(self, request: HttpRequest, obj: Model) -> list[dict]:
        """The last changes to a row, newest first, with who made them: one query."""
        attribute = getattr(obj._meta, "simple_history_manager_attribute", None)
        if attribute is None:
            return []
        records = list(
            getattr(obj, attribute)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")[: self.recent_changes_shown + 1]
        )
        viewer = access_for(request.user).is_viewer
        changes = []
        for newer, older in zip(records, [*records[1:], None], strict=True):
            if len(changes) == self.recent_changes_shown:
                break
            changes.append(
                {
                    "at": newer.history_date,
                    "user": newer.history_user,
                    "kind": newer.get_history_type_display(),
                    "reason": newer.history_change_reason,
                    "fields": self._changed_fields(newer, older, viewer),
                }
            )
        return changes

    def _changed_fields(self, newer, older, viewer: bool) -> list[dict]:
        if older is None:
            return []
        shown = []
        for change in newer.diff_against(older).changes:
            field = self.model._meta.get_field(change.field)
            old, new = change.old, change.new
            if field.is_relation:
                old = new = None  # ids mean nothing to a reader; the history page names them
            elif viewer and change.field in self.masked_fields:
                old, new = mask_national_id(old), mask_national_id(new)
            shown.append({"field": field.verbose_name, "old": old, "new": new})
        return shown


class ReferenceAdmin(ScopedAdmin):
    """Units, zones and upper unions: everyone with a role reads them, provincial admins edit."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_province_admin and super().has_add_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access_for(request.user).is_province_admin and super().has_change_permission(
            request, obj
        )

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access_for(request.user).is_province_admin and super().has_delete_permission(
            request, obj
        )


class ScopedInlineMixin(ScopedChoicesMixin):
    """Inline rows the user reads, choices they may use, and no edits on a read-only parent."""

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return queryset.for_user(request.user) if hasattr(queryset, "for_user") else queryset

    def _parent_writable(self, request: HttpRequest, obj: Model | None) -> bool:
        if obj is None or obj.pk is None:
            return True
        parent_admin = self.admin_site._registry.get(self.parent_model)
        return parent_admin is None or parent_admin.has_change_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return access_for(request.user).role is not None and super().has_view_permission(
            request, obj
        )

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return (
            access_for(request.user).can_write
            and super().has_add_permission(request, obj)
            and self._parent_writable(request, obj)
        )

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return (
            access_for(request.user).can_write
            and super().has_change_permission(request, obj)
            and self._parent_writable(request, obj)
        )

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return (
            access_for(request.user).can_write
            and super().has_delete_permission(request, obj)
            and self._parent_writable(request, obj)
        )


class ScopedTabularInline(ScopedInlineMixin, admin.TabularInline):
    pass


class ScopedStackedInline(ScopedInlineMixin, admin.StackedInline):
    pass


class ProvinceAdminOnlyMixin:
    """For the admins of users, logs and tasks: 403 and hidden for all but provincial admins."""

    def _allowed(self, request: HttpRequest) -> bool:
        return access_for(request.user).is_province_admin

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        return queryset if self._allowed(request) else queryset.none()

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None):
        obj = super().get_object(request, object_id, from_field)
        if obj is None:  # 403 without the right, 404 for a missing row: never a redirect
            if not self.has_view_or_change_permission(request):
                raise PermissionDenied
            raise Http404("No such row.")
        return obj

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self._allowed(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request) and super().has_view_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args) -> bool:
        return self._allowed(request) and super().has_add_permission(request, *args)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._allowed(request) and super().has_delete_permission(request, obj)
