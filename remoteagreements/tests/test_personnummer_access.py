"""The personnummer access log: every view of a full number is logged; superusers read the log."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from remoteagreements import services
from remoteagreements.models import PersonnummerAccess
from remoteagreements.tests.factories import AgreementFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def _full(employee) -> str:
    p = employee.personnummer
    return f"{p[:8]}-{p[8:]}"


def test_hr_opening_an_employee_page_writes_one_row_with_who_whose_and_where(
    client_for, hr_user, employee
):
    before = timezone.now()
    response = client_for(hr_user).get(employee.get_absolute_url())
    assert _full(employee) in response.content.decode()
    access = PersonnummerAccess.objects.get()
    assert (access.viewed_by, access.employee, access.page) == (
        hr_user,
        employee,
        "agreements:employee-detail",
    )
    assert before <= access.viewed_at <= timezone.now()


@pytest.mark.parametrize(
    "url_name",
    ["agreements:detail", "agreements:print", "agreements:pdf", "agreements:sign"],
)
def test_every_agreement_page_with_the_full_number_logs_its_view(
    client_for, hr_user, employee, url_name
):
    agreement = AgreementFactory(employee=employee)
    response = client_for(hr_user).get(reverse(url_name, args=[agreement.pk]))
    assert response.status_code == 200
    if url_name != "agreements:pdf":  # the PDF is compressed; its text is tested elsewhere
        assert _full(employee) in response.content.decode()
    assert list(PersonnummerAccess.objects.values_list("viewed_by", "employee", "page")) == [
        (hr_user.pk, employee.pk, url_name)
    ]


def test_the_employee_edit_form_shows_the_number_and_logs_it(client_for, hr_user, employee):
    response = client_for(hr_user).get(reverse("agreements:employee-edit", args=[employee.pk]))
    assert _full(employee) in response.content.decode()
    assert PersonnummerAccess.objects.get().page == "agreements:employee-edit"


def test_a_superuser_viewing_a_number_is_logged_too(client_for, superuser, employee):
    client_for(superuser).get(employee.get_absolute_url())
    assert PersonnummerAccess.objects.get().viewed_by == superuser


def test_a_manager_sees_only_masked_numbers_and_nothing_is_logged(client_for, manager, employee):
    agreement = AgreementFactory(employee=employee)
    client = client_for(manager)
    for path in (
        employee.get_absolute_url(),
        reverse("agreements:detail", args=[agreement.pk]),
        reverse("agreements:print", args=[agreement.pk]),
        reverse("agreements:sign", args=[agreement.pk]),
    ):
        html = client.get(path).content.decode()
        assert employee.masked_personnummer in html, path
        assert _full(employee) not in html, path
        assert employee.personnummer not in html, path
    pdf = client.get(reverse("agreements:pdf", args=[agreement.pk])).content
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert employee.masked_personnummer in text
    assert _full(employee) not in text
    assert employee.personnummer not in text
    assert not PersonnummerAccess.objects.exists()


def test_viewers_and_planners_are_refused_and_nothing_is_logged(
    client_for, viewer, planner, employee
):
    agreement = AgreementFactory(employee=employee)
    for user in (viewer, planner):
        client = client_for(user)
        assert client.get(employee.get_absolute_url()).status_code == 403
        assert client.get(reverse("agreements:detail", args=[agreement.pk])).status_code == 403
    assert not PersonnummerAccess.objects.exists()


def test_hr_lists_with_masked_numbers_write_nothing(client_for, hr_user, employee):
    client = client_for(hr_user)
    listing = client.get(reverse("agreements:employee-list")).content.decode()
    assert employee.masked_personnummer in listing
    client.get(reverse("agreements:employee-list"), {"format": "csv"})
    client.get(reverse("agreements:list"))
    assert not PersonnummerAccess.objects.exists()


def test_logging_many_employees_is_one_insert(hr_user, reference_data, manager):
    employees = EmployeeFactory.create_batch(3, manager=manager)
    with CaptureQueriesContext(connection) as ctx:
        n = services.log_personnummer_access(
            user=hr_user, employees=employees, page="agreements:employee-list"
        )
    assert n == 3
    assert len(ctx) == 1
    assert PersonnummerAccess.objects.filter(viewed_by=hr_user).count() == 3


# --- the log page ---------------------------------------------------------------


def test_the_superuser_page_lists_the_views_newest_first_and_filters(
    client_for, superuser, hr_user, manager, employee
):
    other = EmployeeFactory(name="Olle Annan", manager=manager)
    client_for(hr_user).get(employee.get_absolute_url())
    client_for(hr_user).get(other.get_absolute_url())
    client_for(superuser).get(other.get_absolute_url())
    url = reverse("agreements:access-log")
    client = client_for(superuser)

    response = client.get(url)
    assert response.status_code == 200
    rows = [(a.viewed_by.username, a.employee.name) for a in response.context["accesses"]]
    assert rows == [("t-admin", "Olle Annan"), ("t-hr", "Olle Annan"), ("t-hr", "Eva Exempel")]
    html = response.content.decode()
    assert "Eva Exempel" in html
    assert "t-hr" in html
    # The page is named in words, not by its URL name.
    assert str(response.context["accesses"][0].page_label) == "Medarbetare"
    assert "agreements:employee-detail" not in html
    assert employee.personnummer not in html
    assert _full(employee) not in html

    by_employee = client.get(url, {"employee": other.pk}).context["accesses"]
    assert {a.employee_id for a in by_employee} == {other.pk}
    assert len(by_employee) == 2
    by_user = client.get(url, {"user": hr_user.pk}).context["accesses"]
    assert [a.employee.name for a in by_user] == ["Olle Annan", "Eva Exempel"]
    both = client.get(url, {"user": hr_user.pk, "employee": other.pk}).context["accesses"]
    assert len(both) == 1
    # Junk in the filters is ignored, not a 500.
    assert client.get(url, {"user": "x'; drop", "employee": "-1"}).status_code == 200


def test_the_log_page_is_linked_for_superusers_only(client_for, superuser, hr_user):
    url = reverse("agreements:access-log")
    assert url in client_for(superuser).get(reverse("agreements:list")).content.decode()
    assert url not in client_for(hr_user).get(reverse("agreements:list")).content.decode()


def test_hr_planners_viewers_and_managers_get_403_on_the_log(
    client_for, hr_user, planner, viewer, manager, employee
):
    url = reverse("agreements:access-log")
    for user in (hr_user, planner, viewer, manager):
        assert client_for(user).get(url).status_code == 403, user.username


def test_the_log_page_query_count_does_not_grow_with_rows(
    client_for, superuser, hr_user, manager, reference_data
):
    client = client_for(superuser)
    url = reverse("agreements:access-log")
    employees = EmployeeFactory.create_batch(60, manager=manager)
    client.get(url)  # warm up (content types, session)
    counts = []
    for n in (3, 60):
        services.log_personnummer_access(
            user=hr_user, employees=employees[:n], page="agreements:employee-detail"
        )
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        assert len(response.context["accesses"]) == min(PersonnummerAccess.objects.count(), 50)
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 10, counts
