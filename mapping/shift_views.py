"""Daily rest from shift schedules (/surveys/shifts/): the imports, one report each, the upload.

Every signed-in user reads the reports; Planerare import and delete. Only aggregates
are stored (mapping.shifts), and a group of fewer than five people is hidden from
non-HR roles, with enough further groups hidden that no total gives it away.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.generic import DeleteView, DetailView, FormView, ListView

from hubplan import jobs
from hubplan.access import PlannerRequiredMixin
from hubplan.exports import FORMATS, table_response
from hubplan.models import Job
from hubplan.privacy import hidden_cells, visible
from hubplan.storage import save_upload
from mapping import charts, shifts
from mapping.models import ShiftImport, SurveyResponse
from mapping.shift_forms import ShiftImportForm

SHIFT_IMPORT = "mapping.shift_import"  # the job kind (mapping.tasks)


class ShiftImportListView(ListView):
    """Every imported shift list with its overall figures, stored on the import itself."""

    template_name = "mapping/shifts/shift_list.html"
    context_object_name = "schedules"
    paginate_by = 25

    def get_queryset(self):
        return ShiftImport.objects.select_related("user").order_by("-created", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["rows"] = [
            {
                "schedule": s,
                "people": visible(s.people, s.people, user),
                "share": visible(_share(s.people_short, s.people), s.people, user),
                "worst": visible(shifts.hours_minutes(s.worst_rest_minutes), s.people, user),
            }
            for s in context["schedules"]
        ]
        context["minimum_hours"] = shifts.MINIMUM_DAILY_REST_HOURS
        return context


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _row(group, show: bool, kinds: dict) -> dict:
    """One table row; every figure None when the group is hidden."""
    if not show:
        figures = dict.fromkeys(
            ("people", "people_short", "share", "short_rests", "worst", "worst_minutes")
        )
    else:
        figures = {
            "people": group.people,
            "people_short": group.people_short,
            "share": _share(group.people_short, group.people),
            "short_rests": group.short_rests,
            "worst": shifts.hours_minutes(group.worst_rest_minutes),
            "worst_minutes": group.worst_rest_minutes,
        }
    return {
        "employer": group.employer,
        "kind": kinds.get(group.employer_kind, group.employer_kind),
        "unit": group.unit,
        **figures,
    }


class ShiftImportDetailView(DetailView):
    """One import: people with a rest under 11 h per employer and per unit, and a chart."""

    model = ShiftImport
    template_name = "mapping/shifts/shift_detail.html"
    context_object_name = "schedule"

    def get_queryset(self):
        return ShiftImport.objects.select_related("user")

    def get(self, request, *args, **kwargs):
        if "format" not in request.GET:
            return super().get(request, *args, **kwargs)
        # The table per unit as CSV or XLSX: the same privacy-filtered rows as the page.
        fmt = request.GET["format"]
        if fmt not in FORMATS:
            raise Http404
        self.object = self.get_object()
        rows = self.get_context_data(object=self.object)["unit_rows"]
        headers = [
            _("Arbetsgivare"),
            _("Typ"),
            _("Enhet"),
            _("Personer"),
            _("Med vila under 11 h"),
            _("Andel (%)"),
            _("Viloperioder under 11 h"),
            _("Kortaste vila (minuter)"),
        ]
        return table_response(
            headers,
            (
                [
                    r["employer"],
                    str(r["kind"]),
                    r["unit"],
                    r["people"],
                    r["people_short"],
                    r["share"],
                    r["short_rests"],
                    r["worst_minutes"],
                ]
                for r in rows
            ),
            filename=f"dygnsvila-{self.object.pk}",
            fmt=fmt,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        s = self.object
        groups = list(s.groups.all())
        employers = [g for g in groups if not g.unit]
        units = [g for g in groups if g.unit]
        # Employers against the overall total, units against their employer's row: hide
        # the small groups and, where one would follow by subtraction, the next smallest.
        hidden_employers = hidden_cells({("all", g.employer): g.people for g in employers}, user)
        hidden_units = hidden_cells({(g.employer, g.unit): g.people for g in units}, user)
        kinds = dict(SurveyResponse.Employer.choices)
        context["employer_rows"] = [
            _row(g, ("all", g.employer) not in hidden_employers, kinds) for g in employers
        ]
        context["unit_rows"] = [
            _row(g, (g.employer, g.unit) not in hidden_units, kinds) for g in units
        ]
        context["total"] = {
            "people": visible(s.people, s.people, user),
            "people_short": visible(s.people_short, s.people, user),
            "share": visible(_share(s.people_short, s.people), s.people, user),
            "short_rests": visible(s.short_rests, s.people, user),
            "worst": visible(shifts.hours_minutes(s.worst_rest_minutes), s.people, user),
        }
        shown = [r for r in context["unit_rows"] if r["share"] is not None]
        if shown:
            context["chart"] = charts.bars(
                [f"{r['employer']} – {r['unit']}" for r in shown],
                [r["share"] for r in shown],
                title=_("Andel personer med dygnsvila under 11 timmar (%)"),
                horizontal=True,
            )
        context["minimum_hours"] = shifts.MINIMUM_DAILY_REST_HOURS
        return context


class ShiftImportCreateView(PlannerRequiredMixin, FormView):
    """Upload a shift list; a job checks every row and stores the figures, or the errors.

    The file goes to the upload storage and ``mapping.shift_import`` (:mod:`mapping.tasks`)
    runs on the worker. The page (``?job=<pk>``) shows its progress, then the grouped
    errors from the job's result; a finished import goes on to its report.
    """

    form_class = ShiftImportForm
    template_name = "mapping/shifts/shift_import.html"

    @cached_property
    def job(self) -> Job | None:
        """The import ``?job=`` names, if it is the user's (any, for a superuser)."""
        pk = self.request.GET.get("job", "")
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            return None
        found = Job.objects.filter(pk=int(pk), kind=SHIFT_IMPORT)
        if not self.request.user.is_superuser:
            found = found.filter(user=self.request.user)
        return found.first()

    def get(self, request, *args, **kwargs):
        job = self.job
        if job is not None and job.status == Job.Status.DONE and job.result.get("next"):
            messages.success(request, job.message)
            return redirect(job.result["next"])
        return super().get(request, *args, **kwargs)

    def get_initial(self):
        initial = super().get_initial()
        if self.job is not None:  # correcting a refused file: keep the name given
            initial["name"] = self.job.params.get("name", "")
        return initial

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = shifts.COLUMNS
        job = self.job
        context["job"] = job
        if job is not None and job.status == Job.Status.FAILED:
            context["error_groups"] = [
                shifts.ErrorGroup(
                    g["column"], g["reason"], g["count"], [tuple(f) for f in g["first"]]
                )
                for g in job.result.get("groups", [])
            ]
            context["error_count"] = job.result.get("error_count", 0)
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        job = jobs.enqueue(
            kind=SHIFT_IMPORT,
            user=self.request.user,
            params={
                "name": form.cleaned_data["name"],
                "file_name": upload.name[:255],
                "language": get_language(),
            },
            upload=save_upload(upload),
        )
        return redirect(f"{reverse('surveys:shift-import')}?job={job.pk}")


class ShiftImportDeleteView(PlannerRequiredMixin, DeleteView):
    model = ShiftImport
    template_name = "mapping/shifts/shift_confirm_delete.html"
    context_object_name = "schedule"
    success_url = reverse_lazy("surveys:shift-list")

    def form_valid(self, form):
        self.object.delete()
        messages.success(self.request, _("Schemaimporten togs bort."))
        return redirect(self.success_url)
