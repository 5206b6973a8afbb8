"""Reference data every other app builds on: counties, kommuner and organisations.

Kommuner are keyed by their four-digit SCB code, the identifier every Swedish
statistics source uses, so imports can match on it directly.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

JAMTLAND_COUNTY_CODE = "23"

municipality_code_validator = RegexValidator(
    r"^\d{4}$", _("Kommunkoden består av fyra siffror, t.ex. 2380.")
)
county_code_validator = RegexValidator(r"^\d{2}$", _("Länskoden består av två siffror, t.ex. 23."))


class County(models.Model):
    """A län, as SCB codes it."""

    code = models.CharField(
        _("länskod"), max_length=2, primary_key=True, validators=[county_code_validator]
    )
    name = models.CharField(_("namn"), max_length=100, help_text=_("T.ex. Jämtlands län."))

    class Meta:
        verbose_name = _("län")
        verbose_name_plural = _("län")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class MunicipalityQuerySet(models.QuerySet):
    def in_region(self):
        """The eight kommuner of Jämtlands län, the region Hubplan serves."""
        return self.filter(county_id=JAMTLAND_COUNTY_CODE)


class Municipality(models.Model):
    """A kommun. Population, area, centre and boundary are kept for the region's eight."""

    code = models.CharField(
        _("kommunkod"),
        max_length=4,
        primary_key=True,
        validators=[municipality_code_validator],
        help_text=_("SCB:s fyrsiffriga kommunkod."),
    )
    name = models.CharField(_("namn"), max_length=100, help_text=_("Kort namn, t.ex. Östersund."))
    official_name = models.CharField(
        _("officiellt namn"), max_length=100, help_text=_("T.ex. Östersunds kommun.")
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="municipalities", verbose_name=_("län")
    )
    population = models.PositiveIntegerField(_("folkmängd"), null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        _("folkmängd avser år"),
        null=True,
        blank=True,
        help_text=_("Folkmängden den 31 december detta år."),
    )
    land_area_km2 = models.DecimalField(
        _("landareal (km²)"), max_digits=9, decimal_places=2, null=True, blank=True
    )
    land_area_reference = models.CharField(
        _("landareal avser"),
        max_length=60,
        blank=True,
        help_text=_("Den tidpunkt eller tabell som landarealen kommer från."),
    )
    centre_name = models.CharField(_("centralort"), max_length=100, blank=True)
    centre_latitude = models.FloatField(
        _("centralortens latitud"),
        null=True,
        blank=True,
        validators=[MinValueValidator(55.0), MaxValueValidator(69.1)],
    )
    centre_longitude = models.FloatField(
        _("centralortens longitud"),
        null=True,
        blank=True,
        validators=[MinValueValidator(10.9), MaxValueValidator(24.2)],
    )
    boundary = models.JSONField(
        _("gräns (GeoJSON)"),
        null=True,
        blank=True,
        help_text=_("Kommungränsen som GeoJSON-geometri i WGS84 (longitud, latitud)."),
    )

    objects = MunicipalityQuerySet.as_manager()

    class Meta:
        verbose_name = _("kommun")
        verbose_name_plural = _("kommuner")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^\d{4}$"), name="municipality_code_four_digits"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("mapping:municipality-detail", args=[self.code])

    @property
    def in_region(self) -> bool:
        return self.county_id == JAMTLAND_COUNTY_CODE


class Organisation(models.Model):
    """An organisation that runs, uses or partners in hubs and the plan."""

    class Kind(models.TextChoices):
        REGION = "region", _("region")
        ADMINISTRATION = "administration", _("förvaltning inom regionen")
        MUNICIPALITY = "municipality", _("kommun")
        STATE_AGENCY = "state_agency", _("statlig myndighet")
        COMPANY = "company", _("privat företag")
        NON_PROFIT = "non_profit", _("ideell organisation")
        OTHER = "other", _("annan")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("ingår i"),
        help_text=_("T.ex. regionen för en förvaltning."),
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("kommun"),
        help_text=_("Kommunen organisationen är, eller har sitt säte i."),
    )
    in_agency_network = models.BooleanField(
        _("ingår i Myndighetsnätverket"),
        default=False,
        help_text=_("Myndighetsnätverket som Länsstyrelsen i Jämtlands län koordinerar."),
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisationer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
