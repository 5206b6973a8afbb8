"""Pages of the hub registry: list, map, hub page, edit forms, monthly use, premises.

Reading is open to every signed-in user; every write needs Planerare
(PlannerRequiredMixin, 403 otherwise) and goes through hubs.services.
"""

from __future__ import annotations

import re
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.generic import (
    CreateView,
    DeleteView,
    DetailView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
)

from hubplan import jobs, pagecache
from hubplan.access import PlannerRequiredMixin
from hubplan.exports import FORMATS, table_response
from hubplan.locking import StaleEditError
from hubplan.models import Job
from hubplan.service_forms import ServiceFormMixin
from hubplan.storage import save_upload
from hubs import business_case, charts, imports, selectors, services
from hubs.forms import (
    BusinessCaseFilterForm,
    BusinessCaseForm,
    HubCreateForm,
    HubFilterForm,
    HubForm,
    HubSettingsForm,
    HubStatusForm,
    MonthlyUseForm,
    MonthlyUseImportForm,
    PremisesFilterForm,
    PremisesForm,
)
from hubs.models import BusinessCase, Hub, HubMonthlyUse, HubSettings, PremisesCandidate
from mapping import analysis
from mapping.models import Municipality, SurveyResponse

USE_IMPORT = "hubs.use_import"  # the job kind (hubs.tasks)


