"""The form that uploads a shift list (schemaunderlag) for the daily-rest report."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from mapping.survey_forms import check_upload

# A shift list is read whole into memory; a year of shifts for a large förvaltning
# is a few MB as CSV.
MAX_SHIFT_FILE_BYTES = 20 * 1024 * 1024


class ShiftImportForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=200,
        help_text=_("Visas i listan, t.ex. Schema akutvårdsavdelningen v. 10–13."),
    )
    file = forms.FileField(
        label=_("Fil"),
        help_text=_(
            "CSV (semikolon eller komma, UTF-8 eller Windows-1252) eller XLSX, en rad per pass."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        if upload.size > MAX_SHIFT_FILE_BYTES:
            raise forms.ValidationError(
                _("Filen är för stor (högst %(mb)d MB).")
                % {"mb": MAX_SHIFT_FILE_BYTES // (1024 * 1024)}
            )
        return upload
