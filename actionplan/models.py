"""The action plan: insatsområden, strategies, activities, progress reports, relocation assessments.

The 2021 plan (RS/305/2021, decided 2021-04-27 § 79) sets out four insatsområden
and asks for "en detaljerad aktivitets- och tidsplan med tillhörande budget",
followed up by the regional board. The five strategies of the 2017 plan are what
the activities still serve. Relocation assessments carry the 2020 commitment to
"överväga lokalisering utanför Östersund vid varje ny verksamhets start".

Rules the database can hold are named CheckConstraints; the dependency graph
(no cycles) is checked in :mod:`actionplan.rules` and enforced by the services.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actionplan import rules
from hubplan.locking import lock_version_field

# Error messages, reused by forms, services and tests.
END_BEFORE_START = _("Slutdatum kan inte vara före startdatum.")
PROGRESS_RANGE = _("Färdigställandet anges i procent, från 0 till 100.")
NEGATIVE_AMOUNT = _("Beloppet kan inte vara negativt.")
DECISION_DATE_REQUIRED = _("Ange beslutsdatum när ett beslut är fattat.")

_non_negative = MinValueValidator(Decimal("0"), message=NEGATIVE_AMOUNT)
_progress_validators = [
    MinValueValidator(0, message=PROGRESS_RANGE),
    MaxValueValidator(100, message=PROGRESS_RANGE),
]


def _amount_field(verbose_name, help_text=""):
    """An amount in Swedish kronor, never negative."""
    return models.DecimalField(
        verbose_name,
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[_non_negative],
        help_text=help_text,
    )


class Area(models.Model):
    """An insatsområde of the 2021 plan (1–4)."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), help_text=_("Texten ur planen."))
    suggested_activities = models.JSONField(
        _("föreslagna aktiviteter"),
        default=list,
        blank=True,
        help_text=_("Aktiviteter som planen själv föreslår inom området, t.ex. kartläggningar."),
    )

    class Meta:
        verbose_name = _("insatsområde")
        verbose_name_plural = _("insatsområden")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Strategy(models.Model):
    """One of the five strategies of the 2017 plan, which the activities still serve."""

    number = models.PositiveSmallIntegerField(_("nummer"), unique=True)
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("strategi")
        verbose_name_plural = _("strategier")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class Activity(models.Model):
    """An activity of the action plan, with owner, partners, dates, budget and progress."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("ej påbörjad")
        ONGOING = "ongoing", _("pågår")
        DONE = "done", _("klar")
        PAUSED = "paused", _("pausad")
        CANCELLED = "cancelled", _("avbruten")

    # An activity in one of these is no longer expected to finish on time.
    CLOSED_STATUSES = (Status.DONE, Status.CANCELLED)

    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    area = models.ForeignKey(
        Area, on_delete=models.PROTECT, related_name="activities", verbose_name=_("insatsområde")
    )
    strategy = models.ForeignKey(
        Strategy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("strategi (2017)"),
        help_text=_("Den strategi ur 2017 års plan som aktiviteten främst följer upp."),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_activities",
        verbose_name=_("ansvarig person"),
    )
    responsible_organisation = models.ForeignKey(
        "mapping.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_plan_activities",
        verbose_name=_("ansvarig organisation"),
        help_text=_("T.ex. Regionstaben eller Regional utvecklingsförvaltning."),
    )
    responsible_unit = models.CharField(
        _("ansvarig enhet"),
        max_length=200,
        blank=True,
        help_text=_("Enhet eller funktion inom organisationen, t.ex. HR-avdelningen."),
    )
    partners = models.ManyToManyField(
        "mapping.Organisation",
        blank=True,
        related_name="partner_plan_activities",
        verbose_name=_("samverkanspartner"),
        help_text=_("Kommuner, Myndighetsnätverkets medlemmar, Remote Lab, näringslivet."),
    )
    municipalities = models.ManyToManyField(
        "mapping.Municipality",
        blank=True,
        related_name="plan_activities",
        verbose_name=_("berörda kommuner"),
    )
    start_date = models.DateField(_("startdatum"))
    end_date = models.DateField(_("slutdatum"))
    planned_budget = _amount_field(_("budget (kr)"), _("Planerad kostnad i kronor."))
    actual_cost = _amount_field(
        _("utfall (kr)"), _("Kostnad hittills i kronor; uppdateras av lägesrapporterna.")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NOT_STARTED
    )
    progress = models.SmallIntegerField(
        _("färdigställt (%)"), default=0, validators=_progress_validators
    )
    dependencies = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="dependents",
        verbose_name=_("beroende av"),
        help_text=_("Aktiviteter som måste komma före denna."),
    )
    hubs = models.ManyToManyField(
        "hubs.Hub",
        blank=True,
        related_name="plan_activities",
        verbose_name=_("hubbar"),
        help_text=_("Hubbar som aktiviteten har lett till."),
    )
    survey_rounds = models.ManyToManyField(
        "mapping.SurveyRound",
        blank=True,
        related_name="plan_activities",
        verbose_name=_("enkätomgångar"),
        help_text=_("Enkäter och kartläggningar som aktiviteten har genomfört."),
    )

    lock_version = lock_version_field()  # optimistic locking (hubplan.locking)
    # Audit trail: every create, change and delete with user and time (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("aktivitet")
        verbose_name_plural = _("aktiviteter")
        ordering = ["area__number", "start_date", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="activity_end_not_before_start",
                violation_error_message=END_BEFORE_START,
            ),
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="activity_progress_0_100",
                violation_error_message=PROGRESS_RANGE,
            ),
            models.CheckConstraint(
                condition=models.Q(planned_budget__gte=0, actual_cost__gte=0),
                name="activity_amounts_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plan:activity-detail", args=[self.pk])

    def clean(self):
        # At the field, so the form shows it where the user typed the date.
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": END_BEFORE_START})


class ProgressReport(models.Model):
    """A dated report on an activity: what was done, how far it is, what it has cost."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="reports", verbose_name=_("aktivitet")
    )
    date = models.DateField(_("datum"))
    text = models.TextField(_("lägesbeskrivning"))
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=Activity.Status.choices,
        default=Activity.Status.ONGOING,
        help_text=_("Aktivitetens status vid rapporten."),
    )
    progress = models.SmallIntegerField(_("färdigställt (%)"), validators=_progress_validators)
    cost_to_date = _amount_field(_("kostnad hittills (kr)"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_reports",
        verbose_name=_("rapporterad av"),
    )

    class Meta:
        verbose_name = _("lägesrapport")
        verbose_name_plural = _("lägesrapporter")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__gte=0, progress__lte=100),
                name="progressreport_progress_0_100",
                violation_error_message=PROGRESS_RANGE,
            ),
            models.CheckConstraint(
                condition=models.Q(cost_to_date__gte=0),
                name="progressreport_cost_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return self.activity.get_absolute_url()


class RelocationAssessment(models.Model):
    """Whether a unit or function could move out of Östersund, and at what cost."""

    class Reason(models.TextChoices):
        NEW_OPERATION = "new_operation", _("ny verksamhet startar")
        EXISTING_UNIT = "existing_unit", _("befintlig enhet")

    class Decision(models.TextChoices):
        PENDING = "pending", _("ej beslutat")
        RELOCATE = "relocate", _("omlokaliseras")
        PARTLY = "partly", _("delvis omlokalisering")
        STAY = "stay", _("ligger kvar")

    unit = models.CharField(
        _("enhet eller funktion"),
        max_length=200,
        help_text=_("T.ex. löneservice eller en ny verksamhet som ska starta."),
    )
    organisation = models.ForeignKey(
        "mapping.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="relocation_assessments",
        verbose_name=_("organisation"),
        help_text=_("Den förvaltning som enheten hör till."),
    )
    reason = models.CharField(_("anledning"), max_length=20, choices=Reason.choices)
    municipalities = models.ManyToManyField(
        "mapping.Municipality",
        blank=True,
        related_name="relocation_assessments",
        verbose_name=_("prövade kommuner"),
    )
    staff_count = models.PositiveSmallIntegerField(_("antal medarbetare"), null=True, blank=True)
    one_off_cost = _amount_field(_("engångskostnad (kr)"))
    yearly_cost = _amount_field(_("årlig kostnad (kr)"))
    one_off_saving = _amount_field(_("engångsbesparing (kr)"))
    yearly_saving = _amount_field(_("årlig besparing (kr)"))
    conclusion = models.TextField(
        _("slutsats om kostnadseffektivitet"),
        blank=True,
        help_text=_("Planen kräver att en omlokalisering är kostnadseffektiv."),
    )
    decision = models.CharField(
        _("beslut"), max_length=20, choices=Decision.choices, default=Decision.PENDING
    )
    decision_date = models.DateField(_("beslutsdatum"), null=True, blank=True)
    hub = models.ForeignKey(
        "hubs.Hub",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="relocation_assessments",
        verbose_name=_("hubb"),
        help_text=_("Hubben som enheten flyttar till, om någon."),
    )
    assessed_on = models.DateField(_("bedömd"), help_text=_("Datum för bedömningen."))

    class Meta:
        verbose_name = _("omlokaliseringsprövning")
        verbose_name_plural = _("omlokaliseringsprövningar")
        ordering = ["-assessed_on", "unit"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    one_off_cost__gte=0,
                    yearly_cost__gte=0,
                    one_off_saving__gte=0,
                    yearly_saving__gte=0,
                ),
                name="relocation_amounts_not_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=models.Q(decision="pending") | models.Q(decision_date__isnull=False),
                name="relocation_decision_has_date",
                violation_error_message=DECISION_DATE_REQUIRED,
            ),
        ]

    def __str__(self) -> str:
        return self.unit

    def get_absolute_url(self) -> str:
        return reverse("plan:relocation-detail", args=[self.pk])

    def clean(self):
        if self.decision != self.Decision.PENDING and not self.decision_date:
            raise ValidationError({"decision_date": DECISION_DATE_REQUIRED})

    @property
    def net_yearly_saving(self) -> Decimal:
        return rules.net_yearly_saving(self.yearly_saving, self.yearly_cost)

    @property
    def payback_years(self) -> Decimal | None:
        return rules.payback_years(
            one_off_cost=self.one_off_cost,
            one_off_saving=self.one_off_saving,
            yearly_cost=self.yearly_cost,
            yearly_saving=self.yearly_saving,
        )
