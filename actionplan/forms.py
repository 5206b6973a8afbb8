"""Forms of the plan: activities, progress reports, relocation assessments, filters."""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from actionplan import services
from actionplan.models import Activity, Area, ProgressReport, RelocationAssessment, Strategy
from hubplan.locking import LockVersionFormMixin
from hubplan.numbers import NumberModelForm
from mapping.models import Municipality, Organisation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PREVIOUS_AFTER_AS_OF = _("Föregående rapportdatum måste vara före rapportdatumet.")


class ActivityForm(LockVersionFormMixin, NumberModelForm):
    class Meta:
        model = Activity
        fields = [
            "title",
            "description",
            "area",
            "strategy",
            "responsible",
            "responsible_organisation",
            "responsible_unit",
            "partners",
            "municipalities",
            "start_date",
            "end_date",
            "planned_budget",
            "actual_cost",
            "status",
            "progress",
            "dependencies",
            "hubs",
            "survey_rounds",
        ]
        widgets = {
            "start_date": DATE,
            "end_date": DATE,
            "description": forms.Textarea(attrs={"rows": 4}),
            "partners": forms.SelectMultiple(attrs={"size": 8}),
            "municipalities": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.in_region()
        self.fields["responsible"].queryset = (
            get_user_model()
            .objects.filter(is_active=True)
            .order_by("first_name", "last_name", "username")
        )
        self.fields["responsible"].label_from_instance = lambda u: u.get_full_name() or u.username
        deps = Activity.objects.select_related("area").order_by("area__number", "title")
        if self.instance.pk:
            deps = deps.exclude(pk=self.instance.pk)
        self.fields["dependencies"].queryset = deps

    def clean_dependencies(self):
        dependencies = self.cleaned_data["dependencies"]
        try:
            services.check_dependencies(self.instance.pk, dependencies)
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.message_dict["dependencies"]) from None
        return dependencies


class ProgressReportForm(NumberModelForm):
    class Meta:
        model = ProgressReport
        fields = ["date", "status", "progress", "cost_to_date", "text"]
        widgets = {"date": DATE, "text": forms.Textarea(attrs={"rows": 4})}


class RelocationAssessmentForm(NumberModelForm):
    class Meta:
        model = RelocationAssessment
        fields = [
            "unit",
            "organisation",
            "reason",
            "staff_count",
            "municipalities",
            "assessed_on",
            "one_off_cost",
            "yearly_cost",
            "one_off_saving",
            "yearly_saving",
            "conclusion",
            "decision",
            "decision_date",
            "hub",
        ]
        widgets = {
            "assessed_on": DATE,
            "decision_date": DATE,
            "conclusion": forms.Textarea(attrs={"rows": 4}),
            "municipalities": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["municipalities"].queryset = Municipality.objects.in_region()
        self.fields["organisation"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.REGION, Organisation.Kind.ADMINISTRATION]
        )


class BootstrapFieldsMixin:
    """Bootstrap classes on hand-rendered GET forms (crispy renders the others)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs["class"] = "form-check-input"
            elif isinstance(widget, forms.Select):
                widget.attrs["class"] = "form-select"
            else:
                widget.attrs["class"] = "form-control"


class ActivityFilterForm(BootstrapFieldsMixin, forms.Form):
    """GET filters shared by the list and the Gantt timeline."""

    area = forms.ModelChoiceField(
        Area.objects.all(), required=False, label=_("Insatsområde"), empty_label=_("Alla")
    )
    strategy = forms.ModelChoiceField(
        Strategy.objects.all(), required=False, label=_("Strategi"), empty_label=_("Alla")
    )
    municipality = forms.ModelChoiceField(
        Municipality.objects.in_region(), required=False, label=_("Kommun"), empty_label=_("Alla")
    )
    status = forms.ChoiceField(
        choices=[("", _("Alla")), *Activity.Status.choices], required=False, label=_("Status")
    )
    overdue = forms.BooleanField(required=False, label=_("Bara försenade"))
    q = forms.CharField(required=False, label=_("Sök"), max_length=100)

    def filters(self) -> dict:
        """Keyword arguments for :func:`actionplan.selectors.activities` (empty if invalid)."""
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        return {
            "area": data["area"],
            "strategy": data["strategy"],
            "municipality": data["municipality"],
            "status": data["status"],
            "overdue": data["overdue"],
            "search": data["q"],
        }


class BoardReportForm(BootstrapFieldsMixin, forms.Form):
    """The date the board report describes, and the previous report it compares with."""

    as_of = forms.DateField(label=_("Läget per"), widget=DATE)
    previous = forms.DateField(
        label=_("Jämför med föregående rapport"),
        widget=DATE,
        required=False,
        help_text=_("Tomt: tre månader före."),
    )

    def clean(self):
        data = super().clean()
        as_of = data.get("as_of")
        if as_of and not data.get("previous"):
            # Three months before, but never before the calendar's first day (0001-01-01).
            data["previous"] = max(as_of, date.min + timedelta(days=91)) - timedelta(days=91)
        if as_of and data.get("previous") and data["previous"] >= as_of:
            self.add_error("previous", PREVIOUS_AFTER_AS_OF)
        return data
