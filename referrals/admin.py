"""Data entry for the referral pipeline: classes, referrals, commendations, Party organisations,
targets. Every change of a referral goes through `referrals.pipeline`; every list is scoped.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from referrals import attendance as attendance_service
from referrals import pipeline
from referrals.forms import (
    AttendanceDefaultsForm,
    AttendanceFormSet,
    AttendanceSourceForm,
    CloseForm,
    ReferralAdminForm,
    StageChangeForm,
)
from referrals.models import (
    AwarenessClass,
    Commendation,
    Enrollment,
    PartyOrganization,
    Referral,
    ReferralEvent,
    Stage,
    Target,
)
from unions.access import access_for
from unions.admin import members as unions_admin
from unions.admin.filters import DistrictFilter
from unions.admin.scoped import ScopedAdmin, ScopedTabularInline
from unions.members.models import Member

# --- Shared pieces ----------------------------------------------------------------------------


def _refusal_text(refusal: pipeline.PipelineRefusal) -> str:
    return " ".join(violation.message for violation in refusal.violations)


class YearFilter(admin.SimpleListFilter):
    """Years present in a date field, newest first; subclasses name the field."""

    title = _("year")
    parameter_name = "year"
    field_name = "year"

    def lookups(self, request, model_admin):
        # From the plain scoped rows, not the changelist's annotated ones: one cheap query.
        rows = model_admin.model._default_manager.for_user(request.user).order_by()
        if self.field_name == "year":
            years = rows.values_list("year", flat=True).distinct().order_by("-year")
        else:
            years = [day.year for day in rows.dates(self.field_name, "year", order="DESC")]
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            lookup = self.field_name if self.field_name == "year" else f"{self.field_name}__year"
            return queryset.filter(**{lookup: int(self.value())})
        return queryset


# --- Party organisations ----------------------------------------------------------------------


@admin.register(PartyOrganization)
class PartyOrganizationAdmin(ScopedAdmin):
    list_display = ["name", "kind", "district", "parent"]
    list_filter = ["kind", ("district", DistrictFilter)]
    list_select_related = ["district", "parent"]
    search_fields = ["search_key"]
    autocomplete_fields = ["district", "parent"]
    readonly_fields = ["batch"]

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "parent":
            # A parent may be a province-level committee the user reads but does not keep.
            kwargs["queryset"] = PartyOrganization.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        district_id = access_for(request.user).district_id
        if district_id:
            initial.setdefault("district", district_id)
        return initial


# --- Awareness classes ------------------------------------------------------------------------


class EnrollmentInline(ScopedTabularInline):
    model = Enrollment
    fields = ["member", "attended", "passed", "certificate_number", "certificate_on"]
    autocomplete_fields = ["member"]
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("member")

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "member":
            # The class's organiser records whoever attended among the members they read (a
            # KCN enterprise's worker in a district class, say); the class is what they write.
            kwargs["queryset"] = Member.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class CampaignFilter(admin.SimpleListFilter):
    title = _("campaign")
    parameter_name = "campaign"

    def lookups(self, request, model_admin):
        campaigns = (
            AwarenessClass.objects.for_user(request.user)
            .exclude(campaign="")
            .order_by("campaign")
            .values_list("campaign", flat=True)
            .distinct()
        )
        return [(campaign, campaign) for campaign in campaigns]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.for_campaign(self.value())
        return queryset


class ClassYearFilter(YearFilter):
    field_name = "starts_on"


@admin.register(AwarenessClass)
class AwarenessClassAdmin(ScopedAdmin):
    list_display = [
        "title",
        "district",
        "starts_on",
        "ends_on",
        "campaign",
        "capacity",
        "enrolled",
        "passed",
    ]
    list_filter = [ClassYearFilter, ("district", DistrictFilter), CampaignFilter]
    list_select_related = ["district"]
    search_fields = ["title"]
    folded_search_fields = ()
    autocomplete_fields = ["district", "upper_union"]
    inlines = [EnrollmentInline]
    fields = [
        "title",
        "organiser",
        "district",
        "upper_union",
        ("starts_on", "ends_on"),
        "venue",
        "capacity",
        "campaign",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).for_changelist()

    def get_search_results(self, request, queryset, search_term):
        # Titles are not folded in the database; match them case-insensitively as typed.
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(title__icontains=term), False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        access = access_for(request.user)
        if access.district_id:
            initial.setdefault("district", access.district_id)
        if access.upper_union_id:
            initial.setdefault("upper_union", access.upper_union_id)
        return initial

    @admin.display(description=_("enrolled"), ordering="enrolled_count")
    def enrolled(self, obj: AwarenessClass) -> int:
        return obj.enrolled_count

    @admin.display(description=_("passed"), ordering="passed_count")
    def passed(self, obj: AwarenessClass) -> int:
        return obj.passed_count

    def get_urls(self):
        view = self.admin_site.admin_view(self.attendance_view)
        return [
            path("<path:object_id>/attendance/", view, name="referrals_awarenessclass_attendance"),
            *super().get_urls(),
        ]

    def attendance_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Bulk attendance: paste or upload a list, then tick who attended and passed."""
        awareness_class = self.get_object(request, object_id)
        if not self.has_change_permission(request, awareness_class):
            raise PermissionDenied
        members = Member.objects.for_user(request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "original": awareness_class,
            "title": gettext("Attendance of %(class)s") % {"class": awareness_class},
            "has_view_permission": True,
        }
        step = request.POST.get("step") if request.method == "POST" else None
        if step == "save":
            formset = AttendanceFormSet(request.POST, prefix="rows", members=members)
            defaults = AttendanceDefaultsForm(request.POST, prefix="defaults")
            if formset.is_valid() and defaults.is_valid():
                marks = self._marks(formset, defaults.cleaned_data.get("certificate_on"))
                counts = attendance_service.record_attendance(
                    awareness_class=awareness_class, marks=marks, by=request.user
                )
                self.message_user(
                    request,
                    gettext(
                        "Attendance recorded: %(created)d added, %(updated)d changed, "
                        "%(unchanged)d unchanged."
                    )
                    % counts,
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:referrals_awarenessclass_change", args=[awareness_class.pk])
                )
            self._label_rows(formset)
            return TemplateResponse(
                request,
                "admin/referrals/awarenessclass/attendance.html",
                {**context, "formset": formset, "defaults": defaults, "lines": []},
            )
        if step == "match":
            source = AttendanceSourceForm(request.POST, request.FILES)
            if source.is_valid():
                try:
                    rows = self._rows(source)
                except attendance_service.AttendanceFileError as error:
                    source.add_error("file", str(error))
                else:
                    lines = attendance_service.match_lines(rows, members=members)
                    formset = self._formset_for(awareness_class, lines, members)
                    return TemplateResponse(
                        request,
                        "admin/referrals/awarenessclass/attendance.html",
                        {
                            **context,
                            "formset": formset,
                            "defaults": AttendanceDefaultsForm(
                                prefix="defaults",
                                initial={"certificate_on": awareness_class.ends_on},
                            ),
                            "lines": lines,
                        },
                    )
        else:
            source = AttendanceSourceForm()
        return TemplateResponse(
            request, "admin/referrals/awarenessclass/attendance.html", {**context, "source": source}
        )

    @staticmethod
    def _rows(source: AttendanceSourceForm):
        rows = []
        if source.cleaned_data.get("file"):
            rows += attendance_service.rows_from_file(source.cleaned_data["file"])
        if (source.cleaned_data.get("text") or "").strip():
            rows += list(attendance_service.rows_from_text(source.cleaned_data["text"]))
        return rows

    @staticmethod
    def _formset_for(awareness_class, lines, members):
        candidates = []
        seen = set()
        for line in lines:
            for member in line.candidates:
                if member.pk not in seen:
                    seen.add(member.pk)
                    candidates.append((line, member))
        existing = {
            enrollment.member_id: enrollment
            for enrollment in Enrollment.objects.filter(
                awareness_class=awareness_class, member__in=seen
            )
        }
        initial = []
        for line, member in candidates:
            enrollment = existing.get(member.pk)
            initial.append(
                {
                    "member": member.pk,
                    "include": line.matched,
                    "attended": enrollment.attended if enrollment else True,
                    "passed": enrollment.passed if enrollment else False,
                    "certificate_number": enrollment.certificate_number if enrollment else "",
                    "certificate_on": enrollment.certificate_on if enrollment else None,
                }
            )
        formset = AttendanceFormSet(initial=initial, prefix="rows", members=members)
        for form, (line, member) in zip(formset.forms, candidates, strict=True):
            form.member_obj = member
            form.line = line
        return formset

    @staticmethod
    def _label_rows(formset) -> None:
        # After a refused save, show each row's member again: one query for all of them.
        ids = [form.data.get(f"{form.prefix}-member") for form in formset.forms]
        found = {
            str(member.pk): member
            for member in formset.members.filter(pk__in=[i for i in ids if i and i.isdigit()])
        }
        for form, member_id in zip(formset.forms, ids, strict=True):
            form.member_obj = found.get(member_id)
            form.line = None

    @staticmethod
    def _marks(formset, default_certificate_on) -> list[attendance_service.AttendanceMark]:
        marks = []
        for data in formset.cleaned_data:
            if not data or not data.get("include"):
                continue
            passed = data.get("passed", False)
            marks.append(
                attendance_service.AttendanceMark(
                    member=data["member"],
                    attended=data.get("attended", False),
                    passed=passed,
                    certificate_number=data.get("certificate_number", ""),
                    certificate_on=(data.get("certificate_on") or default_certificate_on)
                    if passed
                    else None,
                )
            )
        return marks


