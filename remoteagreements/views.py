"""Pages of the agreement register and the statistics. Thin: access, forms, then a service call.

Access: the register (employees, agreements) needs HR, or being the employee's
manager (or the employee); others get 403. A manager asking for someone else's
staff gets 404, as if it did not exist. The statistics page is for everyone.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Exists, OuterRef, Q
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.generic import DetailView, FormView, ListView, TemplateView

from hubplan.access import HRRequiredMixin, is_hr
from hubplan.exports import FORMATS, query_rows, streaming_table_response, table_response
from hubplan.locking import StaleEditError
from hubplan.privacy import visible, visible_share
from mapping.models import Municipality, Organisation
from remoteagreements import charts, rules, selectors, services
from remoteagreements.checklist import sections
from remoteagreements.forms import (
    AgreementForm,
    EmployeeForm,
    EmployeeSignatureForm,
    EndForm,
    EquipmentFormSet,
    FollowUpForm,
    ManagerSignatureForm,
    RenewForm,
    equipment_from,
)
from remoteagreements.models import DistanceAgreement, Employee, PersonnummerAccess
from remoteagreements.pdf import agreement_pdf
from remoteagreements.visibility import is_manager, may_use_register

Status = DistanceAgreement.Status


class RegisterAccessMixin:
    """403 unless the user is HR, a manager, or an employee with an account."""

    def dispatch(self, request, *args, **kwargs):
        if not may_use_register(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def _names(pairs) -> dict:
    """{pk: name} of a small table (kommuner, organisations), read once per export."""
    return dict(pairs)


def _labels(choices) -> dict[str, str]:
    """{value: label} with each label translated once, for an export's rows."""
    return {value: str(label) for value, label in choices}


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _refuse(request, exc, target) -> HttpResponseRedirect:
    """Show a refused step's reasons as messages and go back; nothing was saved."""
    for message in _errors(exc) if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)
    return redirect(target)


def _log_unmasked(request, employees) -> None:
    """Write the personnummer access log for a page that shows full numbers (HR only)."""
    services.log_personnummer_access(
        user=request.user, employees=employees, page=request.resolver_match.view_name
    )


class ExportMixin:
    """``?format=csv|xlsx`` turns the filtered list into a download (no personnummer).

    The download is streamed (:func:`hubplan.exports.streaming_table_response`): a
    national register has 300 000 employees and 60 000 agreements. ``export_rows``
    gives plain rows from a server-side cursor, every label looked up in a dict made
    once, so memory stays flat and no model instance is built.
    """

    export_name = "export"
    # The name the export job (remoteagreements.tasks) knows this list by.
    export_key = ""

    def get(self, request, *args, **kwargs):
        # Before ListView.get: the export needs neither the page nor its context.
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            if fmt == "xlsx" and self.export_is_large():
                return self.export_as_job()
            headers, rows = self.export_rows()
            return streaming_table_response(headers, rows, filename=self.export_name, fmt=fmt)
        return super().get(request, *args, **kwargs)

    def export_queryset(self):
        """The rows the export holds (the list's, unpaginated)."""
        return self.get_queryset()

    def export_is_large(self) -> bool:
        """More rows than EXPORT_JOB_ROWS: a workbook that takes longer to write than a
        web request should (300 000 employees: 24 s), so the worker builds it."""
        limit = settings.EXPORT_JOB_ROWS
        return self.export_queryset()[limit : limit + 1].exists()

    def export_as_job(self):
        from hubplan import jobs

        query = self.request.GET.copy()
        query.pop("format", None)
        job = jobs.enqueue(
            kind="remoteagreements.export",
            user=self.request.user,
            params={
                "list": self.export_key,
                "query": query.urlencode(),
                "language": get_language(),
            },
        )
        return redirect(job)


# --- agreements ------------------------------------------------------------------

AGREEMENT_SORTS = {
    "start": "start_date",
    "-start": "-start_date",
    "end": "end_date",
    "-end": "-end_date",
    "name": "employee__name",
    "-name": "-employee__name",
    "follow_up": "next_follow_up_due",
}


