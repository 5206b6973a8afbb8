"""Forms of the dashboards: the comparison's filters, the suitability weights and scenarios."""

from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from hubplan import dashboards, numbers, suitability
from hubplan.models import SuitabilityScenario
from mapping.models import Organisation, SurveyResponse, SurveyRound

MAP_INDICATORS = tuple(c for c in dashboards.COLUMNS)


def _year_choices():
    years = range(dashboards.today().year, dashboards.FIRST_YEAR - 1, -1)
    return [("", _("Nu (senaste 12 månaderna)"))] + [(y, str(y)) for y in years]


class _LenientForm(forms.Form):
    """A GET form whose valid fields apply even when another field is invalid."""

    def _valid_fields(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return self.cleaned_data


class ComparisonFilterForm(_LenientForm):
    """GET filters of the comparison; invalid values fall back to the defaults."""

    year = forms.TypedChoiceField(
        label=_("År"), required=False, coerce=int, empty_value=None, choices=_year_choices
    )
    survey_round = forms.ModelChoiceField(
        label=_("Enkätomgång"),
        required=False,
        queryset=SurveyRound.objects.none(),
        empty_label=_("Publicerad"),
    )
    organisation = forms.ModelChoiceField(
        label=_("Organisation"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("Alla"),
    )
    hub_days = forms.TypedChoiceField(
        label=_("Hubbdagar per vecka"),
        required=False,
        coerce=int,
        empty_value=1,
        choices=[(d, str(d)) for d in dashboards.HUB_DAYS_CHOICES],
        help_text=_("Dagar i veckan som varje potentiell användare arbetar från en hubb."),
    )
    indicator = forms.ChoiceField(
        label=_("Visa på kartan"),
        required=False,
        choices=[(c.key, c.label) for c in MAP_INDICATORS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answered = SurveyResponse.objects.filter(round=OuterRef("pk"))
        self.fields["survey_round"].queryset = SurveyRound.objects.filter(Exists(answered))
        self.fields["organisation"].queryset = Organisation.objects.order_by("name")

    def filters(self) -> dashboards.Filters:
        data = self._valid_fields()
        return dashboards.Filters(
            survey_round=data.get("survey_round"),
            year=data.get("year"),
            organisation=data.get("organisation"),
            hub_days=data.get("hub_days") or 1,
        )

    def map_indicator(self) -> str:
        data = self._valid_fields()
        return data.get("indicator") or "potential"


class SuitabilityForm(_LenientForm):
    """The round and hub days the indicators use, and one weight per indicator."""

    survey_round = forms.ModelChoiceField(
        label=_("Enkätomgång"),
        required=False,
        queryset=SurveyRound.objects.none(),
        empty_label=_("Publicerad"),
    )
    hub_days = forms.TypedChoiceField(
        label=_("Hubbdagar per vecka"),
        required=False,
        coerce=int,
        empty_value=1,
        choices=[(d, str(d)) for d in dashboards.HUB_DAYS_CHOICES],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        answered = SurveyResponse.objects.filter(round=OuterRef("pk"))
        self.fields["survey_round"].queryset = SurveyRound.objects.filter(Exists(answered))
        for indicator in suitability.INDICATORS:
            self.fields[f"w_{indicator.key}"] = numbers.DecimalField(
                label=indicator.label,
                required=False,
                min_value=0,
                max_value=suitability.WEIGHT_MAX,
                decimal_places=2,
                widget=numbers.NumberInput(
                    attrs={"data-weight": indicator.key, "class": "form-control"}
                ),
            )

    def clean(self):
        cleaned = super().clean()
        weights = [cleaned.get(f"w_{i.key}") for i in suitability.INDICATORS]
        # A weighting with nothing above zero ranks nothing: refused, never a default.
        if not any(f"w_{i.key}" in self.errors for i in suitability.INDICATORS) and not any(
            w is not None and w > 0 for w in weights
        ):
            raise forms.ValidationError(suitability.NO_WEIGHT, code="no_weight")
        return cleaned

    def filters(self) -> dashboards.Filters:
        data = self._valid_fields()
        return dashboards.Filters(
            survey_round=data.get("survey_round"), hub_days=data.get("hub_days") or 1
        )


class ScenarioForm(numbers.NumberModelForm):
    """Save the weights on the page as a named scenario."""

    class Meta:
        model = SuitabilityScenario
        fields = [
            "name",
            "description",
            *(f"w_{k}" for k in suitability.KEYS),
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        # No weight above zero is refused by the model's constraint suitability_some_weight,
        # with suitability.NO_WEIGHT, and a negative weight by the fields' validators.
