"""Project-wide pages: the home page."""

from __future__ import annotations

from django.db.models import Sum
from django.views.generic import TemplateView

from mapping.models import Municipality, Organisation


class HomeView(TemplateView):
    """The start page: the region at a glance and the way to every section."""

    template_name = "hubplan/home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        region = Municipality.objects.in_region()
        context["region_municipalities"] = region.order_by("name")
        context["region_population"] = region.aggregate(total=Sum("population"))["total"]
        context["organisation_count"] = Organisation.objects.count()
        return context
