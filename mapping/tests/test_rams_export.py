"""The RAMS commuting download: a national year has 84 100 pairs, so it is streamed.

Rows come from a server-side cursor as plain values, in the page's order (most
commuters first, then home and workplace kommun by name), and the query count does
not grow with the pairs.
"""

from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mapping.models import CommutingFlow, Municipality

URL = "/surveys/rams/"


def _body(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming
    return b"".join(response.streaming_content)


def _flows(year: int, pairs: list[tuple[str, str, int]]) -> None:
    CommutingFlow.objects.bulk_create(
        CommutingFlow(year=year, home_municipality_id=h, workplace_municipality_id=w, commuters=n)
        for h, w, n in pairs
    )


@pytest.mark.django_db
def test_the_rams_csv_lists_a_years_pairs_most_commuters_first(client_for, viewer, reference_data):
    _flows(2023, [("2380", "2309", 500), ("2309", "2380", 500), ("2326", "2380", 40)])
    _flows(2022, [("2380", "2309", 7)])
    response = client_for(viewer).get(URL, {"format": "csv", "year": "2023"})
    assert response["Content-Disposition"] == 'attachment; filename="rams-2023.csv"'
    assert _body(response).decode("utf-8") == (
        "\ufeffBostadskommun;Arbetsställekommun;Antal\r\n"
        "Krokom;Östersund;500\r\n"
        "Östersund;Krokom;500\r\n"
        "Berg;Östersund;40\r\n"
    )
    xlsx = client_for(viewer).get(URL, {"format": "xlsx", "year": "2022"})
    rows = list(load_workbook(io.BytesIO(_body(xlsx))).active.iter_rows(values_only=True))
    assert rows == [("Bostadskommun", "Arbetsställekommun", "Antal"), ("Östersund", "Krokom", 7)]


@pytest.mark.django_db
def test_the_rams_export_asks_as_many_queries_for_many_pairs_as_for_few(
    client_for, viewer, reference_data
):
    codes = list(Municipality.objects.order_by("code").values_list("code", flat=True)[:40])
    client = client_for(viewer)

    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            body = _body(client.get(URL, {"format": "csv", "year": "2023"}))
        return len(captured), len(body.decode("utf-8-sig").splitlines()) - 1

    _flows(2023, [(codes[0], w, 1) for w in codes[1:6]])
    few = queries()
    _flows(2023, [(h, w, 2) for h in codes[1:] for w in codes[:30] if h != w])
    many = queries()
    assert (few[1], many[1]) == (5, 5 + 39 * 30 - 29)
    assert few[0] == many[0]
