"""The lifecycle services: order of signatures, rules, versions, renewals, follow-ups, ending."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from remoteagreements import rules, services
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory, EquipmentItemFactory

Status = DistanceAgreement.Status


def _active(agreement, hr_user, manager):
    services.agreement_submit(agreement=agreement, by=hr_user)
    services.agreement_sign_employee(agreement=agreement, by=hr_user, on_paper=True)
    return services.agreement_sign_manager(agreement=agreement, manager=manager)


@pytest.mark.django_db
def test_the_full_lifecycle_records_who_signed_and_how(employee, hr_user, manager):
    agreement = AgreementFactory(employee=employee)
    active = _active(agreement, hr_user, manager)
    assert active.status == Status.ACTIVE
    assert active.employee_signature_method == DistanceAgreement.SignatureMethod.PAPER
    assert active.employee_signature_recorded_by == hr_user
    assert active.manager_signed_by == manager
    assert active.manager_signed_at >= active.employee_signed_at


@pytest.mark.django_db
def test_the_manager_cannot_sign_before_the_employee(employee, hr_user, manager):
    agreement = AgreementFactory(employee=employee)
    services.agreement_submit(agreement=agreement, by=hr_user)
    with pytest.raises(ValidationError) as info:
        services.agreement_sign_manager(agreement=agreement, manager=manager)
    assert info.value.messages == [str(services.ERR_MANAGER_ORDER)]
    agreement.refresh_from_db()
    assert agreement.status == Status.AWAITING_EMPLOYEE
    assert agreement.manager_signed_at is None


@pytest.mark.django_db
def test_another_manager_cannot_sign(employee, hr_user, other_manager):
    agreement = AgreementFactory(employee=employee)
    services.agreement_submit(agreement=agreement, by=hr_user)
    services.agreement_sign_employee(agreement=agreement, by=hr_user, on_paper=True)
    with pytest.raises(PermissionDenied):
        services.agreement_sign_manager(agreement=agreement, manager=other_manager)


@pytest.mark.django_db
def test_a_logged_in_signature_must_be_the_employees_own(employee, hr_user, manager, nobody):
    agreement = AgreementFactory(employee=employee)
    services.agreement_submit(agreement=agreement, by=hr_user)
    with pytest.raises(PermissionDenied):
        services.agreement_sign_employee(agreement=agreement, by=nobody, on_paper=False)
    with pytest.raises(PermissionDenied):
        services.agreement_sign_employee(agreement=agreement, by=nobody, on_paper=True)
    employee.user = nobody
    employee.save()
    signed = services.agreement_sign_employee(agreement=agreement, by=nobody, on_paper=False)
    assert signed.employee_signature_method == DistanceAgreement.SignatureMethod.LOGGED_IN


@pytest.mark.django_db
def test_a_rule_breaking_agreement_cannot_be_sent_or_signed(employee, hr_user):
    agreement = AgreementFactory(employee=employee, place_kind="home", place_reason="")
    with pytest.raises(ValidationError) as info:
        services.agreement_submit(agreement=agreement, by=hr_user)
    assert str(rules.MSG_PLACE_NEEDS_REASON) in info.value.messages
    assert str(rules.MSG_AML_ACCESS) in info.value.messages
    # Forced past the submit check (e.g. data from before the rule): signing still refuses.
    DistanceAgreement.objects.filter(pk=agreement.pk).update(status=Status.AWAITING_EMPLOYEE)
    with pytest.raises(ValidationError):
        services.agreement_sign_employee(agreement=agreement, by=hr_user, on_paper=True)
    agreement.refresh_from_db()
    assert agreement.employee_signed_at is None


@pytest.mark.django_db
def test_a_signed_agreement_is_not_edited_but_versioned(employee, hr_user, manager):
    agreement = AgreementFactory(employee=employee)
    EquipmentItemFactory(agreement=agreement, item="Skärm")
    _active(agreement, hr_user, manager)
    with pytest.raises(ValidationError) as info:
        services.agreement_update(agreement=agreement, tasks="Något annat")
    assert info.value.messages == [str(services.ERR_SIGNED)]
    new = services.agreement_new_version(agreement=agreement, by=hr_user)
    assert (new.version, new.previous_version, new.status) == (2, agreement, Status.DRAFT)
    assert list(new.equipment.values_list("item", flat=True)) == ["Skärm"]
    services.agreement_update(agreement=new, tasks="Något annat")
    _active(new, hr_user, manager)
    agreement.refresh_from_db()
    assert agreement.status == Status.ENDED
    assert agreement.end_reason == DistanceAgreement.EndReason.SUPERSEDED
    assert agreement.tasks == "Budgetuppföljning och redovisning."


@pytest.mark.django_db
def test_an_ended_agreement_cannot_be_edited(employee, hr_user, manager):
    agreement = _active(AgreementFactory(employee=employee), hr_user, manager)
    services.agreement_end(
        agreement=agreement,
        by=hr_user,
        on=timezone.localdate(),
        reason="notice",
        note="Flyttar",
    )
    with pytest.raises(ValidationError) as info:
        services.agreement_update(agreement=agreement, tasks="x")
    assert info.value.messages == [str(services.ERR_ENDED)]
    with pytest.raises(ValidationError):
        services.agreement_new_version(agreement=agreement, by=hr_user)


@pytest.mark.django_db
def test_a_follow_up_moves_the_next_due_date_a_year(employee, hr_user, manager):
    agreement = _active(
        AgreementFactory(employee=employee, start_date=date(2025, 3, 1)), hr_user, manager
    )
    assert agreement.next_follow_up_due == date(2026, 3, 1)
    services.agreement_follow_up(
        agreement=agreement, by=manager, held_on=date(2026, 2, 20), outcome="continue"
    )
    agreement.refresh_from_db()
    assert agreement.next_follow_up_due == date(2027, 2, 20)


@pytest.mark.django_db
def test_a_renewal_is_a_new_linked_agreement_for_the_next_period(employee, hr_user, manager):
    old = _active(
        AgreementFactory(
            employee=employee, start_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
        ),
        hr_user,
        manager,
    )
    renewal = services.agreement_renew(agreement=old, by=hr_user)
    assert renewal.renewed_from == old
    assert (renewal.start_date, renewal.end_date) == (date(2026, 1, 1), date(2026, 12, 31))
    assert renewal.status == Status.DRAFT
    with pytest.raises(ValidationError):
        services.agreement_renew(agreement=old, by=hr_user)


@pytest.mark.django_db
def test_end_before_start_and_extent_over_100_are_refused(employee, hr_user):
    with pytest.raises(ValidationError) as info:
        services.agreement_create(
            employee=employee,
            created_by=hr_user,
            **{
                **_content(),
                "start_date": date(2026, 5, 1),
                "end_date": date(2026, 4, 1),
                "extent_unit": "percent",
                "extent_value": Decimal("120"),
            },
        )
    assert info.value.message_dict["end_date"] == [str(rules.MSG_END_BEFORE_START)]
    assert info.value.message_dict["extent_value"] == [str(rules.MSG_EXTENT_PERCENT)]
    assert not DistanceAgreement.objects.exists()


def _content():
    a = AgreementFactory.build()
    return {name: getattr(a, name) for name in services.CONTENT_FIELDS if name != "hub"} | {
        "start_date": a.start_date,
        "end_date": a.end_date,
    }


def test_one_year_after_handles_the_leap_day():
    assert services.one_year_after(date(2024, 2, 29)) == date(2025, 2, 28)
    assert services.one_year_after(date(2025, 6, 1)) - date(2025, 6, 1) == timedelta(days=365)