# --- Referrals --------------------------------------------------------------------------------


class ReferralEventInline(ScopedTabularInline):
    model = ReferralEvent
    fields = [
        "on",
        "kind",
        "from_stage",
        "to_stage",
        "by",
        "note",
        "changes",
        "batch",
        "created_at",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = _("history of the referral")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("by", "batch")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class OpenFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("open", _("open")), ("closed", _("declined or withdrawn"))]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(outcome__isnull=True)
        if self.value() == "closed":
            return queryset.filter(outcome__isnull=False)
        return queryset


class OverdueFilter(admin.SimpleListFilter):
    title = _("overdue")
    parameter_name = "overdue"

    def lookups(self, request, model_admin):
        return [
            ("any", _("any deadline")),
            ("decision", _("admission decision")),
            ("ceremony", _("admission ceremony")),
            ("recognition", _("full membership")),
        ]

    def queryset(self, request, queryset):
        # The changelist's queryset is already annotated with the flags (with_overdue).
        flag = {
            "any": "is_overdue",
            "decision": "decision_overdue",
            "ceremony": "ceremony_overdue",
            "recognition": "recognition_overdue",
        }.get(self.value())
        return queryset.filter(**{flag: True}) if flag else queryset


MILESTONE_FIELDSET = [
    "commended_on",
    ("certificate_number", "certificate_on"),
    "applied_on",
    "introduced_on",
    "cell_resolution_on",
    ("admitted_on", "decision_number"),
    "ceremony_on",
    "recognized_on",
]
EDITABLE_FIELDS = (*pipeline.MILESTONE_FIELDS, *pipeline.DETAIL_FIELDS)


