"""Plotly shaping for the statistics page."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.translation import gettext as _

from hubplan.charts import figure_data


def active_by_month(points: list[tuple[str, int | None]]) -> dict:
    """A bar chart of people with an active agreement per month (hidden months left empty)."""
    fig = go.Figure(
        go.Bar(
            x=[label for label, _n in points],
            y=[n for _label, n in points],
            name=_("Personer med gällande avtal"),
        )
    )
    fig.update_layout(
        height=320,
        xaxis_title=_("Månad"),
        yaxis_title=_("Personer med gällande avtal"),
        showlegend=False,
    )
    return figure_data(fig)
