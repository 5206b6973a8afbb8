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

from mapping.models import County, Municipality, Organisation

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
