"""Plotly figures of the hub registry: the hub map and a hub's occupancy over time."""

from __future__ import annotations

import json

import plotly.graph_objects as go
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from hubplan.charts import COLORWAY, figure_data, map_layout
from hubs.models import Hub

# Jämtlands län framed on a ~520 px high map (as the kommun map frames it).
REGION_CENTER = (63.0, 14.8)
REGION_ZOOM = 5.3
STATUS_COLOURS = {
    Hub.Status.OPEN: COLORWAY[2],
    Hub.Status.PLANNED: COLORWAY[0],
    Hub.Status.PROPOSED: COLORWAY[1],
    Hub.Status.CLOSED: "#6c757d",
    Hub.Status.CANCELLED: "#adb5bd",
}


def hub_map(hubs, boundaries: list[dict]) -> dict:
    """A Scattermap of ``hubs`` (values rows: name, kind, status, desks, lat, lon,
    municipality name, pk), one trace per status, over the kommun ``boundaries``.

    The layout goes through plotly; the traces are written as plain data, because
    plotly's validation of every marker took a third of a second for 5,000 hubs
    (national scale). Plotly.js applies the template's trace defaults all the same.
    """
    # Labels translated once, not once per hub (5,000 lazy strings cost 90 ms).
    kinds = {value: str(label) for value, label in Hub.Kind.choices}
    by_status: dict[str, list[dict]] = {}
    for hub in hubs:
        by_status.setdefault(hub["status"], []).append(hub)
    traces = []
    for status in Hub.Status:
        rows = by_status.get(status.value)
        if not rows:
            continue
        traces.append(
            {
                "type": "scattermap",
                "lat": [r["latitude"] for r in rows],
                "lon": [r["longitude"] for r in rows],
                "mode": "markers",
                "name": str(status.label),
                "marker": {"size": 11, "color": STATUS_COLOURS[status]},
                "text": [r["name"] for r in rows],
                "customdata": [
                    [r["municipality__name"], kinds.get(r["kind"], ""), r["desks"], r["pk"]]
                    for r in rows
                ],
                "hovertemplate": (
                    "<b>%{text}</b><br>%{customdata[0]} · %{customdata[1]}<br>"
                    + _("Skrivbord")
                    + ": %{customdata[2]}<extra>"
                    + str(status.label)
                    + "</extra>"
                ),
            }
        )
    fig = go.Figure()
    fig.update_layout(
        **map_layout(boundaries=boundaries, center=REGION_CENTER, zoom=REGION_ZOOM),
        legend={"x": 0.01, "y": 0.99, "bgcolor": "rgba(255,255,255,0.8)"},
    )
    data = figure_data(fig)
    data["data"] = traces
    return data


def figure_script(figure: dict, element_id: str) -> SafeString:
    """``figure`` in a ``<script type="application/json">``, as the ``json_script`` filter
    writes it for ``partials/chart.html`` (``<``, ``>`` and ``&`` escaped), but compact.

    For the hub map: ``json_script`` escapes with ``str.translate``, some 30 ms for the
    half megabyte of 5,000 markers; three replacements do the same in a millisecond.
    """
    text = (
        json.dumps(figure, cls=DjangoJSONEncoder, separators=(",", ":"))
        .replace("<", "\\u003C")
        .replace(">", "\\u003E")
        .replace("&", "\\u0026")
    )
    return format_html(
        '<script id="{}" type="application/json">{}</script>', element_id, mark_safe(text)
    )


def occupancy_chart(months, critical_mass: int) -> dict:
    """Occupancy (bars, %) and members (line) per month, with the critical-mass line.

    ``months`` are rows from ``selectors.occupancy_by_month``; ``critical_mass`` is the
    hub's own figure or the planners' default (``Hub.critical_mass``).
    """
    x = [m.month.isoformat() for m in months]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=x,
            y=[
                None if m.occupancy_share is None else round(m.occupancy_share * 100, 1)
                for m in months
            ],
            name=_("Beläggning (%)"),
            hovertemplate="%{x|%Y-%m}: %{y} %<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=[m.members_total for m in months],
            name=_("Medlemmar"),
            yaxis="y2",
            mode="lines+markers",
            hovertemplate="%{x|%Y-%m}: %{y}<extra></extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=[x[0], x[-1]] if x else [],
            y=[critical_mass] * (2 if x else 0),
            name=_("Kritisk massa (medlemmar)"),
            yaxis="y2",
            mode="lines",
            line={"dash": "dot", "color": "#b3261e"},
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        yaxis={"title": {"text": _("Beläggning (%)")}, "range": [0, 100]},
        yaxis2={
            "title": {"text": _("Medlemmar")},
            "overlaying": "y",
            "side": "right",
            "rangemode": "tozero",
            "showgrid": False,
            # Members are whole people; automargin keeps the labels inside the chart.
            "tickformat": "d",
            "automargin": True,
        },
        xaxis={"type": "date", "tickformat": "%Y-%m"},
        legend={"orientation": "h", "y": -0.2},
        height=360,
    )
    return figure_data(fig)


def business_case_chart(cases, estimates, critical_mass: int) -> dict:
    """Members the survey suggests beside the members each case needs to break even,
    with the critical mass as a line. Hidden (small-cell) figures are left out."""
    names = [c.name for c in cases]
    fig = go.Figure()
    fig.add_trace(
        go.Bar(
            x=names,
            y=[estimates[c.pk].members for c in cases],
            name=_("Medlemmar enligt enkäten"),
        )
    )
    fig.add_trace(
        go.Bar(
            x=names,
            y=[estimates[c.pk].break_even_members for c in cases],
            name=_("Medlemmar som behövs för att bära sig"),
        )
    )
    fig.add_hline(
        y=critical_mass,
        line={"dash": "dot", "color": "#6c757d"},
        annotation_text=_("Kritisk massa"),
    )
    fig.update_layout(
        barmode="group",
        height=360,
        yaxis={"title": _("Medlemmar")},
        legend={"orientation": "h", "y": -0.2},
    )
    return figure_data(fig)
