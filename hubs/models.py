"""Hubs, co-working spaces and candidate premises per kommun, with their use per month.

The current status of a hub lives on :class:`Hub`; every change is kept in
:class:`HubStatusChange` and goes through ``services.hub_set_status`` so the
order (proposed → planned → open → closed) and the dates are enforced in one place.
Rules the database can hold are also named CheckConstraints; their violations are
reported at the field they concern (see :class:`FieldLevelConstraintsMixin`).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hubplan.locking import lock_version_field
from hubs import business_case, rules
from mapping import geometry

# Error messages, reused by forms, services and tests.
LATITUDE_OUTSIDE_SWEDEN = _(
    "Latituden ligger utanför Sverige: ange ett värde mellan 55,0 och 69,1 (WGS84)."
)
LONGITUDE_OUTSIDE_SWEDEN = _(
    "Longituden ligger utanför Sverige: ange ett värde mellan 10,9 och 24,2 (WGS84)."
)
NEGATIVE_NUMBER = _("Antalet kan inte vara negativt.")
NEGATIVE_AMOUNT = _("Beloppet kan inte vara negativt.")
DUPLICATE_HUB_NAME = _("Det finns redan en hubb med det här namnet i kommunen.")
DESK_DAYS_OVER_CAPACITY = _(
    "Fler platsdagar än kapaciteten: högst %(capacity)s (skrivbord × öppna dagar)."
)
MONTH_NOT_FIRST_DAY = _("Ange månaden som dess första dag, t.ex. 2025-03-01.")
OPEN_DAYS_RANGE = _("En månad har mellan 0 och 31 öppna dagar.")
CHOSEN_NEEDS_HUB = _("En vald lokal måste vara kopplad till den hubb som skapades av den.")
POSTCODE_FORMAT = _("Postnumret består av fem siffror, t.ex. 831 30.")
CRITICAL_MASS_AT_LEAST_ONE = _("Den kritiska massan är minst en medlem.")
USE_MONTH_MESSAGES = {
    "future": _("Månaden %(month)s har inte börjat än: ange en månad till och med %(current)s."),
    "never_open": _(
        "Hubben har aldrig varit öppen och kan inte ha någon användning. Registrera först "
        "att den öppnade (Ändra status)."
    ),
    "before_open": _("Hubben öppnade %(opened)s; månaden %(month)s ligger före."),
    "after_close": _("Hubben stängde %(closed)s; månaden %(month)s ligger efter."),
    "while_closed": _(
        "Hubben var stängd från %(closed)s till %(reopened)s; månaden %(month)s ligger emellan."
    ),
}

postcode_validator = RegexValidator(r"^\d{3} ?\d{2}$", POSTCODE_FORMAT)
latitude_validators = [
    MinValueValidator(rules.SWEDEN_LAT[0], message=LATITUDE_OUTSIDE_SWEDEN),
    MaxValueValidator(rules.SWEDEN_LAT[1], message=LATITUDE_OUTSIDE_SWEDEN),
]
longitude_validators = [
    MinValueValidator(rules.SWEDEN_LON[0], message=LONGITUDE_OUTSIDE_SWEDEN),
    MaxValueValidator(rules.SWEDEN_LON[1], message=LONGITUDE_OUTSIDE_SWEDEN),
]


def check_place(place) -> None:
    """Refuse a hub's or premises' point outside its kommun's boundary (mapping.geometry).

    Called from the models' ``clean``, so every ``full_clean`` (forms, services, imports,
    the demo seed) applies it. Points outside Sweden are left to the field validators.
    """
    lat, lon = place.latitude, place.longitude
    if not place.municipality_id or lat is None or lon is None:
        return
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return
    if not rules.in_sweden(lat, lon):
        return
    message = geometry.point_outside_message(place.municipality, lat, lon)
    if message:
        raise ValidationError({"latitude": ValidationError(message, code="outside_municipality")})


class FieldLevelConstraintsMixin:
    """Report constraint violations at a field instead of above the form.

    ``constraint_fields`` maps a constraint's ``violation_error_code`` to the
    field whose input caused it, so a planner sees the message where to fix it.
    """

    constraint_fields: dict[str, str] = {}

    def validate_constraints(self, exclude=None):
        try:
            super().validate_constraints(exclude=exclude)
        except ValidationError as exc:
            errors: dict[str, list] = {}
            for field, field_errors in exc.error_dict.items():
                for error in field_errors:
                    target = field
                    if field == NON_FIELD_ERRORS:
                        target = self.constraint_fields.get(error.code, field)
                    errors.setdefault(target, []).append(error)
            raise ValidationError(errors) from None


class Hub(FieldLevelConstraintsMixin, models.Model):
    """A work hub or co-working space, existing or planned, in one kommun."""

    class Kind(models.TextChoices):
        COWORKING = "coworking", _("co-workingplats")
        REGION_PREMISES = "region_premises", _("regionens egna lokaler")
        TOWN_HALL = "town_hall", _("arbetsplatser i kommunhus")
        HEALTH_CENTRE = "health_centre", _("platser på hälsocentral")
        BUSINESS_OFFICE = "business_office", _("näringslivskontor")
        AGENCY_HUB = "agency_hub", _("myndighetshubb")
        OTHER = "other", _("annan")

    class OperatorType(models.TextChoices):
        REGION = "region", _("region")
        MUNICIPALITY = "municipality", _("kommun")
        STATE_AGENCY = "state_agency", _("statlig myndighet")
        COMPANY = "company", _("privat företag")
        NON_PROFIT = "non_profit", _("ideell organisation")

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("föreslagen")
        PLANNED = "planned", _("planerad")
        OPEN = "open", _("öppen")
        CLOSED = "closed", _("stängd")
        CANCELLED = "cancelled", _("avbruten")

    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("typ"), max_length=20, choices=Kind.choices)
    municipality = models.ForeignKey(
        "mapping.Municipality",
        on_delete=models.PROTECT,
        related_name="hubs",
        verbose_name=_("kommun"),
    )
    address = models.CharField(_("adress"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postnummer"), max_length=6, blank=True, validators=[postcode_validator]
    )
    latitude = models.FloatField(
        _("latitud"), validators=latitude_validators, help_text=_("WGS84, t.ex. 63,1792.")
    )
    longitude = models.FloatField(
        _("longitud"), validators=longitude_validators, help_text=_("WGS84, t.ex. 14,6357.")
    )
    operator = models.ForeignKey(
        "mapping.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="operated_hubs",
        verbose_name=_("driftas av"),
        help_text=_("Organisationen som driver hubben."),
    )
    operator_type = models.CharField(
        _("typ av huvudman"), max_length=20, choices=OperatorType.choices
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.PROPOSED,
        help_text=_("Ändras via statusändring, så att historiken sparas."),
    )
    status_since = models.DateField(_("status sedan"), null=True, blank=True)
    desks = models.PositiveIntegerField(
        _("skrivbord"),
        default=0,
        validators=[MinValueValidator(0, message=NEGATIVE_NUMBER)],
        error_messages={"min_value": NEGATIVE_NUMBER},
        help_text=_("Antal arbetsplatser som kan bokas."),
    )
    meeting_rooms = models.PositiveSmallIntegerField(
        _("mötesrum"),
        default=0,
        validators=[MinValueValidator(0, message=NEGATIVE_NUMBER)],
        error_messages={"min_value": NEGATIVE_NUMBER},
    )
    video_room = models.BooleanField(
        _("rum för videomöten"), default=False, help_text=_("Ett rum utrustat för videomöten.")
    )
    confidential_room = models.BooleanField(
        _("rum för sekretessarbete"),
        default=False,
        help_text=_(
            "Ett separat låsbart kontor utan insyn utifrån, som reglerna för patientdata kräver."
        ),
    )
    step_free = models.BooleanField(_("tillgänglig utan trappsteg"), default=False)
    opening_hours = models.CharField(
        _("öppettider"), max_length=200, blank=True, help_text=_("T.ex. vardagar 7–18.")
    )
    cost_per_desk_month = models.DecimalField(
        _("kostnad per skrivbord och månad (kr)"),
        max_digits=9,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=NEGATIVE_AMOUNT)],
    )
    contact = models.CharField(
        _("kontakt"), max_length=200, blank=True, help_text=_("Namn, e-post eller telefon.")
    )
    critical_mass_members = models.PositiveSmallIntegerField(
        _("kritisk massa (medlemmar)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1, message=CRITICAL_MASS_AT_LEAST_ONE)],
        error_messages={"min_value": CRITICAL_MASS_AT_LEAST_ONE},
        help_text=_(
            "Medlemmar som just den här hubben behöver för att bära sig. Tom: standardvärdet "
            "i hubbinställningarna."
        ),
    )
    notes = models.TextField(_("anteckningar"), blank=True)
    users = models.ManyToManyField(
        "mapping.Organisation",
        blank=True,
        related_name="used_hubs",
        verbose_name=_("används av"),
        help_text=_("Organisationer vars medarbetare använder hubben."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    constraint_fields = {"duplicate_name": "name"}

    lock_version = lock_version_field()  # optimistic locking (hubplan.locking)
    # Audit trail: every create, change and delete with user and time (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hubb")
        verbose_name_plural = _("hubbar")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "municipality"],
                name="hub_unique_name_per_municipality",
                violation_error_code="duplicate_name",
                violation_error_message=DUPLICATE_HUB_NAME,
            ),
            models.CheckConstraint(
                condition=models.Q(latitude__gte=rules.SWEDEN_LAT[0])
                & models.Q(latitude__lte=rules.SWEDEN_LAT[1])
                & models.Q(longitude__gte=rules.SWEDEN_LON[0])
                & models.Q(longitude__lte=rules.SWEDEN_LON[1]),
                name="hub_coordinates_in_sweden",
            ),
            models.CheckConstraint(
                condition=models.Q(cost_per_desk_month__gte=0)
                | models.Q(cost_per_desk_month__isnull=True),
                name="hub_cost_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"], name="hub_status_kind")]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})" if self.municipality_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:detail", args=[self.pk])

    @property
    def amenities(self) -> list[str]:
        """The amenities the hub has, as labels, for lists and the map."""
        return [
            str(self._meta.get_field(name).verbose_name)
            for name in ("video_room", "confidential_room", "step_free")
            if getattr(self, name)
        ]

    def clean(self):
        check_place(self)

    def open_periods(self) -> list:
        """The periods the hub was open, [(opened, closed or None)], from its status history
        (prefetch ``status_changes`` to read many hubs in one query). A hub without any
        history (registered before it was kept) counts from its current status."""
        cached = getattr(self, "_open_periods", None)
        if cached is not None:
            return cached
        changes = sorted(
            ((c.date, c.pk or 0, c.status) for c in self.status_changes.all()),
        )
        steps = [(status, date) for date, _pk, status in changes]
        if not steps and self.status_since:
            steps = [(self.status, self.status_since)]
        self._open_periods = rules.open_periods(steps)
        return self._open_periods

    def critical_mass(self, default: int | None = None) -> int:
        """The members this hub needs: its own figure, else the planners' default."""
        if self.critical_mass_members:
            return self.critical_mass_members
        return default if default is not None else HubSettings.current().critical_mass_members


