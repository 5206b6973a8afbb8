"""Shared plotly helpers: one look for every chart and a safe way into templates.

Views hand a plotly ``Figure`` to :func:`figure_data`; templates render it with
the ``partials/chart.html`` partial, which embeds the JSON with ``json_script``
(escaped, no inline JavaScript) for ``static/hubplan/charts.js`` to draw with the
plotly.js served by the app itself.
"""

from __future__ import annotations

import json

import plotly.graph_objects as go
from django.conf import settings

# A small template instead of plotly's default, which adds ~8 kB of JSON per chart.
COLORWAY = ["#00578a", "#e07b00", "#3c8d2f", "#b3261e", "#6d4c9f", "#00897b", "#8d6e63", "#546e7a"]
_TEMPLATE = go.layout.Template(
    layout={
        "colorway": COLORWAY,
        "font": {"family": "system-ui, sans-serif", "size": 13},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 40, "r": 20, "t": 30, "b": 40},
        # automargin: long category labels (activity titles, kommun names) widen the
        # margin instead of being cut off.
        "xaxis": {"gridcolor": "#e5e5e5", "zeroline": False, "automargin": True},
        "yaxis": {"gridcolor": "#e5e5e5", "zeroline": False, "automargin": True},
    }
)


def figure_data(fig: go.Figure) -> dict:
    """The figure as plain JSON-ready data, with the project's look applied."""
    fig.update_layout(template=_TEMPLATE)
    return json.loads(fig.to_json())


def map_layout(*, boundaries: list[dict], center: tuple[float, float], zoom: float) -> dict:
    """Layout for an offline map: our kommun boundaries drawn as a line layer.

    ``boundaries`` are GeoJSON geometries. With the default ``white-bg`` style no
    tile, glyph or sprite is fetched, so the map works with no network.
    """
    layers = []
    if boundaries:
        layers.append(
            {
                "source": {
                    "type": "FeatureCollection",
                    "features": [
                        {"type": "Feature", "properties": {}, "geometry": g} for g in boundaries
                    ],
                },
                "type": "line",
                "color": "#6c757d",
                "line": {"width": 1},
                "below": "traces",
            }
        )
    return {
        "map": {
            "style": settings.MAP_STYLE,
            "center": {"lat": center[0], "lon": center[1]},
            "zoom": zoom,
            "layers": layers,
        },
        "margin": {"l": 0, "r": 0, "t": 0, "b": 0},
        "height": 520,
    }