def _query_string(request) -> str:
    """The GET parameters without page and format, for pagination and export links."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nej")


class ExportableListMixin:
    """``?format=csv`` or ``?format=xlsx`` downloads the whole filtered list."""

    export_filename = "export"

    def export_rows(self, queryset):  # pragma: no cover - overridden
        raise NotImplementedError

    def export_headers(self):  # pragma: no cover - overridden
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            return table_response(
                self.export_headers(),
                self.export_rows(self.get_queryset()),
                filename=self.export_filename,
                fmt=fmt,
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["filter_form"] = self.filter_form
        context["query_string"] = _query_string(self.request)
        return context


# ---------------------------------------------------------------- hubs


class HubListView(ExportableListMixin, ListView):
    """The hub registry, filtered and paged; its filters, table and pages are a cached
    part (:mod:`hubplan.pagecache`) per query string, computed only when the hubs change."""

    template_name = "hubs/hub_list.html"
    context_object_name = "hubs"
    paginate_by = 50
    export_filename = "hubbar"

    @cached_property
    def filter_form(self) -> HubFilterForm:
        return HubFilterForm(self.request.GET or None)

    def get_queryset(self):
        form = self.filter_form
        return selectors.hub_list(form.filters(), ordering=form.ordering())

    def get_paginate_by(self, queryset):
        return None  # paged inside the cached part (table_context), not for every view

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hubs_html"] = pagecache.render(
            pagecache.HUB_LIST, self.request, "hubs/_hub_table.html", self.table_context
        )
        return context

    def table_context(self) -> dict:
        paginator, page, hubs, is_paginated = self.paginate_queryset(
            self.get_queryset(), self.paginate_by
        )
        return {
            "filter_form": self.filter_form,
            "clear_url": self.request.path,
            "query_string": _query_string(self.request),
            "hubs": hubs,
            "page_obj": page,
            "paginator": paginator,
            "is_paginated": is_paginated,
        }

    def export_headers(self):
        return [
            _("Namn"),
            _("Typ"),
            _("Kommun"),
            _("Adress"),
            _("Postnummer"),
            _("Latitud"),
            _("Longitud"),
            _("Driftas av"),
            _("Typ av huvudman"),
            _("Status"),
            _("Status sedan"),
            _("Skrivbord"),
            _("Mötesrum"),
            _("Rum för videomöten"),
            _("Rum för sekretessarbete"),
            _("Tillgänglig utan trappsteg"),
            _("Öppettider"),
            _("Kostnad per skrivbord och månad (kr)"),
            _("Kontakt"),
        ]

    def export_rows(self, queryset):
        for h in queryset.iterator(chunk_size=2000):
            yield [
                h.name,
                h.get_kind_display(),
                h.municipality.name,
                h.address,
                h.postcode,
                h.latitude,
                h.longitude,
                h.operator.name if h.operator else "",
                h.get_operator_type_display(),
                h.get_status_display(),
                h.status_since,
                h.desks,
                h.meeting_rooms,
                _yes_no(h.video_room),
                _yes_no(h.confidential_room),
                _yes_no(h.step_free),
                h.opening_hours,
                h.cost_per_desk_month,
                h.contact,
            ]


class HubMapView(TemplateView):
    """The filtered hubs as points over the kommun boundaries, drawn with no network.

    Filters and map are a cached part (:mod:`hubplan.pagecache`) per query string."""

    template_name = "hubs/hub_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["query_string"] = _query_string(self.request)
        context["map_html"] = pagecache.render(
            pagecache.HUB_MAP, self.request, "hubs/_hub_map.html", self.map_context
        )
        return context

    def map_context(self) -> dict:
        form = HubFilterForm(self.request.GET or None)
        hubs = selectors.hub_list(form.filters()).values(
            "pk", "name", "kind", "status", "desks", "latitude", "longitude", "municipality__name"
        )
        boundaries = [
            b for b in Municipality.objects.in_region().values_list("boundary", flat=True) if b
        ]
        figure = charts.hub_map(hubs, boundaries)
        return {
            "filter_form": form,
            "clear_url": self.request.path,
            "hub_count": len(hubs),
            "map": figure,
            "map_script": charts.figure_script(figure, "hub-map"),
        }


class HubDetailView(DetailView):
    template_name = "hubs/hub_detail.html"
    context_object_name = "hub"

    def get_object(self, queryset=None):
        try:
            return selectors.hub_detail(self.kwargs["pk"])
        except Hub.DoesNotExist:
            raise Http404 from None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        months = list(selectors.occupancy_by_month(self.object))
        critical_mass = self.object.critical_mass()
        context.update(
            history=selectors.status_history(self.object),
            months=months,
            recent_months=months[-12:][::-1],
            occupancy_chart=charts.occupancy_chart(months, critical_mass) if months else None,
            critical_mass=critical_mass,
            premises=PremisesCandidate.objects.filter(hub=self.object).first(),
        )
        return context


class HubCreateView(PlannerRequiredMixin, ServiceFormMixin, CreateView):
    model = Hub
    form_class = HubCreateForm
    template_name = "hubs/hub_form.html"

    def get_initial(self):
        return {"status_date": timezone.localdate()}

    def form_valid(self, form):
        hub = form.instance
        hub.status = form.cleaned_data["status"]
        created = self.apply_service(
            form,
            lambda: services.hub_create(
                hub=hub,
                user=self.request.user,
                status_date=form.cleaned_data["status_date"],
                users=form.cleaned_data["users"],
            ),
        )
        if created is None:
            hub.pk = None
            return self.form_invalid(form)
        messages.success(self.request, _("Hubben %(name)s är registrerad.") % {"name": hub.name})
        return HttpResponseRedirect(hub.get_absolute_url())


class HubUpdateView(PlannerRequiredMixin, ServiceFormMixin, UpdateView):
    model = Hub
    form_class = HubForm
    template_name = "hubs/hub_form.html"

    def form_valid(self, form):
        try:
            hub = self.apply_service(
                form,
                lambda: services.hub_update(
                    hub=form.instance,
                    user=self.request.user,
                    users=form.cleaned_data["users"],
                    lock_version=form.expected_lock_version,
                ),
            )
        except StaleEditError:
            # Someone saved since the form was opened: show their version beside the input.
            form.refuse_stale()
            return self.form_invalid(form)
        if hub is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Ändringarna är sparade."))
        return HttpResponseRedirect(hub.get_absolute_url())


class HubDeleteView(PlannerRequiredMixin, DeleteView):
    model = Hub
    template_name = "hubs/confirm_delete.html"
    success_url = reverse_lazy("hubs:list")

    def form_valid(self, form):
        name = self.object.name
        services.hub_delete(hub=self.object, user=self.request.user)
        messages.success(self.request, _("Hubben %(name)s är borttagen.") % {"name": name})
        return HttpResponseRedirect(self.get_success_url())


class HubObjectMixin:
    """Views under /hubs/<pk>/…: the hub in ``self.hub`` and the context."""

    @cached_property
    def hub(self) -> Hub:
        return get_object_or_404(Hub.objects.select_related("municipality"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["hub"] = self.hub
        return context


class HubStatusView(PlannerRequiredMixin, HubObjectMixin, ServiceFormMixin, FormView):
    form_class = HubStatusForm
    template_name = "hubs/hub_status_form.html"

    def get_initial(self):
        return {"date": timezone.localdate()}

    def form_valid(self, form):
        change = self.apply_service(
            form,
            lambda: services.hub_set_status(
                hub=self.hub,
                status=form.cleaned_data["status"],
                date=form.cleaned_data["date"],
                note=form.cleaned_data["note"],
                user=self.request.user,
            ),
        )
        if change is None:
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("Statusen är nu %(status)s.") % {"status": change.get_status_display()},
        )
        return redirect(self.hub)


class HubSettingsView(PlannerRequiredMixin, ServiceFormMixin, UpdateView):
    """The registry's settings (the default critical mass), for planners."""

    form_class = HubSettingsForm
    template_name = "hubs/hub_settings_form.html"

    def get_object(self, queryset=None):
        return HubSettings.current()

    def form_valid(self, form):
        saved = self.apply_service(
            form,
            lambda: services.hub_settings_update(settings=form.instance, user=self.request.user),
        )
        if saved is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Inställningarna är sparade."))
        return redirect("hubs:settings")


