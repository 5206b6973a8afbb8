"""Serializers: the shape of every API response, and through drf-spectacular its schema.

Field names are English; descriptions are Swedish (shown in the schema and the
browsable API). A count of people, and every figure computed from one, is nullable:
it is null when it rests on fewer than five people and the user is not HR.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actionplan.models import Activity
from api import indicators
from hubs.models import Hub
from mapping.models import SurveyRound

PEOPLE_HELP = _("Antal personer; null när färre än fem personer och du inte har rollen HR.")
FROM_PEOPLE_HELP = _("null när siffran bygger på färre än fem personer och du inte har rollen HR.")


@extend_schema_field(OpenApiTypes.NUMBER)
class NumberField(serializers.ReadOnlyField):
    """A number passed through as it is (int, float or Decimal as a JSON number)."""

    def to_representation(self, value):
        return float(value) if hasattr(value, "as_tuple") else value


def people(help_text=PEOPLE_HELP, **kwargs):
    return serializers.IntegerField(allow_null=True, help_text=help_text, **kwargs)


def from_people(help_text=FROM_PEOPLE_HELP, **kwargs):
    return NumberField(allow_null=True, help_text=help_text, **kwargs)


# --- query parameters ---------------------------------------------------------------


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class MunicipalityFilterSerializer(serializers.Serializer):
    municipality = serializers.RegexField(
        r"^\d{4}$", required=False, help_text=_("Kommunkod (fyra siffror), t.ex. 2380.")
    )


class YearFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text=_("År, t.ex. 2024.")
    )


class FilterSerializer(MunicipalityFilterSerializer, YearFilterSerializer):
    """Filtering by kommun and year."""


# --- kommuner and indicators -----------------------------------------------------------


def _indicator_fields():
    fields = {
        i.id: from_people(help_text=f"{i.title} ({i.unit}). {i.description}")
        for i in indicators.INDICATORS
    }
    return type("IndicatorValuesSerializer", (serializers.Serializer,), fields)


IndicatorValuesSerializer = _indicator_fields()


class SurveyRoundRefSerializer(serializers.Serializer):
    """The survey round a value comes from (the published one, unless one was chosen)."""

    id = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField()


def round_source(**kwargs):
    return SurveyRoundRefSerializer(
        allow_null=True,
        help_text=_(
            "Enkätomgången som enkätvärdena kommer från: den publicerade. "
            "null när ingen enkätomgång är publicerad."
        ),
        **kwargs,
    )


class MunicipalitySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("SCB:s fyrsiffriga kommunkod."))
    name = serializers.CharField()
    official_name = serializers.CharField()
    county = serializers.CharField(source="county_id", help_text=_("Länskod."))
    population = serializers.IntegerField(allow_null=True)
    population_year = serializers.IntegerField(allow_null=True)
    land_area_km2 = NumberField(allow_null=True)
    centre_name = serializers.CharField()
    centre_latitude = serializers.FloatField(allow_null=True)
    centre_longitude = serializers.FloatField(allow_null=True)
    indicators = IndicatorValuesSerializer(
        help_text=_("Indikatorernas värden för det valda året (utan år: som jämförelsesidan).")
    )
    survey_round = round_source()


class IndicatorSerializer(serializers.Serializer):
    id = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField()
    description = serializers.CharField()
    scope = serializers.ChoiceField(
        choices=[indicators.YEAR, indicators.SURVEY, indicators.NOW, indicators.POPULATION],
        help_text=_(
            "Vilka år indikatorn har: year = varje år, survey = året för den publicerade "
            "enkätomgången, "
            "now = bara innevarande år, population = året folkmängden avser."
        ),
    )


class IndicatorValueSerializer(serializers.Serializer):
    municipality = serializers.CharField(help_text=_("Kommunkod."))
    indicator = serializers.ChoiceField(choices=indicators.IDS)
    year = serializers.IntegerField()
    value = from_people(
        help_text=_("null när siffran är dold (färre än fem personer) eller inte kan beräknas.")
    )
    survey_round = SurveyRoundRefSerializer(
        allow_null=True,
        help_text=_("Enkätomgången som värdet kommer från; null för indikatorer utan enkät."),
    )


class IndicatorValueFilterSerializer(FilterSerializer):
    indicator = serializers.ChoiceField(
        choices=indicators.IDS, required=False, help_text=_("Indikatorns id.")
    )


# --- hubs ----------------------------------------------------------------------------


class HubSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Hub.Kind.choices)
    status = serializers.ChoiceField(choices=Hub.Status.choices)
    status_since = serializers.DateField(allow_null=True)
    municipality = serializers.CharField(source="municipality_id", help_text=_("Kommunkod."))
    municipality_name = serializers.CharField(source="municipality.name")
    address = serializers.CharField()
    postcode = serializers.CharField()
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    operator = serializers.CharField(source="operator.name", allow_null=True, default=None)
    operator_type = serializers.ChoiceField(choices=Hub.OperatorType.choices)
    desks = serializers.IntegerField()
    meeting_rooms = serializers.IntegerField()
    video_room = serializers.BooleanField()
    confidential_room = serializers.BooleanField()
    step_free = serializers.BooleanField()
    opening_hours = serializers.CharField()
    cost_per_desk_month = NumberField(allow_null=True)
    occupancy_percent = serializers.SerializerMethodField(
        help_text=_("Beläggning över alla registrerade månader, i procent.")
    )

    def get_occupancy_percent(self, hub) -> float | None:
        value = getattr(hub, "avg_occupancy", None)
        return None if value is None else round(100 * value, 1)


class HubFilterSerializer(MunicipalityFilterSerializer):
    status = serializers.ChoiceField(choices=Hub.Status.choices, required=False)
    kind = serializers.ChoiceField(choices=Hub.Kind.choices, required=False)


class PointSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Point"])
    coordinates = serializers.ListField(
        child=serializers.FloatField(),
        min_length=2,
        max_length=2,
        help_text=_("Longitud, latitud (WGS84)."),
    )


class HubFeaturePropertiesSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    kind = serializers.ChoiceField(choices=Hub.Kind.choices)
    status = serializers.ChoiceField(choices=Hub.Status.choices)
    municipality = serializers.CharField()
    desks = serializers.IntegerField()


class HubFeatureSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = PointSerializer()
    properties = HubFeaturePropertiesSerializer()


class HubFeatureCollectionSerializer(serializers.Serializer):
    type = serializers.ChoiceField(choices=["FeatureCollection"])
    features = HubFeatureSerializer(many=True)


class HubMonthlyUseSerializer(serializers.Serializer):
    hub = serializers.IntegerField()
    hub_name = serializers.CharField()
    municipality = serializers.CharField()
    month = serializers.DateField(help_text=_("Månadens första dag."))
    members_region = people()
    members_municipality = people()
    members_state_agency = people()
    members_company = people()
    members_other = people()
    members = people(help_text=_("Alla medlemmar under månaden."))
    desks = serializers.IntegerField()
    open_days = serializers.IntegerField()
    desk_days_used = serializers.IntegerField()
    occupancy_percent = NumberField(allow_null=True)


class HubMonthlyUseFilterSerializer(FilterSerializer):
    hub = serializers.IntegerField(required=False, min_value=1, help_text=_("Hubbens id."))


# --- agreements (aggregates only) -------------------------------------------------------


class AgreementsByMunicipalitySerializer(serializers.Serializer):
    municipality = serializers.CharField()
    name = serializers.CharField()
    employees = people()
    with_agreement = people()
    share = from_people(help_text=_("Andel med gällande avtal, i procent."))


class AgreementsByPlaceSerializer(serializers.Serializer):
    place = serializers.CharField()
    label = serializers.CharField()
    with_agreement = people()


class AgreementsByMonthSerializer(serializers.Serializer):
    month = serializers.CharField(help_text=_("ÅÅÅÅ-MM; räknat vid månadens slut."))
    with_agreement = people()


class FollowUpsSerializer(serializers.Serializer):
    overdue = people()
    due = people(help_text=_("Uppföljningar inom 30 dagar."))


class AgreementStatsSerializer(serializers.Serializer):
    reference_date = serializers.DateField(
        help_text=_("Dagen avtalen räknas: 31 december det valda året, annars i dag.")
    )
    employees = people()
    with_agreement = people()
    share = from_people(help_text=_("Andel med gällande avtal, i procent."))
    by_home_municipality = AgreementsByMunicipalitySerializer(many=True)
    by_place = AgreementsByPlaceSerializer(many=True)
    by_month = AgreementsByMonthSerializer(many=True)
    follow_ups = FollowUpsSerializer()


# --- surveys ---------------------------------------------------------------------------


class SurveyRoundSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    date = serializers.DateField()
    kind = serializers.ChoiceField(choices=SurveyRound.Kind.choices)
    organisation = serializers.CharField(allow_null=True)
    responses = people()


class FlowCellSerializer(serializers.Serializer):
    home = serializers.CharField(help_text=_("Hemkommunens kod."))
    home_name = serializers.CharField()
    workplace = serializers.CharField(help_text=_("Arbetsplatskommunens kod."))
    workplace_name = serializers.CharField()
    n = people()


class FlowTotalSerializer(serializers.Serializer):
    municipality = serializers.CharField()
    name = serializers.CharField()
    n = people()


class FlowMatrixSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    survey_round = SurveyRoundRefSerializer()
    cells = FlowCellSerializer(many=True)
    home_totals = FlowTotalSerializer(many=True)
    workplace_totals = FlowTotalSerializer(many=True)
    total = people()


class PotentialUsersSerializer(serializers.Serializer):
    municipality = serializers.CharField(help_text=_("Hemkommunens kod."))
    name = serializers.CharField()
    commuters = people(help_text=_("Svarande som bor här och arbetar i en annan kommun."))
    potential_users = people(help_text=_("Av dem: svarat ja eller kanske till en hubb."))
    hours_saved = from_people(help_text=_("Sparade restimmar per år."))
    km_saved = from_people(help_text=_("Sparade km per år."))
    co2_saved_kg = from_people(help_text=_("Sparad CO₂ per år (kg)."))


class PotentialFilterSerializer(MunicipalityFilterSerializer):
    hub_days = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=5,
        default=2,
        help_text=_("Dagar i veckan i hubb för besparingen (1–5)."),
    )


class PotentialSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    survey_round = SurveyRoundRefSerializer()
    hub_days = serializers.IntegerField()
    municipalities = PotentialUsersSerializer(many=True)


# --- action plan ------------------------------------------------------------------------


class ActivitySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    area = serializers.IntegerField(source="area.number", help_text=_("Insatsområdets nummer."))
    area_title = serializers.CharField(source="area.title")
    strategy = serializers.IntegerField(source="strategy.number", allow_null=True, default=None)
    responsible_organisation = serializers.CharField(
        source="responsible_organisation.name", allow_null=True, default=None
    )
    responsible_unit = serializers.CharField()
    municipalities = serializers.SerializerMethodField(help_text=_("Berörda kommuners koder."))
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    status = serializers.ChoiceField(choices=Activity.Status.choices)
    progress = serializers.IntegerField(help_text=_("Färdigställt, i procent."))
    planned_budget = NumberField(help_text=_("Budget i kronor."))
    actual_cost = NumberField(help_text=_("Utfall hittills i kronor."))
    is_overdue = serializers.BooleanField()

    def get_municipalities(self, activity) -> list[str]:
        return [m.code for m in activity.municipalities.all()]


class ActivityFilterSerializer(FilterSerializer):
    status = serializers.ChoiceField(choices=Activity.Status.choices, required=False)
