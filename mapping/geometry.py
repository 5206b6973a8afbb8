"""Which kommun a point lies in, from the kommun boundaries mapping owns (shapely).

The one rule every hub and premises coordinate goes through is
:func:`point_outside_message`: ``Hub.clean`` and ``PremisesCandidate.clean`` call it, so a
form, an import, the demo seed and any later API path are held to it alike.

Boundaries are GeoJSON in WGS84 (longitude, latitude). They are coarse: the files in
``mapping/data`` are simplified by up to 0.01 degrees (see its README), so a point closer
than :data:`BORDER_TOLERANCE_DEG` to its kommun's boundary is accepted rather than refused
for an error of the map. Shapes are parsed and prepared once per boundary (an LRU cache
keyed on the GeoJSON text), so checking a point costs microseconds after the first.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from shapely.geometry import Point, shape
from shapely.prepared import prep

# The stored boundaries are simplified by up to 0.01° (mapping/data/README.md); twice
# that (about 1 km east–west and 2 km north–south in Jämtland) keeps a hub at the real
# border from being refused for the map's error, while a point in another town is not.
BORDER_TOLERANCE_DEG = 0.02

NATIONAL_FILE = Path(__file__).resolve().parent / "data" / "kommuner_2024.geojson"


class _Shape:
    """A boundary parsed once: the geometry, its prepared form and a tolerance buffer."""

    __slots__ = ("geometry", "near", "prepared")

    def __init__(self, geojson: dict):
        self.geometry = shape(geojson)
        self.prepared = prep(self.geometry)
        self.near = prep(self.geometry.buffer(BORDER_TOLERANCE_DEG))


@lru_cache(maxsize=1024)
def _shape_from_text(text: str) -> _Shape:
    return _Shape(json.loads(text))


def boundary_shape(boundary: dict) -> _Shape:
    """The prepared shape of a GeoJSON boundary, cached (a boundary is parsed once)."""
    return _shape_from_text(json.dumps(boundary, sort_keys=True, separators=(",", ":")))


@lru_cache(maxsize=1)
def _national_shapes() -> tuple[tuple[str, str, _Shape], ...]:
    """(code, name, shape) of all 290 kommuner from the national reference file, read once;
    used only to name the kommun a refused point lies in when the database lacks it."""
    with open(NATIONAL_FILE, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return tuple(
        (f["properties"]["kommunkod"], f["properties"]["kommunnamn"], _Shape(f["geometry"]))
        for f in features
    )


def contains(boundary: dict, latitude: float, longitude: float, *, tolerant: bool = True) -> bool:
    """True if the point lies inside ``boundary`` (within the border tolerance if ``tolerant``)."""
    s = boundary_shape(boundary)
    point = Point(longitude, latitude)
    return (s.near if tolerant else s.prepared).contains(point)


def municipality_at(latitude: float, longitude: float, *, exclude: str | None = None):
    """(code, name) of the kommun the point lies in, or None outside every known boundary.

    The database's boundaries come first (the region's eight at region scale); the
    national reference file names any other kommun, e.g. Malmö for a point in Malmö.
    """
    from mapping.models import Municipality  # here: models import this module's callers

    point = Point(longitude, latitude)
    stored = Municipality.objects.exclude(boundary=None)
    if exclude:
        stored = stored.exclude(code=exclude)
    for code, name, boundary in stored.values_list("code", "name", "boundary").iterator():
        if boundary_shape(boundary).prepared.contains(point):
            return code, name
    for code, name, s in _national_shapes():
        if code != exclude and s.prepared.contains(point):
            return code, name
    return None


def point_outside_message(municipality, latitude, longitude) -> str | None:
    """Why (latitude, longitude) cannot be a place in ``municipality``, or None if it can.

    None too when there is nothing to check against: no point given, or a kommun
    without a stored boundary. The message names the kommun the point is in:
    "Punkten ligger i Malmö, inte i Bräcke."
    """
    if municipality is None or latitude is None or longitude is None:
        return None
    boundary = municipality.boundary
    if not boundary:
        return None
    if contains(boundary, latitude, longitude):
        return None
    found = municipality_at(latitude, longitude, exclude=municipality.code)
    if found is None:
        return _(
            "Punkten ligger utanför alla kända kommungränser, inte i %(kommun)s. "
            "Kontrollera latitud och longitud (WGS84, t.ex. 63,1792 och 14,6357)."
        ) % {"kommun": municipality.name}
    return _(
        "Punkten ligger i %(found)s, inte i %(kommun)s. Kontrollera latitud och longitud, "
        "eller välj rätt kommun."
    ) % {"found": found[1], "kommun": municipality.name}
