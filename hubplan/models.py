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