class MonthlyUseView(PlannerRequiredMixin, HubObjectMixin, ServiceFormMixin, FormView):
    """Record one month of a hub's use; a month already recorded is replaced."""

    form_class = MonthlyUseForm
    template_name = "hubs/monthly_use_form.html"

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = HubMonthlyUse(hub=self.hub)
        return kwargs

    def get_initial(self):
        return {"desks": self.hub.desks}

    def form_valid(self, form):
        result = self.apply_service(
            form, lambda: services.monthly_use_save(use=form.instance, user=self.request.user)
        )
        if result is None:
            return self.form_invalid(form)
        row, created = result
        messages.success(
            self.request,
            (
                _("Månaden %(month)s är registrerad.")
                if created
                else _("Månaden %(month)s är uppdaterad.")
            )
            % {"month": row.month.strftime("%Y-%m")},
        )
        return redirect(self.hub)


class MonthlyUseImportView(PlannerRequiredMixin, FormView):
    """Import monthly use for any hubs from CSV or XLSX, all rows or none.

    The file goes to the upload storage and the import runs as a job
    (``hubs.use_import`` in :mod:`hubs.tasks`); the page (``?job=<pk>``) shows its
    progress and then its report, from the job's result, on whichever server.
    """

    form_class = MonthlyUseImportForm
    template_name = "hubs/monthly_use_import.html"

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("template")
        if fmt in FORMATS:
            example = ["Gomorron Östersund", "Östersund", "2025-03", 21, 180, 12, 2, 3, 1, 5, 2]
            return table_response(
                imports.TEMPLATE_HEADERS, [example], filename="mall-hubbanvandning", fmt=fmt
            )
        return super().get(request, *args, **kwargs)

    @cached_property
    def job(self) -> Job | None:
        """The import ``?job=`` names, if it is the user's (any, for a superuser)."""
        pk = self.request.GET.get("job", "")
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            return None
        found = Job.objects.filter(pk=int(pk), kind=USE_IMPORT)
        if not self.request.user.is_superuser:
            found = found.filter(user=self.request.user)
        return found.first()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = imports.TEMPLATE_HEADERS
        job = self.job
        context["job"] = job
        if job is not None and job.status == Job.Status.FAILED:
            context["import_errors"] = job.result.get("errors", [])
            context["error_count"] = job.result.get("error_count", 0)
        return context

    def form_valid(self, form):
        job = jobs.enqueue(
            kind=USE_IMPORT,
            user=self.request.user,
            params={"language": get_language()},
            upload=save_upload(form.cleaned_data["file"]),
        )
        return redirect(f"{reverse('hubs:use-import')}?job={job.pk}")


# ---------------------------------------------------------------- premises


