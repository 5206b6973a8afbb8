"""Forms for survey rounds and the import steps."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from hubplan.numbers import NumberModelForm
from mapping.imports import COLUMNS, COLUMNS_BY_FIELD
from mapping.models import SurveyImportProfile, SurveyRound
from mapping.scb import Choice

MAX_UPLOAD_BYTES = 300 * 1024 * 1024  # ~3 million survey rows as CSV
MAX_XLSX_BYTES = 30 * 1024 * 1024  # XLSX is read whole, so keep it smaller
MAX_SCB_BYTES = 50 * 1024 * 1024  # SCB tables (RAMS, BE0101) are read whole
ALLOWED_SUFFIXES = (".csv", ".txt", ".xlsx")
ERR_FILE_TYPE = _("Filen ska vara CSV eller XLSX (.csv, .txt, .xlsx).")
ERR_FILE_SIZE = _("Filen är för stor (högst %(mb)d MB).")


def check_upload(upload) -> None:
    suffix = Path(upload.name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise forms.ValidationError(ERR_FILE_TYPE)
    limit = MAX_XLSX_BYTES if suffix == ".xlsx" else MAX_UPLOAD_BYTES
    if upload.size > limit:
        raise forms.ValidationError(ERR_FILE_SIZE % {"mb": limit // (1024 * 1024)})


class SurveyRoundForm(NumberModelForm):
    class Meta:
        model = SurveyRound
        fields = ["name", "date", "organisation", "kind", "notes"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }


class UploadForm(forms.Form):
    survey_round = forms.ModelChoiceField(
        queryset=SurveyRound.objects.all(),
        label=_("Enkätomgång"),
        help_text=_("Svaren läggs till i den här omgången."),
    )
    file = forms.FileField(
        label=_("Fil"),
        help_text=_("CSV (semikolon eller komma, UTF-8 eller Windows-1252) eller XLSX."),
    )
    profile = forms.ModelChoiceField(
        queryset=SurveyImportProfile.objects.all(),
        required=False,
        label=_("Sparad koppling"),
        empty_label=_("– gissa ur rubrikerna –"),
        help_text=_(
            "Kolumnkoppling och värdekodning sparade från en tidigare fil från samma verktyg."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class MappingForm(forms.Form):
    """One select per field: which of the file's columns holds it."""

    def __init__(self, *args, headers: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("– ingen –"))] + [(h, h) for h in headers]
        for column in COLUMNS:
            self.fields[column.field] = forms.ChoiceField(
                label=column.header,
                choices=choices,
                required=column.required,
            )

    def mapping(self) -> dict[str, str]:
        return {f: h for f, h in self.cleaned_data.items() if h}


# The recoding step's choices; "none" is stored as "" (unanswered, the field left blank).
CODE_LABELS = {
    "hub_interest": (("yes", _("ja")), ("maybe", _("kanske")), ("no", _("nej"))),
    "mode": (
        ("car", _("bil")),
        ("bus", _("buss")),
        ("train", _("tåg")),
        ("bike_walk", _("cykel/gång")),
        ("other", _("annat")),
    ),
}
UNANSWERED = "none"


class CodingForm(forms.Form):
    """The value-recoding step: one select per distinct answer of each coded column."""

    def __init__(self, *args, answers: dict[str, list], **kwargs):
        super().__init__(*args, **kwargs)
        self.answers = answers
        self.groups = []
        for f, values in answers.items():
            choices = [
                ("", _("– ingen omkodning –")),
                *CODE_LABELS[f],
                (UNANSWERED, _("ej besvarad (lämnas tom)")),
            ]
            names = []
            for index, (text, n) in enumerate(values):
                name = f"code__{f}__{index}"
                self.fields[name] = forms.ChoiceField(
                    label=_("”%(answer)s” (%(n)d svar)") % {"answer": text, "n": n},
                    choices=choices,
                    required=False,
                )
                names.append(name)
            self.groups.append((COLUMNS_BY_FIELD[f].header, [self[n] for n in names]))

    def coding(self) -> dict[str, dict[str, str]]:
        """{field: {answer text: code}}, "" for unanswered; answers left alone are absent."""
        out: dict[str, dict[str, str]] = {}
        for f, values in self.answers.items():
            for index, (text, _n) in enumerate(values):
                code = self.cleaned_data.get(f"code__{f}__{index}")
                if code:
                    out.setdefault(f, {})[text] = "" if code == UNANSWERED else code
        return out

    @staticmethod
    def initial_for(answers: dict[str, list], coding: dict[str, dict[str, str]]) -> dict:
        """The form's initial choices from a coding (a profile's or the guesses)."""
        from hubplan.tabular import normalise_header

        initial = {}
        for f, values in answers.items():
            folded = {normalise_header(k): v for k, v in (coding.get(f) or {}).items()}
            for index, (text, _n) in enumerate(values):
                code = folded.get(normalise_header(text))
                if code is not None:
                    initial[f"code__{f}__{index}"] = code or UNANSWERED
        return initial


class ConfirmForm(forms.Form):
    valid_only = forms.BooleanField(
        required=False,
        label=_("Importera bara de giltiga raderna"),
        help_text=_(
            "Annars importeras ingenting så länge filen har fel. Hur många rader som "
            "lämnades utanför, och hur de svarade, visas på omgångens sida."
        ),
    )
    save_as = forms.CharField(
        required=False,
        max_length=100,
        label=_("Spara kopplingen som"),
        help_text=_(
            "Ett namn, t.ex. Netigate personalenkät, så erbjuds kolumnkopplingen och "
            "värdekodningen för nästa fil. Ett befintligt namn skrivs över."
        ),
    )


class ContextUploadForm(forms.Form):
    """An SCB file (RAMS or BE0101) and what to do with its extra dimensions (kön, ålder, SNI)."""

    file = forms.FileField(label=_("Fil"), help_text=_("CSV eller XLSX."))
    sum_dimensions = forms.BooleanField(
        label=_("Summera över extra dimensioner"),
        required=False,
        help_text=_(
            "Har filen fler dimensioner än kommun och år (kön, ålder, SNI …) läggs värdena "
            "ihop. Rader med totalt eller samtliga räknas inte med."
        ),
    )
    select = forms.CharField(
        label=_("Välj värden"),
        required=False,
        max_length=500,
        help_text=_("Ett värde per dimension i stället för summan, t.ex. kön=totalt."),
    )

    def __init__(self, *args, pending_name: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if pending_name is not None:
            # The file refused for want of a choice is kept: choose, or upload another.
            self.fields["file"].required = False
            self.fields["file"].help_text = _(
                "Lämna tomt för att importera den sparade filen %(name)s med ditt val."
            ) % {"name": pending_name}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload:
            return None
        check_upload(upload)
        # SCB's tables are read whole (a national RAMS table is about 10 MB).
        if upload.size > MAX_SCB_BYTES:
            raise forms.ValidationError(ERR_FILE_SIZE % {"mb": MAX_SCB_BYTES // (1024 * 1024)})
        return upload

    def clean_select(self):
        text = self.cleaned_data["select"]
        try:
            Choice.parse(select=text)
        except ValueError:
            raise forms.ValidationError(
                _("Skriv dimension=värde, t.ex. kön=totalt; flera med kommatecken.")
            ) from None
        return text

    def choice(self) -> Choice:
        return Choice.parse(
            sum_all=self.cleaned_data.get("sum_dimensions", False),
            select=self.cleaned_data.get("select", ""),
        )
