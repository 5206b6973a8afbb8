"""The plan's Gantt timeline as a plotly figure."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from hubplan.charts import COLORWAY, figure_data

AXIS_LABEL_CHARS = 42


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
    """
    rows = [
        {
            "id": a.pk,
            "activity": _axis_label(a),
            "title": a.title,
            "area": str(a.area),
            "start": a.start_date,
            "finish": a.end_date + timedelta(days=1),
            "end_label": a.end_date.isoformat(),
            "status": a.get_status_display(),
            "progress": a.progress,
            "overdue": _("försenad") if a.is_overdue else "",
        }
        for a in activities
    ]
    if not rows:
        return None
    frame = pd.DataFrame(rows)
    fig = px.timeline(
        frame,
        x_start="start",
        x_end="finish",
        y="activity",
        color="area",
        color_discrete_sequence=COLORWAY,
        custom_data=["id", "status", "progress", "end_label", "overdue", "title"],
        labels={"area": _("Insatsområde"), "activity": _("Aktivitet")},
    )
    fig.update_traces(
        hovertemplate=(
            "<b>%{customdata[5]}</b><br>%{base|%Y-%m-%d} – %{customdata[3]}<br>"
            + _("Status")
            + ": %{customdata[1]}, %{customdata[2]} % %{customdata[4]}<extra></extra>"
        )
    )
    fig.update_yaxes(autorange="reversed", title=None)
    fig.update_xaxes(title=None)
    fig.add_trace(
        go.Scatter(
            x=[today, today],
            y=[frame["activity"].iloc[0], frame["activity"].iloc[-1]],
            mode="lines",
            line={"color": "#b3261e", "dash": "dot"},
            name=_("Idag"),
            hoverinfo="skip",
        )
    )
    fig.update_layout(
        height=max(320, 26 * len(rows) + 120),
        legend={"orientation": "h", "y": -0.1},
    )
    return figure_data(fig)