@admin.register(Referral)
class ReferralAdmin(ScopedAdmin):
    form = ReferralAdminForm
    list_display = [
        "member",
        "district",
        "union",
        "stage",
        "introduced_on",
        "admitted_on",
        "party_organization",
        "overdue_flags",
        "outcome",
    ]
    list_filter = [
        "stage",
        OpenFilter,
        OverdueFilter,
        ("member__union__enterprise__district", DistrictFilter),
        "introducer_type",
    ]
    list_select_related = ["member__union__enterprise__district", "union", "party_organization"]
    search_fields = ["member__search_key", "member__national_id"]
    folded_search_fields = ("member__search_key",)
    code_search_fields = ("member__national_id",)
    autocomplete_fields = ["member", "union", "party_organization"]
    inlines = [ReferralEventInline]
    actions = ["change_stage", "close_referrals"]
    readonly_fields = [
        "stage",
        "deadlines",
        "outcome",
        "outcome_reason",
        "closed_on",
        "last_import_batch",
        "created_at",
        "updated_at",
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).with_overdue()

    def get_inlines(self, request: HttpRequest, obj: Referral | None):
        # A referral being added has no history yet.
        return self.inlines if obj is not None else []

    def get_fieldsets(self, request: HttpRequest, obj: Referral | None = None):
        if obj is None:
            return [
                (
                    None,
                    {
                        "fields": [
                            "member",
                            "union",
                            "introducer_type",
                            "party_organization",
                            "commended_on",
                        ]
                    },
                ),
            ]
        return [
            (
                None,
                {"fields": ["member", "union", "introducer_type", "party_organization", "stage"]},
            ),
            (_("Milestones"), {"fields": MILESTONE_FIELDSET}),
            (_("Deadlines"), {"fields": ["deadlines"]}),
            (_("Outcome"), {"fields": ["outcome", "outcome_reason", "closed_on"]}),
            (_("Record"), {"fields": ["last_import_batch", "created_at", "updated_at"]}),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Referral | None = None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None:
            fields.append("member")
        return fields

    def get_form(self, request: HttpRequest, obj: Referral | None = None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is None and "union" in form.base_fields:
            form.base_fields["union"].required = False
            form.base_fields["union"].help_text = gettext("Empty: the member's own union.")
        return form

    def formfield_for_foreignkey(self, db_field, request: HttpRequest, **kwargs):
        if db_field.name == "party_organization":
            # Naming the receiving organisation does not change it: any one the user reads.
            kwargs["queryset"] = PartyOrganization.objects.for_user(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request: HttpRequest, obj: Referral | None = None) -> bool:
        # A declined or withdrawn referral is a record, read only.
        if obj is not None and obj.outcome is not None:
            return False
        return super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Referral, form, change: bool) -> None:
        if not change:
            saved = pipeline.start_referral(
                member=obj.member,
                union=obj.union if obj.union_id else None,
                introducer_type=obj.introducer_type,
                party_organization=obj.party_organization,
                commended_on=obj.commended_on,
                by=request.user,
                on=timezone.localdate(),
            )
        else:
            fields = {
                name: getattr(obj, name) for name in form.changed_data if name in EDITABLE_FIELDS
            }
            saved = pipeline.correct_referral(referral=obj, by=request.user, **fields)
        for field in Referral._meta.concrete_fields:
            setattr(obj, field.attname, getattr(saved, field.attname))
        obj._state.adding = False

    # --- List columns ---

    @admin.display(description=_("district"), ordering="member__union__enterprise__district__code")
    def district(self, obj: Referral):
        return obj.member.union.enterprise.district

    @admin.display(description=_("overdue"))
    def overdue_flags(self, obj: Referral) -> str:
        labels = {
            "decision_overdue": gettext("decision"),
            "ceremony_overdue": gettext("ceremony"),
            "recognition_overdue": gettext("full membership"),
        }
        late = [label for flag, label in labels.items() if getattr(obj, flag, False)]
        if not late:
            return "—"
        return format_html('<strong class="errornote-inline">{}</strong>', ", ".join(late))

    @admin.display(description=_("deadlines"))
    def deadlines(self, obj: Referral) -> str:
        if obj.pk is None:
            return "—"
        deadlines = obj.deadlines
        flags = deadlines.flags(timezone.localdate())
        parts = []
        for label, due, flag in (
            (gettext("admission decision by"), deadlines.decision_due, "decision_overdue"),
            (gettext("ceremony by"), deadlines.ceremony_due, "ceremony_overdue"),
            (
                gettext("full membership decided by"),
                deadlines.recognition_due,
                "recognition_overdue",
            ),
        ):
            if due is None:
                continue
            template = (
                gettext("%(label)s %(date)s (overdue)") if flags[flag] else "%(label)s %(date)s"
            )
            parts.append(template % {"label": label, "date": f"{due:%d/%m/%Y}"})
        return "; ".join(parts) or "—"

    # --- Stage changes: actions on the list and a form on each referral ---

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<path:object_id>/stage/", wrap(self.stage_view), name="referrals_referral_stage"),
            path("<path:object_id>/close/", wrap(self.close_view), name="referrals_referral_close"),
            *super().get_urls(),
        ]

    @admin.action(description=_("Move to another stage…"), permissions=["change"])
    def change_stage(self, request: HttpRequest, queryset: QuerySet):
        return self._bulk(
            request,
            queryset,
            StageChangeForm(request.POST if "apply" in request.POST else None, user=request.user),
            "change_stage",
            self._advance,
            gettext("Move to another stage"),
        )

    @admin.action(description=_("Record as not admitted or withdrawn…"), permissions=["change"])
    def close_referrals(self, request: HttpRequest, queryset: QuerySet):
        return self._bulk(
            request,
            queryset,
            CloseForm(request.POST if "apply" in request.POST else None),
            "close_referrals",
            self._close,
            gettext("Record as not admitted or withdrawn"),
        )

    def _bulk(self, request, queryset, form, action: str, apply, title: str):
        """An action's intermediate page; applied, it reports each refusal by name."""
        referrals = list(queryset.select_related("member"))
        if "apply" in request.POST and form.is_valid():
            done = 0
            for referral in referrals:
                try:
                    apply(request, referral, form)
                except pipeline.PipelineRefusal as refusal:
                    self.message_user(
                        request,
                        gettext("%(referral)s: refused. %(reasons)s")
                        % {"referral": referral.member, "reasons": _refusal_text(refusal)},
                        messages.ERROR,
                    )
                except PermissionDenied:
                    self.message_user(
                        request,
                        gettext("%(referral)s: you may not change this referral.")
                        % {"referral": referral.member},
                        messages.ERROR,
                    )
                else:
                    done += 1
            if done:
                self.message_user(
                    request,
                    gettext("%(count)d referrals changed.") % {"count": done},
                    messages.SUCCESS,
                )
            return None
        return TemplateResponse(
            request,
            "admin/referrals/referral/stage_action.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": title,
                "form": form,
                "referrals": referrals,
                "action": action,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @staticmethod
    def _advance(request: HttpRequest, referral: Referral, form: StageChangeForm) -> Referral:
        return pipeline.advance_referral(
            referral=referral,
            to_stage=form.cleaned_data["to_stage"],
            on=form.cleaned_data["on"],
            by=request.user,
            note=form.cleaned_data["note"],
            **form.milestones(),
        )

    @staticmethod
    def _close(request: HttpRequest, referral: Referral, form: CloseForm) -> Referral:
        return pipeline.close_referral(
            referral=referral,
            outcome=form.cleaned_data["outcome"],
            reason=form.cleaned_data["reason"],
            on=form.cleaned_data["on"],
            by=request.user,
        )

    def stage_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """One referral's "change stage" form; refusals show on the fields they concern."""
        return self._single(request, object_id, kind="stage")

    def close_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._single(request, object_id, kind="close")

    def _single(self, request: HttpRequest, object_id: str, *, kind: str) -> HttpResponse:
        referral = self.get_object(request, object_id)
        if not self.has_change_permission(request, referral):
            raise PermissionDenied
        data = request.POST if request.method == "POST" else None
        if kind == "stage":
            form = StageChangeForm(data, user=request.user, initial=self._next_stage(referral))
            apply, title = self._advance, gettext("Move to another stage")
        else:
            form = CloseForm(data)
            apply, title = self._close, gettext("Record as not admitted or withdrawn")
        if data is not None and form.is_valid():
            try:
                apply(request, referral, form)
            except pipeline.PipelineRefusal as refusal:
                if isinstance(form, StageChangeForm):
                    form.show_refusal(refusal)
                else:
                    for violation in refusal.violations:
                        name = "reason" if violation.field == "outcome_reason" else violation.field
                        form.add_error(name if name in form.fields else None, violation.message)
            else:
                self.message_user(request, gettext("The referral was changed."), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:referrals_referral_change", args=[referral.pk])
                )
        return TemplateResponse(
            request,
            "admin/referrals/referral/stage_form.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "original": referral,
                "title": title,
                "form": form,
                "has_view_permission": True,
            },
        )

    @staticmethod
    def _next_stage(referral: Referral) -> dict[str, Any]:
        stages = list(Stage)
        index = stages.index(Stage(referral.stage))
        return {"to_stage": stages[index + 1]} if index + 1 < len(stages) else {}


