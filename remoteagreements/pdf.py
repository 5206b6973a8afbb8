"""The agreement as a PDF (reportlab), in Swedish, from the same checklist sections as the print page."""

from __future__ import annotations

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from remoteagreements.checklist import sections


def agreement_pdf(agreement, *, show_personnummer: bool) -> bytes:
    """The PDF bytes: title, the twelve sections, and two signature blocks with lines."""
    styles = getSampleStyleSheet()
    body = styles["BodyText"]
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=_("Avtal om distansarbete"),
        author="Region Jämtland Härjedalen",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    story = [
        Paragraph(escape(_("Avtal om distansarbete")), styles["Title"]),
        Paragraph(
            escape(
                _("Region Jämtland Härjedalen. Avtal %(pk)s, version %(v)s.")
                % {"pk": agreement.pk, "v": agreement.version}
            ),
            body,
        ),
        Spacer(1, 4 * mm),
    ]
    for section in sections(agreement, show_personnummer=show_personnummer):
        story.append(Paragraph(escape(f"{section.number}. {section.heading}"), styles["Heading3"]))
        rows = [
            [
                Paragraph(escape(label), body),
                Paragraph(escape(value or "–").replace("\n", "<br/>"), body),
            ]
            for label, value in section.rows
        ]
        if section.is_signature:
            rows.append([Paragraph(escape(_("Namnteckning")), body), ""])
        table = Table(rows, colWidths=[55 * mm, 115 * mm])
        style = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.lightgrey),
        ]
        if section.is_signature:
            style.append(("LINEBELOW", (1, -1), (1, -1), 0.8, colors.black))
            style.append(("TOPPADDING", (0, -1), (-1, -1), 10 * mm))
        table.setStyle(TableStyle(style))
        story.append(table)
    doc.build(story)
    return out.getvalue()
