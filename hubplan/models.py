"""Hubplan's own data: named weight sets (scenarios) for the suitability score.

Roles are Django groups (see ``hubplan/migrations/0001_roles.py``); everything
else belongs to the apps. A scenario only stores weights: the score is always
recomputed from current data, so a saved scenario never goes stale.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hubplan import suitability

DUPLICATE_SCENARIO_NAME = _("Det finns redan ett scenario med det namnet.")


def _weight_field(indicator: suitability.Indicator):
    return models.DecimalField(
        indicator.label,
        max_digits=5,
        decimal_places=2,
        default=indicator.default_weight,
        validators=[
            MinValueValidator(0, message=suitability.WEIGHT_RANGE),
            MaxValueValidator(suitability.WEIGHT_MAX, message=suitability.WEIGHT_RANGE),
        ],
        help_text=_("Vikt 0–100."),
    )


_I = {i.key: i for i in suitability.INDICATORS}


class SuitabilityScenario(models.Model):
    """A named set of weights for the suitability score, saved by a planner."""

    name = models.CharField(
        _("namn"),
        max_length=100,
        unique=True,
        error_messages={"unique": DUPLICATE_SCENARIO_NAME},
        help_text=_("T.ex. Kritisk massa först."),
    )
    description = models.TextField(
        _("beskrivning"), blank=True, help_text=_("Varför vikterna är satta så.")
    )
    w_potential_users = _weight_field(_I["potential_users"])
    w_time_saved = _weight_field(_I["time_saved"])
    w_capacity_gap = _weight_field(_I["capacity_gap"])
    w_premises = _weight_field(_I["premises"])
    w_co_location = _weight_field(_I["co_location"])
    w_partner_interest = _weight_field(_I["partner_interest"])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sparad av"),
    )
    created_at = models.DateTimeField(_("sparad"), auto_now_add=True)

    class Meta:
        verbose_name = _("lämplighetsscenario")
        verbose_name_plural = _("lämplighetsscenarier")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(
                    **{f"w_{k}__gte": 0 for k in suitability.KEYS},
                    **{f"w_{k}__lte": suitability.WEIGHT_MAX for k in suitability.KEYS},
                ),
                name="suitability_weights_0_100",
                violation_error_message=suitability.WEIGHT_RANGE,
            ),
            models.CheckConstraint(
                condition=models.Q(w_potential_users__gt=0)
                | models.Q(w_time_saved__gt=0)
                | models.Q(w_capacity_gap__gt=0)
                | models.Q(w_premises__gt=0)
                | models.Q(w_co_location__gt=0)
                | models.Q(w_partner_interest__gt=0),
                name="suitability_some_weight",
                violation_error_message=suitability.NO_WEIGHT,
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{reverse('municipalities:suitability')}?scenario={self.pk}"

    @property
    def weights(self) -> dict[str, float]:
        return {k: float(getattr(self, f"w_{k}")) for k in suitability.KEYS}


class Job(models.Model):
    """One piece of long work (a check, an import, a large export) run by the worker.

    The queue itself is procrastinate's (``procrastinate_jobs``); this row is what the
    pages show and what outlives a crash: who started it, its stage and percentage,
    the report it ended with. ``heartbeat_at`` is written every few seconds while the
    job runs, by a thread beside it (:mod:`hubplan.jobs`); a running job whose heartbeat
    stops is marked failed by :func:`hubplan.jobs.reap_stalled`, so no job stays
    "running" after its worker or the database died under it.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("i kö")
        RUNNING = "running", _("pågår")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")
        CANCELLED = "cancelled", _("avbruten")

    ACTIVE = (Status.QUEUED, Status.RUNNING)

    kind = models.CharField(_("typ"), max_length=40, help_text=_("Vilket slags arbete."))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad av"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.QUEUED
    )
    stage = models.CharField(
        _("steg"), max_length=40, blank=True, help_text=_("Steget som pågår, t.ex. läser.")
    )
    processed = models.BigIntegerField(_("behandlade"), default=0)
    total = models.BigIntegerField(_("totalt"), default=0, help_text=_("0 när okänt."))
    percent = models.PositiveSmallIntegerField(_("procent"), default=0)
    params = models.JSONField(
        _("parametrar"), default=dict, blank=True, help_text=_("Jobbets indata.")
    )
    result = models.JSONField(
        _("resultat"), default=dict, blank=True, help_text=_("Jobbets rapport.")
    )
    message = models.TextField(_("meddelande"), blank=True)
    upload = models.CharField(
        _("uppladdad fil"),
        max_length=200,
        blank=True,
        help_text=_("Filens namn i lagringen för uppladdningar."),
    )
    output = models.CharField(
        _("resultatfil"),
        max_length=200,
        blank=True,
        help_text=_("En färdig export att hämta, i lagringen för uppladdningar."),
    )
    cancel_requested = models.BooleanField(_("avbrott begärt"), default=False)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    queue_id = models.BigIntegerField(
        _("köns jobb-id"), null=True, blank=True, help_text=_("procrastinate_jobs.id")
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    started = models.DateTimeField(_("startad"), null=True, blank=True)
    finished = models.DateTimeField(_("avslutad"), null=True, blank=True)
    heartbeat_at = models.DateTimeField(_("senaste livstecken"), null=True, blank=True)

    class Meta:
        verbose_name = _("jobb")
        verbose_name_plural = _("jobb")
        ordering = ["-created"]
        indexes = [models.Index(fields=["status", "heartbeat_at"], name="job_status_heartbeat")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("job-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def stage_label(self) -> str:
        from hubplan.jobs import stage_label  # jobs builds on this module

        return stage_label(self.stage) if self.stage else ""

    @property
    def kind_label(self) -> str:
        from hubplan.jobs import kind_label

        return kind_label(self.kind)


class StoredFileChunk(models.Model):
    """One piece (at most 1 MiB) of a file kept by :class:`hubplan.storage.DatabaseStorage`.

    Uploads live in PostgreSQL between the steps of an import, so every web server and
    worker reads the same file; nothing is kept on one machine's disk.
    """

    name = models.CharField(_("namn"), max_length=200, db_index=True)
    seq = models.PositiveIntegerField(_("ordning"))
    data = models.BinaryField(_("innehåll"))
    created = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("fildel")
        verbose_name_plural = _("fildelar")
        constraints = [
            models.UniqueConstraint(fields=["name", "seq"], name="stored_file_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} [{self.seq}]"