class HubSettings(models.Model):
    """Settings of the hub registry that planners change on a page (one row).

    Critical mass was a constant in code; planners now set the default here and may
    give a hub its own figure (``Hub.critical_mass_members``).
    """

    critical_mass_members = models.PositiveSmallIntegerField(
        _("kritisk massa (medlemmar)"),
        default=rules.DEFAULT_CRITICAL_MASS_MEMBERS,
        validators=[MinValueValidator(1, message=CRITICAL_MASS_AT_LEAST_ONE)],
        error_messages={"min_value": CRITICAL_MASS_AT_LEAST_ONE},
        help_text=_(
            "Regelbundna medlemmar en hubb behöver för att bära sig, om hubben inte har en "
            "egen siffra. Planerarnas arbetsantagande: 10 (ungefär två per vardag)."
        ),
    )
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )

    # Audit trail: who changed the default and when (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("hubbinställningar")
        verbose_name_plural = _("hubbinställningar")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(critical_mass_members__gte=1),
                name="hub_settings_critical_mass_at_least_one",
            ),
        ]

    def __str__(self) -> str:
        return str(_("Hubbinställningar"))

    def get_absolute_url(self) -> str:
        return reverse("hubs:settings")

    @classmethod
    def current(cls) -> HubSettings:
        """The one settings row, created with the defaults the first time it is read."""
        row, _created = cls.objects.get_or_create(pk=1)
        return row


