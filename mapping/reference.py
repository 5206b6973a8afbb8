"""Load the reference data shipped in ``mapping/data/`` (sources in its README).

Called by ``manage.py load_reference``. Every step is an upsert keyed on a
natural key (county code, kommun code, organisation name), so running it again
changes nothing and never duplicates.
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.db.models import Q

from mapping.models import JAMTLAND_COUNTY_CODE, County, Municipality, Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"

REGION_NAME = "Region Jämtland Härjedalen"
# The administrations (förvaltningar) named in the region's documents (seeds 000, 002).
REGION_ADMINISTRATIONS = (
    "Regionstaben",
    "Hälso- och sjukvårdsförvaltningen",
    "Regional utvecklingsförvaltning",
)
# Myndighetsnätverket's members as the 2021 plan lists them (seed 001); Östersunds
# kommun is also a member and is flagged among the kommun organisations.
AGENCY_NETWORK = (
    "Försäkringskassan",
    "Mittuniversitetet",
    "Arbetsförmedlingen",
    "Folkhälsomyndigheten",
    "Skatteverket",
    "Statens servicecenter",
    "Tillväxtanalys",
    "Trafikanalys",
    "Länsstyrelsen Jämtlands län",
    "Polisen",
)
AGENCY_NETWORK_MUNICIPALITIES = ("2380",)  # Östersunds kommun
# Partners the plan names: Remote Lab is run by the co-working hub Gomorron Östersund.
PARTNER_COMPANIES = ("Gomorron Östersund / Remote Lab",)


def _read_csv(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def load_municipalities() -> int:
    """All 290 kommuner with county; facts, centre and boundary for Jämtland's eight."""
    rows = _read_csv("kommuner_lan.csv")
    counties = {r["county_code"]: r["county_name"] for r in rows}
    County.objects.bulk_create(
        [County(code=code, name=name) for code, name in counties.items()],
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=["name"],
    )

    facts = {r["kommunkod"]: r for r in _read_csv("jamtland_kommuner_facts.csv")}
    centres = {r["kommunkod"]: r for r in _read_csv("jamtland_centralorter.csv")}
    with open(DATA_DIR / "jamtland_kommuner_2024.geojson", encoding="utf-8") as fh:
        boundaries = {
            f["properties"]["kommunkod"]: f["geometry"] for f in json.load(fh)["features"]
        }

    municipalities = []
    for r in rows:
        code = r["municipality_code"]
        m = Municipality(
            code=code,
            name=r["municipality_name_short"],
            official_name=r["municipality_name"],
            county_id=r["county_code"],
        )
        if fact := facts.get(code):
            m.population = int(fact["folkmangd_2024_12_31"])
            m.population_year = 2024
            m.land_area_km2 = Decimal(fact["landareal_km2"])
            m.land_area_reference = fact["landareal_per"]
        if centre := centres.get(code):
            m.centre_name = centre["centralort"]
            m.centre_latitude = float(centre["lat"])
            m.centre_longitude = float(centre["lon"])
        m.boundary = boundaries.get(code)
        municipalities.append(m)

    Municipality.objects.bulk_create(
        municipalities,
        update_conflicts=True,
        unique_fields=["code"],
        update_fields=[
            "name",
            "official_name",
            "county",
            "population",
            "population_year",
            "land_area_km2",
            "land_area_reference",
            "centre_name",
            "centre_latitude",
            "centre_longitude",
            "boundary",
        ],
    )
    return len(municipalities)


def _upsert_organisation(name: str, **fields) -> Organisation:
    org, _created = Organisation.objects.update_or_create(name=name, defaults=fields)
    return org


