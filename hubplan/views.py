"""Cross-app pages: the home dashboard, the kommun comparison, the kommun page and suitability.

The figures come from :mod:`hubplan.dashboards` (which reads every app); the
views only pick the filters from the request and hand the results to templates.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import ValidationError
from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce, JSONObject
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.generic import CreateView, DeleteView, DetailView, TemplateView

from actionplan import selectors as plan_selectors
from hubplan import dashboard_charts, dashboards, pagecache, services, suitability
from hubplan.access import PlannerRequiredMixin, is_planner
from hubplan.exports import FORMATS, table_response
from hubplan.forms import ComparisonFilterForm, ScenarioForm, SuitabilityForm
from hubplan.models import SuitabilityScenario
from hubplan.privacy import visible
from hubplan.service_forms import apply_service_errors
from hubs import selectors as hub_selectors
from mapping import charts as map_charts
from mapping import imports as survey_imports
from mapping.models import Municipality, MunicipalityMigration
from remoteagreements.models import Employee

SCENARIO_SAVED = _("Scenariot %(name)s är sparat.")
SCENARIO_DELETED = _("Scenariot %(name)s är borttaget.")


def _query_string(request, *drop: str) -> str:
    """The GET parameters without ``drop`` (e.g. sort, format), for links that change one."""
    params = request.GET.copy()
    for name in drop:
        params.pop(name, None)
    return params.urlencode()


class HomeView(TemplateView):
    """The start page: the region's headline figures and the way to every section.

    The figures and charts are a cached part (:mod:`hubplan.pagecache`): computed on
    the first view after a write to what they come from, or on a new day.
    """

    template_name = "hubplan/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures_html"] = pagecache.render(
            pagecache.HOME, self.request, "hubplan/_dashboard_figures.html", self.figures
        )
        return context

    def figures(self) -> dict:
        # Depends on the user only through the small-cell rule, which the cache key holds.
        figures = dashboards.headline(self.request.user)
        context = {"figures": figures}
        region = Municipality.objects.in_region()
        context["region_population"] = region.aggregate(total=Sum("population"))["total"]
        context["agreement_chart"] = dashboard_charts.line(
            [(d.isoformat(), n) for d, n in figures["agreement_trend"]],
            title=gettext("Personer med aktivt avtal"),
        )
        if figures["occupancy_months"]:
            context["occupancy_chart"] = dashboard_charts.line(
                [
                    (
                        m["month"].isoformat(),
                        None if m["occupancy_share"] is None else round(100 * m["occupancy_share"]),
                    )
                    for m in figures["occupancy_months"]
                ],
                title=gettext("Beläggning"),
                percent=True,
            )
        return context


class MunicipalityComparisonView(TemplateView):
    """Every kommun of the region side by side, sortable, on a map, exportable.

    The page below its introduction (filters, map and table) is a cached part
    (:mod:`hubplan.pagecache`), one per query string; downloads are computed each time.
    """

    template_name = "hubplan/municipality_comparison.html"

    @cached_property
    def form(self) -> ComparisonFilterForm:
        return ComparisonFilterForm(self.request.GET or None)

    @cached_property
    def result(self) -> dashboards.Comparison:
        return dashboards.comparison(self.form.filters(), self.request.user)

    @property
    def sort(self) -> str:
        return self.request.GET.get("sort", "name")

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            rows = dashboards.sort_rows(self.result.rows, self.sort)
            return table_response(
                [
                    gettext("Kommunkod"),
                    gettext("Kommun"),
                    *(str(c.label) for c in dashboards.COLUMNS),
                ],
                [[r["code"], r["name"], *(r[c.key] for c in dashboards.COLUMNS)] for r in rows],
                filename=gettext("kommunjämförelse"),
                fmt=fmt,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["comparison_html"] = pagecache.render(
            pagecache.COMPARISON,
            self.request,
            "hubplan/_municipality_comparison.html",
            self.comparison,
        )
        return context

    def comparison(self) -> dict:
        # Depends on the user only through the small-cell rule, which the cache key holds.
        result = self.result
        rows = dashboards.sort_rows(result.rows, self.sort)
        columns = dashboards.COLUMNS
        context = {
            "form": self.form,
            "filters": result.filters,
            "survey_round": result.survey_round,
            # From the round's import_rows when it is the published one: no extra query.
            "coverage": (
                survey_imports.round_coverage(result.survey_round) if result.survey_round else None
            ),
            "columns": columns,
            "rows": [{**r, "cells": [r[c.key] for c in columns]} for r in rows],
            "sort": self.sort,
            "sort_query": _query_string(self.request, "sort", "format"),
            "export_query": _query_string(self.request, "format"),
            "occupancy_months": dashboards.occupancy_months(result.filters),
        }
        indicator = self.form.map_indicator()
        column = next(c for c in columns if c.key == indicator)
        values = {r["code"]: r[indicator] for r in result.rows}
        context["indicator"] = column
        context["map"] = map_charts.choropleth(
            [r["municipality"] for r in result.rows], values, title=str(column.label)
        )
        return context


class MunicipalityDetailView(DetailView):
    """One kommun with its data from every app."""

    template_name = "hubplan/municipality_detail.html"
    context_object_name = "municipality"

    def get_object(self, queryset=None):
        # The count of employees working here rides along, rather than costing a query.
        working_here = Employee.objects.filter(workplace_municipality=OuterRef("code"))
        # So does its migration over the last five years, newest first.
        migration = ArraySubquery(
            MunicipalityMigration.objects.filter(municipality=OuterRef("code"))
            .order_by("-year")
            .values(
                row=JSONObject(
                    year="year",
                    in_migration="in_migration",
                    out_migration="out_migration",
                    net=F("in_migration") - F("out_migration"),
                )
            )[:5]
        )
        return get_object_or_404(
            Municipality.objects.select_related("county").annotate(
                migration_rows=migration,
                n_working_here=Coalesce(
                    Subquery(
                        working_here.order_by()
                        .values("workplace_municipality")
                        .annotate(n=Count("pk"))
                        .values("n")
                    ),
                    0,
                ),
            ),
            code=self.kwargs["code"],
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m = self.object
        user = self.request.user
        comparison = dashboards.comparison(dashboards.Filters(), user)
        context["figures"] = next((r for r in comparison.rows if r["code"] == m.code), None)
        context["survey_round"] = comparison.survey_round
        # The page's survey figures rest on the published round: say how many of its
        # files' rows they rest on, and warn when the rows left out lean to one answer.
        context["coverage"] = (
            survey_imports.round_coverage(comparison.survey_round)
            if comparison.survey_round
            else None
        )
        context["organisations"] = m.organisations.order_by("name")
        hubs = list(
            hub_selectors.with_occupancy(hub_selectors.hub_list({"municipality": m})).order_by(
                "status", "name"
            )
        )
        context["hubs"] = hubs
        context["premises"] = hub_selectors.premises_list({"municipality": m}).order_by(
            "status", "name"
        )
        # The page lists no activity's kommuner, so their prefetch is dropped.
        context["activities"] = plan_selectors.activities(
            municipality=m, sort="end"
        ).prefetch_related(None)
        context["relocations"] = m.relocation_assessments.select_related("organisation")
        context["migration"] = m.migration_rows[::-1]
        if m.boundary:
            # The comparison has already read the region's kommuner, boundaries included.
            neighbours = [r["municipality"] for r in comparison.rows if r["code"] != m.code]
            context["map"] = map_charts.outline(
                m,
                neighbours=neighbours,
                points=[(h.latitude, h.longitude, h.name) for h in hubs],
            )
        context["employees_working_here"] = visible(m.n_working_here, m.n_working_here, user)
        return context


class SuitabilityView(TemplateView):
    """The suitability ranking: weights from the page, a saved scenario or the defaults."""

    template_name = "hubplan/suitability.html"

    @cached_property
    def scenario(self) -> SuitabilityScenario | None:
        pk = self.request.GET.get("scenario", "")
        return SuitabilityScenario.objects.filter(pk=pk).first() if pk.isdigit() else None

    def weights(self) -> tuple[dict[str, float], str | None]:
        """(weights to rank by, why the typed weights were refused or None).

        Refused weights (out of range, or none above zero) are never replaced silently:
        the page says so above the ranking, which then shows the default weights."""
        given = {k: self.request.GET.get(f"w_{k}") for k in suitability.KEYS}
        if self.scenario and not any(v not in (None, "") for v in given.values()):
            return self.scenario.weights, None
        if problem := suitability.weights_problem(given):
            return dict(suitability.DEFAULT_WEIGHTS), problem
        return suitability.clean_weights(given), None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        weights, weights_refused = self.weights()
        initial = {f"w_{k}": weights[k] for k in suitability.KEYS}
        # Bound to the request so round and days stick, with the weights in use filled in
        # (a scenario link carries no weights of its own).
        data = self.request.GET.copy()
        for name, value in initial.items():
            if data.get(name) in (None, ""):
                data[name] = value
        form = SuitabilityForm(data)
        filters = form.filters()
        comparison = dashboards.comparison(filters, user)
        raw = dashboards.suitability_indicators(comparison)
        scores = suitability.score(raw, weights)
        shown = {r["code"]: r for r in comparison.rows}
        people_based = {"potential_users", "time_saved", "capacity_gap"}
        ranking = []
        for rank, s in enumerate(scores, start=1):
            row = shown[s.code]
            hidden = row["potential"] is None and comparison.survey_round is not None
            parts = []
            for indicator in suitability.INDICATORS:
                value = raw[indicator.key][s.code]
                if indicator.key in people_based and hidden:
                    value = None
                parts.append(
                    {
                        "indicator": indicator,
                        "value": value,
                        "normalised": s.normalised[indicator.key],
                        "part": s.parts[indicator.key],
                    }
                )
            ranking.append(
                {"rank": rank, "code": s.code, "row": row, "score": s.score, "parts": parts}
            )
        context.update(
            form=form,
            weights=weights,
            weights_refused=weights_refused,
            indicators=suitability.INDICATORS,
            ranking=ranking,
            survey_round=comparison.survey_round,
            scenario=self.scenario,
            scenarios=SuitabilityScenario.objects.all(),
            # The page's script recomputes from these; only normalised values, never counts.
            score_data={
                "keys": list(suitability.KEYS),
                "kommuner": [{"code": s.code, "normalised": s.normalised} for s in scores],
            },
            can_save=is_planner(user),
            scenario_form=ScenarioForm(initial=initial),
        )
        return context


class ScenarioCreateView(PlannerRequiredMixin, CreateView):
    """Save the weights as a named scenario (Planerare only)."""

    model = SuitabilityScenario
    form_class = ScenarioForm
    template_name = "hubplan/scenario_form.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            self.object = services.scenario_create(
                user=self.request.user,
                name=data["name"],
                description=data.get("description", ""),
                weights={k: data[f"w_{k}"] for k in suitability.KEYS},
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, SCENARIO_SAVED % {"name": self.object.name})
        return HttpResponseRedirect(self.object.get_absolute_url())


class ScenarioDeleteView(PlannerRequiredMixin, DeleteView):
    """Delete a scenario after confirmation (Planerare only)."""

    model = SuitabilityScenario
    template_name = "hubplan/scenario_confirm_delete.html"
    success_url = reverse_lazy("municipalities:suitability")

    def form_valid(self, form):
        name = self.object.name
        services.scenario_delete(scenario=self.object, user=self.request.user)
        messages.success(self.request, SCENARIO_DELETED % {"name": name})
        return HttpResponseRedirect(reverse("municipalities:suitability"))
