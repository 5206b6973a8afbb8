"""The register's downloads (agreements, employees), streamed in constant memory.

Through the test client, as a browser asks: the CSV is a streamed answer read to
its end, the XLSX a file answer. The bytes and cells are checked by hand for a
small register, the query count is the same for 10 and 200 agreements, and the
roles without the register still get nothing.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mapping.models import Municipality
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory, ManagerFactory

Status = DistanceAgreement.Status
Place = DistanceAgreement.Place

AGREEMENT_HEADER = (
    "Avtal;Version;Medarbetare;Förvaltning;Enhet;Hemkommun;Status;Gäller från;Gäller till;"
    "Plats;Dagar på ordinarie arbetsplats;Nästa uppföljning"
)


def _body(response) -> bytes:
    assert response.status_code == 200
    assert response.streaming, "an export of the register is streamed"
    return b"".join(response.streaming_content)


@pytest.fixture
def register(employee):
    """Two agreements: Eva's at a region workplace, Åsa's at home (with a hostile unit)."""
    eva = AgreementFactory(
        employee=employee,
        start_date=date(2026, 1, 5),
        end_date=date(2026, 12, 31),
        next_follow_up_due=date(2027, 1, 5),
        days_at_workplace=Decimal("3"),
    )
    asa = AgreementFactory(
        employee=EmployeeFactory(
            name="Åsa Öberg",
            unit="=SUM(A1)",
            manager=employee.manager,
            home_municipality=Municipality.objects.get(code="2380"),
        ),
        status=Status.AWAITING_EMPLOYEE,
        version=2,
        start_date=date(2026, 3, 1),
        end_date=date(2027, 2, 28),
        next_follow_up_due=None,
        days_at_workplace=Decimal("1.5"),
        place_kind=Place.HOME,
        place_reason="Lång restid till närmaste arbetsplats.",
    )
    return eva, asa


@pytest.mark.django_db
def test_the_agreement_csv_has_the_columns_and_values_checked_by_hand(
    client_for, hr_user, register
):
    eva, asa = register
    response = client_for(hr_user).get(reverse("agreements:list"), {"format": "csv"})
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="distansarbetsavtal.csv"'
    # Newest start first (the list's order); the BOM, semicolons and CRLF of Swedish Excel.
    assert _body(response).decode("utf-8") == (
        f"\ufeff{AGREEMENT_HEADER}\r\n"
        f"{asa.pk};2;Åsa Öberg;Regionstaben;'=SUM(A1);Östersund;"
        "väntar på medarbetarens underskrift;2026-03-01;2027-02-28;hemmet;1,5;\r\n"
        f"{eva.pk};1;Eva Exempel;Regionstaben;Ekonomienheten;Krokom;utkast;"
        "2026-01-05;2026-12-31;regionens egen arbetsplats;3,0;2027-01-05\r\n"
    )


@pytest.mark.django_db
def test_the_agreement_csv_follows_the_lists_filters_and_sort(client_for, hr_user, register):
    eva, asa = register
    client = client_for(hr_user)
    lines = _body(client.get(reverse("agreements:list"), {"format": "csv", "sort": "start"}))
    assert [line.split(";")[0] for line in lines.decode("utf-8-sig").splitlines()[1:]] == [
        str(eva.pk),
        str(asa.pk),
    ]
    only_home = _body(client.get(reverse("agreements:list"), {"format": "csv", "place": "home"}))
    assert only_home.decode("utf-8-sig").splitlines()[1:] == [
        f"{asa.pk};2;Åsa Öberg;Regionstaben;'=SUM(A1);Östersund;"
        "väntar på medarbetarens underskrift;2026-03-01;2027-02-28;hemmet;1,5;"
    ]


@pytest.mark.django_db
def test_the_agreement_xlsx_keeps_numbers_dates_and_neutralised_text(client_for, hr_user, register):
    eva, asa = register
    response = client_for(hr_user).get(reverse("agreements:list"), {"format": "xlsx"})
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="distansarbetsavtal.xlsx"'
    body = _body(response)
    assert int(response["Content-Length"]) == len(body)
    cells = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    # Dates are date cells (read back as datetimes at midnight), not text.
    assert isinstance(cells[1][7], datetime)
    assert cells[1][7].time() == time(0, 0)
    rows = [tuple(v.date() if isinstance(v, datetime) else v for v in row) for row in cells]
    assert rows == [
        tuple(AGREEMENT_HEADER.split(";")),
        (
            asa.pk,
            2,
            "Åsa Öberg",
            "Regionstaben",
            "'=SUM(A1)",
            "Östersund",
            "väntar på medarbetarens underskrift",
            date(2026, 3, 1),
            date(2027, 2, 28),
            "hemmet",
            1.5,
            None,
        ),
        (
            eva.pk,
            1,
            "Eva Exempel",
            "Regionstaben",
            "Ekonomienheten",
            "Krokom",
            "utkast",
            date(2026, 1, 5),
            date(2026, 12, 31),
            "regionens egen arbetsplats",
            3.0,
            date(2027, 1, 5),
        ),
    ]


@pytest.mark.django_db
def test_the_employee_csv_has_the_columns_and_values_checked_by_hand(client_for, hr_user, register):
    eva, asa = register
    # Eva's agreement is in force today; Åsa's is not signed.
    DistanceAgreement.objects.filter(pk=eva.pk).update(
        status=Status.ACTIVE,
        employee_signed_at=timezone.now(),
        manager_signed_at=timezone.now(),
        start_date=date(2020, 1, 1),
        end_date=date(2099, 12, 31),
    )
    response = client_for(hr_user).get(reverse("agreements:employee-list"), {"format": "csv"})
    assert response["Content-Disposition"] == 'attachment; filename="medarbetare.csv"'
    text = _body(response).decode("utf-8")
    manager = eva.employee.manager
    chef = f"{manager.first_name} {manager.last_name}"
    assert text == (
        "\ufeffNamn;Förvaltning;Enhet;Ordinarie arbetsplats;Hemkommun;Chef;Gällande avtal\r\n"
        f"Eva Exempel;Regionstaben;Ekonomienheten;Regionens hus;Krokom;{chef};ja\r\n"
        f"Åsa Öberg;Regionstaben;'=SUM(A1);Regionens hus;Östersund;{chef};nej\r\n"
    )
    # No personnummer, whole or in part.
    for e in (eva.employee, asa.employee):
        assert e.personnummer[:8] not in text
        assert e.personnummer[-4:] not in text


@pytest.mark.django_db
def test_a_manager_without_a_name_is_exported_by_username(client_for, hr_user, reference_data):
    nameless = ManagerFactory(username="t-chef-utan-namn", first_name="", last_name="")
    EmployeeFactory(name="Nils Nilsson", manager=nameless)
    text = _body(client_for(hr_user).get(reverse("agreements:employee-list"), {"format": "csv"}))
    assert text.decode("utf-8-sig").splitlines()[1:] == [
        "Nils Nilsson;Regionstaben;Ekonomienheten;Regionens hus;Krokom;t-chef-utan-namn;nej"
    ]


def _export_queries(client, url: str, fmt: str) -> tuple[int, int]:
    """(queries, data rows) of one export, its streamed body read to the end."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"format": fmt})
        body = _body(response)
    if fmt == "csv":
        rows = len(body.decode("utf-8-sig").splitlines()) - 1
    else:
        rows = len(list(load_workbook(io.BytesIO(body)).active.iter_rows())) - 1
    return len(captured), rows


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_asks_as_many_queries_for_200_agreements_as_for_10(
    client_for, hr_user, reference_data, fmt
):
    client = client_for(hr_user)
    list_url = reverse("agreements:list")
    employees_url = reverse("agreements:employee-list")
    AgreementFactory.create_batch(10)
    small = _export_queries(client, list_url, fmt)
    small_employees = _export_queries(client, employees_url, fmt)
    AgreementFactory.create_batch(190)
    large = _export_queries(client, list_url, fmt)
    large_employees = _export_queries(client, employees_url, fmt)
    assert (small[1], large[1]) == (10, 200)
    assert (small_employees[1], large_employees[1]) == (10, 200)
    assert small[0] == large[0]
    assert small_employees[0] == large_employees[0]
    # Session, user, roles, the two name tables, the cursor's transaction and the cursor.
    assert large[0] <= 12
    assert large_employees[0] <= 12


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_roles_without_the_register_cannot_export_it(client_for, viewer, planner, register, fmt):
    for user in (viewer, planner):
        client = client_for(user)
        for url in (reverse("agreements:list"), reverse("agreements:employee-list")):
            response = client.get(url, {"format": fmt})
            assert response.status_code == 403, (user, url)
            assert not response.streaming


