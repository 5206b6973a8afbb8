"""Plotly figures of the home dashboard (the maps are in :mod:`mapping.charts`)."""

from __future__ import annotations

import plotly.graph_objects as go

from hubplan.charts import figure_data


def line(points: list[tuple], *, title: str, percent: bool = False) -> dict:
    """A line over (x, y) points; ``None`` values (hidden small cells) are drawn as gaps."""
    fig = go.Figure(
        go.Scatter(
            x=[x for x, _y in points],
            y=[y for _x, y in points],
            mode="lines+markers",
            connectgaps=False,
        )
    )
    fig.update_layout(height=300, yaxis_title=title, showlegend=False)
    if percent:
        fig.update_layout(yaxis={"ticksuffix": " %", "rangemode": "tozero"})
    else:
        fig.update_layout(yaxis={"rangemode": "tozero"})
    return figure_data(fig)
