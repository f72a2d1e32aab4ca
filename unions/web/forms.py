"""Forms of the import screens: upload, sheet choice and confirmation."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from unions.importing.uploads import ALLOWED_SUFFIXES, suffix_of


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet file"),
        help_text=gettext_lazy("Excel (.xlsx, .xls), OpenDocument (.ods) or CSV."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ALLOWED_SUFFIXES)}),
    )
    skip_errors = forms.BooleanField(
        label=gettext_lazy("Skip invalid rows"),
        help_text=gettext_lazy(
            "Import the valid rows even if some rows have errors. Without it, one error "
            "stops the whole file and nothing is written."
        ),
        required=False,
    )

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if suffix_of(uploaded.name) not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(
                _("Unsupported file type. Upload an .xlsx, .xls, .ods or .csv file."),
                code="file_type",
            )
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; the limit is %(limit)s.")
                % {
                    "size": filesizeformat(uploaded.size),
                    "limit": filesizeformat(settings.IMPORT_MAX_BYTES),
                },
                code="file_size",
            )
        return uploaded


class SheetForm(forms.Form):
    """Pick another sheet of the uploaded workbook; the preview runs again on it."""

    sheet = forms.ChoiceField(label=gettext_lazy("Sheet"), required=False)

    def __init__(self, *args, sheets: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].choices = [
            ("", _("Automatic: the first sheet with a header row")),
            *((name, name) for name in sheets),
        ]


class ConfirmForm(forms.Form):
    skip_errors = forms.BooleanField(label=gettext_lazy("Skip invalid rows"), required=False)
