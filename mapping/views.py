"""Kommun pages: the list of kommuner and a page per kommun."""

from __future__ import annotations

from django.db.models import Count
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext
from django.views.generic import DetailView, ListView

from mapping import charts
from mapping.models import JAMTLAND_COUNTY_CODE, County, Municipality


class MunicipalityListView(ListView):
    """The region's kommuner by default; any county, or all 290, on request."""

    template_name = "mapping/municipality_list.html"
    context_object_name = "municipalities"
    paginate_by = 50

    @cached_property
    def county(self) -> str:
        """The county asked for ("all" for every kommun); unknown codes fall back to the region."""
        county = self.request.GET.get("county", JAMTLAND_COUNTY_CODE)
        if county == "all" or County.objects.filter(code=county).exists():
            return county
        return JAMTLAND_COUNTY_CODE

    def get_queryset(self):
        qs = Municipality.objects.select_related("county").order_by("code")
        return qs if self.county == "all" else qs.filter(county_id=self.county)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["county"] = self.county
        context["counties"] = County.objects.annotate(n=Count("municipalities"))
        shown = list(context["page_obj"].object_list)
        if any(m.boundary for m in shown):
            context["map"] = charts.choropleth(
                shown, {m.code: m.population for m in shown}, title=gettext("Folkmängd")
            )
        return context


class MunicipalityDetailView(DetailView):
    template_name = "mapping/municipality_detail.html"
    context_object_name = "municipality"

    def get_object(self, queryset=None):
        return get_object_or_404(
            Municipality.objects.select_related("county"), code=self.kwargs["code"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        m = self.object
        context["organisations"] = m.organisations.order_by("name")
        if m.boundary:
            context["map"] = charts.choropleth(
                [m], {m.code: m.population or 0}, title=gettext("Folkmängd")
            )
        return context