@pytest.mark.django_db
def test_a_manager_exports_only_their_own_staff(client_for, other_manager, register):
    theirs = AgreementFactory(employee=EmployeeFactory(name="Olle Annan", manager=other_manager))
    agreements = _body(
        client_for(other_manager).get(reverse("agreements:list"), {"format": "csv"})
    ).decode("utf-8-sig")
    employees = _body(
        client_for(other_manager).get(reverse("agreements:employee-list"), {"format": "csv"})
    ).decode("utf-8-sig")
    assert agreements.splitlines()[1:] == [
        line for line in agreements.splitlines()[1:] if line.startswith(f"{theirs.pk};")
    ]
    assert len(agreements.splitlines()) == 2
    assert "Olle Annan" in agreements
    assert [line.split(";")[0] for line in employees.splitlines()[1:]] == ["Olle Annan"]
    for other in ("Eva Exempel", "Åsa Öberg"):
        assert other not in agreements
        assert other not in employees
    assert theirs.employee.personnummer[:8] not in agreements + employees


@pytest.mark.django_db(transaction=True)
def test_the_csv_is_read_from_a_cursor_in_a_transaction_of_its_own(
    client_for, hr_user, reference_data
):
    """With ATOMIC_REQUESTS the request's transaction is over before the body streams;
    the rows are then read in a transaction of their own, from a cursor that is not
    declared WITH HOLD (PostgreSQL would materialise the whole result first)."""
    AgreementFactory.create_batch(3)
    client = client_for(hr_user)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("agreements:list"), {"format": "csv"})
        # The view has returned and its transaction has ended: no row was read yet.
        assert not any("DECLARE" in q["sql"] for q in captured.captured_queries)
        assert connection.get_autocommit()
        body = _body(response)
    assert len(body.decode("utf-8-sig").splitlines()) == 4
    declares = [q["sql"] for q in captured.captured_queries if "DECLARE" in q["sql"]]
    assert len(declares) == 1
    assert "WITH HOLD" not in declares[0]
    assert any("SET LOCAL cursor_tuple_fraction" in q["sql"] for q in captured.captured_queries)
    assert connection.get_autocommit()


