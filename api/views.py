"""Read-only API views: thin, each reading one app through its selectors.

Every view needs a signed-in user, by token (scripts) or session (the browser).
The views are marked ``login_not_required`` for Django's LoginRequiredMiddleware,
which knows only sessions and would send a token request to the login page;
DRF's ``IsAuthenticated`` does the check instead and answers 401, not a redirect.
Counts of people, and figures computed from them, pass through
:func:`hubplan.privacy.visible` exactly as on the pages.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import renderers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from actionplan import selectors as plan_selectors
from api import indicators
from api import serializers as s
from api.pagination import Pagination
from api.renderers import CSVRenderer
from hubplan import dashboards
from hubplan.exports import table_response
from hubplan.privacy import hidden_cells, visible, visible_share
from hubs import selectors as hub_selectors
from hubs.models import HubMonthlyUse
from mapping import analysis
from mapping import selectors as survey_selectors
from mapping.models import SurveyRound
from remoteagreements import selectors as agreement_selectors

ERRORS = {
    400: OpenApiResponse(OpenApiTypes.OBJECT, description=_("Ogiltig parameter.")),
    401: OpenApiResponse(s.ErrorSerializer, description=_("Inte inloggad eller ogiltig token.")),
    403: OpenApiResponse(s.ErrorSerializer, description=_("Saknar behörighet.")),
    404: OpenApiResponse(s.ErrorSerializer, description=_("Finns inte.")),
    429: OpenApiResponse(
        s.ErrorSerializer, description=_("För många anrop; vänta och försök igen.")
    ),
}


def responses(ok):
    return {200: ok, **ERRORS}


def as_view(view_class):
    """The view for urls.py, let past LoginRequiredMiddleware (see the module docstring)."""
    return login_not_required(view_class.as_view())


def cleaned(request, serializer_class=s.FilterSerializer) -> dict:
    """The query parameters, validated; a 400 with the reasons otherwise."""
    # A plain dict, not the QueryDict: DRF would read "?status=" as "no filter", which
    # the schema does not allow; an empty value is an error like any other.
    serializer = serializer_class(data=request.query_params.dict())
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def reference_date(year: int | None) -> date:
    """31 December of ``year``; today for the current year, a later one or none."""
    today = dashboards.today()
    if year is None or year >= today.year:
        return today
    return date(year, 12, 31)


class ApiView(APIView):
    """Base for the API's views: GET only."""

    http_method_names = ["get", "head", "options"]

    pagination_class = Pagination

    def paginated(self, items, serializer_class, row=None):
        """One page of ``items`` serialised; ``row`` turns each item of the page into the
        serializer's input (for answers with hidden small cells), the item itself if None."""
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(items, self.request, view=self)
        if row is not None:
            page = [row(item) for item in page]
        return paginator.get_paginated_response(serializer_class(page, many=True).data)


class ApiRootView(ApiView):
    """Hubplan API: the endpoints. The schema (OpenAPI 3) is at /api/schema/."""

    @extend_schema(responses=responses(OpenApiTypes.OBJECT), summary=_("Ingångar i API:et"))
    def get(self, request):
        def url(name):
            return reverse(f"api:{name}", request=request)

        return Response(
            {
                "schema": url("schema"),
                "municipalities": url("municipality-list"),
                "indicators": url("indicator-list"),
                "indicator_values": url("indicator-values"),
                "indicator_values_csv": url("indicator-values-csv"),
                "hubs": url("hub-list"),
                "hubs_geojson": url("hub-geojson"),
                "hub_use": url("hub-use"),
                "agreement_stats": url("agreement-stats"),
                "surveys": url("survey-list"),
                "plan_activities": url("activity-list"),
            }
        )


class NotFoundView(ApiView):
    """Any other path under /api/: a 404 in JSON, not the site's HTML page (scripts
    read the answer; the schema documents JSON errors only)."""

    schema = None  # not an endpoint: kept out of the OpenAPI schema
    http_method_names = APIView.http_method_names

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)  # signed out: 401 as everywhere
        raise NotFound


