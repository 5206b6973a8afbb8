"""Pages of the action plan: overview, Gantt timeline, activities, reports, relocation, board report.

Everyone signed in reads; writing needs the Planerare role (403 otherwise).
Writes go through :mod:`actionplan.services`; reads through :mod:`actionplan.selectors`.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import CreateView, DeleteView, DetailView, ListView, TemplateView
from django.views.generic.edit import UpdateView

from actionplan import charts, selectors, services
from actionplan.forms import (
    ActivityFilterForm,
    ActivityForm,
    BoardReportForm,
    ProgressReportForm,
    RelocationAssessmentForm,
)
from actionplan.models import Activity, ProgressReport, RelocationAssessment
from hubplan.access import PlannerRequiredMixin
from hubplan.exports import FORMATS, table_response
from hubplan.locking import StaleEditError
from hubplan.service_forms import apply_service_errors


class FilteredActivitiesMixin:
    """Reads the GET filters once; keeps them in a query string for links and pages."""

    @cached_property
    def filter_form(self) -> ActivityFilterForm:
        return ActivityFilterForm(self.request.GET or None)

    def filtered_activities(self):
        sort = self.request.GET.get("sort", "area")
        return selectors.activities(**self.filter_form.filters(), sort=sort)

    def query_string(self, *drop: str) -> str:
        params = self.request.GET.copy()
        for key in ("page", "format", *drop):
            params.pop(key, None)
        return params.urlencode()


class OverviewView(TemplateView):
    """The plan per insatsområde: weighted progress, budget against cost, the first activities.

    Each area lists at most :attr:`rows_per_area` activities, with a link to the
    activity list filtered on the area for all of them: a region's plan fits whole,
    a national one (thousands of activities) would take a second to render.
    """

    template_name = "actionplan/overview.html"
    rows_per_area = 25

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        areas = selectors.area_summaries()
        by_area: dict[int, list] = {a.pk: [] for a in areas}
        for activity in selectors.first_activities_per_area(self.rows_per_area):
            by_area[activity.area_id].append(activity)
        for area in areas:
            area.activity_rows = by_area[area.pk]
            area.rows_hidden = area.n_activities - len(area.activity_rows)
        context["areas"] = areas
        context["summary"] = selectors.plan_progress_summary()
        return context


class GanttView(FilteredActivitiesMixin, TemplateView):
    """The activities on a timeline, filterable by area, kommun and status, in pages of bars.

    A page holds at most :attr:`bars_per_page` bars (a chart of thousands of bars is
    unreadable and slow to build); the page says which of how many it shows.
    """

    template_name = "actionplan/gantt.html"
    bars_per_page = 200

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # The chart needs no kommuner; drop the list's prefetch of them.
        qs = (
            self.filtered_activities()
            .prefetch_related(None)
            .order_by("area__number", "start_date", "title", "pk")
        )
        page = Paginator(qs, self.bars_per_page).get_page(self.request.GET.get("page"))
        rows = list(page.object_list)
        context["filter_form"] = self.filter_form
        context["figure"] = charts.gantt(rows, today=selectors.today())
        context["page_obj"] = page
        context["count"] = page.paginator.count
        context["query_string"] = self.query_string()
        return context


EXPORT_HEADERS = (
    "Insatsområde",
    "Aktivitet",
    "Strategi",
    "Ansvarig",
    "Ansvarig organisation",
    "Ansvarig enhet",
    "Kommuner",
    "Start",
    "Slut",
    "Status",
    "Färdigställt (%)",
    "Budget (kr)",
    "Utfall (kr)",
    "Försenad",
)


class ActivityListView(FilteredActivitiesMixin, ListView):
    """All activities with filters, sorting, pages and CSV/XLSX export."""

    template_name = "actionplan/activity_list.html"
    context_object_name = "activities"
    paginate_by = 25

    def get_queryset(self):
        return self.filtered_activities()

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            return self.export(fmt)
        return super().get(request, *args, **kwargs)

    def export(self, fmt: str):
        rows = (
            (
                a.area.number,
                a.title,
                str(a.strategy or ""),
                (a.responsible.get_full_name() or a.responsible.username) if a.responsible else "",
                str(a.responsible_organisation or ""),
                a.responsible_unit,
                ", ".join(m.name for m in a.municipalities.all()),
                a.start_date,
                a.end_date,
                a.get_status_display(),
                a.progress,
                a.planned_budget,
                a.actual_cost,
                a.is_overdue,
            )
            for a in self.get_queryset()
        )
        return table_response(EXPORT_HEADERS, rows, filename="handlingsplan-aktiviteter", fmt=fmt)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["query_string"] = self.query_string()
        context["sort_query"] = self.query_string("sort")
        context["sort"] = self.request.GET.get("sort", "area")
        return context


class ActivityDetailView(DetailView):
    template_name = "actionplan/activity_detail.html"
    context_object_name = "activity"

    def get_queryset(self):
        return (
            selectors.activities()
            .select_related("strategy")
            .prefetch_related(
                "partners",
                "hubs",
                "survey_rounds",
                Prefetch("dependencies", Activity.objects.order_by("start_date")),
                Prefetch("dependents", Activity.objects.order_by("start_date")),
                Prefetch("reports", ProgressReport.objects.select_related("author")),
            )
        )


class ActivityCreateView(PlannerRequiredMixin, CreateView):
    model = Activity
    form_class = ActivityForm
    template_name = "actionplan/activity_form.html"

    def get_initial(self):
        initial = super().get_initial()
        if area := self.request.GET.get("area"):
            initial["area"] = area
        return initial

    def form_valid(self, form):
        try:
            self.object = services.activity_create(fields=dict(form.cleaned_data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Aktiviteten är sparad."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ActivityUpdateView(PlannerRequiredMixin, UpdateView):
    model = Activity
    form_class = ActivityForm
    template_name = "actionplan/activity_form.html"

    def form_valid(self, form):
        try:
            self.object = services.activity_update(
                activity=self.object,
                fields=dict(form.cleaned_data),
                lock_version=form.expected_lock_version,
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        except StaleEditError:
            # Someone saved since the form was opened: show their version beside the input.
            form.refuse_stale()
            return self.form_invalid(form)
        messages.success(self.request, _("Aktiviteten är sparad."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class ActivityDeleteView(PlannerRequiredMixin, DeleteView):
    model = Activity
    template_name = "actionplan/confirm_delete.html"
    success_url = reverse_lazy("plan:activity-list")

    def form_valid(self, form):
        services.activity_delete(activity=self.object)
        messages.success(self.request, _("Aktiviteten är borttagen."))
        return HttpResponseRedirect(self.get_success_url())


class ProgressReportCreateView(PlannerRequiredMixin, CreateView):
    """Add a dated progress report; the activity takes its figures if it is the latest."""

    model = ProgressReport
    form_class = ProgressReportForm
    template_name = "actionplan/report_form.html"

    @cached_property
    def activity(self) -> Activity:
        return get_object_or_404(Activity, pk=self.kwargs["pk"])

    def get_initial(self):
        return {
            "date": selectors.today(),
            "status": Activity.Status.ONGOING,
            "progress": self.activity.progress,
            "cost_to_date": self.activity.actual_cost,
        }

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = ProgressReport(activity=self.activity)
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["activity"] = self.activity
        return context

    def form_valid(self, form):
        try:
            services.progress_report_create(
                activity=self.activity, author=self.request.user, fields=dict(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Lägesrapporten är sparad."))
        return HttpResponseRedirect(self.activity.get_absolute_url())


class RelocationListView(ListView):
    template_name = "actionplan/relocation_list.html"
    context_object_name = "assessments"
    paginate_by = 25

    def get_queryset(self):
        return RelocationAssessment.objects.select_related("organisation", "hub").prefetch_related(
            "municipalities"
        )


class RelocationDetailView(DetailView):
    template_name = "actionplan/relocation_detail.html"
    context_object_name = "assessment"

    def get_queryset(self):
        return RelocationAssessment.objects.select_related("organisation", "hub").prefetch_related(
            "municipalities"
        )


class RelocationCreateView(PlannerRequiredMixin, CreateView):
    model = RelocationAssessment
    form_class = RelocationAssessmentForm
    template_name = "actionplan/relocation_form.html"

    def form_valid(self, form):
        try:
            self.object = services.relocation_create(fields=dict(form.cleaned_data))
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Prövningen är sparad."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class RelocationUpdateView(PlannerRequiredMixin, UpdateView):
    model = RelocationAssessment
    form_class = RelocationAssessmentForm
    template_name = "actionplan/relocation_form.html"

    def form_valid(self, form):
        try:
            self.object = services.relocation_update(
                assessment=self.object, fields=dict(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Prövningen är sparad."))
        return HttpResponseRedirect(self.object.get_absolute_url())


class RelocationDeleteView(PlannerRequiredMixin, DeleteView):
    model = RelocationAssessment
    template_name = "actionplan/confirm_delete.html"
    success_url = reverse_lazy("plan:relocation-list")

    def form_valid(self, form):
        services.relocation_delete(assessment=self.object)
        messages.success(self.request, _("Prövningen är borttagen."))
        return HttpResponseRedirect(self.get_success_url())


class BoardReportView(TemplateView):
    """A print-friendly report to the regional board: the plan as of a chosen date."""

    template_name = "actionplan/board_report.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        data = self.request.GET.copy()
        data.setdefault("as_of", selectors.today().isoformat())
        form = BoardReportForm(data)
        context["form"] = form
        if form.is_valid():
            as_of, previous = form.cleaned_data["as_of"], form.cleaned_data["previous"]
            rows = selectors.board_report(as_of=as_of, previous=previous)
            context.update(
                as_of=as_of,
                previous=previous,
                areas=selectors.board_report_areas(rows),
                changed=[a for a in rows if a.changed],
                overdue=[a for a in rows if a.overdue_then],
            )
        return context