class HubStatusChange(models.Model):
    """One step in a hub's life; the newest one matches ``Hub.status``."""

    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="status_changes", verbose_name=_("hubb")
    )
    status = models.CharField(_("status"), max_length=10, choices=Hub.Status.choices)
    date = models.DateField(_("datum"), help_text=_("Dagen då statusen började gälla."))
    note = models.CharField(_("kommentar"), max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ändrad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("statusändring")
        verbose_name_plural = _("statusändringar")
        ordering = ["hub", "date", "id"]

    def __str__(self) -> str:
        return f"{self.hub.name}: {self.get_status_display()} {self.date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("hubs:detail", args=[self.hub_id])


class PremisesCandidate(FieldLevelConstraintsMixin, models.Model):
    """A premises that might house a hub (lämplig lokal), assessed before one is chosen."""

    class CoLocation(models.TextChoices):
        HEALTH_CENTRE = "health_centre", _("hälsocentral")
        BUSINESS_OFFICE = "business_office", _("näringslivskontor")
        TOWN_HALL = "town_hall", _("kommunhus")
        LIBRARY = "library", _("bibliotek")
        OTHER = "other", _("annat")

    class Status(models.TextChoices):
        IDENTIFIED = "identified", _("identifierad")
        ASSESSED = "assessed", _("bedömd")
        REJECTED = "rejected", _("avfärdad")
        CHOSEN = "chosen", _("vald")

    name = models.CharField(
        _("plats"), max_length=200, help_text=_("Lokalens namn, t.ex. Hälsocentralen plan 2.")
    )
    address = models.CharField(_("adress"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postnummer"), max_length=6, blank=True, validators=[postcode_validator]
    )
    municipality = models.ForeignKey(
        "mapping.Municipality",
        on_delete=models.PROTECT,
        related_name="premises_candidates",
        verbose_name=_("kommun"),
    )
    latitude = models.FloatField(
        _("latitud"),
        null=True,
        blank=True,
        validators=latitude_validators,
        help_text=_("Valfri; utan den placeras hubben vid centralorten."),
    )
    longitude = models.FloatField(
        _("longitud"), null=True, blank=True, validators=longitude_validators
    )
    area_m2 = models.PositiveIntegerField(
        _("yta (m²)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=NEGATIVE_NUMBER)],
        error_messages={"min_value": NEGATIVE_NUMBER},
    )
    desks_possible = models.PositiveIntegerField(
        _("möjliga skrivbord"),
        default=0,
        validators=[MinValueValidator(0, message=NEGATIVE_NUMBER)],
        error_messages={"min_value": NEGATIVE_NUMBER},
    )
    monthly_rent = models.DecimalField(
        _("månadshyra (kr)"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0, message=NEGATIVE_AMOUNT)],
    )
    available_from = models.DateField(_("tillgänglig från"), null=True, blank=True)
    co_location = ArrayField(
        models.CharField(max_length=20, choices=CoLocation.choices),
        verbose_name=_("samlokalisering med"),
        default=list,
        blank=True,
        help_text=_("Verksamheter som finns i samma hus."),
    )
    assessment = models.TextField(_("bedömning"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IDENTIFIED
    )
    hub = models.OneToOneField(
        Hub,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="premises",
        verbose_name=_("hubb"),
        help_text=_("Hubben som skapades när lokalen valdes."),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    constraint_fields = {"chosen_needs_hub": "status"}

    # Audit trail: every create, change and delete with user and time (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lämplig lokal")
        verbose_name_plural = _("lämpliga lokaler")
        ordering = ["municipality__name", "name"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="chosen") | models.Q(hub__isnull=False),
                name="premises_chosen_has_hub",
                violation_error_code="chosen_needs_hub",
                violation_error_message=CHOSEN_NEEDS_HUB,
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_rent__gte=0) | models.Q(monthly_rent__isnull=True),
                name="premises_rent_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})" if self.municipality_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:premises-update", args=[self.pk])

    def get_co_location_display(self) -> str:
        labels = dict(self.CoLocation.choices)
        return ", ".join(str(labels.get(c, c)) for c in self.co_location)

    def clean(self):
        check_place(self)


class HubMonthlyUse(FieldLevelConstraintsMixin, models.Model):
    """How much a hub was used in one month: members by organisation type and desk-days.

    ``desks`` is kept per month, as the hub had it then, so occupancy of past
    months does not change when desks are added later.
    """

    hub = models.ForeignKey(
        Hub, on_delete=models.CASCADE, related_name="monthly_use", verbose_name=_("hubb")
    )
    month = models.DateField(_("månad"), help_text=_("Månadens första dag."))
    members_region = models.PositiveIntegerField(_("medlemmar från regionen"), default=0)
    members_municipality = models.PositiveIntegerField(_("medlemmar från kommuner"), default=0)
    members_state_agency = models.PositiveIntegerField(
        _("medlemmar från statliga myndigheter"), default=0
    )
    members_company = models.PositiveIntegerField(_("medlemmar från företag"), default=0)
    members_other = models.PositiveIntegerField(_("övriga medlemmar"), default=0)
    desks = models.PositiveIntegerField(
        _("skrivbord"), help_text=_("Antal skrivbord under månaden.")
    )
    open_days = models.PositiveSmallIntegerField(
        _("öppna dagar"),
        validators=[MaxValueValidator(31, message=OPEN_DAYS_RANGE)],
        help_text=_("Dagar då hubben var öppen under månaden."),
    )
    desk_days_used = models.PositiveIntegerField(
        _("använda platsdagar"),
        help_text=_("Summan över månaden av antalet använda skrivbord per dag."),
    )

    constraint_fields = {
        "duplicate_month": "month",
        "desk_days_over_capacity": "desk_days_used",
        "month_first_day": "month",
    }

    class Meta:
        verbose_name = _("månadsanvändning")
        verbose_name_plural = _("månadsanvändning")
        ordering = ["hub", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["hub", "month"],
                name="hub_monthly_use_unique_month",
                violation_error_code="duplicate_month",
                violation_error_message=_("Hubben har redan en rad för den här månaden."),
            ),
            models.CheckConstraint(
                condition=models.Q(month__day=1),
                name="hub_monthly_use_month_first_day",
                violation_error_code="month_first_day",
                violation_error_message=MONTH_NOT_FIRST_DAY,
            ),
            models.CheckConstraint(
                condition=models.Q(open_days__lte=31),
                name="hub_monthly_use_open_days_max_31",
            ),
            models.CheckConstraint(
                condition=models.Q(desk_days_used__lte=models.F("desks") * models.F("open_days")),
                name="hub_monthly_use_within_capacity",
                violation_error_code="desk_days_over_capacity",
                violation_error_message=_("Fler platsdagar än skrivbord × öppna dagar."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.hub.name} {self.month:%Y-%m}"

    def get_absolute_url(self) -> str:
        return reverse("hubs:detail", args=[self.hub_id])

    @property
    def members(self) -> int:
        return (
            self.members_region
            + self.members_municipality
            + self.members_state_agency
            + self.members_company
            + self.members_other
        )

    @property
    def occupancy(self) -> float | None:
        return rules.occupancy(self.desk_days_used, self.desks, self.open_days)

    def clean(self):
        errors = {}
        if self.month and self.month.day != 1:
            errors["month"] = MONTH_NOT_FIRST_DAY
        elif self.month and self.hub_id:
            problem = rules.use_month_problem(
                self.month, self.hub.open_periods(), timezone.localdate()
            )
            if problem:
                code, params = problem
                params = {k: v.isoformat() if v else "–" for k, v in params.items()}
                if "current" in params:
                    params["current"] = params["current"][:7]
                params["month"] = self.month.strftime("%Y-%m")
                errors["month"] = ValidationError(
                    USE_MONTH_MESSAGES[code], code=f"month_{code}", params=params
                )
        if None not in (self.desk_days_used, self.desks, self.open_days):
            capacity = self.desks * self.open_days
            if self.desk_days_used > capacity:
                errors["desk_days_used"] = ValidationError(
                    DESK_DAYS_OVER_CAPACITY, code="over_capacity", params={"capacity": capacity}
                )
        if errors:
            raise ValidationError(errors)


# --- Business case (kalkyl) for a proposed hub ------------------------------------------------

DESKS_AT_LEAST_ONE = _("En hubb behöver minst ett skrivbord.")
OPEN_DAYS_PER_YEAR_RANGE = _("Ange mellan 1 och 366 öppna dagar per år.")
DAYS_PER_WEEK_RANGE = _("Ange fler än 0 och högst 5 dagar per vecka.")
REFERENCE_PRICE_POSITIVE = _("Referenspriset måste vara större än 0 kr.")
PREMISES_IN_OTHER_MUNICIPALITY = _("Lokalen ligger i %(premises)s, inte i den valda kommunen.")


class BusinessCase(FieldLevelConstraintsMixin, models.Model):
    """A business case (kalkyl) for a hub in one kommun, optionally in a premises candidate.

    Only the planner's inputs are stored. The estimates (members, occupancy, cost
    per desk-day, travel saved, break-even) are computed each time the case is
    shown, by :func:`hubs.selectors.business_case_estimates` and the pure functions
    in :mod:`hubs.business_case`. Why not store them: they rest on survey answers,
    which are imported and corrected after a case is written, and on factors set in
    settings (working weeks, emission factors); stored figures would go stale
    without anyone noticing, while computing them costs two queries for any number
    of cases. ``survey_round`` left empty means "the published round"
    (mapping.selectors.published_round).
    """

    name = models.CharField(
        _("namn"), max_length=200, help_text=_("T.ex. Hubb i Bräcke, sex platser.")
    )
    municipality = models.ForeignKey(
        "mapping.Municipality",
        on_delete=models.PROTECT,
        related_name="business_cases",
        verbose_name=_("kommun"),
        help_text=_("Kommunen där hubben skulle ligga; vid en vald lokal dess kommun."),
    )
    premises = models.ForeignKey(
        PremisesCandidate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="business_cases",
        verbose_name=_("lämplig lokal"),
        help_text=_(
            "Valfri. Lokalens kommun, möjliga skrivbord och hyra används om fälten lämnas tomma."
        ),
    )
    desks = models.PositiveIntegerField(
        _("skrivbord"),
        validators=[MinValueValidator(1, message=DESKS_AT_LEAST_ONE)],
        error_messages={"min_value": DESKS_AT_LEAST_ONE},
        help_text=_("Antal arbetsplatser som kan bokas."),
    )
    monthly_rent = models.DecimalField(
        _("månadshyra (kr)"),
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(0, message=NEGATIVE_AMOUNT)],
        help_text=_("Hyra för lokalen per månad."),
    )
    other_yearly_costs = models.DecimalField(
        _("övriga driftkostnader per år (kr)"),
        max_digits=11,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0, message=NEGATIVE_AMOUNT)],
        help_text=_("T.ex. städning, IT, bokningssystem och bemanning."),
    )
    open_days_per_year = models.PositiveSmallIntegerField(
        _("öppna dagar per år"),
        default=230,
        validators=[
            MinValueValidator(1, message=OPEN_DAYS_PER_YEAR_RANGE),
            MaxValueValidator(366, message=OPEN_DAYS_PER_YEAR_RANGE),
        ],
        error_messages={"min_value": OPEN_DAYS_PER_YEAR_RANGE},
        help_text=_("Vardagar minus helgdagar och sommarstängning, t.ex. 230."),
    )
    survey_round = models.ForeignKey(
        "mapping.SurveyRound",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="business_cases",
        verbose_name=_("enkätomgång"),
        help_text=_("Enkäten som medlemmarna uppskattas från. Tom: den senaste omgången med svar."),
    )
    days_per_week = models.DecimalField(
        _("hubbdagar per vecka (N)"),
        max_digits=2,
        decimal_places=1,
        default=2,
        validators=[
            MinValueValidator(Decimal("0.1"), message=DAYS_PER_WEEK_RANGE),
            MaxValueValidator(5, message=DAYS_PER_WEEK_RANGE),
        ],
        help_text=_(
            "Dagar per vecka som en medlem arbetar från hubben, för svarande som inte angav "
            "det själva (eller för alla, om svarens dagar inte används)."
        ),
    )
    use_stated_days = models.BooleanField(
        _("använd svarandes egna hubbdagar"),
        default=True,
        help_text=_(
            "Ja: varje svarandes angivna hubbdagar per vecka (N om svaret saknas). Nej: N för alla."
        ),
    )
    reference_price_per_desk_day = models.DecimalField(
        _("referenspris per platsdag (kr)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message=REFERENCE_PRICE_POSITIVE)],
        help_text=_(
            "Vad en platsdag får kosta för att hubben ska bära sig. Förslaget är medianen av "
            "de öppna hubbarnas kostnad per skrivbord och månad delad med 21 öppna dagar."
        ),
    )
    notes = models.TextField(_("anteckningar"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    constraint_fields = {
        "desks_min": "desks",
        "rent_negative": "monthly_rent",
        "other_costs_negative": "other_yearly_costs",
        "open_days_range": "open_days_per_year",
        "days_per_week_range": "days_per_week",
        "reference_price_positive": "reference_price_per_desk_day",
    }

    class Meta:
        verbose_name = _("kalkyl för hubb")
        verbose_name_plural = _("kalkyler för hubbar")
        ordering = ["municipality__name", "name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(desks__gte=1),
                name="business_case_desks_at_least_one",
                violation_error_code="desks_min",
                violation_error_message=DESKS_AT_LEAST_ONE,
            ),
            models.CheckConstraint(
                condition=models.Q(monthly_rent__gte=0),
                name="business_case_rent_not_negative",
                violation_error_code="rent_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=models.Q(other_yearly_costs__gte=0),
                name="business_case_other_costs_not_negative",
                violation_error_code="other_costs_negative",
                violation_error_message=NEGATIVE_AMOUNT,
            ),
            models.CheckConstraint(
                condition=models.Q(open_days_per_year__gte=1, open_days_per_year__lte=366),
                name="business_case_open_days_1_to_366",
                violation_error_code="open_days_range",
                violation_error_message=OPEN_DAYS_PER_YEAR_RANGE,
            ),
            models.CheckConstraint(
                condition=models.Q(days_per_week__gt=0, days_per_week__lte=5),
                name="business_case_days_per_week_0_to_5",
                violation_error_code="days_per_week_range",
                violation_error_message=DAYS_PER_WEEK_RANGE,
            ),
            models.CheckConstraint(
                condition=models.Q(reference_price_per_desk_day__gt=0),
                name="business_case_reference_price_positive",
                violation_error_code="reference_price_positive",
                violation_error_message=REFERENCE_PRICE_POSITIVE,
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality})" if self.municipality_id else self.name

    def get_absolute_url(self) -> str:
        return reverse("hubs:business-case-detail", args=[self.pk])

    @property
    def yearly_cost(self) -> Decimal:
        return business_case.yearly_cost(self.monthly_rent, self.other_yearly_costs)

    def clean(self):
        # The premises decides the kommun: a case for a premises in another kommun
        # would estimate members from the wrong people.
        if self.premises_id and self.municipality_id:
            premises = self.premises
            if premises.municipality_id != self.municipality_id:
                raise ValidationError(
                    {
                        "municipality": ValidationError(
                            PREMISES_IN_OTHER_MUNICIPALITY,
                            code="premises_elsewhere",
                            params={"premises": premises.municipality},
                        )
                    }
                )