class PremisesListView(ExportableListMixin, ListView):
    template_name = "hubs/premises_list.html"
    context_object_name = "candidates"
    paginate_by = 50
    export_filename = "lampliga-lokaler"

    @cached_property
    def filter_form(self) -> PremisesFilterForm:
        return PremisesFilterForm(self.request.GET or None)

    def get_queryset(self):
        form = self.filter_form
        return selectors.premises_list(form.filters(), ordering=form.ordering())

    def export_headers(self):
        return [
            _("Plats"),
            _("Kommun"),
            _("Adress"),
            _("Postnummer"),
            _("Yta (m²)"),
            _("Möjliga skrivbord"),
            _("Månadshyra (kr)"),
            _("Tillgänglig från"),
            _("Samlokalisering med"),
            _("Status"),
            _("Hubb"),
            _("Bedömning"),
        ]

    def export_rows(self, queryset):
        for c in queryset.iterator(chunk_size=2000):
            yield [
                c.name,
                c.municipality.name,
                c.address,
                c.postcode,
                c.area_m2,
                c.desks_possible,
                c.monthly_rent,
                c.available_from,
                c.get_co_location_display(),
                c.get_status_display(),
                c.hub.name if c.hub else "",
                c.assessment,
            ]


class PremisesCreateView(PlannerRequiredMixin, ServiceFormMixin, CreateView):
    model = PremisesCandidate
    form_class = PremisesForm
    template_name = "hubs/premises_form.html"

    def form_valid(self, form):
        candidate = self.apply_service(
            form, lambda: services.premises_create(candidate=form.instance, user=self.request.user)
        )
        if candidate is None:
            form.instance.pk = None
            return self.form_invalid(form)
        messages.success(self.request, _("Lokalen är registrerad."))
        return redirect("hubs:premises-list")


class PremisesUpdateView(PlannerRequiredMixin, ServiceFormMixin, UpdateView):
    model = PremisesCandidate
    form_class = PremisesForm
    template_name = "hubs/premises_form.html"

    def form_valid(self, form):
        candidate = self.apply_service(
            form, lambda: services.premises_update(candidate=form.instance, user=self.request.user)
        )
        if candidate is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Ändringarna är sparade."))
        return redirect("hubs:premises-list")


class PremisesDeleteView(PlannerRequiredMixin, DeleteView):
    model = PremisesCandidate
    template_name = "hubs/confirm_delete.html"
    success_url = reverse_lazy("hubs:premises-list")

    def form_valid(self, form):
        services.premises_delete(candidate=self.object, user=self.request.user)
        messages.success(self.request, _("Lokalen är borttagen."))
        return HttpResponseRedirect(self.get_success_url())


class PremisesChooseView(PlannerRequiredMixin, DetailView):
    """Confirm (GET) and choose (POST) a premises: a planned hub is created from it."""

    model = PremisesCandidate
    template_name = "hubs/premises_choose.html"
    context_object_name = "candidate"

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        try:
            hub = services.premises_choose(candidate=self.object, user=request.user)
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
            return self.render_to_response(self.get_context_data(errors=errors), status=400)
        messages.success(
            request,
            _(
                "Lokalen är vald och hubben %(name)s är skapad som planerad; komplettera uppgifterna."
            )
            % {"name": hub.name},
        )
        return HttpResponseRedirect(reverse("hubs:update", args=[hub.pk]))


# ---------------------------------------------------------------- business cases

