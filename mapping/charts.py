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


# --- Survey analyses ---------------------------------------------------------------------------


def flow_sankey(pairs: list[tuple[str, str, int]], names: dict[str, str]) -> dict:
    """Sankey of home kommun (left) → workplace kommun (right)."""
    homes = sorted({h for h, _w, _n in pairs}, key=lambda c: names.get(c, c))
    works = sorted({w for _h, w, _n in pairs}, key=lambda c: names.get(c, c))
    labels = [names.get(c, c) for c in homes] + [names.get(c, c) for c in works]
    fig = go.Figure(
        go.Sankey(
            node={"label": labels, "pad": 12, "thickness": 14},
            link={
                "source": [homes.index(h) for h, _w, _n in pairs],
                "target": [len(homes) + works.index(w) for _h, w, _n in pairs],
                "value": [n for _h, _w, n in pairs],
            },
        )
    )
    fig.update_layout(height=480)
    return figure_data(fig)


def bars(labels: list[str], values: list, *, title: str, horizontal: bool = False) -> dict:
    """A simple bar chart; ``None`` values (suppressed cells) are drawn as gaps."""
    trace = (
        go.Bar(y=labels, x=values, orientation="h") if horizontal else go.Bar(x=labels, y=values)
    )
    fig = go.Figure(trace)
    fig.update_layout(height=360, yaxis_title=None if horizontal else title)
    if horizontal:
        fig.update_layout(xaxis_title=title, yaxis={"autorange": "reversed"})
    return figure_data(fig)


def trend_lines(series: dict[str, list[tuple[int, int]]], *, title: str) -> dict:
    """One line per kommun: (year, value) points."""
    fig = go.Figure(
        [
            go.Scatter(
                x=[y for y, _v in points],
                y=[v for _y, v in points],
                name=name,
                mode="lines+markers",
            )
            for name, points in series.items()
        ]
    )
    fig.update_layout(height=380, yaxis_title=title)
    return figure_data(fig)