# --- kommuner and indicators -----------------------------------------------------------


def _with_indicators(municipalities, snapshot: indicators.Snapshot):
    source = indicators.round_ref(snapshot.survey_round)
    for m in municipalities:
        m.indicators = snapshot.values.get(m.code, {})
        m.survey_round = source
    return municipalities


class MunicipalityListView(ApiView):
    """The region's kommuner with their indicators for a year (without a year: as the
    comparison page shows them now, with the published survey round, named in
    ``survey_round``)."""

    @extend_schema(
        parameters=[s.FilterSerializer],
        responses=responses(s.MunicipalitySerializer(many=True)),
        summary=_("Kommuner med indikatorer"),
    )
    def get(self, request):
        f = cleaned(request)
        qs = dashboards.region_municipalities()
        if code := f.get("municipality"):
            qs = qs.filter(code=code)
        values = indicators.snapshot(request.user, f.get("year"))
        return self.paginated(_with_indicators(list(qs), values), s.MunicipalitySerializer)


class MunicipalityDetailView(ApiView):
    """One of the region's kommuner with its indicators (``?year=`` as in the list)."""

    @extend_schema(
        parameters=[s.YearFilterSerializer],
        responses=responses(s.MunicipalitySerializer),
        summary=_("En kommun med indikatorer"),
    )
    def get(self, request, code):
        f = cleaned(request, s.YearFilterSerializer)
        municipality = get_object_or_404(dashboards.region_municipalities(), code=code)
        values = indicators.snapshot(request.user, f.get("year"))
        _with_indicators([municipality], values)
        return Response(s.MunicipalitySerializer(municipality).data)


class IndicatorListView(ApiView):
    """The indicator catalogue: id, title, unit, description and which years each has."""

    pagination_class = None  # a short, fixed list

    @extend_schema(responses=responses(s.IndicatorSerializer(many=True)))
    def get(self, request):
        rows = [
            {
                "id": i.id,
                "title": str(i.title),
                "unit": str(i.unit),
                "description": str(i.description),
                "scope": i.scope,
            }
            for i in indicators.INDICATORS
        ]
        return Response(s.IndicatorSerializer(rows, many=True).data)


class IndicatorValuesView(ApiView):
    """Kolada-style values: one row per kommun code, indicator id, year and value.

    Without ``year``: every year from 2017 to this one. ``value`` is null where the
    figure is hidden (fewer than five people) or cannot be computed. The same rows as
    CSV for Excel and Power BI: ``/api/indicators/values.csv``.
    """

    csv_headers = ("kommunkod", "indikator", "ar", "varde", "enkatomgang")
    pagination_class = None  # an export: every row at once, as BI tools expect

    def rows(self, request):
        f = cleaned(request, s.IndicatorValueFilterSerializer)
        return indicators.values(
            request.user,
            years=[f["year"]] if "year" in f else None,
            municipality=f.get("municipality"),
            indicator=f.get("indicator"),
        )

    @extend_schema(
        parameters=[s.IndicatorValueFilterSerializer],
        responses=responses(s.IndicatorValueSerializer(many=True)),
        summary=_("Indikatorvärden per kommun och år"),
    )
    def get(self, request):
        return Response(s.IndicatorValueSerializer(self.rows(request), many=True).data)