def _sheet(response) -> list[tuple]:
    body = b"".join(response.streaming_content)
    return list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))


@pytest.mark.django_db
def test_a_large_xlsx_export_is_built_by_a_job_and_downloaded_by_its_owner_only(
    client_for, hr_user, register, settings, other_manager
):
    """Over EXPORT_JOB_ROWS rows the workbook is written on the worker (inline here, the
    same handler): the request answers with the job's page, the file comes from it."""
    from hubplan.models import Job

    _eva, asa = register
    settings.EXPORT_JOB_ROWS = 0
    client = client_for(hr_user)
    response = client.get(reverse("agreements:list"), {"format": "xlsx", "place": "home"})
    job = Job.objects.get(kind="remoteagreements.export")
    assert (response.status_code, response["Location"]) == (302, job.get_absolute_url())
    assert (job.status, job.user, job.params["query"]) == ("done", hr_user, "place=home")
    assert job.message == "1 rad exporterades."
    page = client.get(job.get_absolute_url()).content.decode()
    assert f"/jobs/{job.pk}/download/" in page
    download = client.get(f"/jobs/{job.pk}/download/")
    assert download["Content-Disposition"] == 'attachment; filename="distansarbetsavtal.xlsx"'
    # The filter held: Åsa's agreement at home only.
    assert [row[0] for row in _sheet(download)] == ["Avtal", asa.pk]
    # Nobody else fetches HR's file, a manager with the register neither.
    assert client_for(other_manager).get(f"/jobs/{job.pk}/download/").status_code == 404
    # Under the limit the workbook comes at once, as before.
    settings.EXPORT_JOB_ROWS = 10
    assert client.get(reverse("agreements:list"), {"format": "xlsx"}).status_code == 200


@pytest.mark.django_db
def test_the_export_job_holds_only_what_its_user_may_see(
    client_for, register, settings, other_manager
):
    from hubplan.models import Job

    eva, _asa = register
    EmployeeFactory(name="Bos medarbetare", manager=other_manager)
    settings.EXPORT_JOB_ROWS = 0
    manager = client_for(eva.employee.manager)
    response = manager.get(reverse("agreements:employee-list"), {"format": "xlsx"})
    job = Job.objects.get(kind="remoteagreements.export")
    assert response["Location"] == job.get_absolute_url()
    names = [row[0] for row in _sheet(manager.get(f"/jobs/{job.pk}/download/"))]
    assert names == ["Namn", "Eva Exempel", "Åsa Öberg"]
