"""Commendations, Party organisations, awareness classes, referrals and their history, targets.

Scoping (DESIGN.md, "Access"): rows that hang off a member are scoped by the member's enterprise
like the member itself. Classes belong to the district they are held in and to the upper union
that runs them: district staff read every class held in their district and write those their
federation runs; zone-union staff read and write the classes their union runs. An enrollment is
readable from either side (its class or its member) and writable by whoever may write the class,
since the organiser records attendance. Party organisations belong to a district (or to the
province when none): staff of a district and zone-union staff of the districts their enterprises
lie in read and write them, so that either can name the organisation receiving a referral.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from referrals.rules import PipelineRefusal, check_referral
from referrals.stages import (
    MILESTONE_STAGES,
    STAGE_DATES,
    IntroducerType,
    Outcome,
    Stage,
)
from referrals.workdays import Deadlines, overdue_cutoffs, referral_deadlines
from unions.access import access_for
from unions.access.scope import ScopedQuerySet, ScopePaths
from unions.enterprises.models import ENTERPRISE_SCOPE, Enterprise, GrassrootsUnion
from unions.importing.models import ImportBatch
from unions.members.models import Member
from unions.organisations.models import UpperUnion
from unions.records import CleanTextModel, ImportedRecord
from unions.territory.models import AdministrativeUnit
from unions.text import fold

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

# The campaign name classes held in May get by default. It is data the dashboards match on,
# not interface text, so it is not translated.
WORKERS_MONTH = "Tháng Công nhân"
WORKERS_MONTH_NUMBER = 5

# Rows that hang off a member are scoped by the member's enterprise, as the member is.
MEMBER_SCOPE = ENTERPRISE_SCOPE.under("member__union__enterprise__")


def workers_month_campaign(year: int) -> str:
    """The campaign name of Workers' Month in a year: "Tháng Công nhân 2024"."""
    return f"{WORKERS_MONTH} {year}"


class MemberScopedQuerySet(ScopedQuerySet):
    """Rows that hang off a member: scoped by the member's enterprise, as the member is."""

    scope_paths = MEMBER_SCOPE


# --- Commendations -------------------------------------------------------------------------


class CommendationQuerySet(MemberScopedQuerySet):
    def dated_in(self, year: int) -> CommendationQuerySet:
        return self.filter(date__year=year)


