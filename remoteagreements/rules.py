"""The region's rules for distance work (seed 002, "Distansarbete"), as pure checks.

Nothing here touches the database beyond reading attributes of the agreement it is
given, so the rules are unit-tested with unsaved objects. ``field_errors`` are
input mistakes (refused at save); ``violations`` are broken rules (the agreement
may be saved as a draft but never signed); ``warnings`` are recommendations.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

MSG_END_BEFORE_START = _("Slutdatum kan inte ligga före startdatum.")
MSG_EXTENT_PERCENT = _("Omfattningen kan vara högst 100 % av veckan.")
MSG_EXTENT_DAYS = _("Omfattningen kan vara högst 5 dagar per vecka.")
MSG_HUB_MISSING = _("Välj hubben när distansarbetet sker i en hyrd lokal.")
MSG_HUB_NOT_FOR_PLACE = _("En hubb anges bara när platsen är en hyrd lokal.")

MSG_FEWER_DAYS_NEEDS_REASON = _(
    "Minst 1 dag per vecka ska utföras på ordinarie arbetsplats. Färre kräver en skriftlig "
    "motivering."
)
MSG_PLACE_NEEDS_REASON = _(
    "Distansarbete sker i första hand på regionens egna arbetsplatser, i andra hand i hyrda "
    "lokaler och i sista hand i hemmet. Ange skälet till att en senare plats valts."
)
MSG_CONFIDENTIAL_PLACE = _(
    "Arbete med patientuppgifter eller annan sekretessbelagd information kräver ett eget "
    "låsbart rum, en skärm skyddad mot insyn och att ingen obehörig kan komma åt platsen."
)
MSG_CONFIDENTIAL_COMPUTER = _(
    "Regionen ska tillhandahålla datorn vid arbete med patientuppgifter eller annan "
    "sekretessbelagd information."
)
MSG_HUB_LACKS_CONFIDENTIAL_ROOM = _(
    "Den valda hubben har inget avskilt, låsbart rum för sekretessbelagt arbete."
)
MSG_AML_ACCESS = _(
    "Vid arbete i hemmet ska medarbetaren godkänna arbetsgivarens tillträde för att "
    "kontrollera arbetsmiljön (arbetsmiljölagen)."
)
MSG_REIMBURSEMENT_TERMS = _(
    "Ange villkoren för ersättning: endast kostnader direkt förbundna med arbetet, normalt "
    "telefonkostnader."
)
MSG_NO_EQUIPMENT_NOTE = _("Ange uppkopplingen som arbetsgivaren beslutat om.")

WARN_FLAGGED = _("Färre än 1 dag per vecka på ordinarie arbetsplats (motiverat).")
WARN_HOME_INSURANCE = _("Hemförsäkring rekommenderas vid distansarbete hemifrån.")

MAX_DAYS = Decimal("5")
MAX_PERCENT = Decimal("100")


def field_errors(agreement) -> dict[str, list]:
    """Input mistakes, by field: refused before anything is saved."""
    errors: dict[str, list] = {}
    a = agreement
    if a.start_date and a.end_date and a.end_date < a.start_date:
        errors.setdefault("end_date", []).append(MSG_END_BEFORE_START)
    if a.extent_value is not None:
        if a.extent_unit == "percent" and a.extent_value > MAX_PERCENT:
            errors.setdefault("extent_value", []).append(MSG_EXTENT_PERCENT)
        if a.extent_unit == "days" and a.extent_value > MAX_DAYS:
            errors.setdefault("extent_value", []).append(MSG_EXTENT_DAYS)
    if a.place_kind == "hub" and not a.hub_id:
        errors.setdefault("hub", []).append(MSG_HUB_MISSING)
    if a.place_kind != "hub" and a.hub_id:
        errors.setdefault("hub", []).append(MSG_HUB_NOT_FOR_PLACE)
    return errors


def violations(agreement) -> list:
    """Broken rules: an agreement with any of these cannot be signed."""
    a = agreement
    found = []
    if (
        a.days_at_workplace is not None
        and a.days_at_workplace < 1
        and not _text(a.fewer_days_reason)
    ):
        found.append(MSG_FEWER_DAYS_NEEDS_REASON)
    if a.place_kind in ("hub", "home") and not _text(a.place_reason):
        found.append(MSG_PLACE_NEEDS_REASON)
    if a.handles_confidential:
        if not (a.conf_separate_room and a.conf_screen_shielded and a.conf_no_unauthorised_access):
            found.append(MSG_CONFIDENTIAL_PLACE)
        if not a.region_provides_computer:
            found.append(MSG_CONFIDENTIAL_COMPUTER)
        if a.place_kind == "hub" and a.hub_id and not a.hub.confidential_room:
            found.append(MSG_HUB_LACKS_CONFIDENTIAL_ROOM)
    if a.place_kind == "home" and not a.aml_access_acknowledged:
        found.append(MSG_AML_ACCESS)
    if not _text(a.reimbursement_terms):
        found.append(MSG_REIMBURSEMENT_TERMS)
    if not _text(a.connection):
        found.append(MSG_NO_EQUIPMENT_NOTE)
    return found


def warnings(agreement) -> list:
    """Recommendations and flags, shown but not blocking."""
    a = agreement
    found = []
    if a.days_at_workplace is not None and a.days_at_workplace < 1:
        found.append(WARN_FLAGGED)
    if a.place_kind == "home" and not a.home_insurance:
        found.append(WARN_HOME_INSURANCE)
    return found


def _text(value) -> bool:
    return bool(str(value or "").strip())