# What a case shows and exports, in order: (label, kind, value of (case, estimate)).
# ``kind`` tells the template how to format the value; None shows as "–".
CASE_FIGURES = (
    (gettext_lazy("Kommun"), "text", lambda c, e: c.municipality.name),
    (gettext_lazy("Lämplig lokal"), "text", lambda c, e: c.premises.name if c.premises else ""),
    (gettext_lazy("Skrivbord"), "int", lambda c, e: c.desks),
    (gettext_lazy("Öppna dagar per år"), "int", lambda c, e: c.open_days_per_year),
    (gettext_lazy("Kostnad per år (kr)"), "kr", lambda c, e: e.yearly_cost),
    (gettext_lazy("Hubbdagar per vecka (N)"), "dec1", lambda c, e: c.days_per_week),
    (gettext_lazy("Medlemmar enligt enkäten"), "int", lambda c, e: e.members),
    (gettext_lazy("Hubbdagar per medlem och vecka"), "dec2", lambda c, e: e.hub_days_per_member),
    (gettext_lazy("Efterfrågade platsdagar per år"), "int", lambda c, e: e.desk_days_demand),
    (gettext_lazy("Kapacitet (platsdagar per år)"), "int", lambda c, e: e.capacity),
    (gettext_lazy("Beläggning"), "pct", lambda c, e: e.occupancy),
    (gettext_lazy("Efterfrågan större än kapaciteten"), "bool", lambda c, e: e.over_capacity),
    (gettext_lazy("Kostnad per platsdag (kr)"), "kr2", lambda c, e: e.cost_per_desk_day),
    (
        gettext_lazy("Referenspris per platsdag (kr)"),
        "kr2",
        lambda c, e: c.reference_price_per_desk_day,
    ),
    (gettext_lazy("Medlemmar för att bära sig"), "int", lambda c, e: e.break_even_members),
    (gettext_lazy("Kritisk massa (medlemmar)"), "int", lambda c, e: e.critical_mass),
    (gettext_lazy("Sparade km per år"), "int", lambda c, e: e.km_saved),
    (gettext_lazy("Sparade restimmar per år"), "int", lambda c, e: e.hours_saved),
    (gettext_lazy("Sparad CO₂e per år (kg)"), "int", lambda c, e: e.co2_kg_saved),
)


def _export_value(kind, value):
    """Export cells: percent as a number with one decimal, counts whole, money to the öre."""
    if value is None:
        return None
    if kind == "pct":
        return round(100 * value, 1)
    if kind == "int" and not isinstance(value, int):
        return int(value.quantize(Decimal("1")))
    if kind == "bool":
        return _yes_no(value)
    return value


def _case_export(cases, estimates, filename):
    headers = [_("Namn")] + [str(label) for label, _kind, _get in CASE_FIGURES]
    if any(estimates[c.pk].suppressed for c in cases):
        headers.append(_("Anmärkning"))
    rows = []
    for c in cases:
        e = estimates[c.pk]
        row = [c.name] + [_export_value(kind, get(c, e)) for _l, kind, get in CASE_FIGURES]
        if len(headers) > len(CASE_FIGURES) + 1:
            row.append(_("Färre än 5 svarande: döljs") if e.suppressed else "")
        rows.append(row)
    return rows, headers


class BusinessCaseMixin:
    """Context every business-case page shares: the assumptions behind the estimates."""

    @cached_property
    def critical_mass(self) -> int:
        """The planners' default critical mass (HubSettings), read once per page."""
        return HubSettings.current().critical_mass_members

    def assumptions(self) -> dict:
        return {
            "weeks": analysis.work_weeks_per_year(),
            "emission_factors": [
                (SurveyResponse.Mode(mode).label if mode in SurveyResponse.Mode else mode, f)
                for mode, f in analysis.emission_factors().items()
            ],
            "emission_source": analysis.EMISSION_FACTOR_SOURCE,
            "critical_mass": self.critical_mass,
            "open_days_per_month": business_case.OPEN_DAYS_PER_MONTH,
        }


class BusinessCaseListView(BusinessCaseMixin, ExportableListMixin, ListView):
    """Saved cases with their key estimates; tick some to compare them side by side."""

    template_name = "hubs/business_case_list.html"
    context_object_name = "cases"
    paginate_by = 50
    export_filename = "kalkyler"

    @cached_property
    def filter_form(self) -> BusinessCaseFilterForm:
        return BusinessCaseFilterForm(self.request.GET or None)

    def get_queryset(self):
        form = self.filter_form
        return selectors.business_case_list(form.filters(), ordering=form.ordering())

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            cases = list(self.get_queryset())
            estimates = selectors.business_case_estimates(
                cases, request.user, critical_mass=self.critical_mass
            )
            rows, headers = _case_export(cases, estimates, self.export_filename)
            return table_response(headers, rows, filename=self.export_filename, fmt=fmt)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases = list(context["cases"])
        estimates = selectors.business_case_estimates(
            cases, self.request.user, critical_mass=self.critical_mass
        )
        for case in cases:
            case.estimate = estimates[case.pk]
        context.update(
            cases=cases,
            any_suppressed=any(e.suppressed for e in estimates.values()),
            **self.assumptions(),
        )
        return context


