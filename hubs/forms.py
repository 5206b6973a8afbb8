"""Forms of the hub registry: filters, hubs, status changes, monthly use, premises."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from hubplan.locking import LockVersionFormMixin
from hubplan.numbers import NumberModelForm
from hubs import services
from hubs.models import (
    DESKS_AT_LEAST_ONE,
    MONTH_NOT_FIRST_DAY,
    NEGATIVE_NUMBER,
    BusinessCase,
    Hub,
    HubMonthlyUse,
    HubSettings,
    PremisesCandidate,
)
from mapping.models import Municipality, Organisation, SurveyRound
from mapping.survey_forms import check_upload

NOT_POSITIVE = {"min_value": NEGATIVE_NUMBER}
MONTH_INPUT_FORMATS = ["%Y-%m", "%Y-%m-%d"]


def municipality_queryset():
    """Kommuner a hub may be placed in. Region scale: Jämtland's eight; a national
    scale would widen this one place."""
    return Municipality.objects.in_region().order_by("name")


def valid_filters(form: forms.Form) -> dict:
    """The cleaned filters; an invalid value is ignored rather than failing the page."""
    if not form.is_bound:
        return {}
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if k not in form.errors}


class HubFilterForm(forms.Form):
    """The list's and the map's filters, read from GET."""

    SORTS = {
        "name": "name",
        "-name": "-name",
        "municipality": "municipality__name",
        "kind": "kind",
        "status": "status",
        "-desks": "-desks",
        "desks": "desks",
        "cost": "cost_per_desk_month",
    }
    SORT_CHOICES = [
        ("municipality", _("Kommun")),
        ("name", _("Namn A–Ö")),
        ("-name", _("Namn Ö–A")),
        ("kind", _("Typ")),
        ("status", _("Status")),
        ("-desks", _("Flest skrivbord")),
        ("desks", _("Minst antal skrivbord")),
        ("cost", _("Lägst kostnad per skrivbord")),
    ]

    q = forms.CharField(label=_("Sök namn eller adress"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Kommun"), queryset=Municipality.objects.none(), required=False
    )
    kind = forms.ChoiceField(
        label=_("Typ"), choices=[("", _("Alla typer")), *Hub.Kind.choices], required=False
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Alla")), *Hub.Status.choices], required=False
    )
    operator_type = forms.ChoiceField(
        label=_("Huvudman"),
        choices=[("", _("Alla")), *Hub.OperatorType.choices],
        required=False,
    )
    amenities = forms.MultipleChoiceField(
        label=_("Måste ha"),
        choices=[
            ("video_room", _("rum för videomöten")),
            ("confidential_room", _("rum för sekretessarbete")),
            ("step_free", _("tillgänglig utan trappsteg")),
        ],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sortera"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset()
        self.fields["municipality"].empty_label = _("Alla kommuner")

    def filters(self) -> dict:
        return valid_filters(self)

    def ordering(self) -> str:
        return self.SORTS.get(self.filters().get("sort") or "municipality", "municipality__name")


class HubForm(LockVersionFormMixin, NumberModelForm):
    """A hub's facts. The status is changed with :class:`HubStatusForm`, not here.

    Editing an existing hub carries its ``lock_version`` (see :mod:`hubplan.locking`).
    """

    class Meta:
        model = Hub
        fields = [
            "name",
            "kind",
            "municipality",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "operator",
            "operator_type",
            "desks",
            "meeting_rooms",
            "video_room",
            "confidential_room",
            "step_free",
            "opening_hours",
            "cost_per_desk_month",
            "critical_mass_members",
            "contact",
            "users",
            "notes",
        ]
        error_messages = {"desks": NOT_POSITIVE, "meeting_rooms": NOT_POSITIVE}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "users": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset()
        self.fields["operator"].queryset = Organisation.objects.order_by("name")
        self.fields["users"].queryset = Organisation.objects.order_by("name")


class HubCreateForm(HubForm):
    """A new hub also gets its first status and the date it applies from."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            c for c in Hub.Status.choices if c[0] not in (Hub.Status.CLOSED, Hub.Status.CANCELLED)
        ],
        initial=Hub.Status.PROPOSED,
    )
    status_date = forms.DateField(
        label=_("Status gäller från"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("T.ex. dagen hubben öppnade."),
    )

    class Meta(HubForm.Meta):
        fields = [*HubForm.Meta.fields[:9], "status", *HubForm.Meta.fields[9:]]


class HubSettingsForm(NumberModelForm):
    """The registry's settings a planner may change: the default critical mass."""

    class Meta:
        model = HubSettings
        fields = ["critical_mass_members"]


class HubStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Ny status"), choices=Hub.Status.choices)
    date = forms.DateField(label=_("Gäller från"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(
        label=_("Kommentar"),
        max_length=500,
        required=False,
        help_text=_("Krävs när en stängd hubb öppnas igen: skälet sparas i historiken."),
    )


class MonthlyUseForm(NumberModelForm):
    """One month's use of one hub. A month already recorded is replaced only when the
    planner, shown the figures stored for it, ticks ``confirm_overwrite``; without it
    the form is refused and nothing is written."""

    month = forms.DateField(
        label=_("Månad"),
        input_formats=MONTH_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("ÅÅÅÅ-MM"),
    )
    confirm_overwrite = forms.BooleanField(
        label=_("Ersätt de siffror som redan är sparade för månaden"),
        required=False,
        help_text=_("Behövs bara när månaden redan är registrerad."),
    )

    class Meta:
        model = HubMonthlyUse
        fields = [
            "month",
            "desks",
            "open_days",
            "desk_days_used",
            "members_region",
            "members_municipality",
            "members_state_agency",
            "members_company",
            "members_other",
        ]
        error_messages = {name: NOT_POSITIVE for name in fields if name != "month"}

    MEMBER_FIELDS = (
        "members_region",
        "members_municipality",
        "members_state_agency",
        "members_company",
        "members_other",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.MEMBER_FIELDS:
            self.fields[name].required = False

    # The month's stored row when the input would replace it (shown beside the form).
    existing_use: HubMonthlyUse | None = None

    def clean(self):
        cleaned = super().clean()
        for name in self.MEMBER_FIELDS:
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = 0
        month = cleaned.get("month")
        if month and self.instance.hub_id:
            self.existing_use = HubMonthlyUse.objects.filter(
                hub_id=self.instance.hub_id, month=month
            ).first()
            if self.existing_use and not cleaned.get("confirm_overwrite"):
                self.add_error(
                    "confirm_overwrite",
                    _(
                        "Månaden %(month)s är redan registrerad (se de sparade siffrorna). "
                        "Kryssa i rutan för att ersätta dem."
                    )
                    % {"month": month.strftime("%Y-%m")},
                )
        return cleaned

    def clean_month(self):
        month = self.cleaned_data["month"]
        if month.day != 1:
            raise forms.ValidationError(MONTH_NOT_FIRST_DAY)
        return month

    def validate_unique(self):
        # Saving an existing month replaces it (upsert), so it is not an error.
        pass


class MonthlyUseImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_("En rad per hubb och månad; se mallen för kolumnerna."),
    )

    def clean_file(self):
        # The same type and size limits as the survey import.
        upload = self.cleaned_data["file"]
        check_upload(upload)
        return upload


class PremisesFilterForm(forms.Form):
    SORTS = {
        "municipality": "municipality__name",
        "name": "name",
        "status": "status",
        "-desks": "-desks_possible",
        "rent": "monthly_rent",
        "available": "available_from",
    }
    SORT_CHOICES = [
        ("municipality", _("Kommun")),
        ("name", _("Namn")),
        ("status", _("Status")),
        ("-desks", _("Flest möjliga skrivbord")),
        ("rent", _("Lägst hyra")),
        ("available", _("Tidigast tillgänglig")),
    ]

    q = forms.CharField(label=_("Sök namn eller adress"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Kommun"), queryset=Municipality.objects.none(), required=False
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Alla")), *PremisesCandidate.Status.choices],
        required=False,
    )
    co_location = forms.MultipleChoiceField(
        label=_("Samlokaliserad med"),
        choices=PremisesCandidate.CoLocation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sort = forms.ChoiceField(label=_("Sortera"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset()
        self.fields["municipality"].empty_label = _("Alla kommuner")

    def filters(self) -> dict:
        return valid_filters(self)

    def ordering(self) -> str:
        return self.SORTS.get(self.filters().get("sort") or "municipality", "municipality__name")


class PremisesForm(NumberModelForm):
    co_location = forms.MultipleChoiceField(
        label=_("Samlokalisering med"),
        choices=PremisesCandidate.CoLocation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("Verksamheter som finns i samma hus."),
    )

    class Meta:
        model = PremisesCandidate
        fields = [
            "name",
            "municipality",
            "address",
            "postcode",
            "latitude",
            "longitude",
            "area_m2",
            "desks_possible",
            "monthly_rent",
            "available_from",
            "co_location",
            "status",
            "assessment",
        ]
        error_messages = {"area_m2": NOT_POSITIVE, "desks_possible": NOT_POSITIVE}
        widgets = {
            "assessment": forms.Textarea(attrs={"rows": 4}),
            "available_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset()
        chosen = self.instance.pk and self.instance.status == PremisesCandidate.Status.CHOSEN
        if chosen:
            self.fields["status"].disabled = True
        else:
            self.fields["status"].choices = [
                c
                for c in PremisesCandidate.Status.choices
                if c[0] != PremisesCandidate.Status.CHOSEN
            ]
            self.fields["status"].help_text = services.PREMISES_STATUS_CHOSEN_BY_FORM


# --- Business cases ------------------------------------------------------------------------

MUNICIPALITY_OR_PREMISES = _("Välj en kommun eller en lämplig lokal.")
FIELD_REQUIRED = _("Fyll i fältet, eller välj en lokal som har uppgiften.")


class BusinessCaseFilterForm(forms.Form):
    SORTS = {
        "municipality": "municipality__name",
        "name": "name",
        "-updated": "-updated_at",
        "-desks": "-desks",
    }
    SORT_CHOICES = [
        ("municipality", _("Kommun")),
        ("name", _("Namn")),
        ("-updated", _("Senast ändrad")),
        ("-desks", _("Flest skrivbord")),
    ]

    q = forms.CharField(label=_("Sök namn"), required=False)
    municipality = forms.ModelChoiceField(
        label=_("Kommun"), queryset=Municipality.objects.none(), required=False
    )
    sort = forms.ChoiceField(label=_("Sortera"), choices=SORT_CHOICES, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset()
        self.fields["municipality"].empty_label = _("Alla kommuner")

    def filters(self) -> dict:
        return valid_filters(self)

    def ordering(self) -> str:
        return self.SORTS.get(self.filters().get("sort") or "municipality", "municipality__name")


class BusinessCaseForm(NumberModelForm):
    """A case's inputs. With a premises, an empty kommun, desks or rent is taken from it."""

    class Meta:
        model = BusinessCase
        fields = [
            "name",
            "municipality",
            "premises",
            "desks",
            "monthly_rent",
            "other_yearly_costs",
            "open_days_per_year",
            "survey_round",
            "days_per_week",
            "use_stated_days",
            "reference_price_per_desk_day",
            "notes",
        ]
        error_messages = {"desks": {"min_value": DESKS_AT_LEAST_ONE}}
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipality_queryset()
        self.fields["municipality"].required = False
        self.fields["premises"].queryset = PremisesCandidate.objects.select_related(
            "municipality"
        ).order_by("municipality__name", "name")
        self.fields["survey_round"].queryset = SurveyRound.objects.order_by("-date", "name")
        self.fields["survey_round"].empty_label = _("Den publicerade omgången")
        for name in ("desks", "monthly_rent"):
            self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        premises = cleaned.get("premises")
        if premises is not None:
            if not cleaned.get("municipality") and "municipality" not in self.errors:
                cleaned["municipality"] = premises.municipality
            if cleaned.get("desks") is None and "desks" not in self.errors:
                cleaned["desks"] = premises.desks_possible or None
            if cleaned.get("monthly_rent") is None and "monthly_rent" not in self.errors:
                cleaned["monthly_rent"] = premises.monthly_rent
        if not cleaned.get("municipality") and "municipality" not in self.errors:
            self.add_error("municipality", MUNICIPALITY_OR_PREMISES)
        for name in ("desks", "monthly_rent"):
            if cleaned.get(name) is None and name not in self.errors:
                self.add_error(name, FIELD_REQUIRED)
        return cleaned
