"""The agreement as the region's checklist: twelve numbered sections of label/value pairs.

Seed 002's "Avtal om distansarbete bör innehålla följande" lists eleven points; the
last, "Underskrift av medarbetaren och chefen", is two signature blocks here, which
makes twelve. The detail page, the print page and the PDF all render this one
structure, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hubplan.numbers import format_number
from remoteagreements import personnummer as pnr
from remoteagreements.models import DistanceAgreement

# The headings, in the checklist's order; tests check each appears on every rendering.
HEADINGS = (
    gettext_lazy("Namn, personnummer och arbetsplats/område"),
    gettext_lazy("Tidsperiod och omfattning"),
    gettext_lazy("Arbetstider, tillgänglighet och frånvarorutiner"),
    gettext_lazy("Arbetsplatsträffar och andra möten på ordinarie arbetsplats"),
    gettext_lazy("Arbetstid på ordinarie arbetsplats (minst 1 dag/vecka)"),
    gettext_lazy("Arbetsuppgifter"),
    gettext_lazy("Kontinuerlig uppföljning av arbetsresultat"),
    gettext_lazy("Utrustning och uppkoppling"),
    gettext_lazy("Uppsägningstid av avtalet"),
    gettext_lazy("Uppföljning årligen av avtalet"),
    gettext_lazy("Underskrift av medarbetaren"),
    gettext_lazy("Underskrift av chefen"),
)


@dataclass
class Section:
    number: int
    heading: str
    rows: list[tuple[str, str]]
    is_signature: bool = False


def _d(value) -> str:
    return formats.date_format(value, "Y-m-d") if value else "–"


def _dt(value) -> str:
    return formats.date_format(value, "Y-m-d H:i") if value else ""


def _yes(value: bool) -> str:
    return _("ja") if value else _("nej")


def sections(agreement: DistanceAgreement, *, show_personnummer: bool) -> list[Section]:
    """The agreement's content under the checklist's twelve headings."""
    a = agreement
    e = a.employee
    number = e.personnummer if show_personnummer else pnr.mask(e.personnummer)
    if show_personnummer:
        number = f"{number[:8]}-{number[8:]}"
    extent = (
        _("%(n)s dagar per vecka") % {"n": format_number(a.extent_value)}
        if a.extent_unit == DistanceAgreement.ExtentUnit.DAYS
        else _("%(n)s %% av veckan") % {"n": format_number(a.extent_value)}
    )
    place = a.get_place_kind_display()
    if a.hub_id:
        place = f"{place}: {a.hub.name}"
    elif a.place_description:
        place = f"{place}: {a.place_description}"
    place_rows = [(_("Plats för distansarbetet"), place)]
    if a.place_reason:
        place_rows.append((_("Skäl till platsen"), a.place_reason))
    if a.place_kind == DistanceAgreement.Place.HOME:
        place_rows += [
            (_("Hemförsäkring finns"), _yes(a.home_insurance)),
            (
                _("Arbetsgivarens tillträde för kontroll av arbetsmiljön (AML)"),
                _yes(a.aml_access_acknowledged),
            ),
        ]
    days_rows = [
        (_("Dagar per vecka på ordinarie arbetsplats"), format_number(a.days_at_workplace))
    ]
    if a.fewer_days_reason:
        days_rows.append((_("Motivering för färre än 1 dag"), a.fewer_days_reason))
    equipment = [
        (
            item.item,
            _("inventarienummer %(inv)s, märkning %(mark)s, tillhandahålls av %(by)s")
            % {
                "inv": item.inventory_number,
                "mark": item.marking,
                "by": item.get_provided_by_display(),
            },
        )
        for item in a.equipment.all()
    ] or [(_("Utrustning"), _("ingen utrustning från arbetsgivaren"))]
    equipment.append((_("Uppkoppling"), a.connection))
    if a.handles_confidential:
        equipment += [
            (_("Sekretessbelagd information"), _("ja, arbetsplatsen uppfyller kraven:")),
            (_("Eget låsbart rum"), _yes(a.conf_separate_room)),
            (_("Skärm skyddad mot insyn"), _yes(a.conf_screen_shielded)),
            (_("Ingen obehörig har tillträde"), _yes(a.conf_no_unauthorised_access)),
            (_("Regionen tillhandahåller datorn"), _yes(a.region_provides_computer)),
        ]
    equipment.append((_("Ersättning för kostnader"), a.reimbursement_terms))
    employee_sig = [
        (_("Namn"), e.name),
        (_("Datum"), _dt(a.employee_signed_at)),
    ]
    if a.employee_signature_method:
        employee_sig.append((_("Underskrift"), a.get_employee_signature_method_display()))
    manager = a.manager_signed_by or e.manager
    manager_sig = [
        (_("Namn"), manager.get_full_name() or manager.username),
        (_("Datum"), _dt(a.manager_signed_at)),
    ]
    h = [str(x) for x in HEADINGS]
    return [
        Section(
            1,
            h[0],
            [
                (_("Namn"), e.name),
                (_("Personnummer"), number),
                (_("Förvaltning"), str(e.administration)),
                (_("Enhet/område"), e.unit or "–"),
                (_("Ordinarie arbetsplats"), f"{e.workplace}, {e.workplace_municipality}"),
                (_("Hemkommun"), str(e.home_municipality)),
            ],
        ),
        Section(
            2,
            h[1],
            [
                (_("Period"), f"{_d(a.start_date)} – {_d(a.end_date)}"),
                (_("Omfattning"), extent),
                *place_rows,
            ],
        ),
        Section(
            3,
            h[2],
            [
                (_("Arbetstider"), a.working_hours),
                (_("Tillgänglighet"), a.availability),
                (_("Frånvarorutiner"), a.absence_routines),
            ],
        ),
        Section(4, h[3], [(_("Möten"), a.meeting_attendance)]),
        Section(5, h[4], days_rows),
        Section(6, h[5], [(_("Arbetsuppgifter"), a.tasks)]),
        Section(7, h[6], [(_("Uppföljning"), a.results_follow_up)]),
        Section(8, h[7], equipment),
        Section(
            9,
            h[8],
            [(_("Uppsägningstid"), _("%(n)s månader") % {"n": a.notice_period_months})],
        ),
        Section(
            10,
            h[9],
            [
                (
                    _("Årlig uppföljning"),
                    _("Avtalet följs upp minst en gång per år. Nästa uppföljning senast %(d)s.")
                    % {"d": _d(a.next_follow_up_due)},
                )
            ],
        ),
        Section(11, h[10], employee_sig, is_signature=True),
        Section(12, h[11], manager_sig, is_signature=True),
    ]