class IndicatorValuesCSVView(IndicatorValuesView):
    """The indicator values as CSV (semicolon, UTF-8 with BOM, decimal comma) for
    Swedish Excel and Power BI: columns kommunkod, indikator, ar, varde, enkatomgang
    (the name of the round a survey value comes from)."""

    renderer_classes = [CSVRenderer]

    def handle_exception(self, exc):
        # A 4xx is explained in JSON: CSVRenderer renders nothing itself.
        self.request.accepted_renderer = renderers.JSONRenderer()
        self.request.accepted_media_type = "application/json"
        return super().handle_exception(exc)

    @extend_schema(
        parameters=[s.IndicatorValueFilterSerializer],
        responses={
            (200, "text/csv"): OpenApiTypes.STR,
            **{(code, "application/json"): answer for code, answer in ERRORS.items()},
        },
        summary=_("Indikatorvärden som CSV"),
    )
    def get(self, request):
        rows = self.rows(request)
        return table_response(
            self.csv_headers,
            (
                [
                    r["municipality"],
                    r["indicator"],
                    r["year"],
                    r["value"],
                    r["survey_round"]["name"] if r["survey_round"] else "",
                ]
                for r in rows
            ),
            filename="hubplan-indikatorer",
            fmt="csv",
        )


# --- hubs ----------------------------------------------------------------------------


class HubListView(ApiView):
    """Hubs with their place, capacity and occupancy over all recorded months."""

    @extend_schema(
        parameters=[s.HubFilterSerializer],
        responses=responses(s.HubSerializer(many=True)),
        summary=_("Hubbar"),
    )
    def get(self, request):
        f = cleaned(request, s.HubFilterSerializer)
        qs = hub_selectors.with_occupancy(hub_selectors.hub_list(f, ordering="name"))
        return self.paginated(qs, s.HubSerializer)


class HubDetailView(ApiView):
    @extend_schema(responses=responses(s.HubSerializer), summary=_("En hubb"))
    def get(self, request, pk):
        qs = hub_selectors.with_occupancy(hub_selectors.hub_list()).filter(pk=pk)
        hub = qs.first()
        if hub is None:
            raise Http404
        return Response(s.HubSerializer(hub).data)


class HubGeoJSONView(ApiView):
    """Hubs with coordinates as a GeoJSON FeatureCollection (WGS84), not paginated."""

    @extend_schema(
        parameters=[s.HubFilterSerializer],
        responses=responses(s.HubFeatureCollectionSerializer),
        summary=_("Hubbar som GeoJSON"),
    )
    def get(self, request):
        f = cleaned(request, s.HubFilterSerializer)
        hubs = hub_selectors.hub_list(f, ordering="name").filter(
            latitude__isnull=False, longitude__isnull=False
        )
        features = [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [h.longitude, h.latitude]},
                "properties": {
                    "id": h.pk,
                    "name": h.name,
                    "kind": h.kind,
                    "status": h.status,
                    "municipality": h.municipality_id,
                    "desks": h.desks,
                },
            }
            for h in hubs
        ]
        data = {"type": "FeatureCollection", "features": features}
        return Response(s.HubFeatureCollectionSerializer(data).data)


class HubMonthlyUseView(ApiView):
    """Each hub's use per month: members by kind of organisation, desks, open days,
    desk-days used and occupancy. Member counts under five are null for non-HR."""

    @extend_schema(
        parameters=[s.HubMonthlyUseFilterSerializer],
        responses=responses(s.HubMonthlyUseSerializer(many=True)),
        summary=_("Hubbarnas användning per månad"),
    )
    def get(self, request):
        f = cleaned(request, s.HubMonthlyUseFilterSerializer)
        qs = HubMonthlyUse.objects.select_related("hub").order_by("hub__name", "hub_id", "month")
        if code := f.get("municipality"):
            qs = qs.filter(hub__municipality=code)
        if year := f.get("year"):
            qs = qs.filter(month__year=year)
        if hub := f.get("hub"):
            qs = qs.filter(hub_id=hub)
        user = request.user

        def cell(n):
            return visible(n, n, user)

        def row(u):
            return {
                "hub": u.hub_id,
                "hub_name": u.hub.name,
                "municipality": u.hub.municipality_id,
                "month": u.month,
                "members_region": cell(u.members_region),
                "members_municipality": cell(u.members_municipality),
                "members_state_agency": cell(u.members_state_agency),
                "members_company": cell(u.members_company),
                "members_other": cell(u.members_other),
                "members": cell(u.members),
                "desks": u.desks,
                "open_days": u.open_days,
                "desk_days_used": u.desk_days_used,
                "occupancy_percent": None if u.occupancy is None else round(100 * u.occupancy, 1),
            }

        return self.paginated(qs, s.HubMonthlyUseSerializer, row=row)


