"""Pages of the hub registry: list, map, hub page, edit forms, monthly use, premises.

Reading is open to every signed-in user; every write needs Planerare
(PlannerRequiredMixin, 403 otherwise) and goes through hubs.services.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
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

from hubplan.access import PlannerRequiredMixin
from hubplan.exports import FORMATS, table_response
from hubs import charts, imports, selectors, services
from hubs.forms import (
    HubCreateForm,
    HubFilterForm,
    HubForm,
    HubStatusForm,
    MonthlyUseForm,
    MonthlyUseImportForm,
    PremisesFilterForm,
    PremisesForm,
)
from hubs.models import Hub, HubMonthlyUse, PremisesCandidate
from mapping.models import Municipality


def _query_string(request) -> str:
    """The GET parameters without page and format, for pagination and export links."""
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def _yes_no(value: bool) -> str:
    return _("ja") if value else _("nej")


class ServiceFormMixin:
    """Turn a service's ValidationError into field errors on the form (nothing is saved)."""

    def apply_service(self, form, call):
        try:
            return call()
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
            return None


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
    """The filtered hubs as points over the kommun boundaries, drawn with no network."""

    template_name = "hubs/hub_map.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = HubFilterForm(self.request.GET or None)
        hubs = selectors.hub_list(form.filters()).values(
            "pk", "name", "kind", "status", "desks", "latitude", "longitude", "municipality__name"
        )
        boundaries = [
            b for b in Municipality.objects.in_region().values_list("boundary", flat=True) if b
        ]
        context.update(
            filter_form=form,
            hub_count=len(hubs),
            map=charts.hub_map(hubs, boundaries),
            query_string=_query_string(self.request),
        )
        return context


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
        context.update(
            history=selectors.status_history(self.object),
            months=months,
            recent_months=months[-12:][::-1],
            occupancy_chart=charts.occupancy_chart(months) if months else None,
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
        hub = self.apply_service(
            form,
            lambda: services.hub_update(
                hub=form.instance, user=self.request.user, users=form.cleaned_data["users"]
            ),
        )
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
    """Import monthly use for any hubs from CSV or XLSX, all rows or none."""

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

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = imports.TEMPLATE_HEADERS
        return context

    def form_valid(self, form):
        result = imports.import_file(form.cleaned_data["file"], user=self.request.user)
        if not result.ok:
            form.add_error("file", _("Filen innehåller fel; ingenting har sparats."))
            return self.render_to_response(
                self.get_context_data(form=form, import_errors=result.errors)
            )
        messages.success(
            self.request,
            _(
                "Importen är klar: %(created)s nya månader, %(updated)s uppdaterade, %(unchanged)s oförändrade."
            )
            % {"created": result.created, "updated": result.updated, "unchanged": result.unchanged},
        )
        return redirect("hubs:list")


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