class Commendation(CleanTextModel):
    """An emulation movement's recognition of a member: what makes them "outstanding"."""

    member = models.ForeignKey(
        Member,
        verbose_name=_("union member"),
        on_delete=models.CASCADE,
        related_name="commendations",
    )
    movement = models.CharField(
        _("emulation movement"),
        max_length=300,
        blank=True,
        help_text=_("For example: Good workers, creative workers."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    date = models.DateField(_("date"))
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    text_fields = ("movement", "title")

    objects = CommendationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("commendation")
        verbose_name_plural = _("commendations")
        ordering = ["-date", "id"]
        indexes = [models.Index(fields=["member", "date"]), models.Index(fields=["date"])]

    def __str__(self) -> str:
        return f"{self.title or self.movement or _('commendation')} · {self.date:%d/%m/%Y}"

    def clean(self) -> None:
        if self.date and self.date > timezone.localdate():
            raise ValidationError({"date": _("This date is in the future.")}, code="future_date")


# --- Party organisations ---------------------------------------------------------------------


class PartyOrganizationQuerySet(ScopedQuerySet):
    """Read and written by the districts where a user works (DESIGN.md, "Access")."""

    scope_paths = ScopePaths(district="district")

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> PartyOrganizationQuerySet:
        access = access_for(user)
        if access.role is None:
            return self.none()
        if access.province_wide:
            return self.all()
        # Province-level organisations (Đảng ủy Khối...) are named by referrals everywhere.
        return self.filter(access.districts_q("district") | Q(district__isnull=True))

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> PartyOrganizationQuerySet:
        access = access_for(user)
        if not access.can_write:
            return self.none()
        # Only provincial admins change the province-level ones.
        return self if access.is_province_admin else self.filter(access.districts_q("district"))


class PartyOrganization(CleanTextModel):
    class Kind(models.TextChoices):
        CELL = "cell", _("Party cell (chi bộ)")
        GRASSROOTS_COMMITTEE = "grassroots", _("grassroots Party committee (đảng bộ cơ sở)")
        COMMUNE_COMMITTEE = "commune", _("commune or ward Party committee")
        DISTRICT_COMMITTEE = "district", _("district Party committee (huyện ủy)")
        BLOC_COMMITTEE = "bloc", _("bloc Party committee (đảng ủy khối)")

    name = models.CharField(_("name"), max_length=300)
    search_key = models.CharField(max_length=300, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind, default=Kind.CELL)
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="party_organizations",
        null=True,
        blank=True,
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
        help_text=_("Empty for a province-level organisation."),
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("created by import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    text_fields = ("name",)
    search_source = "name"

    objects = PartyOrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Party organisation")
        verbose_name_plural = _("Party organisations")
        ordering = ["search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["district", "search_key"],
                name="unique_party_organization_per_district",
                violation_error_message=_(
                    "This district already has an organisation of that name."
                ),
            ),
            models.UniqueConstraint(
                fields=["search_key"],
                condition=Q(district__isnull=True),
                name="unique_province_party_organization",
                violation_error_message=_("A province-level organisation of that name exists."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        self.search_key = fold(self.name)
        if self.parent_id is not None and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An organisation cannot be its own parent.")})


# --- Awareness classes and enrollments --------------------------------------------------------


# Classes belong to the district they are held in and to the upper union that runs them.
CLASS_SCOPE = ScopePaths(district="district", managing_union="upper_union")


class AwarenessClassQuerySet(ScopedQuerySet):
    scope_paths = CLASS_SCOPE

    def for_changelist(self) -> AwarenessClassQuerySet:
        """Rows with their district and attendance counts: one query whatever their number."""
        # Subqueries rather than a join and GROUP BY: the changelist's COUNT(*) then drops them.
        enrollments = (
            Enrollment.objects.filter(awareness_class=OuterRef("pk"))
            .order_by()
            .values("awareness_class")
        )

        def count(rows: models.QuerySet) -> Coalesce:
            return Coalesce(Subquery(rows.annotate(n=models.Count("pk")).values("n")), 0)

        return self.select_related("district", "upper_union").annotate(
            enrolled_count=count(enrollments),
            passed_count=count(enrollments.filter(passed=True)),
        )

    def for_campaign(self, campaign: str) -> AwarenessClassQuerySet:
        return self.filter(campaign_key=fold(campaign))

    def workers_month(self, year: int) -> AwarenessClassQuerySet:
        """Classes of that year's Workers' Month campaign (DESIGN.md, "Screens")."""
        return self.for_campaign(workers_month_campaign(year))


class AwarenessClass(CleanTextModel):
    """A Party-awareness class (lớp bồi dưỡng nhận thức về Đảng)."""

    title = models.CharField(_("title"), max_length=300)
    organiser = models.CharField(
        _("organiser"),
        max_length=300,
        blank=True,
        help_text=_("For example: the district political training centre."),
    )
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="awareness_classes",
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    upper_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("run by"),
        on_delete=models.PROTECT,
        related_name="awareness_classes",
        null=True,
        blank=True,
        help_text=_("The upper union that runs the class; empty means the district's federation."),
    )
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    campaign = models.CharField(
        _("campaign"),
        max_length=200,
        blank=True,
        help_text=_("A class starting in May belongs to that year's Workers' Month by default."),
    )
    campaign_key = models.CharField(max_length=200, db_index=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    text_fields = ("title", "campaign")

    objects = AwarenessClassQuerySet.as_manager()

    class Meta:
        verbose_name = _("Party-awareness class")
        verbose_name_plural = _("Party-awareness classes")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="class_ends_after_it_starts",
                violation_error_message=_("A class cannot end before it starts."),
            )
        ]
        indexes = [models.Index(fields=["district", "starts_on"])]

    def __str__(self) -> str:
        return f"{self.title} ({self.starts_on:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        self.clean_text_fields()  # a blank campaign must read as empty before the default
        if not self.campaign and self.starts_on and self.starts_on.month == WORKERS_MONTH_NUMBER:
            self.campaign = workers_month_campaign(self.starts_on.year)
        self.campaign_key = fold(self.campaign)
        if self.upper_union_id is None and self.district_id is not None:
            self.upper_union = UpperUnion.objects.filter(
                kind=UpperUnion.Kind.DISTRICT_FEDERATION, district_id=self.district_id
            ).first()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:referrals_awarenessclass_change", args=[self.pk])

    def clean(self) -> None:
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": _("A class cannot end before it starts.")})


class EnrollmentQuerySet(ScopedQuerySet):
    # Written by whoever may write the class, since the organiser records attendance.
    scope_paths = CLASS_SCOPE.under("awareness_class__")

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> EnrollmentQuerySet:
        # Readable from either side: the class's organiser sees every attendee, and a member's
        # own staff see the classes that member attended elsewhere.
        access = access_for(user)
        return self.filter(access.read_q(self.scope_paths) | access.read_q(MEMBER_SCOPE))

    def certificates(self) -> EnrollmentQuerySet:
        """Passed enrollments with a dated certificate."""
        return self.filter(passed=True, certificate_on__isnull=False)


class Enrollment(CleanTextModel):
    awareness_class = models.ForeignKey(
        AwarenessClass,
        verbose_name=_("class"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    member = models.ForeignKey(
        Member,
        verbose_name=_("union member"),
        on_delete=models.CASCADE,
        related_name="enrollments",
    )
    attended = models.BooleanField(_("attended"), default=False)
    passed = models.BooleanField(_("passed"), default=False)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_on = models.DateField(_("certificate date"), null=True, blank=True)

    text_fields = ("certificate_number",)

    objects = EnrollmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enrollment")
        verbose_name_plural = _("enrollments")
        ordering = ["awareness_class", "member__search_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["awareness_class", "member"],
                name="unique_enrollment",
                violation_error_message=_("This member is already enrolled in this class."),
            ),
            models.CheckConstraint(
                condition=Q(passed=False) | Q(attended=True),
                name="enrollment_passed_needs_attended",
                violation_error_message=_("Only a member who attended can pass."),
            ),
            models.CheckConstraint(
                condition=Q(passed=True) | Q(certificate_on__isnull=True),
                name="enrollment_certificate_needs_pass",
                violation_error_message=_("Only a member who passed gets a certificate."),
            ),
        ]
        indexes = [models.Index(fields=["member", "passed", "certificate_on"])]

    def __str__(self) -> str:
        return f"{self.member} · {self.awareness_class}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.passed and not self.attended:
            errors["passed"] = _("Only a member who attended can pass.")
        if not self.passed and (self.certificate_on or self.certificate_number):
            errors["certificate_on"] = _("Only a member who passed gets a certificate.")
        if self.certificate_on:
            if self.certificate_on > timezone.localdate():
                errors["certificate_on"] = _("This date is in the future.")
            elif self.awareness_class_id and self.certificate_on < self.awareness_class.starts_on:
                errors["certificate_on"] = _("A certificate cannot predate its class.")
        if errors:
            raise ValidationError(errors)


# --- Referrals --------------------------------------------------------------------------------


class ReferralQuerySet(MemberScopedQuerySet):
    def open(self) -> ReferralQuerySet:
        return self.filter(outcome__isnull=True)

    def for_changelist(self) -> ReferralQuerySet:
        """Rows with what the list shows, overdue flags included: one query whatever their
        number."""
        return self.select_related(
            "member__union__enterprise__district", "union", "party_organization"
        ).with_overdue()

    def with_overdue(self, today: datetime.date | None = None) -> ReferralQuerySet:
        """Annotate the three overdue flags and `is_overdue`, computed in the database.

        Each deadline is a number of working days after a milestone, which only grows with the
        milestone's date; so "the deadline has passed" is "the milestone is on or before a
        cutoff", computed once here (see `referrals.workdays.overdue_cutoffs`).
        """
        cutoffs = overdue_cutoffs(today or timezone.localdate())
        is_open = Q(outcome__isnull=True)
        flags = {
            "decision_overdue": is_open
            & Q(admitted_on__isnull=True, cell_resolution_on__lte=cutoffs.decision),
            "ceremony_overdue": is_open
            & Q(ceremony_on__isnull=True, admitted_on__lte=cutoffs.ceremony),
            "recognition_overdue": is_open
            & Q(recognized_on__isnull=True, admitted_on__lte=cutoffs.recognition),
        }
        annotations = {
            name: Case(
                When(condition, then=Value(True)),
                default=Value(False),
                output_field=models.BooleanField(),
            )
            for name, condition in flags.items()
        }
        any_overdue = (
            flags["decision_overdue"] | flags["ceremony_overdue"] | flags["recognition_overdue"]
        )
        annotations["is_overdue"] = Case(
            When(any_overdue, then=Value(True)),
            default=Value(False),
            output_field=models.BooleanField(),
        )
        return self.annotate(**annotations)

    def overdue(self, today: datetime.date | None = None) -> ReferralQuerySet:
        return self.with_overdue(today).filter(is_overdue=True)


class Referral(ImportedRecord):
    """One member's way from being identified as outstanding to full Party membership.

    Stage changes go through `referrals.pipeline`, which checks the rules and writes the events.
    """

    # Milestone fields and the first stage at which each may be recorded. `applied_on` has none:
    # the application can be written at any point before admission.
    MILESTONE_STAGES = MILESTONE_STAGES
    # The milestone date that a stage change to each stage records (see pipeline.advance).
    STAGE_DATES = STAGE_DATES

    member = models.ForeignKey(
        Member,
        verbose_name=_("union member"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    union = models.ForeignKey(
        GrassrootsUnion,
        verbose_name=_("introducing union"),
        on_delete=models.PROTECT,
        related_name="referrals",
    )
    introducer_type = models.CharField(
        _("introduced by"),
        max_length=20,
        choices=IntroducerType,
        default=IntroducerType.UNION_COMMITTEE,
    )
    party_organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("receiving Party organisation"),
        on_delete=models.PROTECT,
        related_name="referrals",
        null=True,
        blank=True,
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage, default=Stage.IDENTIFIED)
    commended_on = models.DateField(_("commended on"), null=True, blank=True)
    certificate_number = models.CharField(_("certificate number"), max_length=50, blank=True)
    certificate_on = models.DateField(_("certificate date"), null=True, blank=True)
    applied_on = models.DateField(_("application date"), null=True, blank=True)
    introduced_on = models.DateField(_("introduced on"), null=True, blank=True)
    cell_resolution_on = models.DateField(_("cell resolution date"), null=True, blank=True)
    admitted_on = models.DateField(_("admission decision date"), null=True, blank=True)
    decision_number = models.CharField(_("admission decision number"), max_length=50, blank=True)
    ceremony_on = models.DateField(_("admission ceremony date"), null=True, blank=True)
    recognized_on = models.DateField(_("recognised as full member on"), null=True, blank=True)
    # Null while open: "no outcome yet" is not an empty outcome, and the one-open-referral
    # constraint reads as "outcome IS NULL".
    outcome = models.CharField(  # noqa: DJ001
        _("outcome"),
        max_length=10,
        choices=Outcome,
        null=True,
        blank=True,
        help_text=_("Empty while the referral is open."),
    )
    outcome_reason = models.CharField(_("reason"), max_length=500, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    text_fields = ("certificate_number", "decision_number", "outcome_reason")

    objects = ReferralQuerySet.as_manager()
    history = HistoricalRecords(excluded_fields=["updated_at", "created_at"])

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-id"]
        constraints = [
            # "Open" is "not declined or withdrawn": a full member's referral stays the one
            # referral that member can have, since they are already in the Party.
            models.UniqueConstraint(
                fields=["member"],
                condition=Q(outcome__isnull=True),
                name="one_open_referral_per_member",
                violation_error_message=_("This member already has an open referral."),
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True, closed_on__isnull=True)
                | Q(outcome__isnull=False, closed_on__isnull=False),
                name="referral_outcome_has_close_date",
            ),
            models.CheckConstraint(
                condition=Q(outcome__isnull=True) | ~Q(stage__in=["admitted", "full_member"]),
                name="referral_not_closed_after_admission",
            ),
        ]
        indexes = [
            models.Index(fields=["stage"]),
            models.Index(fields=["introduced_on"]),
            models.Index(fields=["admitted_on"]),
            models.Index(fields=["recognized_on"]),
            models.Index(fields=["certificate_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.member} · {self.get_stage_display()}"

    def save(self, *args, **kwargs) -> None:
        if self.union_id is None and self.member_id is not None:
            self.union_id = self.member.union_id
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("admin:referrals_referral_change", args=[self.pk])

    def clean(self) -> None:
        if self.union_id is None and self.member_id is not None:
            self.union_id = self.member.union_id
        violations = check_referral(self)
        if violations:
            raise PipelineRefusal(violations)
        # The database constraint says the same, but a form leaves `outcome` out, which makes
        # Django skip the constraint's own check.
        if (
            self.outcome is None
            and self.member_id is not None
            and Referral.objects.filter(member_id=self.member_id, outcome__isnull=True)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError(
                {"member": _("This member already has an open referral.")},
                code="open_referral_exists",
            )

    @property
    def is_open(self) -> bool:
        return self.outcome is None

    @property
    def deadlines(self) -> Deadlines:
        return referral_deadlines(self)

    @property
    def overdue(self) -> bool:
        """Whether a deadline has passed with its milestone still unrecorded (no queries)."""
        return self.deadlines.overdue(timezone.localdate())


class ReferralEventQuerySet(ScopedQuerySet):
    scope_paths = MEMBER_SCOPE.under("referral__")


class ReferralEvent(models.Model):
    """One change of a referral: a stage change, a correction or its closing."""

    class Kind(models.TextChoices):
        STARTED = "started", _("started")
        ADVANCED = "advanced", _("stage changed")
        CORRECTED = "corrected", _("corrected")
        CLOSED = "closed", _("closed")

    referral = models.ForeignKey(
        Referral, verbose_name=_("referral"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.ADVANCED)
    # Null for the event that starts a referral: there was no stage before.
    from_stage = models.CharField(  # noqa: DJ001
        _("from stage"), max_length=20, choices=Stage, null=True, blank=True
    )
    to_stage = models.CharField(_("to stage"), max_length=20, choices=Stage)
    on = models.DateField(_("date"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a change made by an import run from the command line."),
    )
    note = models.TextField(_("note"), blank=True)
    changes = models.JSONField(
        _("changed values"),
        default=dict,
        blank=True,
        help_text=_("Field name to [old, new], for corrections."),
    )
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("import batch"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ReferralEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("referral event")
        verbose_name_plural = _("referral events")
        ordering = ["referral", "on", "created_at", "id"]
        indexes = [models.Index(fields=["referral", "on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_to_stage_display()} · {self.on:%d/%m/%Y}"


# --- Targets ----------------------------------------------------------------------------------


class TargetQuerySet(ScopedQuerySet):
    scope_paths = ScopePaths(district="district", managing_union="upper_union")

    def writable_by(self, user: AbstractBaseUser | AnonymousUser) -> TargetQuerySet:
        # Targets are set by the province (DESIGN.md, "Access").
        return self if access_for(user).is_province_admin else self.none()

    def for_user(self, user: AbstractBaseUser | AnonymousUser) -> TargetQuerySet:
        access = access_for(user)
        if access.role is None:
            return self.none()
        if access.province_wide:
            return self.all()
        # District and zone readers also see the province's own targets, which frame theirs.
        return self.filter(
            access.read_q(self.scope_paths) | Q(district__isnull=True, upper_union__isnull=True)
        )


class Target(models.Model):
    class Indicator(models.TextChoices):
        NEW_UNIONS = "new_unions", _("new grassroots unions")
        COMMENDED = "commended", _("outstanding members commended")
        CERTIFIED = "certified", _("awareness-class certificates")
        INTRODUCED = "introduced", _("members introduced")
        ADMITTED = "admitted", _("members admitted to the Party")
        RECOGNIZED = "recognized", _("recognised as full members")

    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.CharField(_("indicator"), max_length=12, choices=Indicator)
    value = models.PositiveIntegerField(_("target"))
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    upper_union = models.ForeignKey(
        UpperUnion,
        verbose_name=_("upper union"),
        on_delete=models.PROTECT,
        related_name="targets",
        null=True,
        blank=True,
    )

    objects = TargetQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["-year", "district__code", "upper_union__name", "indicator"]
        constraints = [
            models.CheckConstraint(
                condition=Q(district__isnull=True) | Q(upper_union__isnull=True),
                name="target_district_or_union",
                violation_error_message=_(
                    "A target belongs to a district or an upper union, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "indicator", "district"],
                condition=Q(district__isnull=False),
                name="unique_district_target",
                violation_error_message=_("This target is already set."),
            ),
            models.UniqueConstraint(
                fields=["year", "indicator", "upper_union"],
                condition=Q(upper_union__isnull=False),
                name="unique_union_target",
                violation_error_message=_("This target is already set."),
            ),
            models.UniqueConstraint(
                fields=["year", "indicator"],
                condition=Q(district__isnull=True, upper_union__isnull=True),
                name="unique_province_target",
                violation_error_message=_("This target is already set."),
            ),
        ]

    def __str__(self) -> str:
        owner = self.district or self.upper_union or _("whole province")
        return f"{self.year} · {owner} · {self.get_indicator_display()}: {self.value}"


# --- Monthly snapshots for the dashboards' trends ----------------------------------------------


class IndicatorSnapshotQuerySet(ScopedQuerySet):
    # District totals: readers of a district see its trend; zone-union staff, whose figures
    # count only their union's enterprises, have no district-wide trend to read.
    scope_paths = ScopePaths(district="district")


class IndicatorSnapshot(models.Model):
    """One district's figures for one month and one ownership: the dashboards' trends.

    Written by `snapshot_indicators` (see `referrals.snapshots`); the current month's row is
    rewritten until the month ends. An empty ownership means every enterprise, whatever its
    ownership (unknown included).
    """

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    district = models.ForeignKey(
        AdministrativeUnit,
        verbose_name=_("district"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"level": AdministrativeUnit.Level.DISTRICT},
    )
    ownership = models.CharField(
        _("ownership"),
        max_length=10,
        choices=Enterprise.Ownership,
        blank=True,
        default="",
        help_text=_("Empty: every enterprise."),
    )
    as_of = models.DateField(_("figures as of"))
    eligible = models.PositiveIntegerField(_("eligible enterprises"), default=0)
    with_union = models.PositiveIntegerField(_("enterprises with a union"), default=0)
    unions_total = models.PositiveIntegerField(_("grassroots unions"), default=0)
    union_members = models.PositiveIntegerField(_("union members"), default=0)
    new_unions = models.PositiveIntegerField(_("unions founded in the month"), default=0)
    admitted = models.PositiveIntegerField(_("members admitted in the month"), default=0)
    taken_at = models.DateTimeField(_("taken at"), auto_now=True)

    objects = IndicatorSnapshotQuerySet.as_manager()

    class Meta:
        verbose_name = _("monthly snapshot")
        verbose_name_plural = _("monthly snapshots")
        ordering = ["month", "district", "ownership"]
        constraints = [
            models.UniqueConstraint(
                fields=["month", "district", "ownership"], name="unique_indicator_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} · {self.month:%m/%Y}"
