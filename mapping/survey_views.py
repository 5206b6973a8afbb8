"""Survey pages (/surveys/): rounds, the import steps, analyses, RAMS and kommun context.

Analyses are open to every role; editing and importing need Planerare. Figures
resting on fewer than five respondents are hidden from non-HR roles.
"""

from __future__ import annotations

import hashlib
import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import CreateView, DeleteView, DetailView, FormView, ListView, UpdateView

from hubplan import jobs, storage
from hubplan.access import PlannerRequiredMixin, is_planner
from hubplan.exports import FORMATS, query_rows, streaming_table_response, table_response
from hubplan.models import Job
from hubplan.privacy import hidden_cells, visible
from hubplan.storage import save_upload, uploads
from hubplan.tabular import XLSX_MAGIC, TableError
from mapping import analysis, charts, imports, selectors, services, survey_jobs
from mapping.models import SurveyImport, SurveyResponse, SurveyRound
from mapping.survey_forms import (
    CodingForm,
    ConfirmForm,
    ContextUploadForm,
    MappingForm,
    SurveyRoundForm,
    UploadForm,
)

SESSION_KEY = "survey_import"
HUB_DAY_CHOICES = (1, 2, 3, 4, 5)


def _export(request, name: str, headers, rows, *, stream: bool = False):
    """``?format=csv|xlsx`` of a table; ``stream`` for one that grows with the data (its rows
    then come from :func:`hubplan.exports.query_rows`, read after the view returns)."""
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        raise Http404
    respond = streaming_table_response if stream else table_response
    return respond(headers, rows, filename=name, fmt=fmt)


# --- Rounds ------------------------------------------------------------------------------------