def load_organisations() -> int:
    """The region and its administrations, the eight kommuner, the agency network, partners."""
    Kind = Organisation.Kind
    region = _upsert_organisation(
        REGION_NAME, kind=Kind.REGION, municipality_id="2380", parent=None
    )
    names = [REGION_NAME]
    for name in REGION_ADMINISTRATIONS:
        _upsert_organisation(name, kind=Kind.ADMINISTRATION, parent=region, municipality_id="2380")
        names.append(name)
    for m in Municipality.objects.in_region():
        _upsert_organisation(
            m.official_name,
            kind=Kind.MUNICIPALITY,
            municipality=m,
            in_agency_network=m.code in AGENCY_NETWORK_MUNICIPALITIES,
        )
        names.append(m.official_name)
    for name in AGENCY_NETWORK:
        _upsert_organisation(
            name, kind=Kind.STATE_AGENCY, municipality_id="2380", in_agency_network=True
        )
        names.append(name)
    for name in PARTNER_COMPANIES:
        _upsert_organisation(name, kind=Kind.COMPANY, municipality_id="2380")
        names.append(name)
    return len(names)


@transaction.atomic
def load(stdout=None) -> None:
    """Entry point for ``load_reference``: kommuner first, organisations refer to them."""
    n_municipalities = load_municipalities()
    n_organisations = load_organisations()
    if stdout:
        stdout.write(f"mapping: {n_municipalities} kommuner, {n_organisations} organisationer")


# National scale (``seed_demo --scale national``) only: centres and boundaries of the other
# 282 kommuner. Kept out of ``load`` so the region's database holds exactly what the
# region's pages show; the national seed calls ``load_national``.
NATIONAL_BOUNDARIES = "kommuner_2024.geojson"
LOCALITIES = "tatorter_2020.csv"


def localities() -> dict[str, list[dict[str, object]]]:
    """Tätorter 2020 per kommun code, largest first: name, population, lat, lon, central."""
    out: dict[str, list[dict[str, object]]] = {}
    for r in _read_csv(LOCALITIES):
        out.setdefault(r["kommunkod"], []).append(
            {
                "name": r["tatort"],
                "population": int(r["befolkning_2020"]),
                "lat": float(r["lat"]),
                "lon": float(r["lon"]),
                "central": r["centralort_inferred"] == "ja",
            }
        )
    return out


def _mean_point(geometry: dict) -> tuple[float, float]:
    """The mean of a boundary's outer-ring points (lat, lon): a centre for a kommun without
    a tätort of its own, well inside for the compact kommuner this is used for."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    points = [p for polygon in polygons for p in polygon[0]]
    return (
        sum(p[1] for p in points) / len(points),
        sum(p[0] for p in points) / len(points),
    )


@transaction.atomic
def load_national(stdout=None) -> int:
    """Give every kommun outside the region a centre and a boundary (idempotent upsert).

    The centre is the kommun's central town as SCB codes it ("TC" in the tätort code),
    else its largest tätort, else (five kommuner in Stockholms län whose towns belong to
    a neighbour's tätort) the mean of its boundary's points, without a name.
    """
    with open(DATA_DIR / NATIONAL_BOUNDARIES, encoding="utf-8") as fh:
        boundaries = {
            f["properties"]["kommunkod"]: f["geometry"] for f in json.load(fh)["features"]
        }
    towns = localities()
    updated = []
    for m in Municipality.objects.exclude(county_id=JAMTLAND_COUNTY_CODE).filter(
        Q(boundary=None) | Q(centre_latitude=None)
    ):
        m.boundary = boundaries.get(m.code)
        places = towns.get(m.code, [])
        centre = next((t for t in places if t["central"]), places[0] if places else None)
        if centre:
            m.centre_name = centre["name"]
            m.centre_latitude, m.centre_longitude = centre["lat"], centre["lon"]
        elif m.boundary:
            m.centre_name = ""
            m.centre_latitude, m.centre_longitude = _mean_point(m.boundary)
        updated.append(m)
    Municipality.objects.bulk_update(
        updated, ["boundary", "centre_name", "centre_latitude", "centre_longitude"], batch_size=100
    )
    if stdout:
        stdout.write(f"mapping: centralort och gräns för {len(updated)} kommuner utanför regionen")
    return len(updated)
