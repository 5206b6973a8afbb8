"""Forms of the agreement register. Writes go through services; forms only collect and check input."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.forms import inlineformset_factory
from django.utils.translation import gettext_lazy as _

from hubplan.locking import LockVersionFormMixin
from hubplan.numbers import NumberModelForm, number_formfield
from hubs.models import Hub
from mapping.models import Municipality, Organisation
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement, Employee, EquipmentItem, FollowUp
from remoteagreements.services import CONTENT_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EmployeeForm(NumberModelForm):
    class Meta:
        model = Employee
        fields = (
            "name",
            "personnummer",
            "administration",
            "unit",
            "workplace",
            "workplace_municipality",
            "home_municipality",
            "manager",
            "user",
        )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(is_active=True).order_by("username")
        self.fields["manager"].queryset = users
        self.fields["user"].queryset = users
        self.fields["administration"].queryset = Organisation.objects.filter(
            kind__in=[Organisation.Kind.REGION, Organisation.Kind.ADMINISTRATION]
        )
        self.fields["workplace_municipality"].queryset = Municipality.objects.in_region()
        self.fields["home_municipality"].queryset = Municipality.objects.order_by("name")
        if self.instance.pk:
            # Shown as stored, with the dash HR is used to reading.
            p = self.instance.personnummer
            self.initial["personnummer"] = f"{p[:8]}-{p[8:]}"

    def clean_personnummer(self) -> str:
        value = self.cleaned_data["personnummer"]
        try:
            return pnr.normalise(value)
        except pnr.InvalidPersonnummer:
            raise forms.ValidationError(pnr.INVALID_MESSAGE, code="invalid_personnummer") from None


# The form edits the period plus every checklist field a new version would carry over.
AGREEMENT_FIELDS = ("employee", "start_date", "end_date", *CONTENT_FIELDS)


class AgreementForm(LockVersionFormMixin, NumberModelForm):
    """The agreement's period and checklist; editing one carries its ``lock_version``."""

    class Meta:
        model = DistanceAgreement
        fields = AGREEMENT_FIELDS
        widgets = {
            "start_date": DATE_WIDGET,
            "end_date": DATE_WIDGET,
            **{
                name: forms.Textarea(attrs={"rows": 2})
                for name in (
                    "working_hours",
                    "availability",
                    "absence_routines",
                    "meeting_attendance",
                    "fewer_days_reason",
                    "tasks",
                    "results_follow_up",
                    "connection",
                    "place_reason",
                    "reimbursement_terms",
                )
            },
        }

    def __init__(self, *args, employees=None, **kwargs):
        super().__init__(*args, **kwargs)
        if employees is not None:
            self.fields["employee"].queryset = employees
        # Only open hubs can be chosen (a closed one stays on old agreements).
        hubs = Hub.objects.filter(status=Hub.Status.OPEN)
        if self.instance.hub_id:
            hubs = Hub.objects.filter(pk=self.instance.hub_id) | hubs
        self.fields["hub"].queryset = hubs.select_related("municipality").order_by("name")
        if self.instance.pk:
            self.fields["employee"].disabled = True


EquipmentFormSet = inlineformset_factory(
    DistanceAgreement,
    EquipmentItem,
    fields=("item", "inventory_number", "marking", "provided_by"),
    extra=2,
    can_delete=True,
    formfield_callback=number_formfield,
)


def equipment_from(formset) -> list[dict]:
    """The equipment rows the user kept, as plain dicts for the service."""
    return [
        {k: form.cleaned_data[k] for k in ("item", "inventory_number", "marking", "provided_by")}
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


class EmployeeSignatureForm(forms.Form):
    """HR records the employee's signature from the signed paper (or the employee signs)."""

    confirm = forms.BooleanField(
        label=_("Jag bekräftar underskriften"),
        help_text=_("HR: det undertecknade pappersavtalet finns och arkiveras."),
    )


class ManagerSignatureForm(forms.Form):
    confirm = forms.BooleanField(label=_("Jag skriver under avtalet som närmaste chef"))


class EndForm(forms.Form):
    on = forms.DateField(label=_("Avslutas den"), widget=DATE_WIDGET)
    reason = forms.ChoiceField(
        label=_("Skäl"),
        choices=[
            c
            for c in DistanceAgreement.EndReason.choices
            if c[0] != DistanceAgreement.EndReason.SUPERSEDED
        ],
    )
    note = forms.CharField(label=_("Kommentar"), required=False, widget=forms.Textarea({"rows": 2}))


class FollowUpForm(NumberModelForm):
    class Meta:
        model = FollowUp
        fields = ("held_on", "outcome", "notes")
        widgets = {"held_on": DATE_WIDGET, "notes": forms.Textarea(attrs={"rows": 3})}


class RenewForm(forms.Form):
    start_date = forms.DateField(label=_("Nytt avtal gäller från"), widget=DATE_WIDGET)
    end_date = forms.DateField(label=_("Nytt avtal gäller till och med"), widget=DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if (
            data.get("start_date")
            and data.get("end_date")
            and data["end_date"] < data["start_date"]
        ):
            from remoteagreements.rules import MSG_END_BEFORE_START

            self.add_error("end_date", MSG_END_BEFORE_START)
        return data
