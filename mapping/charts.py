"""Maps of kommuner, drawn offline over the boundaries kept in the database."""

from __future__ import annotations

import math

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


def _positions(geometry: dict):
    """Every (lon, lat) of a GeoJSON Polygon or MultiPolygon."""
    coords = geometry.get("coordinates") or []
    polygons = coords if geometry.get("type") == "MultiPolygon" else [coords]
    for polygon in polygons:
        for ring in polygon:
            yield from ((p[0], p[1]) for p in ring)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def frame(geometry: dict, *, width_px: int = 640, height_px: int = 520) -> tuple[tuple, float]:
    """Centre (lat, lon) and zoom that fit ``geometry`` in a map of the given size.

    Plotly's maps (MapLibre) use 512-pixel tiles: at zoom z the world is
    512 × 2^z pixels wide, so the zoom that fits a span follows from its share of
    the world; latitude is compared in Web Mercator units. A tenth of a zoom
    level is left as margin.
    """
    points = list(_positions(geometry))
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    west, east, south, north = min(lons), max(lons), min(lats), max(lats)
    lon_span = max(east - west, 1e-6)
    y_span = max(_mercator_y(north) - _mercator_y(south), 1e-6)
    zoom_lon = math.log2(width_px * 360 / (512 * lon_span))
    zoom_lat = math.log2(height_px * 2 * math.pi / (512 * y_span))
    centre_y = (_mercator_y(north) + _mercator_y(south)) / 2
    centre_lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    return (centre_lat, (west + east) / 2), round(min(zoom_lon, zoom_lat) - 0.1, 2)


def outline(municipality, *, neighbours=(), points=()) -> dict:
    """One kommun filled and framed, its neighbours' borders for context, and point markers.

    ``points`` are (lat, lon, label) tuples, e.g. the kommun's hubs. No colour bar:
    the fill only marks which kommun this is.
    """
    traces = [
        go.Choroplethmap(
            geojson=feature_collection([municipality]),
            locations=[municipality.code],
            z=[1],
            text=[municipality.name],
            hovertemplate="%{text}<extra></extra>",
            colorscale=[[0, "#9ec5fe"], [1, "#9ec5fe"]],
            showscale=False,
            marker={"line": {"width": 2, "color": "#00578a"}, "opacity": 0.5},
        )
    ]
    if points:
        traces.append(
            go.Scattermap(
                lat=[p[0] for p in points],
                lon=[p[1] for p in points],
                text=[p[2] for p in points],
                mode="markers",
                marker={"size": 11, "color": "#e07b00"},
                hovertemplate="%{text}<extra></extra>",
                showlegend=False,
            )
        )
    center, zoom = frame(municipality.boundary)
    fig = go.Figure(traces)
    fig.update_layout(
        **map_layout(
            boundaries=[n.boundary for n in neighbours if n.boundary],
            center=center,
            zoom=zoom,
        )
    )
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


def commuting_heatmap(flows: list[dict], *, title: str) -> dict:
    """RAMS matrix: home kommun as rows, workplace kommun as columns, commuters as colour.

    ``flows`` are :func:`mapping.selectors.rams_flows` rows. A pair with no figure is a
    gap, not 0: SCB leaves out pairs it suppresses.
    """
    homes = sorted({f["home"] for f in flows})
    works = sorted({f["work"] for f in flows})
    row, col = {h: i for i, h in enumerate(homes)}, {w: i for i, w in enumerate(works)}
    z = [[None] * len(works) for _h in homes]
    for f in flows:
        z[row[f["home"]]][col[f["work"]]] = f["commuters"]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=works,
            y=homes,
            colorscale="Blues",
            hoverongaps=False,
            hovertemplate="%{y} → %{x}: %{z}<extra></extra>",
            colorbar={"title": {"text": title}},
        )
    )
    fig.update_layout(
        # 22 px a row up to a full county; a national matrix scrolls inside 1 400 px.
        height=min(1400, max(360, 40 + 22 * len(homes))),
        xaxis={"title": None, "side": "top", "tickangle": -45},
        yaxis={"title": None, "autorange": "reversed"},
    )
    return figure_data(fig)
