"""No lost updates on an agreement: two HR officers edit one draft, the second save is refused.

Through HTTP with two test clients (issue 8): both open the edit form, the first
saves, the second's save is refused on the form with their input kept. A submission
or a signature between opening and saving refuses the save too.
"""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from hubplan.access import HR
from hubplan.locking import STALE_CLOSED_MESSAGE, STALE_MESSAGE
from remoteagreements import services
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory, EquipmentItemFactory
from remoteagreements.tests.test_pages import _agreement_post

Status = DistanceAgreement.Status


def _second_hr() -> User:
    user = User.objects.create_user("t-hr-2", password="pw-for-tests-only")
    user.groups.add(Group.objects.get_or_create(name=HR)[0])
    return user


def _open(client, agreement):
    response = client.get(reverse("agreements:edit", args=[agreement.pk]))
    assert response.status_code == 200
    return response.context["form"]["lock_version"].value()


def _edit(client, agreement, lock_version, **overrides):
    data = _agreement_post(agreement.employee, **overrides)
    data["lock_version"] = lock_version
    return client.post(reverse("agreements:edit", args=[agreement.pk]), data)


@pytest.mark.django_db
def test_the_second_of_two_hr_officers_editing_a_draft_is_refused_and_keeps_their_input(
    client_for, hr_user, employee
):
    agreement = AgreementFactory(employee=employee)
    EquipmentItemFactory(agreement=agreement, item="Skärm", inventory_number="INV-1")
    other = _second_hr()
    first, second = client_for(hr_user), client_for(other)
    seen_by_first, seen_by_second = _open(first, agreement), _open(second, agreement)
    assert seen_by_first == seen_by_second == 1

    saved = _edit(first, agreement, seen_by_first, tasks="Lön och redovisning")
    assert saved.status_code == 302
    history_after_first = agreement.history.count()

    response = _edit(
        second,
        agreement,
        seen_by_second,
        tasks="Budget och prognoser",
        working_hours="Kvällar",
        **{"equipment-0-inventory_number": "INV-99999"},
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(STALE_MESSAGE % {"object": agreement}) in html
    # The second officer's input, the agreement text and the equipment row, is all kept …
    assert "Budget och prognoser" in html
    assert "Kvällar" in html
    assert 'value="INV-99999"' in html
    # … next to what the first one saved.
    assert "Nu sparat: Lön och redovisning" in html
    assert "Utrustning som nu är sparad: Bärbar dator (INV-77001)" in html
    # Nothing of the refused save was written, equipment included.
    agreement.refresh_from_db()
    assert agreement.tasks == "Lön och redovisning"
    assert agreement.working_hours == "Dagtid 08–17"
    assert list(agreement.equipment.values_list("inventory_number", flat=True)) == ["INV-77001"]
    assert agreement.lock_version == 2
    assert agreement.history.count() == history_after_first
    assert response.context["form"]["lock_version"].value() == "2"

    again = _edit(second, agreement, "2", tasks="Budget och prognoser")
    assert again.status_code == 302
    agreement.refresh_from_db()
    assert (agreement.tasks, agreement.lock_version) == ("Budget och prognoser", 3)
    assert agreement.history.first().history_user == other


@pytest.mark.django_db
def test_sending_a_draft_for_signature_between_opening_and_saving_refuses_the_edit(
    client_for, hr_user, employee
):
    agreement = AgreementFactory(employee=employee)
    client = client_for(hr_user)
    opened = _open(client, agreement)
    submitted = client_for(_second_hr()).post(reverse("agreements:submit", args=[agreement.pk]))
    assert submitted.status_code == 302

    response = _edit(client, agreement, opened, tasks="Ändrat efter att det skickades")

    assert response.status_code == 200
    assert escape(STALE_MESSAGE % {"object": agreement}) in response.content.decode()
    agreement.refresh_from_db()
    assert agreement.status == Status.AWAITING_EMPLOYEE
    assert agreement.tasks == "Budgetuppföljning och redovisning."


@pytest.mark.django_db
def test_a_signature_between_opening_and_saving_refuses_the_edit_and_keeps_the_input(
    client_for, hr_user, employee
):
    agreement = AgreementFactory(employee=employee, status=Status.AWAITING_EMPLOYEE)
    client = client_for(hr_user)
    opened = _open(client, agreement)
    signed = client_for(_second_hr()).post(
        reverse("agreements:sign", args=[agreement.pk]), {"signature": "employee", "confirm": "on"}
    )
    assert signed.status_code == 302

    response = _edit(client, agreement, opened, tasks="Ändrat efter underskriften")

    assert response.status_code == 200
    html = response.content.decode()
    assert escape(STALE_CLOSED_MESSAGE % {"object": agreement}) in html
    assert escape(str(services.ERR_SIGNED)) in html
    assert "Ändrat efter underskriften" in html
    agreement.refresh_from_db()
    assert agreement.status == Status.AWAITING_MANAGER
    assert agreement.tasks == "Budgetuppföljning och redovisning."


@pytest.mark.django_db
def test_a_form_of_the_current_version_posted_to_a_signed_agreement_is_still_sent_away(
    client_for, hr_user, employee
):
    """Not a concurrent edit: nothing changed since the form was opened, it was never editable."""
    agreement = AgreementFactory(
        employee=employee,
        status=Status.AWAITING_MANAGER,
        employee_signed_at=timezone.now(),
        employee_signature_method="paper",
    )
    response = _edit(client_for(hr_user), agreement, agreement.lock_version, tasks="Nej")
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.tasks == "Budgetuppföljning och redovisning."
