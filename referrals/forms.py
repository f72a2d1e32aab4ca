"""Forms of the referral admin: stage changes, closing, and bulk attendance."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.admin.widgets import AdminDateWidget
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from referrals.models import Outcome, PartyOrganization, Referral, Stage
from referrals.pipeline import MILESTONE_FIELDS, PipelineRefusal
from unions.members.models import Member


class ReferralAdminForm(forms.ModelForm):
    """The referral form; the rules' errors on fields the form lacks show above it."""

    class Meta:
        model = Referral
        # The admin narrows these to its fieldsets; listed here so nothing slips in unseen.
        fields = ["member", "union", "introducer_type", "party_organization", *MILESTONE_FIELDS]

    def _update_errors(self, errors: ValidationError) -> None:
        # Model.clean() names the milestone a rule is about; a form without that field (the
        # add form, say) would otherwise crash on it.
        if hasattr(errors, "error_dict"):
            moved: dict[str, list] = {}
            for name, messages in errors.error_dict.items():
                key = name if name == NON_FIELD_ERRORS or name in self.fields else NON_FIELD_ERRORS
                moved.setdefault(key, []).extend(messages)
            errors = ValidationError(moved)
        super()._update_errors(errors)


def _date_field(label: str, *, required: bool = False) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=AdminDateWidget)


class StageChangeForm(forms.Form):
    """Move referrals forward: the stage, the day, and the milestones that stage records."""

    to_stage = forms.ChoiceField(
        label=_("new stage"), choices=[(s.value, s.label) for s in Stage if s != Stage.IDENTIFIED]
    )
    on = _date_field(_("date of the change"), required=True)
    note = forms.CharField(
        label=_("note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    certificate_number = forms.CharField(label=_("certificate number"), required=False)
    certificate_on = _date_field(_("certificate date"))
    applied_on = _date_field(_("application date"))
    introduced_on = _date_field(_("introduced on"))
    cell_resolution_on = _date_field(_("cell resolution date"))
    admitted_on = _date_field(_("admission decision date"))
    decision_number = forms.CharField(label=_("admission decision number"), required=False)
    ceremony_on = _date_field(_("admission ceremony date"))
    recognized_on = _date_field(_("recognised as full member on"))
    party_organization = forms.ModelChoiceField(
        label=_("receiving Party organisation"),
        queryset=PartyOrganization.objects.none(),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["party_organization"].queryset = PartyOrganization.objects.for_user(user)

    def milestones(self) -> dict[str, Any]:
        """The filled-in milestone fields, for `advance_referral`."""
        names = (*MILESTONE_FIELDS, "party_organization")
        return {name: self.cleaned_data[name] for name in names if self.cleaned_data.get(name)}

    def show_refusal(self, refusal: PipelineRefusal) -> None:
        """Put a refusal's messages on the fields they are about (one referral's form)."""
        for violation in refusal.violations:
            name = violation.field
            if name == "stage":
                name = "to_stage"
            self.add_error(name if name in self.fields else None, violation.message)


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(label=_("outcome"), choices=Outcome.choices)
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 2}))
    on = _date_field(_("closed on"), required=True)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("on", timezone.localdate())
        super().__init__(*args, **kwargs)


class AttendanceSourceForm(forms.Form):
    text = forms.CharField(
        label=_("list"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_(
            "One person a line: a national ID, or a full name with the date of birth. Rows "
            "copied from a spreadsheet can be pasted as they are."
        ),
    )
    file = forms.FileField(
        label=_("or a file"),
        required=False,
        help_text=_("Excel, OpenDocument or CSV; the first sheet is read."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not (data.get("text") or "").strip() and not data.get("file"):
            raise ValidationError(_("Paste a list or choose a file."))
        return data


class AttendanceDefaultsForm(forms.Form):
    certificate_on = _date_field(_("certificate date for everyone who passed"))


class AttendanceRowForm(forms.Form):
    member = forms.ModelChoiceField(queryset=Member.objects.none(), widget=forms.HiddenInput)
    include = forms.BooleanField(label=_("record"), required=False)
    attended = forms.BooleanField(label=_("attended"), required=False)
    passed = forms.BooleanField(label=_("passed"), required=False)
    certificate_number = forms.CharField(
        label=_("certificate number"), required=False, max_length=50
    )
    certificate_on = _date_field(_("certificate date"))

    def __init__(self, *args, members=None, **kwargs):
        super().__init__(*args, **kwargs)
        if members is not None:
            self.fields["member"].queryset = members

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("passed") and not data.get("attended"):
            self.add_error("passed", _("Only a member who attended can pass."))
        if not data.get("passed") and (
            data.get("certificate_number") or data.get("certificate_on")
        ):
            self.add_error("certificate_on", _("Only a member who passed gets a certificate."))
        return data


class BaseAttendanceFormSet(forms.BaseFormSet):
    def __init__(self, *args, members=None, **kwargs):
        self.members = members
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "members": self.members}


AttendanceFormSet = forms.formset_factory(
    AttendanceRowForm, formset=BaseAttendanceFormSet, extra=0, max_num=2000, absolute_max=2000
)