class RoundListView(ListView):
    template_name = "mapping/surveys/round_list.html"
    context_object_name = "rounds"
    paginate_by = 25

    def get_queryset(self):
        qs = selectors.rounds()
        kind = self.request.GET.get("kind")
        if kind in SurveyRound.Kind.values:
            qs = qs.filter(kind=kind)
        return qs.order_by("-date", "name")

    def get(self, request, *args, **kwargs):
        if "format" in request.GET:
            return _export(
                request,
                "enkatomgangar",
                [_("Namn"), _("Datum"), _("Organisation"), _("Typ"), _("Svar")],
                (
                    [r.name, r.date, str(r.organisation or ""), r.get_kind_display(), r.n_responses]
                    for r in self.get_queryset()
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["kinds"] = SurveyRound.Kind.choices
        context["kind"] = self.request.GET.get("kind", "")
        context["query_string"] = f"kind={context['kind']}" if context["kind"] else ""
        return context


class RoundCreateView(PlannerRequiredMixin, CreateView):
    model = SurveyRound
    form_class = SurveyRoundForm
    template_name = "mapping/surveys/round_form.html"

    def form_valid(self, form):
        self.object = services.survey_round_create(**form.cleaned_data)
        messages.success(self.request, _("Enkätomgången sparades."))
        return redirect(self.object)


class RoundUpdateView(PlannerRequiredMixin, UpdateView):
    model = SurveyRound
    form_class = SurveyRoundForm
    template_name = "mapping/surveys/round_form.html"

    def form_valid(self, form):
        try:
            services.survey_round_update(survey_round=self.get_object(), **form.cleaned_data)
        except ValidationError as error:
            # A published round moved to a kind that has one: the form cannot see the
            # one-published-per-kind rule (is_published is not one of its fields).
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Enkätomgången sparades."))
        return redirect(self.object)


class RoundDeleteView(PlannerRequiredMixin, DeleteView):
    model = SurveyRound
    template_name = "mapping/surveys/round_confirm_delete.html"
    success_url = reverse_lazy("surveys:round-list")

    def form_valid(self, form):
        services.survey_round_delete(survey_round=self.object)
        messages.success(self.request, _("Enkätomgången togs bort."))
        return redirect(self.success_url)


class RoundPublishView(PlannerRequiredMixin, View):
    """POST: publish the round for the kommun pages, indicators and API (Planerare only);
    with ``action=unpublish``, withdraw it. The change lands in the round's history."""

    http_method_names = ["post"]

    def post(self, request, pk):
        survey_round = get_object_or_404(SurveyRound, pk=pk)
        if request.POST.get("action") == "unpublish":
            services.survey_round_unpublish(survey_round=survey_round)
            messages.success(
                request,
                _("%(name)s är inte längre publicerad: kommunsidorna visar inga enkätsiffror.")
                % {"name": survey_round.name},
            )
            return redirect(survey_round)
        try:
            services.survey_round_publish(survey_round=survey_round)
        except services.PublishError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s är publicerad: kommunsidorna och indikatorerna bygger nu på den.")
                % {"name": survey_round.name},
            )
        return redirect(survey_round)


class RoundDetailView(DetailView):
    """All analyses of one round, with an export of every table (?table=...&format=csv|xlsx)."""

    model = SurveyRound
    template_name = "mapping/surveys/round_detail.html"
    context_object_name = "round"

    def get_queryset(self):
        return selectors.with_publication(SurveyRound.objects.select_related("organisation"))

    @cached_property
    def hub_days(self) -> int:
        try:
            n = int(self.request.GET.get("hub_days", 2))
        except ValueError:
            n = 2
        return n if n in HUB_DAY_CHOICES else 2

    def show(self, value, n):
        return visible(value, n, self.request.user)

    def tables(self, only: str | None = None) -> dict:
        """Every table on the page (or ``only`` that one, for an export): (title, headers,
        rows); rows already privacy-filtered."""
        r = self.object
        names = selectors.municipality_names()
        show = self.show
        t: dict = {}

        def wanted(*keys: str) -> bool:
            return only is None or only in keys

        pairs = selectors.flow_pairs(r)
        matrix = analysis.flow_matrix(pairs)
        hidden = hidden_cells(matrix["cells"], self.request.user)
        t["flows"] = (
            _("Pendlingsströmmar hemkommun → arbetsplatskommun"),
            [_("Hemkommun"), *[names[w] for w in matrix["workplaces"]], _("Summa")],
            [
                [
                    names[h],
                    *[
                        None if (h, w) in hidden else matrix["cells"].get((h, w), 0)
                        for w in matrix["workplaces"]
                    ],
                    show(matrix["row_totals"][h], matrix["row_totals"][h]),
                ]
                for h in matrix["homes"]
            ]
            + [
                [
                    _("Summa"),
                    *[
                        show(matrix["col_totals"][w], matrix["col_totals"][w])
                        for w in matrix["workplaces"]
                    ],
                    matrix["total"],
                ]
            ],
        )
        # The flows hold every answer, commuters included: no query of their own.
        commuters = selectors.commuters_from_pairs(pairs, names)
        t["commuters"] = (
            _("Pendlare per hemkommun"),
            [_("Hemkommun"), _("Pendlare"), _("Andel av pendlarna (%)")],
            [[c["name"], show(c["n"], c["n"]), show(c["share"], c["n"])] for c in commuters],
        )
        self._extras = {"pairs": pairs, "names": names, "commuters": commuters}
        if wanted("travel_time"):
            dist = selectors.travel_time_distribution(r)
            t["travel_time"] = (
                _("Restid enkel väg"),
                [_("Restid (minuter)"), _("Svar")],
                [[f"{d['low']}–{d['high'] or ''}", show(d["n"], d["n"])] for d in dist],
            )
        if wanted("travel_year"):
            self._travel_year(t)
        if wanted("hub"):
            self._hub(t)
        if wanted("rest_municipality", "rest_organisation", "rest_employer", "rest_side_by_side"):
            self._rest(t)
        if only is not None and only not in t:
            raise Http404
        return t

    def _travel_year(self, t: dict) -> None:
        r, show = self.object, self.show
        travel = selectors.travel_by_mode(r)
        yearly = analysis.yearly_by_mode(travel)
        counts = {row["mode"]: row["n"] for row in travel}
        modes = dict(SurveyResponse.Mode.choices)
        t["travel_year"] = (
            _("Resor per år och färdmedel"),
            [_("Färdmedel"), _("Svar"), _("Km per år"), _("Timmar per år"), _("Kg CO₂ per år")],
            [
                [
                    str(modes.get(mode, mode)),
                    show(counts[mode], counts[mode]),
                    show(round(y.km), counts[mode]),
                    show(round(y.hours), counts[mode]),
                    show(round(y.co2_kg), counts[mode]),
                ]
                for mode, y in yearly.items()
                if mode != "total"
            ],
        )

    def _hub(self, t: dict) -> None:
        r, show = self.object, self.show
        potential = selectors.hub_potential(r, self.hub_days)
        t["hub"] = (
            _("Möjliga hubbanvändare och besparing per år"),
            [
                _("Hemkommun"),
                _("Möjliga hubbanvändare"),
                _("Km per år"),
                _("Timmar per år"),
                _("Kg CO₂ per år"),
            ],
            [
                [
                    p["name"],
                    show(p["n"], p["n"]),
                    show(round(p["saved"].km), p["n"]),
                    show(round(p["saved"].hours), p["n"]),
                    show(round(p["saved"].co2_kg), p["n"]),
                ]
                for p in potential
            ],
        )

    def _rest(self, t: dict) -> None:
        r, show = self.object, self.show
        employer = dict(SurveyResponse.Employer.choices)
        # By kommun, by employer kind and side by side come from one query.
        breakdowns = selectors.daily_rest_breakdowns(r)
        for key, by, label in (
            ("rest_municipality", "home_municipality__name", _("Hemkommun")),
            ("rest_organisation", "organisation", _("Organisation")),
            ("rest_employer", "employer_kind", _("Arbetsgivare")),
        ):
            rows = breakdowns[by] if by in breakdowns else selectors.daily_rest(r, by)
            t[key] = (
                _("Dygnsvila under 11 timmar per %(group)s") % {"group": label.lower()},
                [label, _("Svar"), _("Under 11 h"), _("Andel (%)")],
                [
                    [
                        str(employer.get(row["group"], row["group"]))
                        if key == "rest_employer"
                        else row["group"] or "–",
                        show(row["n"], row["n"]),
                        show(row["short"], row["n"]),
                        show(analysis.share(row["short"], row["n"]), row["n"]),
                    ]
                    for row in rows
                ],
            )
        side = breakdowns["side_by_side"]

        def cell(entry, kind):
            data = entry.get(kind)
            if not data:
                return None
            return show(analysis.share(data["short"], data["n"]), data["n"])

        t["rest_side_by_side"] = (
            _("Dygnsvila under 11 timmar: regionanställda och kommunanställda per hemkommun"),
            [_("Hemkommun"), _("Regionanställda (%)"), _("Kommunanställda (%)")],
            [[e["name"], cell(e, "region"), cell(e, "municipality")] for e in side],
        )

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        table = request.GET.get("table")
        if table:
            _title, headers, rows = self.tables(only=table)[table]
            # Below the table: how many of the files' rows the figures rest on, and any
            # lean of the rows left out, so a download is never read without them.
            notes = imports.coverage_lines(imports.round_coverage(self.object))
            rows = [*rows, *([[]] + [[line] for line in notes] if notes else [])]
            return _export(request, f"{self.object.name}-{table}", headers, rows)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        tables = self.tables()
        extras = self._extras
        context["tables"] = [(key, *value) for key, value in tables.items()]
        # Every answer has a home and a workplace, so the flows count them all.
        context["n_responses"] = sum(n for _home, _work, n in extras["pairs"])
        positive, answered = selectors.positive_to_flexible_work(self.object)
        context["positive_share"] = self.show(analysis.share(positive, answered), answered)
        context["hub_days"] = self.hub_days
        context["hub_day_choices"] = HUB_DAY_CHOICES
        context["emission_factors"] = sorted(analysis.emission_factors().items())
        context["emission_source"] = analysis.EMISSION_FACTOR_SOURCE
        context["work_weeks"] = analysis.work_weeks_per_year()
        # One query for the list and the coverage: a round has a handful of imports.
        jobs = list(self.object.imports.select_related("user"))
        context["imports"] = jobs[:20]
        context["coverage"] = imports.round_coverage(self.object, jobs=jobs)
        # Which round of this kind is official, and who published or withdrew this one:
        # read with the round itself (selectors.with_publication), no query of their own.
        context["published_round"] = (
            {"pk": self.object.published_pk, "name": self.object.published_name}
            if self.object.published_pk
            else None
        )
        context["publish_history"] = selectors.publish_history_rows(self.object.publish_history)
        may_show_all = self.show(1, 1) is not None and self.show(1, 4) is not None
        shown_pairs = [p for p in extras["pairs"] if may_show_all or p[2] >= 5]
        if shown_pairs:
            context["sankey"] = charts.flow_sankey(shown_pairs, extras["names"])
        shown = [
            c
            for c in extras["commuters"]
            if c["share"] is not None and self.show(1, c["n"]) is not None
        ]
        if shown:
            context["commuter_chart"] = charts.bars(
                [c["name"] for c in shown],
                [c["share"] for c in shown],
                title=_("Andel (%)"),
                horizontal=True,
            )
        context["time_chart"] = charts.bars(
            [row[0] for row in tables["travel_time"][2]],
            [row[1] for row in tables["travel_time"][2]],
            title=_("Svar"),
        )
        return context


# --- Import ------------------------------------------------------------------------------------
# The steps may each land on a different web server, and the work runs on the worker
# (mapping.survey_jobs): between requests the upload is in the upload storage
# (PostgreSQL by default) and the session holds only its name, the headers and the
# preview rows, the mapping and the check job's id. Nothing is kept on a server's disk.


def _forget_upload(state: dict | None) -> None:
    """Remove the stored upload (and its check's plain copy) of an import the planner
    abandons: a new file replaces it."""
    if not state or not state.get("upload"):
        return
    uploads().delete(state["upload"])
    check = Job.objects.filter(pk=state.get("check") or 0, kind=survey_jobs.CHECK).first()
    for kept in ((check.result.get("plain") if check else None), state.get("plain")):
        if kept and kept.get("name"):
            uploads().delete(kept["name"])


# An XLSX file larger than this is read on the worker (mapping.survey_inspect): calamine
# reads a workbook whole, about ten seconds for 300 000 rows.
INSPECT_XLSX_BYTES = 2 * 1024 * 1024


def _inspected(request, state: dict, job: Job) -> bool:
    """Take a finished inspection's headers, preview and guessed mapping into the session."""
    if job.status != Job.Status.DONE:
        return False
    headers = job.result["headers"]
    mapping = imports.guess_mapping(headers)
    saved = state.pop("profile_mapping", None) or {}
    mapping.update({f: h for f, h in saved.items() if h in headers})
    state.update(
        headers=headers, preview=job.result["preview"], mapping=mapping, plain=job.result["plain"]
    )
    request.session[SESSION_KEY] = state
    return True


class ImportUploadView(PlannerRequiredMixin, FormView):
    """Step 1: choose the round and the file.

    The file goes to the upload storage; its headers and first rows are read from the
    request's own file (a CSV only as far as those rows) and kept in the session.
    """

    form_class = UploadForm
    template_name = "mapping/surveys/import_upload.html"

    def get_initial(self):
        return {"survey_round": self.request.GET.get("round")}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["columns"] = [(c, imports.TEMPLATE_HELP[c.field]) for c in imports.COLUMNS]
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        upload.seek(0)
        large_xlsx = upload.read(len(XLSX_MAGIC)) == XLSX_MAGIC and upload.size > INSPECT_XLSX_BYTES
        if not large_xlsx:
            return self.preview_here(form, upload)
        # A large workbook is read on the worker; its headers come with the job.
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        name = storage.save_upload(upload)
        _forget_upload(self.request.session.get(SESSION_KEY))
        profile = form.cleaned_data.get("profile")
        state = {
            "upload": name,
            "sha256": digest.hexdigest(),
            "name": upload.name,
            "round": form.cleaned_data["survey_round"].pk,
            "coding": profile.coding if profile else {},
            "profile": profile.name if profile else "",
            "profile_mapping": profile.mapping if profile else {},
        }
        job = jobs.enqueue(
            kind=survey_jobs.INSPECT,
            user=self.request.user,
            params={"language": get_language()},
            upload=name,
        )
        state["inspect"] = job.pk
        if job.status in _ENDED_BADLY:  # inline (tests): refused at the field, as above
            self.request.session.pop(SESSION_KEY, None)
            form.add_error("file", job.message)
            return self.form_invalid(form)
        self.request.session[SESSION_KEY] = state
        _inspected(self.request, state, job)
        return redirect("surveys:import-map")

    def preview_here(self, form, upload):
        """Step 1 in the request: the preview from the upload itself, then store it."""
        try:
            upload.seek(0)
            headers, rows = imports.preview_file(upload)
        except TableError as exc:
            form.add_error("file", str(exc))
            return self.form_invalid(form)
        if not headers:
            form.add_error("file", _("Filen har inga rader."))
            return self.form_invalid(form)
        if imports.looks_like_shift_schedule(headers):
            # Each shift would become a respondent; the daily-rest import reads them.
            form.add_error("file", _(imports.MSG_SHIFT_SCHEDULE))
            return self.form_invalid(form)
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        name = storage.save_upload(upload)
        _forget_upload(self.request.session.get(SESSION_KEY))
        mapping = imports.guess_mapping(headers)
        profile = form.cleaned_data.get("profile")
        if profile:  # the saved columns that this file has, the guesses for the rest
            mapping.update({f: h for f, h in profile.mapping.items() if h in headers})
        self.request.session[SESSION_KEY] = {
            "upload": name,
            "sha256": digest.hexdigest(),
            "name": upload.name,
            "round": form.cleaned_data["survey_round"].pk,
            "headers": headers,
            "preview": rows,
            "mapping": mapping,
            "coding": profile.coding if profile else {},
            "profile": profile.name if profile else "",
        }
        return redirect("surveys:import-map")


class ImportMapView(PlannerRequiredMixin, View):
    """Step 2 and 3: map columns with a preview, check the whole file, then import.

    The check runs as a job (``mapping.survey_check``): a POST queues it and comes back
    here, where the page shows its progress until it is done and then its report (from
    the job's result, so any server can show it).
    """

    template_name = "mapping/surveys/import_map.html"

    def dispatch(self, request, *args, **kwargs):
        if not is_planner(request.user):  # before looking at the session
            raise PermissionDenied
        self.state = request.session.get(SESSION_KEY)
        if self.state and "headers" not in self.state and self.state.get("inspect"):
            waiting = self.inspection(request)
            if waiting is not None:
                return waiting
        if not self.state or not self.state.get("upload") or "headers" not in self.state:
            messages.info(request, _("Ladda upp en fil först."))
            return redirect("surveys:import-upload")
        return super().dispatch(request, *args, **kwargs)

    def inspection(self, request):
        """A large XLSX file read on the worker: wait for it, take its headers, or say
        why it was refused (then back to step 1). None once the headers are here."""
        job = Job.objects.filter(
            pk=self.state["inspect"], kind=survey_jobs.INSPECT, user=request.user
        ).first()
        if job is None:
            return None
        if _inspected(request, self.state, job):
            return None
        if job.status in _ENDED_BADLY:
            request.session.pop(SESSION_KEY, None)
            _forget_upload(self.state)
            messages.error(request, job.message)
            return redirect("surveys:import-upload")
        return render(
            request,
            "mapping/surveys/import_inspect.html",
            {"job": job, "file_name": self.state["name"]},
        )

    @cached_property
    def survey_round(self):
        return get_object_or_404(SurveyRound, pk=self.state["round"])

    @cached_property
    def check_job(self) -> Job | None:
        """The latest check of this upload by this planner, if any."""
        pk = self.state.get("check")
        if not pk:
            return None
        return Job.objects.filter(
            pk=pk, kind=survey_jobs.CHECK, user=self.request.user, upload=self.state["upload"]
        ).first()

    @property
    def checked(self) -> dict | None:
        """The finished check's result, if it checked the current mapping."""
        job = self.check_job
        if job is None or job.status != Job.Status.DONE:
            return None
        if job.params.get("mapping") != self.state["mapping"] or "report" not in job.result:
            return None
        return job.result

    def render_page(self, form, coding_form=None):
        report = confirm = None
        job = self.check_job
        result = self.checked
        table_error = job.result.get("table_error") if job is not None else None
        if table_error and job.status == Job.Status.DONE and not form.is_bound:
            # The preview read only the first rows; a row further down may break the file.
            # Said at the form, bound to the mapping it checked (an unbound form has no
            # place for an error).
            mapping = self.state["mapping"]
            form = self.form({c.field: mapping.get(c.field, "") for c in imports.COLUMNS})
            form.is_valid()
            form.add_error(None, table_error)
        if result is not None:
            report = imports.report_from_result(result["report"])
            answers = result.get("answers") or {}
            if coding_form is None:
                coding_form = CodingForm(
                    initial=CodingForm.initial_for(answers, result.get("coding") or {}),
                    answers=answers,
                )
            confirm = ConfirmForm(initial={"save_as": self.state.get("profile", "")})
        return render(
            self.request,
            self.template_name,
            {
                "form": form,
                "headers": self.state["headers"],
                "preview_rows": self.state["preview"],
                "report": report,
                "confirm": confirm,
                "coding_form": coding_form,
                "file_name": self.state["name"],
                "round": self.survey_round,
                "check_job": job if job is not None and job.is_active else None,
                "check_failed": job if job is not None and job.status in _ENDED_BADLY else None,
            },
        )

    def start_check(self, params: dict):
        """Queue the check of the whole file; the page shows it (inline in tests: done)."""
        previous = self.check_job
        # The last check's (or the inspection's) plain copy of an XLSX file: the
        # mapping does not change it.
        plain = previous.result.get("plain") if previous is not None else None
        plain = plain or self.state.get("plain")
        job = jobs.enqueue(
            kind=survey_jobs.CHECK,
            user=self.request.user,
            params={
                **params,
                "mapping": self.state["mapping"],
                "language": get_language(),
                "plain": plain,
            },
            upload=self.state["upload"],
        )
        self.state["check"] = job.pk
        self.request.session[SESSION_KEY] = self.state
        return redirect("surveys:import-map")

    def form(self, data=None):
        return MappingForm(data, initial=self.state["mapping"], headers=self.state["headers"])

    def get(self, request):
        return self.render_page(self.form())

    def post(self, request):
        if "import" in request.POST:
            return self.run_import(request)
        if "recode" in request.POST:
            # Step 2b: the planner's coding of each distinct answer, then the file again.
            result = self.checked
            if result is None:
                return redirect("surveys:import-map")
            answers = result.get("answers") or {}
            coding_form = CodingForm(request.POST, answers=answers)
            if not coding_form.is_valid():
                return self.render_page(self.form(), coding_form=coding_form)
            return self.start_check({"coding": coding_form.coding(), "answers": answers})
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_page(form)
        self.state["mapping"] = form.mapping()
        # A saved profile's coding first; the job guesses ("Ja, absolut" → ja) the rest.
        return self.start_check({"coding": self.state.get("coding") or {}})

    def run_import(self, request):
        result = self.checked
        if result is None:
            return redirect("surveys:import-map")
        report = result["report"]
        confirm = ConfirmForm(request.POST)
        confirm.is_valid()
        valid_only = confirm.cleaned_data.get("valid_only", False)
        if report["error_count"] and not valid_only:
            messages.error(
                request,
                _("Filen har fel. Rätta filen eller välj att importera bara de giltiga raderna."),
            )
            return redirect("surveys:import-map")
        coding = result.get("coding") or {}
        record = services.survey_import_start(
            survey_round=self.survey_round,
            upload=self.state["upload"],
            sha256=self.state.get("sha256", ""),
            file_name=self.state["name"],
            mapping=self.state["mapping"],
            valid_only=valid_only,
            user=request.user,
            total_rows=report["total_rows"],
            coding=coding,
            language=get_language(),
            plain=result.get("plain"),
        )
        name = (confirm.cleaned_data.get("save_as") or "").strip()
        if name:
            services.survey_import_profile_save(
                name=name, mapping=self.state["mapping"], coding=coding, user=request.user
            )
            messages.info(request, _("Kopplingen sparades som %(name)s.") % {"name": name})
        request.session.pop(SESSION_KEY, None)
        if record is None:
            uploads().delete(self.state["upload"])
            messages.info(request, _(imports.MSG_ALREADY_IMPORTED))
            return redirect(self.survey_round)
        return redirect(record)


_ENDED_BADLY = (Job.Status.FAILED, Job.Status.CANCELLED)


def _import_record(pk) -> SurveyImport:
    """The import, marked failed if its job ended without it (services.survey_import_settle)."""
    record = get_object_or_404(SurveyImport.objects.select_related("round", "user", "job"), pk=pk)
    return services.survey_import_settle(record)


class ImportDetailView(DetailView):
    """The import report; while it runs, static/mapping/import_progress.js polls its
    stage and percentage, and a planner may cancel it."""

    model = SurveyImport
    template_name = "mapping/surveys/import_detail.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        return _import_record(self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        run = self.object.job
        context["run"] = run
        context["may_cancel"] = run is not None and run.is_active and is_planner(self.request.user)
        return context


def import_progress(record: SurveyImport) -> dict:
    """The import's progress for the page's script, from its job: stage and percent."""
    run = record.job
    active = run is not None and run.is_active and record.status == SurveyImport.Status.RUNNING
    percent = record.percent
    if active:
        percent = run.percent
    return {
        "status": record.status,
        "percent": percent,
        "processed": run.processed if active else record.processed_rows,
        "total": run.total if active else record.total_rows,
        "stage": run.stage if active else "",
        "stage_label": (run.stage_label or str(jobs.STAGES["queued"])) if active else "",
        "active": active,
    }


class ImportProgressView(View):
    def get(self, request, pk):
        return JsonResponse(import_progress(_import_record(pk)))


class ImportCancelView(PlannerRequiredMixin, View):
    """POST: cancel the import's job; a cancelled import writes nothing."""

    http_method_names = ["post"]

    def post(self, request, pk):
        record = _import_record(pk)
        if record.job is None or not record.job.is_active:
            return redirect(record)
        run = jobs.cancel(record.job)
        if run.status == Job.Status.CANCELLED:  # it had not started: nothing to undo
            record.job = run
            services.survey_import_settle(record)
            messages.info(request, _("Importen avbröts innan den började. Inget skrevs."))
        else:
            messages.info(request, _("Importen avbryts. Inget av den skrivs."))
        return redirect(record)


class ImportTemplateView(View):
    """The documented import template: Swedish headers and one example row."""

    def get(self, request):
        headers = [c.header for c in imports.COLUMNS]
        return _export(request, "enkatmall", headers, [imports.TEMPLATE_EXAMPLE])


# --- RAMS and kommun context ------------------------------------------------------------------


class _ScbImportMixin:
    """The SCB upload pages: the import runs as a job; the page shows its progress, then its report.

    The file goes to the upload storage (``hubplan.storage``) and the job reads it there,
    so the upload, the worker and the page may each be on another machine. ``?job=<pk>``
    names the job the page shows; its report (count, notes, errors, the dimensions
    found) is the job's result. A file refused only for want of a choice is kept in the
    storage: the session holds its storage name, its job and its file name, and the
    planner then picks Summera or a value without choosing the file again. Uploading
    another file replaces it.
    """

    pending_key = ""
    page = ""  # the page's URL name
    kind = ""  # the job kind (mapping.tasks)

    def post(self, request, *args, **kwargs):
        if not is_planner(request.user):
            raise PermissionDenied
        return super().post(request, *args, **kwargs)

    @cached_property
    def pending(self) -> dict | None:
        """The kept file, if its job ended asking for a choice and the file is still stored."""
        entry = self.request.session.get(self.pending_key)
        if not isinstance(entry, dict) or not isinstance(entry.get("job"), int):
            return None
        job = Job.objects.filter(
            pk=entry["job"], user=self.request.user, kind=self.kind, upload=entry.get("upload")
        ).first()
        if job is not None and job.is_active:
            return None  # still running: nothing to choose yet
        if job is None or not job.result.get("needs_choice") or not uploads().exists(job.upload):
            self.request.session.pop(self.pending_key, None)
            return None
        return entry

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.pending:
            kwargs["pending_name"] = self.pending.get("name", "")
        return kwargs

    def form_valid(self, form):
        upload = form.cleaned_data.get("file")
        if upload:
            if self.pending:  # replaced by the new file
                uploads().delete(self.pending["upload"])
            name, file_name = save_upload(upload), upload.name
        else:  # the form requires a file unless one is kept
            name, file_name = self.pending["upload"], self.pending.get("name", "")
        choice = form.choice()
        job = jobs.enqueue(
            kind=self.kind,
            user=self.request.user,
            params={"sum_all": choice.sum_all, "select": choice.select, "language": get_language()},
            upload=name,
        )
        self.request.session[self.pending_key] = {"upload": name, "name": file_name, "job": job.pk}
        return redirect(f"{reverse(self.page)}?job={job.pk}")

    @cached_property
    def job(self) -> Job | None:
        """The job ``?job=`` names, if it is this page's and the user's (any, for a superuser)."""
        pk = self.request.GET.get("job", "")
        if not re.fullmatch(r"[0-9]{1,18}", pk):
            return None
        found = Job.objects.filter(pk=int(pk), kind=self.kind)
        if not self.request.user.is_superuser:
            found = found.filter(user=self.request.user)
        return found.first()

    def job_context(self) -> dict:
        job = self.job
        if job is None:
            return {"job": None}
        result = job.result or {}
        return {
            "job": job,
            "notes": result.get("notes", []) if job.status == Job.Status.DONE else [],
            "errors": result.get("lines", [])[:200] if job.status == Job.Status.FAILED else [],
            "dimensions": {d: dict(values) for d, values in result.get("dimensions", [])},
        }


RAMS_LIST_ROWS = 300


class RamsView(_ScbImportMixin, FormView):
    """SCB RAMS commuting between kommuner per year; planners may upload SCB's CSV."""

    pending_key = "scb_pending_rams"
    page = "surveys:rams"
    kind = "mapping.rams_import"
    form_class = ContextUploadForm
    template_name = "mapping/surveys/rams.html"

    @cached_property
    def year(self):
        years = selectors.rams_years()
        try:
            year = int(self.request.GET.get("year", years[0] if years else 0))
        except ValueError:
            year = 0
        return year if year in years else (years[0] if years else None)

    def get(self, request, *args, **kwargs):
        if "format" in request.GET:
            # A national year has 84 100 pairs: streamed from a cursor, as plain rows.
            rows = query_rows(selectors.rams_flow_rows(self.year)) if self.year else []
            return _export(
                request,
                f"rams-{self.year}",
                [_("Bostadskommun"), _("Arbetsställekommun"), _("Antal")],
                rows,
                stream=True,
            )
        return super().get(request, *args, **kwargs)

    def pair(self) -> tuple[str, str] | None:
        """The pair whose trend is drawn: ?home=&work= if both are kommuner in the data."""
        codes = {c for c, _n in self.municipalities}
        home, work = self.request.GET.get("home"), self.request.GET.get("work")
        if home in codes and work in codes:
            return home, work
        return selectors.rams_largest_cross_pair(self.year) if self.year else None

    @cached_property
    def municipalities(self):
        return selectors.rams_municipalities()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["years"] = selectors.rams_years()
        context["year"] = self.year
        flows = selectors.rams_flows(self.year) if self.year else []
        # The list shows the largest flows; a national year has 84 100 pairs (all in the export).
        context["flows"] = flows[:RAMS_LIST_ROWS]
        context["flows_total"] = len(flows)
        context.update(self.job_context())
        context["municipalities"] = self.municipalities
        if flows:
            context["heatmap"] = charts.commuting_heatmap(flows, title=_("Antal"))
        pair = self.pair()
        if pair:
            names = dict(self.municipalities)
            label = f"{names[pair[0]]} → {names[pair[1]]}"
            context["pair"] = pair
            context["pair_label"] = label
            context["pair_chart"] = charts.trend_lines(
                {label: selectors.rams_pair_series(*pair)}, title=_("Antal pendlare")
            )
        return context


class ContextView(_ScbImportMixin, FormView):
    """In- and out-migration and recruitment needs per kommun and year, with trends."""

    pending_key = "scb_pending_context"
    page = "surveys:context"
    kind = "mapping.context_import"
    form_class = ContextUploadForm
    template_name = "mapping/surveys/context.html"

    def get(self, request, *args, **kwargs):
        table = request.GET.get("table")
        if table == "migration":
            return _export(
                request,
                "flyttningar",
                [_("Kommun"), _("År"), _("Inflyttade"), _("Utflyttade"), _("Netto")],
                (
                    [r["name"], r["year"], r["in_migration"], r["out_migration"], r["net"]]
                    for r in selectors.migration_series()
                ),
            )
        if table == "recruitment":
            return _export(
                request,
                "rekryteringsbehov",
                [_("Kommun"), _("År"), _("Sektor"), _("Rekryteringsbehov")],
                (
                    [r["name"], r["year"], r["sector"], r["needed"]]
                    for r in selectors.recruitment_series()
                ),
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        migration = selectors.migration_series()
        recruitment = selectors.recruitment_series()
        context["migration"] = migration
        context["recruitment"] = recruitment
        context.update(self.job_context())
        if migration:
            series: dict[str, list] = {}
            for r in migration:
                series.setdefault(r["name"], []).append((r["year"], r["net"]))
            context["migration_chart"] = charts.trend_lines(series, title=_("Flyttnetto"))
        if recruitment:
            totals: dict[str, dict] = {}
            for r in recruitment:
                totals.setdefault(r["name"], {}).setdefault(r["year"], 0)
                totals[r["name"]][r["year"]] += r["needed"]
            context["recruitment_chart"] = charts.trend_lines(
                {name: sorted(years.items()) for name, years in totals.items()},
                title=_("Rekryteringsbehov"),
            )
        return context