# --- agreements (aggregates only) -------------------------------------------------------


class AgreementStatsView(ApiView):
    """Distance work in figures, as the statistics page shows them: people with an
    active agreement on a date (31 December of ``year``, else today), per home kommun,
    per place and per the twelve months up to that date. ``municipality`` keeps one
    home kommun's row; the totals stay the region's."""

    @extend_schema(
        parameters=[s.FilterSerializer],
        responses=responses(s.AgreementStatsSerializer),
        summary=_("Statistik om distansarbete"),
    )
    def get(self, request):
        f = cleaned(request)
        on = reference_date(f.get("year"))
        user = request.user

        def cell(n):
            return visible(n, n, user)

        homes = agreement_selectors.active_agreements_by_home_municipality(on)
        if code := f.get("municipality"):
            homes = [r for r in homes if r["code"] == code]
        overall = agreement_selectors.employee_share(on)
        follow = agreement_selectors.follow_up_counts(on)
        data = {
            "reference_date": on,
            "employees": cell(overall["employees"]),
            "with_agreement": cell(overall["with_agreement"]),
            "share": visible_share(overall["with_agreement"], overall["employees"], user),
            "by_home_municipality": [
                {
                    "municipality": r["code"],
                    "name": r["name"],
                    "employees": cell(r["employees"]),
                    "with_agreement": cell(r["with_agreement"]),
                    "share": visible_share(r["with_agreement"], r["employees"], user),
                }
                for r in homes
            ],
            "by_place": [
                {
                    "place": r["place"],
                    "label": str(r["label"]),
                    "with_agreement": cell(r["with_agreement"]),
                }
                for r in agreement_selectors.active_agreements_by_place(on)
            ],
            "by_month": [
                {"month": end.strftime("%Y-%m"), "with_agreement": cell(n)}
                for end, n in agreement_selectors.active_by_month(on, 12)
            ],
            "follow_ups": {"overdue": cell(follow["overdue"]), "due": cell(follow["due"])},
        }
        return Response(s.AgreementStatsSerializer(data).data)


# --- surveys ---------------------------------------------------------------------------


class SurveyRoundListView(ApiView):
    """Survey rounds with their number of answers (``?year=`` by the round's date)."""

    @extend_schema(
        parameters=[s.YearFilterSerializer],
        responses=responses(s.SurveyRoundSerializer(many=True)),
        summary=_("Enkätomgångar"),
    )
    def get(self, request):
        f = cleaned(request, s.YearFilterSerializer)
        qs = survey_selectors.rounds().order_by("-date", "pk")
        if year := f.get("year"):
            qs = qs.filter(date__year=year)

        def row(r):
            return {
                "id": r.pk,
                "name": r.name,
                "date": r.date,
                "kind": r.kind,
                "organisation": r.organisation.name if r.organisation else None,
                "responses": visible(r.n_responses, r.n_responses, request.user),
            }

        return self.paginated(qs, s.SurveyRoundSerializer, row=row)