# --- Commendations: on the member page, and a list for the figures' drill-down ------------------


class CommendationInline(ScopedTabularInline):
    model = Commendation
    fields = ["date", "movement", "title", "batch"]
    readonly_fields = ["batch"]
    extra = 0


# unions must not import referrals (DESIGN.md): the member page gains its commendations here, by
# the admin's documented way of extending another app's admin: register a subclass in its place.
admin.site.unregister(Member)


@admin.register(Member)
class MemberAdmin(unions_admin.MemberAdmin):
    inlines = [*unions_admin.MemberAdmin.inlines, CommendationInline]


class CommendationYearFilter(YearFilter):
    field_name = "date"


@admin.register(Commendation)
class CommendationAdmin(ScopedAdmin):
    list_display = ["member", "date", "movement", "title", "district"]
    list_filter = [CommendationYearFilter, ("member__union__enterprise__district", DistrictFilter)]
    list_select_related = ["member__union__enterprise__district"]
    search_fields = ["member__search_key"]
    folded_search_fields = ("member__search_key",)
    autocomplete_fields = ["member"]
    readonly_fields = ["batch"]

    @admin.display(description=_("district"), ordering="member__union__enterprise__district__code")
    def district(self, obj: Commendation):
        return obj.member.union.enterprise.district


# --- Targets ----------------------------------------------------------------------------------


@admin.register(Target)
class TargetAdmin(ScopedAdmin):
    list_display = ["year", "indicator", "district", "upper_union", "value"]
    list_display_links = ["year", "indicator"]
    list_editable = ["value"]
    list_filter = [YearFilter, "indicator", ("district", DistrictFilter)]
    list_select_related = ["district", "upper_union"]
    search_fields = []
    folded_search_fields = ()
    autocomplete_fields = ["district", "upper_union"]
    ordering = ["-year", "district__code", "upper_union__name", "indicator"]

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("year", timezone.localdate().year)
        return initial