class AgreementListView(RegisterAccessMixin, ExportMixin, ListView):
    """Agreements the user may see, filtered and sorted, with what needs doing at the top."""

    template_name = "remoteagreements/agreement_list.html"
    context_object_name = "agreements"
    paginate_by = 50
    export_name = "distansarbetsavtal"
    export_key = "agreements"

    @cached_property
    def filters(self) -> dict:
        g = self.request.GET
        return {
            "q": g.get("q", "").strip(),
            "status": g.get("status", "") if g.get("status") in Status.values else "",
            "place": g.get("place", "") if g.get("place") in DistanceAgreement.Place.values else "",
            "administration": g.get("administration", "")
            if g.get("administration", "").isdigit()
            else "",
            "sort": g.get("sort", "") if g.get("sort") in AGREEMENT_SORTS else "",
        }

    def get_queryset(self):
        f = self.filters
        qs = selectors.visible_agreements(self.request.user)
        if f["q"]:
            qs = qs.filter(employee__name__icontains=f["q"])
        if f["status"]:
            qs = qs.filter(status=f["status"])
        if f["place"]:
            qs = qs.filter(place_kind=f["place"])
        if f["administration"]:
            qs = qs.filter(employee__administration_id=f["administration"])
        return qs.order_by(AGREEMENT_SORTS.get(f["sort"], "-start_date"), "pk")

    def export_rows(self):
        headers = [
            _("Avtal"),
            _("Version"),
            _("Medarbetare"),
            _("Förvaltning"),
            _("Enhet"),
            _("Hemkommun"),
            _("Status"),
            _("Gäller från"),
            _("Gäller till"),
            _("Plats"),
            _("Dagar på ordinarie arbetsplats"),
            _("Nästa uppföljning"),
        ]
        # Settled here, in the request: the rows are read after the view has returned.
        organisations = _names(Organisation.objects.values_list("pk", "name"))
        kommuner = _names(Municipality.objects.values_list("code", "name"))
        statuses = _labels(Status.choices)
        places = _labels(DistanceAgreement.Place.choices)
        queryset = self.get_queryset().values_list(
            "pk",
            "version",
            "employee__name",
            "employee__administration_id",
            "employee__unit",
            "employee__home_municipality_id",
            "status",
            "start_date",
            "end_date",
            "place_kind",
            "days_at_workplace",
            "next_follow_up_due",
        )

        def row(r):
            pk, version, name, administration, unit, home, status, start, end, place, days, due = r
            return (
                pk,
                version,
                name,
                organisations[administration],
                unit,
                kommuner[home],
                statuses.get(status, status),
                start,
                end,
                places.get(place, place),
                days,
                due,
            )

        return headers, map(row, query_rows(queryset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        user = self.request.user
        context.update(
            filters=self.filters,
            statuses=Status.choices,
            places=DistanceAgreement.Place.choices,
            # EXISTS, not a join with DISTINCT over every employee.
            administrations=Organisation.objects.filter(
                Exists(Employee.objects.filter(administration=OuterRef("pk")))
            ),
            sorts=AGREEMENT_SORTS,
            query_string=urlencode({k: v for k, v in self.filters.items() if v}),
            overdue=list(selectors.overdue_follow_ups(user, today)[:25]),
            ending=list(selectors.ending_soon(user, today)[:25]),
            today=today,
        )
        return context


def _agreement_for(request, pk) -> DistanceAgreement:
    """The agreement if ``request.user`` may see it; 404 otherwise (even if it exists)."""
    return get_object_or_404(
        selectors.visible_agreements(request.user).prefetch_related("equipment"), pk=pk
    )


class AgreementDetailView(RegisterAccessMixin, DetailView):
    template_name = "remoteagreements/agreement_detail.html"
    context_object_name = "agreement"

    def get_object(self, queryset=None):
        return _agreement_for(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        a = self.object
        user = self.request.user
        unmasked = is_hr(user)
        if unmasked:
            _log_unmasked(self.request, [a.employee_id])
        context.update(
            sections=sections(a, show_personnummer=unmasked),
            violations=rules.violations(a),
            warnings=rules.warnings(a),
            follow_ups=a.follow_ups.select_related("recorded_by"),
            history=_history(a),
            is_manager_of=a.employee.manager_id == user.pk,
            overdue=a.follow_up_overdue(),
        )
        return context


def _history(agreement: DistanceAgreement) -> list[DistanceAgreement]:
    """All versions of this agreement, oldest first (a handful of rows, one query each step)."""
    chain = [agreement]
    current = agreement
    while current.previous_version_id:
        current = DistanceAgreement.objects.get(pk=current.previous_version_id)
        chain.insert(0, current)
    following = DistanceAgreement.objects.filter(previous_version=agreement).first()
    while following:
        chain.append(following)
        following = DistanceAgreement.objects.filter(previous_version=following).first()
    return chain


class AgreementFormMixin:
    """Agreement form plus the equipment formset, saved through one service call."""

    template_name = "remoteagreements/agreement_form.html"

    def get_formset(self, instance=None):
        data = self.request.POST if self.request.method == "POST" else None
        return EquipmentFormSet(data, instance=instance or DistanceAgreement(), prefix="equipment")


class AgreementCreateView(HRRequiredMixin, AgreementFormMixin, FormView):
    form_class = AgreementForm

    def get_initial(self):
        initial = {
            "reimbursement_terms": str(
                DistanceAgreement._meta.get_field("reimbursement_terms").default
            )
        }
        if self.request.GET.get("employee", "").isdigit():
            initial["employee"] = self.request.GET["employee"]
        return initial

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset())
        kwargs["title"] = _("Nytt distansarbetsavtal")
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset()
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        data = dict(form.cleaned_data)
        employee = data.pop("employee")
        try:
            agreement = services.agreement_create(
                employee=employee,
                created_by=request.user,
                equipment=equipment_from(formset),
                **data,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        messages.success(request, _("Avtalet är sparat som utkast."))
        return redirect(agreement)


class AgreementUpdateView(HRRequiredMixin, AgreementFormMixin, FormView):
    """Edit an agreement nobody has signed; ended or signed ones are refused with a message."""

    form_class = AgreementForm

    @cached_property
    def agreement(self):
        return _agreement_for(self.request, self.kwargs["pk"])

    def get(self, request, *args, **kwargs):
        if refused := self._refusal():
            return refused
        return super().get(request, *args, **kwargs)

    def _refusal(self):
        a = self.agreement
        if a.status == Status.ENDED:
            return _refuse(self.request, ValidationError(services.ERR_ENDED), a)
        if not a.is_editable:
            return _refuse(self.request, ValidationError(services.ERR_SIGNED), a)
        return None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.agreement
        return kwargs

    def get_context_data(self, **kwargs):
        kwargs.setdefault("formset", self.get_formset(self.agreement))
        kwargs["title"] = _("Ändra distansarbetsavtal")
        kwargs["agreement"] = self.agreement
        return super().get_context_data(**kwargs)

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        formset = self.get_formset(self.agreement)
        if refused := self._refusal():
            if self._opened_before_last_save(form):
                # Signed or ended since the form was opened: keep the input, say why.
                ended = self.agreement.status == Status.ENDED
                reason = services.ERR_ENDED if ended else services.ERR_SIGNED
                return self._stale(form, formset, reason=reason)
            return refused
        if not (form.is_valid() and formset.is_valid()):
            return self.render_to_response(self.get_context_data(form=form, formset=formset))
        data = {k: v for k, v in form.cleaned_data.items() if k != "employee"}
        try:
            services.agreement_update(
                agreement=form.instance,
                equipment=equipment_from(formset),
                lock_version=form.expected_lock_version,
                **data,
            )
        except StaleEditError:
            return self._stale(form, formset)
        except ValidationError as exc:
            return _refuse(request, exc, self.agreement)
        messages.success(request, _("Avtalet är sparat."))
        return redirect(self.agreement)

    def _opened_before_last_save(self, form) -> bool:
        """Whether the posted form carries an older ``lock_version`` than the stored one."""
        posted = form["lock_version"].data
        return str(posted).isdigit() and int(posted) != self.agreement.lock_version

    def _stale(self, form, formset, reason=None):
        """Someone saved first: the form again with the input, the message and what is saved."""
        form.is_valid()  # refuse_stale compares the input with what is stored
        form.refuse_stale(reason=reason)
        # The equipment rows are a formset beside the form: name the saved ones if they differ.
        saved = list(self.agreement.equipment.order_by("pk"))
        if formset.is_valid():
            fields = services.EQUIPMENT_FIELDS
            posted = sorted(tuple(str(r[k]) for k in fields) for r in equipment_from(formset))
            stored = sorted(tuple(str(getattr(i, k)) for k in fields) for i in saved)
            if posted != stored:
                items = "; ".join(str(i) for i in saved) or _("ingen")
                form.add_error(None, _("Utrustning som nu är sparad: %(items)s") % {"items": items})
        return self.render_to_response(self.get_context_data(form=form, formset=formset))


class AgreementActionView(RegisterAccessMixin, View):
    """A POST-only step on one agreement; refusals become messages on the agreement page."""

    http_method_names = ["post"]

    def post(self, request, pk):
        agreement = _agreement_for(request, pk)
        try:
            result = self.act(agreement)
        except (ValidationError, PermissionDenied) as exc:
            return _refuse(request, exc, agreement)
        return redirect(result or agreement)


class AgreementSubmitView(HRRequiredMixin, AgreementActionView):
    def act(self, agreement):
        services.agreement_submit(agreement=agreement, by=self.request.user)
        messages.success(self.request, _("Avtalet väntar nu på medarbetarens underskrift."))


class AgreementNewVersionView(HRRequiredMixin, AgreementActionView):
    def act(self, agreement):
        new = services.agreement_new_version(agreement=agreement, by=self.request.user)
        messages.success(
            self.request,
            _(
                "Version %(v)s är skapad som utkast. Den gällande versionen gäller tills den nya är underskriven."
            )
            % {"v": new.version},
        )
        return reverse("agreements:edit", args=[new.pk])


class AgreementSignView(RegisterAccessMixin, TemplateView):
    """Signatures: HR records the employee's (from paper), or the employee signs; then the manager."""

    template_name = "remoteagreements/agreement_sign.html"

    @cached_property
    def agreement(self):
        return _agreement_for(self.request, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        a = self.agreement
        unmasked = is_hr(self.request.user)
        if unmasked:
            _log_unmasked(self.request, [a.employee_id])
        context.update(
            agreement=a,
            sections=sections(a, show_personnummer=unmasked),
            violations=rules.violations(a),
            employee_form=kwargs.get("employee_form") or EmployeeSignatureForm(),
            manager_form=kwargs.get("manager_form") or ManagerSignatureForm(),
            is_manager_of=a.employee.manager_id == self.request.user.pk,
            is_employee=a.employee.user_id == self.request.user.pk,
        )
        return context

    def post(self, request, *args, **kwargs):
        a = self.agreement
        who = request.POST.get("signature")
        form = (ManagerSignatureForm if who == "manager" else EmployeeSignatureForm)(request.POST)
        if not form.is_valid():
            key = "manager_form" if who == "manager" else "employee_form"
            return self.render_to_response(self.get_context_data(**{key: form}))
        try:
            if who == "manager":
                services.agreement_sign_manager(agreement=a, manager=request.user)
                messages.success(request, _("Chefens underskrift är registrerad. Avtalet gäller."))
            else:
                on_paper = a.employee.user_id != request.user.pk
                services.agreement_sign_employee(agreement=a, by=request.user, on_paper=on_paper)
                messages.success(request, _("Medarbetarens underskrift är registrerad."))
        except (ValidationError, PermissionDenied) as exc:
            return _refuse(request, exc, a)
        return redirect(a)


class AgreementEndView(HRRequiredMixin, FormView):
    template_name = "remoteagreements/form.html"
    form_class = EndForm

    @cached_property
    def agreement(self):
        return _agreement_for(self.request, self.kwargs["pk"])

    def get_initial(self):
        return {"on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        kwargs.update(
            agreement=self.agreement,
            title=_("Avsluta avtal"),
            intro=_(
                "Avsluta ett gällande avtal vid uppsägning, när avtalstiden löpt ut eller i samförstånd. Datum och skäl sparas."
            ),
            submit=_("Avsluta avtalet"),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            services.agreement_end(
                agreement=self.agreement,
                by=self.request.user,
                on=d["on"],
                reason=d["reason"],
                note=d["note"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                form.add_error(None, exc.error_dict.get("on", exc.messages))
                return self.form_invalid(form)
            return _refuse(self.request, exc, self.agreement)
        messages.success(self.request, _("Avtalet är avslutat."))
        return redirect(self.agreement)


class AgreementFollowUpView(RegisterAccessMixin, FormView):
    """The yearly follow-up, recorded by HR or the employee's manager."""

    template_name = "remoteagreements/form.html"
    form_class = FollowUpForm

    @cached_property
    def agreement(self):
        return _agreement_for(self.request, self.kwargs["pk"])

    def dispatch(self, request, *args, **kwargs):
        if not may_use_register(request.user) or not (
            is_hr(request.user) or self.agreement.employee.manager_id == request.user.pk
        ):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        return {"held_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        kwargs.update(
            agreement=self.agreement,
            title=_("Årlig uppföljning"),
            intro=_(
                "Avtalet följs upp minst en gång per år. Nästa uppföljning blir ett år efter den här."
            ),
            submit=_("Spara uppföljningen"),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        d = form.cleaned_data
        try:
            services.agreement_follow_up(
                agreement=self.agreement,
                by=self.request.user,
                held_on=d["held_on"],
                outcome=d["outcome"],
                notes=d["notes"],
            )
        except ValidationError as exc:
            return _refuse(self.request, exc, self.agreement)
        messages.success(self.request, _("Uppföljningen är sparad."))
        return redirect(self.agreement)


class AgreementRenewView(HRRequiredMixin, FormView):
    template_name = "remoteagreements/form.html"
    form_class = RenewForm

    @cached_property
    def agreement(self):
        return _agreement_for(self.request, self.kwargs["pk"])

    def get_initial(self):
        start = self.agreement.end_date + timedelta(days=1)
        return {"start_date": start, "end_date": services.one_year_after(start) - timedelta(days=1)}

    def get_context_data(self, **kwargs):
        kwargs.update(
            agreement=self.agreement,
            title=_("Förnya avtal"),
            intro=_(
                "Förnyelsen blir ett nytt avtal (utkast) med samma innehåll, kopplat till det gamla. Ändra och skriv under det som vanligt."
            ),
            submit=_("Förnya"),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            renewal = services.agreement_renew(
                agreement=self.agreement, by=self.request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            return _refuse(self.request, exc, self.agreement)
        messages.success(self.request, _("Det förnyade avtalet är skapat som utkast."))
        return redirect(renewal)


class AgreementPrintView(AgreementDetailView):
    template_name = "remoteagreements/agreement_print.html"


class AgreementPdfView(RegisterAccessMixin, View):
    def get(self, request, pk):
        agreement = _agreement_for(request, pk)
        unmasked = is_hr(request.user)
        if unmasked:
            _log_unmasked(request, [agreement.employee_id])
        pdf = agreement_pdf(agreement, show_personnummer=unmasked)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="distansarbetsavtal-{agreement.pk}-v{agreement.version}.pdf"'
        )
        return response


# --- employees -------------------------------------------------------------------


class EmployeeListView(RegisterAccessMixin, ExportMixin, ListView):
    template_name = "remoteagreements/employee_list.html"
    context_object_name = "employees"
    paginate_by = 50
    export_name = "medarbetare"
    export_key = "employees"

    def export_queryset(self):
        return self.filtered_queryset()

    @cached_property
    def filters(self) -> dict:
        g = self.request.GET
        return {
            "q": g.get("q", "").strip(),
            "home": g.get("home", "") if g.get("home", "").isdigit() else "",
            "administration": g.get("administration", "")
            if g.get("administration", "").isdigit()
            else "",
        }

    def get_queryset(self):
        today = timezone.localdate()
        return self.filtered_queryset().annotate(
            has_active=Count("agreements", filter=selectors.active_q(today, "agreements__"))
        )

    def filtered_queryset(self):
        """The employees the user may see, filtered and ordered as the list."""
        f = self.filters
        qs = selectors.visible_employees(self.request.user)
        if f["q"]:
            qs = qs.filter(Q(name__icontains=f["q"]) | Q(unit__icontains=f["q"]))
        if f["home"]:
            qs = qs.filter(home_municipality_id=f["home"])
        if f["administration"]:
            qs = qs.filter(administration_id=f["administration"])
        return qs.order_by("name", "pk")

    def export_rows(self):
        headers = [
            _("Namn"),
            _("Förvaltning"),
            _("Enhet"),
            _("Ordinarie arbetsplats"),
            _("Hemkommun"),
            _("Chef"),
            _("Gällande avtal"),
        ]
        organisations = _names(Organisation.objects.values_list("pk", "name"))
        kommuner = _names(Municipality.objects.values_list("code", "name"))
        today = timezone.localdate()
        # EXISTS, not the list's COUNT over a join: no GROUP BY over 300 000 employees.
        queryset = (
            self.filtered_queryset()
            .annotate(
                active=Exists(
                    DistanceAgreement.objects.filter(
                        selectors.active_q(today), employee=OuterRef("pk")
                    )
                )
            )
            .values_list(
                "name",
                "administration_id",
                "unit",
                "workplace",
                "home_municipality_id",
                "manager__first_name",
                "manager__last_name",
                "manager__username",
                "active",
            )
        )

        def row(r):
            name, administration, unit, workplace, home, first, last, username, active = r
            return (
                name,
                organisations[administration],
                unit,
                workplace,
                kommuner[home],
                # As User.get_full_name(), or the username when there is no name.
                f"{first} {last}".strip() or username,
                active,
            )

        return headers, map(row, query_rows(queryset))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filters=self.filters,
            municipalities=Municipality.objects.filter(
                Exists(Employee.objects.filter(home_municipality=OuterRef("pk")))
            ).order_by("name"),
            # EXISTS, not a join with DISTINCT over every employee.
            administrations=Organisation.objects.filter(
                Exists(Employee.objects.filter(administration=OuterRef("pk")))
            ),
            query_string=urlencode({k: v for k, v in self.filters.items() if v}),
        )
        return context


class EmployeeDetailView(RegisterAccessMixin, DetailView):
    template_name = "remoteagreements/employee_detail.html"
    context_object_name = "employee"

    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.visible_employees(self.request.user), pk=self.kwargs["pk"]
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        e = self.object
        p = e.personnummer
        if is_hr(self.request.user):
            _log_unmasked(self.request, [e.pk])
            context["personnummer"] = f"{p[:8]}-{p[8:]}"
        else:
            context["personnummer"] = e.masked_personnummer
        context["agreements"] = e.agreements.order_by("-start_date", "-version")
        return context


class EmployeeCreateView(HRRequiredMixin, FormView):
    template_name = "remoteagreements/form.html"
    form_class = EmployeeForm

    def get_context_data(self, **kwargs):
        kwargs.update(
            title=_("Ny medarbetare"),
            intro=_(
                "Registrera en medarbetare som ska ha ett distansarbetsavtal. Personnumret kontrolleras och sparas med tolv siffror."
            ),
            submit=_("Spara"),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            employee = services.employee_create(**form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Medarbetaren är sparad."))
        return redirect(employee)


class EmployeeUpdateView(HRRequiredMixin, FormView):
    template_name = "remoteagreements/form.html"
    form_class = EmployeeForm

    @cached_property
    def employee(self):
        return get_object_or_404(Employee, pk=self.kwargs["pk"])

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["instance"] = self.employee
        return kwargs

    def get_context_data(self, **kwargs):
        # The form shows the full number (HR only: HRRequiredMixin).
        _log_unmasked(self.request, [self.employee.pk])
        kwargs.update(
            title=_("Ändra medarbetare"),
            intro=_(
                "Ändra uppgifterna om medarbetaren. Underskrivna avtal påverkas inte av ändringen av avtalstexten."
            ),
            submit=_("Spara"),
        )
        return super().get_context_data(**kwargs)

    def form_valid(self, form):
        try:
            employee = services.employee_update(employee=form.instance)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, _("Medarbetaren är sparad."))
        return redirect(employee)


# --- personnummer access log -----------------------------------------------------

# The pages that show a full personnummer, by URL name, as the log page names them.
ACCESS_LOG_PAGES = {
    "agreements:detail": _lazy("Avtal"),
    "agreements:print": _lazy("Utskrift av avtal"),
    "agreements:pdf": _lazy("Avtal som PDF"),
    "agreements:sign": _lazy("Underskrifter"),
    "agreements:employee-detail": _lazy("Medarbetare"),
    "agreements:employee-edit": _lazy("Ändra medarbetare"),
}


class SuperuserRequiredMixin:
    """403 for everyone but active superusers (HR included: HR must not audit itself)."""

    def dispatch(self, request, *args, **kwargs):
        if not (request.user.is_active and request.user.is_superuser):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class PersonnummerAccessLogView(SuperuserRequiredMixin, ListView):
    """Who was shown whose full personnummer, when and where; newest first, filterable."""

    template_name = "remoteagreements/access_log.html"
    context_object_name = "accesses"
    paginate_by = 50

    @cached_property
    def filters(self) -> dict:
        g = self.request.GET
        return {
            "employee": g.get("employee", "") if g.get("employee", "").isdigit() else "",
            "user": g.get("user", "") if g.get("user", "").isdigit() else "",
        }

    def get_queryset(self):
        f = self.filters
        qs = PersonnummerAccess.objects.select_related("viewed_by", "employee")
        if f["employee"]:
            qs = qs.filter(employee_id=f["employee"])
        if f["user"]:
            qs = qs.filter(viewed_by_id=f["user"])
        return qs.order_by("-viewed_at", "-pk")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for access in context["accesses"]:
            access.page_label = ACCESS_LOG_PAGES.get(access.page, access.page)
        f = self.filters
        context.update(
            filters=f,
            # Only users who appear in the log: a short list, unlike all accounts.
            viewers=User.objects.filter(personnummer_accesses__isnull=False)
            .distinct()
            .order_by("username"),
            chosen_employee=Employee.objects.filter(pk=f["employee"]).first()
            if f["employee"]
            else None,
            query_string=urlencode({k: v for k, v in f.items() if v}),
        )
        return context


# --- statistics ------------------------------------------------------------------


class StatsView(TemplateView):
    """Aggregates for everyone; cells under five people hidden from non-HR roles."""

    template_name = "remoteagreements/stats.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        fmt = request.GET.get("format")
        if fmt in FORMATS:
            return table_response(
                [
                    _("Mått"),
                    _("Grupp"),
                    _("Personer med gällande avtal"),
                    _("Medarbetare"),
                    _("Andel (%)"),
                ],
                context["export_rows"],
                filename="distansarbete-statistik",
                fmt=fmt,
            )
        return self.render_to_response(context)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()

        def cell(n):
            return visible(n, n, user)

        stats = selectors.agreement_statistics(today)
        months = [(end.strftime("%Y-%m"), cell(n)) for end, n in stats["months"]]
        homes = [
            {
                **r,
                "shown": cell(r["with_agreement"]),
                "share": visible_share(r["with_agreement"], r["employees"], user),
            }
            for r in stats["homes"]
        ]
        units = [
            {
                **r,
                "shown": cell(r["with_agreement"]),
                "share": visible_share(r["with_agreement"], r["employees"], user),
            }
            for r in stats["units"]
        ]
        places = [{**r, "shown": cell(r["with_agreement"])} for r in stats["places"]]
        overall = selectors.employee_share_of(homes)
        follow = stats["follow"]
        rows = [[_("Gällande avtal per månad"), label, n, None, None] for label, n in months]
        rows += [
            [_("Hemkommun"), r["name"], r["shown"], cell(r["employees"]), r["share"]] for r in homes
        ]
        rows += [
            [
                _("Förvaltning och enhet"),
                f"{r['administration']} / {r['unit'] or '–'}",
                r["shown"],
                cell(r["employees"]),
                r["share"],
            ]
            for r in units
        ]
        rows += [
            [_("Plats för distansarbetet"), str(r["label"]), r["shown"], None, None] for r in places
        ]
        rows += [
            [
                _("Alla medarbetare"),
                "",
                cell(overall["with_agreement"]),
                cell(overall["employees"]),
                visible_share(overall["with_agreement"], overall["employees"], user),
            ],
            [_("Uppföljningar försenade"), "", cell(follow["overdue"]), None, None],
            [_("Uppföljningar inom 30 dagar"), "", cell(follow["due"]), None, None],
        ]
        context.update(
            today=today,
            as_of=stats["as_of"],
            months=months,
            chart=charts.active_by_month(months),
            homes=homes,
            units=units,
            places=places,
            overall={
                **overall,
                "shown": cell(overall["with_agreement"]),
                "share": visible_share(overall["with_agreement"], overall["employees"], user),
            },
            follow={"overdue": cell(follow["overdue"]), "due": cell(follow["due"])},
            export_rows=rows,
            is_manager=is_manager(user),
        )
        return context
