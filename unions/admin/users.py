"""The provincial admins' own pages: staff accounts with their scope, the read log, and the
admins of other apps (groups, login logs, task results, OTP devices), all 403 and hidden for
everyone else.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from unions.access import (
    DISTRICT_STAFF,
    PARTY_VIEWER_DISTRICT,
    ROLE_LABELS,
    ROLES,
    ZONE_STAFF,
    is_admin_only,
)
from unions.access.account_models import SecondFactorEnrolment
from unions.access.models import ReadLog, StaffScope
from unions.admin.scoped import ProvinceAdminOnlyMixin, ScopedAdmin
from unions.web.second_factor import issue_setup_codes

site = admin.site


class StaffScopeInline(admin.StackedInline):
    model = StaffScope
    can_delete = True
    extra = 0
    max_num = 1
    fields = ["district", "upper_union"]
    verbose_name_plural = _("scope (a district or an upper union; empty for province-wide roles)")


@admin.register(ReadLog)
class ReadLogAdmin(ProvinceAdminOnlyMixin, ScopedAdmin):
    """Browsing the read log: provincial admins only, and nobody edits or deletes it."""

    list_display = ["at", "username", "action", "content_type", "object_repr", "rows", "query"]
    list_filter = ["action", "content_type"]
    list_select_related = ["content_type"]
    search_fields = ["username", "object_repr", "query"]
    folded_search_fields = ()
    date_hierarchy = "at"
    readonly_fields = [field.name for field in ReadLog._meta.fields]

    def get_search_results(self, request, queryset, search_term):
        # Usernames and query strings are not folded text: Django's plain search.
        return admin.ModelAdmin.get_search_results(self, request, queryset, search_term)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


def _staff_user_admin(base: type[UserAdmin]) -> type[UserAdmin]:
    class StaffUserAdmin(ProvinceAdminOnlyMixin, base):
        """Django's user admin with each user's role and scope, for provincial admins."""

        inlines = [*base.inlines, StaffScopeInline]
        list_display = [
            "username",
            "full_name",
            "role",
            "scope",
            "second_factor_on",
            "is_active",
            "last_login",
        ]
        list_filter = ["is_active", "groups"]
        list_select_related = ["scope__district", "scope__upper_union"]
        show_full_result_count = False
        actions = [*(base.actions or ()), issue_setup_codes]

        def get_queryset(self, request: HttpRequest) -> QuerySet:
            roles = Prefetch("groups", queryset=Group.objects.only("name"))
            devices = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
            return (
                super()
                .get_queryset(request)
                .prefetch_related(roles)
                .annotate(has_second_factor=Exists(devices))
            )

        def get_fieldsets(self, request: HttpRequest, obj=None):
            fieldsets = super().get_fieldsets(request, obj)
            if obj is None:
                return fieldsets
            return [*fieldsets, (_("Two-factor sign-in"), {"fields": ["second_factor_state"]})]

        def get_readonly_fields(self, request: HttpRequest, obj=None):
            return [*super().get_readonly_fields(request, obj), "second_factor_state"]

        @admin.display(description=_("two-factor"), boolean=True, ordering="has_second_factor")
        def second_factor_on(self, obj: User) -> bool:
            return obj.has_second_factor

        @admin.display(description=_("state"))
        def second_factor_state(self, obj: User) -> str:
            return second_factor_state(obj)

        @admin.display(description=_("name"))
        def full_name(self, obj: User) -> str:
            return obj.get_full_name()

        @admin.display(description=_("role"))
        def role(self, obj: User) -> str:
            names = {group.name for group in obj.groups.all()}
            return ", ".join(str(ROLE_LABELS[role]) for role in ROLES if role in names) or "—"

        @admin.display(description=_("scope"))
        def scope(self, obj: User) -> str:
            scope = getattr(obj, "scope", None)
            return str(scope) if scope is not None else "—"

        def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
            super().save_related(request, form, formsets, change)
            for problem in scope_problems(form.instance):
                messages.warning(request, problem)

    StaffUserAdmin.__name__ = StaffUserAdmin.__qualname__ = "StaffUserAdmin"
    return StaffUserAdmin


def second_factor_state(user: User) -> str:
    """On, waiting for a set-up code to be used, or off; and how to issue a code."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return gettext("On: each sign-in asks for the authenticator's code.")
    pending = SecondFactorEnrolment.objects.filter(user=user).open().first()
    if pending is not None:
        until = timezone.localtime(pending.expires_at).strftime("%d/%m/%Y %H:%M")
        return gettext("Off: a set-up code is waiting to be used, until %(until)s.") % {
            "until": until
        }
    return gettext(
        "Off. To let this user set it up, tick them in the list of users and choose the "
        "action “Issue two-factor set-up codes”."
    )


def scope_problems(user: User) -> list[str]:
    """Why a user's role and scope do not fit together; such a user reads nothing."""
    names = set(user.groups.values_list("name", flat=True))
    roles = [role for role in ROLES if role in names]
    scope = StaffScope.objects.filter(user=user).first()
    problems = []
    if len(roles) > 1:
        problems.append(
            ngettext(
                "This user has %(count)d roles; only the narrowest one counts.",
                "This user has %(count)d roles; only the narrowest one counts.",
                len(roles),
            )
            % {"count": len(roles)}
        )
    role = roles[0] if roles else None
    if role in {DISTRICT_STAFF, PARTY_VIEWER_DISTRICT} and (scope is None or not scope.district):
        problems.append(gettext("A district role needs a district in the scope."))
    if role == ZONE_STAFF and (scope is None or not scope.upper_union):
        problems.append(gettext("Zone-union staff need an upper union in the scope."))
    return problems


def _province_admin_only(model_admin: admin.ModelAdmin) -> type[admin.ModelAdmin]:
    base = type(model_admin)
    return type(base.__name__, (ProvinceAdminOnlyMixin, base), {"__module__": __name__})


def protect_other_apps_admins() -> None:
    """Wrap the admins other apps registered (users, groups, axes, tasks, OTP devices)."""
    for model, model_admin in list(site._registry.items()):
        if isinstance(model_admin, ProvinceAdminOnlyMixin) or not is_admin_only(model):
            continue
        if isinstance(model_admin, ScopedAdmin):
            continue  # the project's own admins check permissions and scope themselves
        if model is User:
            admin_class = _staff_user_admin(type(model_admin))
        else:
            admin_class = _province_admin_only(model_admin)
        site.unregister(model)
        site.register(model, admin_class)