class SurveyFlowsView(ApiView):
    """The round's commuting flows: answers per home kommun and workplace kommun
    (``?municipality=`` keeps the flows from or to one kommun)."""

    @extend_schema(
        parameters=[s.MunicipalityFilterSerializer],
        responses=responses(s.FlowMatrixSerializer),
        summary=_("Pendlingsströmmar i en enkätomgång"),
    )
    def get(self, request, pk):
        f = cleaned(request, s.MunicipalityFilterSerializer)
        survey_round = get_object_or_404(SurveyRound, pk=pk)
        names = survey_selectors.municipality_names()
        matrix = analysis.flow_matrix(survey_selectors.flow_pairs(survey_round))
        code = f.get("municipality")
        user = request.user

        def cell(n):
            return visible(n, n, user)

        # Totals are shown, so hiding the small cells alone would let them be subtracted out.
        hidden = hidden_cells(matrix["cells"], user)
        cells = [
            {
                "home": home,
                "home_name": names[home],
                "workplace": work,
                "workplace_name": names[work],
                "n": None if (home, work) in hidden else n,
            }
            for (home, work), n in sorted(matrix["cells"].items())
            if not code or code in (home, work)
        ]
        data = {
            "round": survey_round.pk,
            "survey_round": indicators.round_ref(survey_round),
            "cells": cells,
            "home_totals": [
                {"municipality": h, "name": names[h], "n": cell(n)}
                for h, n in sorted(matrix["row_totals"].items())
                if not code or code == h
            ],
            "workplace_totals": [
                {"municipality": w, "name": names[w], "n": cell(n)}
                for w, n in sorted(matrix["col_totals"].items())
                if not code or code == w
            ],
            "total": cell(matrix["total"]),
        }
        return Response(s.FlowMatrixSerializer(data).data)


class SurveyPotentialView(ApiView):
    """Per home kommun: commuters, potential hub users (commuters who answered yes or
    maybe) and what ``hub_days`` days a week in a local hub would save a year."""

    @extend_schema(
        parameters=[s.PotentialFilterSerializer],
        responses=responses(s.PotentialSerializer),
        summary=_("Möjliga hubbanvändare i en enkätomgång"),
    )
    def get(self, request, pk):
        f = cleaned(request, s.PotentialFilterSerializer)
        survey_round = get_object_or_404(SurveyRound, pk=pk)
        user = request.user
        commuters = {
            c["home_municipality"]: c
            for c in survey_selectors.commuters_by_home_municipality(survey_round)
        }
        potential = {
            p["code"]: p for p in survey_selectors.hub_potential(survey_round, f["hub_days"])
        }
        rows = []
        for code in sorted(set(commuters) | set(potential)):
            if f.get("municipality") and code != f["municipality"]:
                continue
            c, p = commuters.get(code), potential.get(code)
            n_potential = p["n"] if p else 0
            saved = p["saved"] if p else None
            rows.append(
                {
                    "municipality": code,
                    "name": (c or p)["name"],
                    "commuters": visible(c["n"] if c else 0, c["n"] if c else 0, user),
                    "potential_users": visible(n_potential, n_potential, user),
                    "hours_saved": visible(round(saved.hours) if saved else 0, n_potential, user),
                    "km_saved": visible(round(saved.km) if saved else 0, n_potential, user),
                    "co2_saved_kg": visible(round(saved.co2_kg) if saved else 0, n_potential, user),
                }
            )
        data = {
            "round": survey_round.pk,
            "survey_round": indicators.round_ref(survey_round),
            "hub_days": f["hub_days"],
            "municipalities": rows,
        }
        return Response(s.PotentialSerializer(data).data)


# --- action plan ------------------------------------------------------------------------


class ActivityListView(ApiView):
    """The action plan's activities with dates, status, progress, budget and cost
    (``?year=`` keeps those running some part of the year)."""

    @extend_schema(
        parameters=[s.ActivityFilterSerializer],
        responses=responses(s.ActivitySerializer(many=True)),
        summary=_("Handlingsplanens aktiviteter"),
    )
    def get(self, request):
        f = cleaned(request, s.ActivityFilterSerializer)
        qs = plan_selectors.activities(
            municipality=f.get("municipality"), status=f.get("status"), sort="area"
        )
        if year := f.get("year"):
            qs = qs.filter(start_date__lte=date(year, 12, 31), end_date__gte=date(year, 1, 1))
        return self.paginated(
            qs.order_by("area__number", "start_date", "title", "pk"), s.ActivitySerializer
        )
