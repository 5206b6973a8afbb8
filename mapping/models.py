"""Reference data every other app builds on: counties, kommuner and organisations.

Kommuner are keyed by their four-digit SCB code, the identifier every Swedish
statistics source uses, so imports can match on it directly.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

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
        return reverse("municipalities:detail", args=[self.code])

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


# --- Kartläggning: surveys, commuting statistics, kommun context ------------------------------


class SurveyRound(models.Model):
    """One survey (enkätomgång), e.g. CERO's 2017 commuting survey or the week-16 2021 staff survey."""

    class Kind(models.TextChoices):
        COMMUTING_RESIDENCE = "commuting_residence", _("pendling och boende")
        WORK_ENVIRONMENT = "work_environment", _("arbetsmiljö")
        OTHER = "other", _("annan")

    name = models.CharField(_("namn"), max_length=200, unique=True)
    date = models.DateField(_("datum"), help_text=_("När enkäten genomfördes (eller avslutades)."))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="survey_rounds",
        verbose_name=_("organisation"),
        help_text=_("Den organisation som genomförde enkäten."),
    )
    kind = models.CharField(
        _("typ"), max_length=30, choices=Kind.choices, default=Kind.COMMUTING_RESIDENCE
    )
    notes = models.TextField(_("anteckningar"), blank=True)
    # Which round feeds the kommun pages, the indicators and the API: chosen by a planner
    # (mapping.services.survey_round_publish), never by date, so a newer test import
    # cannot take over the official figures.
    is_published = models.BooleanField(
        _("publicerad"),
        default=False,
        editable=False,
        help_text=_(
            "Den publicerade omgången av varje typ ger kommunsidornas och indikatorernas "
            "siffror. En ny import eller ett senare datum ändrar inte vilken som är publicerad."
        ),
    )
    published_at = models.DateTimeField(_("publicerad den"), null=True, blank=True, editable=False)
    # Audit trail (simple-history): who published or unpublished the round, and when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enkätomgång")
        verbose_name_plural = _("enkätomgångar")
        ordering = ["-date", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["commuting_residence", "work_environment", "other"]),
                name="survey_round_kind_valid",
            ),
            # At most one published round of each kind.
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_published=True),
                name="survey_round_one_published_per_kind",
                violation_error_message=_(
                    "Det finns redan en publicerad enkätomgång av den typen."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:round-detail", args=[self.pk])


class SurveyResponse(models.Model):
    """One anonymous answer: no names and no personnummer are ever stored."""

    class Mode(models.TextChoices):
        CAR = "car", _("bil")
        BUS = "bus", _("buss")
        TRAIN = "train", _("tåg")
        BIKE_WALK = "bike_walk", _("cykel/gång")
        OTHER = "other", _("annat")

    class Interest(models.TextChoices):
        YES = "yes", _("ja")
        MAYBE = "maybe", _("kanske")
        NO = "no", _("nej")

    class Employer(models.TextChoices):
        REGION = "region", _("regionen")
        MUNICIPALITY = "municipality", _("kommun")
        OTHER = "other", _("annan")

    # The foreign keys to the round and the kommuner have plain indexes of their own in
    # Meta (no varchar_pattern_ops twins, none for the round alone, which the index on
    # round and home kommun serves): every index costs each imported row a write.
    round = models.ForeignKey(
        SurveyRound,
        on_delete=models.CASCADE,
        related_name="responses",
        verbose_name=_("enkätomgång"),
        db_index=False,
    )
    survey_import = models.ForeignKey(
        "SurveyImport",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="responses",
        verbose_name=_("import"),
    )
    organisation = models.CharField(
        _("organisation"), max_length=200, blank=True, help_text=_("Svarandens arbetsgivare.")
    )
    employer_kind = models.CharField(
        _("arbetsgivartyp"),
        max_length=20,
        choices=Employer.choices,
        default=Employer.OTHER,
        help_text=_("Härleds ur organisationen: regionen, en kommun eller annan."),
    )
    unit = models.CharField(_("enhet"), max_length=200, blank=True)
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hemkommun"),
        db_index=False,
    )
    postcode = models.CharField(_("postnummer"), max_length=6, blank=True)
    workplace_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("arbetsplatskommun"),
        db_index=False,
    )
    distance_km = models.DecimalField(
        _("avstånd (km)"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(2000)],
        help_text=_("Enkel väg."),
    )
    travel_minutes = models.PositiveSmallIntegerField(
        _("restid (minuter)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(720)],
        help_text=_("Enkel väg."),
    )
    mode = models.CharField(_("färdmedel"), max_length=12, choices=Mode.choices, blank=True)
    commute_days_per_week = models.DecimalField(
        _("pendlingsdagar per vecka"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(7)],
    )
    work_hours_per_day = models.DecimalField(
        _("arbetstimmar per dag"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(24)],
    )
    hub_interest = models.CharField(
        _("intresse för hubb eller flexibelt arbete"),
        max_length=5,
        choices=Interest.choices,
        blank=True,
    )
    hub_days_per_week = models.DecimalField(
        _("hubbdagar per vecka"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(7)],
        help_text=_("Hur många dagar i veckan svaranden skulle arbeta från en hubb."),
    )
    comment = models.TextField(_("kommentar"), blank=True)

    class Meta:
        verbose_name = _("enkätsvar")
        verbose_name_plural = _("enkätsvar")
        ordering = ["round", "id"]
        indexes = [
            models.Index(fields=["round", "home_municipality"]),
            models.Index(fields=["home_municipality"], name="survey_response_home_idx"),
            models.Index(fields=["workplace_municipality"], name="survey_response_work_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(distance_km__gte=0, distance_km__lte=2000)
                | models.Q(distance_km__isnull=True),
                name="survey_response_distance_range",
            ),
            models.CheckConstraint(
                condition=models.Q(travel_minutes__lte=720) | models.Q(travel_minutes__isnull=True),
                name="survey_response_travel_minutes_range",
            ),
            models.CheckConstraint(
                condition=models.Q(commute_days_per_week__gte=0, commute_days_per_week__lte=7)
                | models.Q(commute_days_per_week__isnull=True),
                name="survey_response_commute_days_range",
            ),
            models.CheckConstraint(
                condition=models.Q(work_hours_per_day__gte=0, work_hours_per_day__lte=24)
                | models.Q(work_hours_per_day__isnull=True),
                name="survey_response_work_hours_range",
            ),
            models.CheckConstraint(
                condition=models.Q(hub_days_per_week__gte=0, hub_days_per_week__lte=7)
                | models.Q(hub_days_per_week__isnull=True),
                name="survey_response_hub_days_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} #{self.pk}"

    def get_absolute_url(self) -> str:
        return self.round.get_absolute_url()


class SurveyImport(models.Model):
    """One file imported into a round; also the job whose progress the import page polls.

    Importing the same file (same SHA-256) into the same round again is a no-op:
    a completed import with that hash exists, so nothing is read or written.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("pågår")
        DONE = "done", _("klar")
        FAILED = "failed", _("misslyckades")

    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="imports", verbose_name=_("enkätomgång")
    )
    file_name = models.CharField(_("filnamn"), max_length=255, blank=True)
    file_sha256 = models.CharField(_("filens SHA-256"), max_length=64)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.RUNNING
    )
    valid_only = models.BooleanField(
        _("bara giltiga rader"),
        default=False,
        help_text=_("Användaren valde att hoppa över ogiltiga rader."),
    )
    total_rows = models.PositiveIntegerField(_("rader i filen"), default=0)
    processed_rows = models.PositiveIntegerField(_("behandlade rader"), default=0)
    row_count = models.PositiveIntegerField(_("importerade rader"), default=0)
    skipped_count = models.PositiveIntegerField(_("överhoppade rader"), default=0)
    # {"dropped": {field: {answer: n}}, "kept": {...}}: how the rows left out by "import
    # only the valid rows" answered the coded questions, beside the rows kept, so the
    # round can warn when the dropped rows lean towards one answer (mapping.imports.leaning).
    answer_counts = models.JSONField(
        _("svarsfördelning"),
        default=dict,
        blank=True,
        help_text=_("Kodade svar bland de importerade och de utelämnade raderna."),
    )
    message = models.TextField(_("meddelande"), blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("användare"),
    )
    created = models.DateTimeField(_("skapad"), auto_now_add=True)
    finished = models.DateTimeField(_("klar"), null=True, blank=True)
    # The worker's job that reads and writes the file (hubplan.jobs): its stage,
    # percentage, cancel and retry. Empty for imports run by the command or before jobs.
    job = models.OneToOneField(
        "hubplan.Job",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="survey_import",
        verbose_name=_("jobb"),
        help_text=_("Jobbet som läser och skriver filen."),
    )

    # Audit trail: every create, change and delete with user and time (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("enkätimport")
        verbose_name_plural = _("enkätimporter")
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "file_sha256"],
                condition=models.Q(status="done"),
                name="survey_import_same_file_once_per_round",
            ),
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows"))
                | models.Q(total_rows=0),
                name="survey_import_progress_within_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name or self.file_sha256[:12]} → {self.round}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:import-detail", args=[self.pk])

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.processed_rows / self.total_rows) if self.total_rows else 0


class SurveyImportProfile(models.Model):
    """A saved column mapping and value coding for files from one survey tool
    (e.g. "Netigate personalenkät"), offered for the next file and taken by
    ``manage.py import_survey --mapping NAME``."""

    name = models.CharField(_("namn"), max_length=100, unique=True)
    # {field: the file's header}, as mapping.imports.guess_mapping returns it.
    mapping = models.JSONField(_("kolumnkoppling"), default=dict, blank=True)
    # {field: {folded answer: code}}; code "" means unanswered (mapping.imports.RowValidator).
    coding = models.JSONField(_("värdekodning"), default=dict, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sparad av"),
    )
    updated = models.DateTimeField(_("ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("importprofil för enkäter")
        verbose_name_plural = _("importprofiler för enkäter")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class CommutingFlow(models.Model):
    """SCB RAMS: people living in one kommun and working in another (or the same), per year."""

    home_municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("bostadskommun")
    )
    workplace_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("arbetsställekommun"),
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1985), MaxValueValidator(2100)]
    )
    commuters = models.PositiveIntegerField(_("antal förvärvsarbetande"))

    class Meta:
        verbose_name = _("pendlingsström (RAMS)")
        verbose_name_plural = _("pendlingsströmmar (RAMS)")
        ordering = ["-year", "home_municipality", "workplace_municipality"]
        constraints = [
            models.UniqueConstraint(
                fields=["home_municipality", "workplace_municipality", "year"],
                name="commuting_flow_unique_per_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.home_municipality_id} → {self.workplace_municipality_id} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:rams")


class MunicipalityMigration(models.Model):
    """In- and out-migration (inflyttade, utflyttade) of a kommun in a year."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1968), MaxValueValidator(2100)]
    )
    in_migration = models.PositiveIntegerField(_("inflyttade"))
    out_migration = models.PositiveIntegerField(_("utflyttade"))

    class Meta:
        verbose_name = _("flyttningar")
        verbose_name_plural = _("flyttningar")
        ordering = ["municipality", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year"], name="municipality_migration_unique_per_year"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:context")

    @property
    def net(self) -> int:
        return self.in_migration - self.out_migration


class RecruitmentNeed(models.Model):
    """Expected recruitment need in a sector of a kommun in a year."""

    municipality = models.ForeignKey(
        Municipality, on_delete=models.PROTECT, related_name="+", verbose_name=_("kommun")
    )
    year = models.PositiveSmallIntegerField(
        _("år"), validators=[MinValueValidator(1968), MaxValueValidator(2100)]
    )
    sector = models.CharField(
        _("sektor"), max_length=100, help_text=_("T.ex. vård och omsorg, utbildning.")
    )
    needed = models.PositiveIntegerField(_("rekryteringsbehov"), help_text=_("Antal personer."))

    class Meta:
        verbose_name = _("rekryteringsbehov")
        verbose_name_plural = _("rekryteringsbehov")
        ordering = ["municipality", "year", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "sector"],
                name="recruitment_need_unique_per_sector_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.municipality_id} {self.year} {self.sector}"

    def get_absolute_url(self) -> str:
        return reverse("surveys:context")


# --- Dygnsvila from shift schedules (mapping.shifts) -------------------------------------------


class ShiftImport(models.Model):
    """One imported shift list (schemaunderlag), kept only as its figures.

    A person's shift pattern is personal data, so neither person ids nor shifts are
    stored: the import keeps what was read and the per-(employer, unit) aggregates in
    :class:`ShiftRestGroup`, computed once at import (:mod:`mapping.shifts`).
    """

    name = models.CharField(_("namn"), max_length=200, help_text=_("T.ex. Schema vecka 10–13."))
    file_name = models.CharField(_("filnamn"), max_length=255, blank=True)
    first_date = models.DateField(_("första passdag"))
    last_date = models.DateField(_("sista passdag"))
    shift_count = models.PositiveIntegerField(_("pass"))
    people = models.PositiveIntegerField(_("personer"))
    people_short = models.PositiveIntegerField(_("personer med dygnsvila under 11 timmar"))
    short_rests = models.PositiveIntegerField(_("viloperioder under 11 timmar"))
    worst_rest_minutes = models.PositiveIntegerField(
        _("kortaste vila (minuter)"),
        null=True,
        blank=True,
        help_text=_("Tom när ingen person har två pass."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("importerad av"),
    )
    created = models.DateTimeField(_("importerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("schemaimport")
        verbose_name_plural = _("schemaimporter")
        ordering = ["-created", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(people_short__lte=models.F("people")),
                name="shift_import_short_within_people",
            ),
            models.CheckConstraint(
                condition=models.Q(first_date__lte=models.F("last_date")),
                name="shift_import_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("surveys:shift-detail", args=[self.pk])


class ShiftRestGroup(models.Model):
    """Daily rest of the people of one unit of one employer in a :class:`ShiftImport`.

    The row with an empty unit is the employer as a whole, counted per person (someone
    working in two units counts once), so it is not the sum of the unit rows.
    """

    schedule = models.ForeignKey(
        ShiftImport, on_delete=models.CASCADE, related_name="groups", verbose_name=_("schemaimport")
    )
    employer = models.CharField(_("arbetsgivare"), max_length=200)
    employer_kind = models.CharField(
        _("typ av arbetsgivare"), max_length=20, choices=SurveyResponse.Employer.choices
    )
    unit = models.CharField(
        _("enhet"), max_length=200, blank=True, help_text=_("Tom för arbetsgivaren som helhet.")
    )
    people = models.PositiveIntegerField(_("personer"))
    people_short = models.PositiveIntegerField(_("personer med dygnsvila under 11 timmar"))
    short_rests = models.PositiveIntegerField(_("viloperioder under 11 timmar"))
    worst_rest_minutes = models.PositiveIntegerField(
        _("kortaste vila (minuter)"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("dygnsvila per enhet")
        verbose_name_plural = _("dygnsvila per enhet")
        ordering = ["schedule", "employer", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "employer", "unit"], name="shift_rest_group_unique_unit"
            ),
            models.CheckConstraint(
                condition=models.Q(people_short__lte=models.F("people")),
                name="shift_rest_group_short_within_people",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer} / {self.unit}"

    def get_absolute_url(self) -> str:
        return self.schedule.get_absolute_url()