class BusinessCaseDetailView(BusinessCaseMixin, DetailView):
    template_name = "hubs/business_case_detail.html"
    context_object_name = "case"

    def get_queryset(self):
        return selectors.business_case_list()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = self.object
        context.update(
            estimate=selectors.business_case_estimates(
                [case], self.request.user, critical_mass=self.critical_mass
            )[case.pk],
            survey_round=selectors.estimated_round(case),
            **self.assumptions(),
        )
        return context


class BusinessCaseCreateView(PlannerRequiredMixin, ServiceFormMixin, CreateView):
    """A new case; ``?premises=<pk>`` (the premises list's "Beräkna kalkyl") prefills it."""

    model = BusinessCase
    form_class = BusinessCaseForm
    template_name = "hubs/business_case_form.html"

    @cached_property
    def premises(self) -> PremisesCandidate | None:
        pk = self.request.GET.get("premises")
        if not (pk and pk.isdigit()):
            return None
        return PremisesCandidate.objects.select_related("municipality").filter(pk=pk).first()

    def get_initial(self):
        initial = {"reference_price_per_desk_day": selectors.reference_price_per_desk_day()}
        if p := self.premises:
            initial.update(
                name=_("Hubb i %(premises)s") % {"premises": p.name},
                premises=p.pk,
                municipality=p.municipality_id,
                desks=p.desks_possible or None,
                monthly_rent=p.monthly_rent,
            )
        return initial

    def form_valid(self, form):
        case = self.apply_service(
            form,
            lambda: services.business_case_create(case=form.instance, user=self.request.user),
        )
        if case is None:
            form.instance.pk = None
            return self.form_invalid(form)
        messages.success(self.request, _("Kalkylen är sparad."))
        return HttpResponseRedirect(case.get_absolute_url())


class BusinessCaseUpdateView(PlannerRequiredMixin, ServiceFormMixin, UpdateView):
    model = BusinessCase
    form_class = BusinessCaseForm
    template_name = "hubs/business_case_form.html"

    def form_valid(self, form):
        case = self.apply_service(
            form,
            lambda: services.business_case_update(case=form.instance, user=self.request.user),
        )
        if case is None:
            return self.form_invalid(form)
        messages.success(self.request, _("Ändringarna är sparade."))
        return HttpResponseRedirect(case.get_absolute_url())


class BusinessCaseDeleteView(PlannerRequiredMixin, DeleteView):
    model = BusinessCase
    template_name = "hubs/business_case_confirm_delete.html"
    success_url = reverse_lazy("hubs:business-case")

    def form_valid(self, form):
        services.business_case_delete(case=self.object, user=self.request.user)
        messages.success(self.request, _("Kalkylen är borttagen."))
        return HttpResponseRedirect(self.get_success_url())


class BusinessCaseCompareView(BusinessCaseMixin, TemplateView):
    """Chosen cases side by side (``?ids=1&ids=2``), with a chart and CSV/XLSX export."""

    template_name = "hubs/business_case_compare.html"
    MAX_CASES = 20

    @cached_property
    def cases(self) -> list[BusinessCase]:
        ids = [i for i in self.request.GET.getlist("ids") if i.isdigit()][: self.MAX_CASES]
        return list(selectors.business_case_list().filter(pk__in=ids)) if ids else []

    @cached_property
    def estimates(self):
        return selectors.business_case_estimates(
            self.cases, self.request.user, critical_mass=self.critical_mass
        )

    def get(self, request, *args, **kwargs):
        fmt = request.GET.get("format")
        if fmt in FORMATS and self.cases:
            rows, headers = _case_export(self.cases, self.estimates, "kalkyler")
            return table_response(headers, rows, filename="jamforelse-kalkyler", fmt=fmt)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        cases, estimates = self.cases, self.estimates
        context.update(
            cases=cases,
            figures=[
                (label, kind, [get(c, estimates[c.pk]) for c in cases])
                for label, kind, get in CASE_FIGURES
            ],
            any_suppressed=any(e.suppressed for e in estimates.values()),
            chart=charts.business_case_chart(cases, estimates, self.critical_mass)
            if cases
            else None,
            query_string=_query_string(self.request),
            **self.assumptions(),
        )
        return context
