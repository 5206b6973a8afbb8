"""The plan's Gantt timeline as a plotly figure."""

from __future__ import annotations

from datetime import datetime, time

import plotly.graph_objects as go
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hubplan.charts import COLORWAY, figure_data

AXIS_LABEL_CHARS = 42
DAY_MS = 86_400_000


def _axis_label(activity) -> str:
    """A short, unique row label; the full title is in the hover text.

    Long titles would otherwise take most of the chart's width from the bars. The
    id keeps two activities whose titles start alike on separate rows.
    """
    return f"{Truncator(activity.title).chars(AXIS_LABEL_CHARS)} ({activity.pk})"


def gantt(activities, *, today) -> dict | None:
    """A timeline bar per activity, coloured by insatsområde, with a line for today.

    ``activities`` are Activity rows with ``area`` joined and ``is_overdue``
    annotated (see :func:`actionplan.selectors.activities`). Bars end the day
    after the end date, so a one-day activity is visible and the end date is inclusive.

    The bars are written as plain plotly.js trace data (horizontal bars with a date
    ``base`` and a length in milliseconds, what ``px.timeline`` produces), because
    building them through pandas and plotly's validators cost most of the page's
    time at national scale. Only the layout goes through plotly.
    """
    hover = (
        "<b>%{customdata[5]}</b><br>%{base|%Y-%m-%d} – %{customdata[3]}<br>"
        + _("Status")
        + ": %{customdata[1]}, %{customdata[2]} % %{customdata[4]}<extra></extra>"
    )
    overdue_label = _("försenad")
    traces: dict[int, dict] = {}
    labels: list[str] = []
    for a in activities:
        trace = traces.get(a.area_id)
        if trace is None:
            name = str(a.area)
            trace = traces[a.area_id] = {
                "type": "bar",
                "orientation": "h",
                "name": name,
                "legendgroup": name,
                "showlegend": True,
                "marker": {"color": COLORWAY[len(traces) % len(COLORWAY)]},
                "base": [],
                "x": [],
                "y": [],
                "customdata": [],
                "hovertemplate": hover,
            }
        label = _axis_label(a)
        labels.append(label)
        trace["base"].append(datetime.combine(a.start_date, time()).isoformat())
        trace["x"].append(((a.end_date - a.start_date).days + 1) * DAY_MS)
        trace["y"].append(label)
        trace["customdata"].append(
            [
                a.pk,
                a.get_status_display(),
                a.progress,
                a.end_date.isoformat(),
                overdue_label if a.is_overdue else "",
                a.title,
            ]
        )
    if not labels:
        return None
    today_line = {
        "type": "scatter",
        "x": [today.isoformat(), today.isoformat()],
        "y": [labels[0], labels[-1]],
        "mode": "lines",
        "line": {"color": "#b3261e", "dash": "dot"},
        "name": _("Idag"),
        "hoverinfo": "skip",
    }
    fig = go.Figure()
    fig.update_layout(
        barmode="overlay",
        xaxis={"type": "date", "title": None},
        yaxis={"autorange": "reversed", "title": None},
        legend={"orientation": "h", "y": -0.1, "title": {"text": _("Insatsområde")}},
        height=max(320, 26 * len(labels) + 120),
    )
    data = figure_data(fig)
    data["data"] = [*traces.values(), today_line]
    return data
