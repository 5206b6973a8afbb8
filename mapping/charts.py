"""Maps of kommuner, drawn offline over the boundaries kept in the database."""

from __future__ import annotations

import plotly.graph_objects as go

from hubplan.charts import figure_data, map_layout

# Jämtlands län, as framed on a ~520 px high map.
REGION_CENTER = (63.0, 14.8)
REGION_ZOOM = 5.3


def feature_collection(municipalities) -> dict:
    """GeoJSON with one feature per kommun that has a boundary, id = kommun code."""
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "id": m.code,
                "properties": {"name": m.name},
                "geometry": m.boundary,
            }
            for m in municipalities
            if m.boundary
        ],
    }


def choropleth(municipalities, values: dict[str, float | None], *, title: str) -> dict:
    """A choropleth of ``values`` (kommun code → value) over the kommun boundaries."""
    shown = [m for m in municipalities if m.boundary and values.get(m.code) is not None]
    fig = go.Figure(
        go.Choroplethmap(
            geojson=feature_collection(shown),
            locations=[m.code for m in shown],
            z=[values[m.code] for m in shown],
            text=[m.name for m in shown],
            hovertemplate="%{text}: %{z}<extra></extra>",
            colorscale="Blues",
            marker={"line": {"width": 1, "color": "#495057"}, "opacity": 0.8},
            colorbar={"title": {"text": title}},
        )
    )
    fig.update_layout(**map_layout(boundaries=[], center=REGION_CENTER, zoom=REGION_ZOOM))
    return figure_data(fig)
