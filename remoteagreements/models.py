"""HR's register of employees and their distance-work agreements.

An agreement holds every point of the region's checklist ("Avtal om distansarbete
bör innehålla följande", seed 002) as a field or a related table. A signed
agreement is never edited in place: a change makes a new version linked to the
previous one (see ``services.agreement_new_version``), so the history stays.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from hubplan.locking import lock_version_field
from remoteagreements import personnummer as pnr

DEFAULT_REIMBURSEMENT_TERMS = _(
    "Endast kostnader direkt förbundna med tjänsteutövningen ersätts, normalt endast "
    "telefonkostnader."
)


class PersonnummerField(models.CharField):
    """Stores the normalised 12-digit form; accepts any form :mod:`personnummer` accepts."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(*args, **kwargs)
        self.validators.append(pnr.validate_personnummer)

    def to_python(self, value):
        value = super().to_python(value)
        if value and pnr.is_valid(value):
            return pnr.normalise(value)
        return value

    def formfield(self, **kwargs):
        # Room for "YYYYMMDD-NNNC"; the model field stores 12 digits.
        kwargs["max_length"] = 13
        return super().formfield(**kwargs)


class Employee(models.Model):
    """A person employed by the region, as HR registers them for distance work."""

    name = models.CharField(_("namn"), max_length=200)
    personnummer = PersonnummerField(
        _("personnummer"),
        unique=True,
        help_text=_("10 eller 12 siffror, med eller utan bindestreck. Samordningsnummer går bra."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="employee_record",
        verbose_name=_("användarkonto"),
        help_text=_("Medarbetarens eget konto i Hubplan, om hen ska kunna skriva under inloggad."),
    )
    administration = models.ForeignKey(
        "mapping.Organisation",
        on_delete=models.PROTECT,
        related_name="employees",
        verbose_name=_("förvaltning"),
        limit_choices_to={"kind__in": ["region", "administration"]},
    )
    unit = models.CharField(
        _("enhet"),
        max_length=200,
        blank=True,
        help_text=_("Enhet eller område inom förvaltningen."),
    )
    workplace = models.CharField(
        _("ordinarie arbetsplats"),
        max_length=200,
        help_text=_("Tjänstestället, t.ex. Östersunds sjukhus eller Regionens hus."),
    )
    workplace_municipality = models.ForeignKey(
        "mapping.Municipality",
        on_delete=models.PROTECT,
        related_name="workplace_employees",
        verbose_name=_("arbetsplatsens kommun"),
    )
    home_municipality = models.ForeignKey(
        "mapping.Municipality",
        on_delete=models.PROTECT,
        related_name="resident_employees",
        verbose_name=_("hemkommun"),
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_employees",
        verbose_name=_("närmaste chef"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrad"), auto_now=True)

    # Audit trail: every create, change and delete with user and time (simple-history).
    history = HistoricalRecords(excluded_fields=["personnummer"])

    class Meta:
        verbose_name = _("medarbetare")
        verbose_name_plural = _("medarbetare")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(personnummer__regex=r"^\d{12}$"),
                name="employee_personnummer_normalised",
            ),
        ]

    def __str__(self) -> str:
        # Never the personnummer: __str__ ends up in logs, select options and exports.
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("agreements:employee-detail", args=[self.pk])

    @property
    def masked_personnummer(self) -> str:
        return pnr.mask(self.personnummer)


class DistanceAgreement(models.Model):
    """A written distance-work agreement between an employee and their manager."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("utkast")
        AWAITING_EMPLOYEE = "awaiting_employee", _("väntar på medarbetarens underskrift")
        AWAITING_MANAGER = "awaiting_manager", _("väntar på chefens underskrift")
        ACTIVE = "active", _("gällande")
        ENDED = "ended", _("avslutat")

    class ExtentUnit(models.TextChoices):
        DAYS = "days", _("dagar per vecka")
        PERCENT = "percent", _("procent av veckan")

    class Place(models.TextChoices):
        # In the rules' order of preference (seed 002): first, second, last.
        REGION_WORKPLACE = "region_workplace", _("regionens egen arbetsplats")
        HUB = "hub", _("hyrd lokal (hubb)")
        HOME = "home", _("hemmet")

    class SignatureMethod(models.TextChoices):
        LOGGED_IN = "logged_in", _("inloggad i Hubplan")
        PAPER = "paper", _("på papper, registrerad av HR")

    class EndReason(models.TextChoices):
        NOTICE = "notice", _("uppsagt")
        EXPIRY = "expiry", _("avtalstiden har löpt ut")
        TERMINATION = "termination", _("avslutat i samförstånd")
        SUPERSEDED = "superseded", _("ersatt av en ny version")

    employee = models.ForeignKey(
        Employee, on_delete=models.PROTECT, related_name="agreements", verbose_name=_("medarbetare")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous_version = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="next_version",
        verbose_name=_("föregående version"),
    )
    renewed_from = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewal",
        verbose_name=_("förnyar avtal"),
    )

    # 2. Tidsperiod och omfattning
    start_date = models.DateField(_("gäller från"))
    end_date = models.DateField(_("gäller till och med"))
    extent_unit = models.CharField(
        _("omfattning anges i"), max_length=10, choices=ExtentUnit.choices, default="days"
    )
    extent_value = models.DecimalField(
        _("omfattning"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
        help_text=_("Dagar per vecka (högst 5) eller procent av veckan (högst 100)."),
    )
    # 3. Arbetstider, tillgänglighet och frånvarorutiner
    working_hours = models.TextField(_("arbetstider"))
    availability = models.TextField(_("tillgänglighet"))
    absence_routines = models.TextField(_("frånvarorutiner"))
    # 4. Arbetsplatsträffar och andra möten
    meeting_attendance = models.TextField(
        _("arbetsplatsträffar och andra möten"),
        help_text=_(
            "Hur medarbetaren regelbundet deltar i APT och andra möten på ordinarie arbetsplats."
        ),
    )
    # 5. Minst 1 dag/vecka på ordinarie arbetsplats
    days_at_workplace = models.DecimalField(
        _("dagar per vecka på ordinarie arbetsplats"),
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("5"))],
        help_text=_("Minst 1 dag per vecka. Färre kräver en skriftlig motivering."),
    )
    fewer_days_reason = models.TextField(_("motivering för färre än 1 dag per vecka"), blank=True)
    # 6. Arbetsuppgifter
    tasks = models.TextField(_("arbetsuppgifter"))
    # 7. Kontinuerlig uppföljning av arbetsresultat
    results_follow_up = models.TextField(_("kontinuerlig uppföljning av arbetsresultat"))
    # 8. Utrustning och uppkoppling (the items are EquipmentItem rows)
    connection = models.TextField(
        _("uppkoppling"), help_text=_("Den uppkoppling arbetsgivaren har beslutat om.")
    )
    # 9. Uppsägningstid
    notice_period_months = models.PositiveSmallIntegerField(
        _("uppsägningstid (månader)"), default=1, validators=[MaxValueValidator(12)]
    )
    # 10. Årlig uppföljning: next due date kept here so overdue lists are one SQL filter.
    next_follow_up_due = models.DateField(_("nästa årliga uppföljning"), null=True, blank=True)

    # Place of distance work, in the rules' order.
    place_kind = models.CharField(
        _("plats för distansarbetet"), max_length=20, choices=Place.choices
    )
    place_description = models.CharField(
        _("plats, närmare"),
        max_length=200,
        blank=True,
        help_text=_("T.ex. vilken av regionens arbetsplatser, eller ort."),
    )
    hub = models.ForeignKey(
        "hubs.Hub",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distance_agreements",
        verbose_name=_("hubb"),
    )
    place_reason = models.TextField(
        _("skäl till platsen"),
        blank=True,
        help_text=_(
            "Krävs för hyrd lokal eller hemmet: varför regionens egna arbetsplatser inte passar."
        ),
    )
    # Patient data or other confidential information.
    handles_confidential = models.BooleanField(
        _("hanterar patientuppgifter eller annan sekretessbelagd information"), default=False
    )
    conf_separate_room = models.BooleanField(
        _("eget låsbart rum, väl avskilt från allmänna utrymmen"), default=False
    )
    conf_screen_shielded = models.BooleanField(
        _("skärmen skyddad mot insyn, t.ex. från fönster"), default=False
    )
    conf_no_unauthorised_access = models.BooleanField(
        _("ingen obehörig kan komma åt arbetsplatsen"), default=False
    )
    region_provides_computer = models.BooleanField(
        _("regionen tillhandahåller datorn"), default=False
    )
    # Home work.
    home_insurance = models.BooleanField(
        _("hemförsäkring finns"),
        default=False,
        help_text=_("Rekommenderas vid distansarbete hemifrån."),
    )
    aml_access_acknowledged = models.BooleanField(
        _("arbetsgivarens tillträde för att kontrollera arbetsmiljön (AML) godkänt"),
        default=False,
    )
    reimbursement_terms = models.TextField(
        _("ersättning för kostnader"), default=DEFAULT_REIMBURSEMENT_TERMS
    )

    # 11–12. Underskrifter
    employee_signed_at = models.DateTimeField(_("medarbetaren skrev under"), null=True, blank=True)
    employee_signature_method = models.CharField(
        _("medarbetarens underskrift"),
        max_length=10,
        choices=SignatureMethod.choices,
        blank=True,
    )
    employee_signature_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("underskriften registrerad av"),
    )
    manager_signed_at = models.DateTimeField(_("chefen skrev under"), null=True, blank=True)
    manager_signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chef som skrev under"),
    )
    # Ending.
    ended_on = models.DateField(_("avslutat den"), null=True, blank=True)
    end_reason = models.CharField(
        _("skäl till avslut"), max_length=20, choices=EndReason.choices, blank=True
    )
    end_note = models.TextField(_("kommentar till avslut"), blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("skapat av"),
    )
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("ändrat"), auto_now=True)

    lock_version = lock_version_field()  # optimistic locking (hubplan.locking)
    # Audit trail: every create, change and delete with user and time (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("distansarbetsavtal")
        verbose_name_plural = _("distansarbetsavtal")
        ordering = ["-start_date", "-pk"]
        indexes = [
            models.Index(fields=["status", "start_date", "end_date"]),
            # The register's first page in its default order, and its "follow-up due" and
            # "ending soon" panels, without sorting every agreement (issue 9, benchmarks).
            models.Index(fields=["-start_date", "-id"], name="agreement_newest_first"),
            models.Index(fields=["status", "next_follow_up_due"], name="agreement_follow_up_due"),
            models.Index(fields=["status", "end_date"], name="agreement_status_end"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="agreement_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(extent_unit="days", extent_value__gt=0, extent_value__lte=5)
                    | models.Q(extent_unit="percent", extent_value__gt=0, extent_value__lte=100)
                ),
                name="agreement_extent_within_week",
            ),
            models.CheckConstraint(
                condition=models.Q(days_at_workplace__gte=0, days_at_workplace__lte=5),
                name="agreement_days_at_workplace_within_week",
            ),
            models.CheckConstraint(
                condition=models.Q(place_kind="hub", hub__isnull=False)
                | (~models.Q(place_kind="hub") & models.Q(hub__isnull=True)),
                name="agreement_hub_only_for_hub_place",
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="agreement_version_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="ended") | models.Q(ended_on__isnull=False),
                name="agreement_ended_has_date",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["awaiting_manager", "active"])
                | models.Q(employee_signed_at__isnull=False),
                name="agreement_signed_by_employee_before_manager",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(manager_signed_at__isnull=False),
                name="agreement_active_is_signed_by_manager",
            ),
        ]

    def __str__(self) -> str:
        return _("Distansarbetsavtal %(pk)s, version %(version)s") % {
            "pk": self.pk or "–",
            "version": self.version,
        }

    def get_absolute_url(self) -> str:
        return reverse("agreements:detail", args=[self.pk])

    @property
    def is_flagged(self) -> bool:
        """Fewer than one day a week at the ordinary workplace: allowed with a reason, but flagged."""
        return self.days_at_workplace is not None and self.days_at_workplace < 1

    @property
    def is_signed(self) -> bool:
        return self.employee_signed_at is not None

    @property
    def is_editable(self) -> bool:
        """Only before anyone has signed; afterwards a change makes a new version."""
        return self.status in (self.Status.DRAFT, self.Status.AWAITING_EMPLOYEE)

    def follow_up_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status == self.Status.ACTIVE
            and self.next_follow_up_due is not None
            and self.next_follow_up_due < today
        )

    def clean(self):
        from django.core.exceptions import ValidationError

        from remoteagreements import rules

        errors = rules.field_errors(self)
        if errors:
            raise ValidationError(errors)


class EquipmentItem(models.Model):
    """A piece of equipment used for the distance work, listed in the workplace's inventory."""

    class Provider(models.TextChoices):
        REGION = "region", _("regionen")
        EMPLOYEE = "employee", _("medarbetaren")

    agreement = models.ForeignKey(
        DistanceAgreement,
        on_delete=models.CASCADE,
        related_name="equipment",
        verbose_name=_("avtal"),
    )
    item = models.CharField(_("utrustning"), max_length=200)
    inventory_number = models.CharField(
        _("inventarienummer"),
        max_length=60,
        help_text=_("Numret i arbetsplatsens inventarieförteckning."),
    )
    marking = models.CharField(
        _("märkning"), max_length=120, help_text=_("Märkning enligt regionens regler.")
    )
    provided_by = models.CharField(
        _("tillhandahålls av"), max_length=10, choices=Provider.choices, default="region"
    )

    class Meta:
        verbose_name = _("utrustning")
        verbose_name_plural = _("utrustning")
        ordering = ["agreement", "pk"]

    def __str__(self) -> str:
        return f"{self.item} ({self.inventory_number})"


class FollowUp(models.Model):
    """The yearly follow-up of an agreement: when, the outcome and notes."""

    class Outcome(models.TextChoices):
        CONTINUE = "continue", _("fortsätter oförändrat")
        CHANGE = "change", _("ska ändras (ny version)")
        END = "end", _("ska avslutas")

    agreement = models.ForeignKey(
        DistanceAgreement,
        on_delete=models.CASCADE,
        related_name="follow_ups",
        verbose_name=_("avtal"),
    )
    held_on = models.DateField(_("datum"))
    outcome = models.CharField(_("resultat"), max_length=10, choices=Outcome.choices)
    notes = models.TextField(_("anteckningar"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("registrerad av"),
    )
    created_at = models.DateTimeField(_("registrerad"), auto_now_add=True)

    class Meta:
        verbose_name = _("uppföljning")
        verbose_name_plural = _("uppföljningar")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on}: {self.get_outcome_display()}"


class PersonnummerAccess(models.Model):
    """One view of an unmasked personnummer: who saw whose number, when, and on which page.

    GDPR asks that access to personal data can be followed up. Rows are written by
    ``services.log_personnummer_access`` and only read by superusers; the number itself
    is never stored here.
    """

    viewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="personnummer_accesses",
        verbose_name=_("visat för"),
    )
    employee = models.ForeignKey(
        Employee,
        on_delete=models.CASCADE,
        related_name="personnummer_accesses",
        verbose_name=_("medarbetare"),
    )
    viewed_at = models.DateTimeField(_("tidpunkt"), default=timezone.now, db_index=True)
    page = models.CharField(
        _("sida"), max_length=100, help_text=_("Namnet på sidan där numret visades.")
    )

    class Meta:
        ordering = ["-viewed_at", "-pk"]
        verbose_name = _("visning av personnummer")
        verbose_name_plural = _("visningar av personnummer")

    def __str__(self) -> str:
        return f"{self.viewed_by} → {self.employee_id} ({self.viewed_at:%Y-%m-%d %H:%M})"
