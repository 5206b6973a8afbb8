"""The region's rules on unsaved agreements, and the month-by-month count with hand-checked dates."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import timezone

from remoteagreements import rules, selectors
from remoteagreements.models import DistanceAgreement
from remoteagreements.tests.factories import AgreementFactory


def _a(**fields):
    """An unsaved agreement; the rules need no employee and no database."""
    return AgreementFactory.build(employee=None, **fields)


def test_a_complete_agreement_at_a_region_workplace_breaks_no_rule():
    assert rules.violations(_a()) == []
    assert rules.warnings(_a()) == []


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"days_at_workplace": Decimal("0.5")}, [rules.MSG_FEWER_DAYS_NEEDS_REASON]),
        ({"days_at_workplace": Decimal("0.5"), "fewer_days_reason": "Lång resväg"}, []),
        ({"place_kind": "home", "aml_access_acknowledged": True}, [rules.MSG_PLACE_NEEDS_REASON]),
        ({"place_kind": "home", "place_reason": "Inget kontor på orten"}, [rules.MSG_AML_ACCESS]),
        (
            {"handles_confidential": True, "conf_separate_room": True},
            [rules.MSG_CONFIDENTIAL_PLACE, rules.MSG_CONFIDENTIAL_COMPUTER],
        ),
        (
            {
                "handles_confidential": True,
                "conf_separate_room": True,
                "conf_screen_shielded": True,
                "conf_no_unauthorised_access": True,
                "region_provides_computer": True,
            },
            [],
        ),
        ({"reimbursement_terms": "  "}, [rules.MSG_REIMBURSEMENT_TERMS]),
    ],
    ids=[
        "under 1 day without reason",
        "under 1 day with reason",
        "home without reason",
        "home without AML access",
        "confidential without checklist or computer",
        "confidential with everything",
        "no reimbursement terms",
    ],
)
def test_each_rule_is_enforced(fields, expected):
    assert rules.violations(_a(**fields)) == expected


def test_under_one_day_with_a_reason_is_flagged_and_home_without_insurance_warned():
    a = _a(
        days_at_workplace=Decimal("0.5"),
        fewer_days_reason="Lång resväg",
        place_kind="home",
        place_reason="x",
        aml_access_acknowledged=True,
    )
    assert a.is_flagged
    assert rules.warnings(a) == [rules.WARN_FLAGGED, rules.WARN_HOME_INSURANCE]


def test_field_errors_catch_end_before_start_and_extent_beyond_a_week():
    a = _a(
        start_date=date(2026, 5, 1),
        end_date=date(2026, 4, 30),
        extent_unit="days",
        extent_value=Decimal("6"),
    )
    assert rules.field_errors(a) == {
        "end_date": [rules.MSG_END_BEFORE_START],
        "extent_value": [rules.MSG_EXTENT_DAYS],
    }
    assert rules.field_errors(_a(place_kind="hub")) == {"hub": [rules.MSG_HUB_MISSING]}


def test_month_ends_are_the_last_days_and_today_for_the_current_month():
    assert selectors.month_ends(date(2026, 3, 15), 4) == [
        date(2025, 12, 31),
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 15),
    ]


@pytest.mark.django_db
def test_active_by_month_counts_signed_agreements_inside_their_period(employee):
    now = timezone.now()
    signed = {"employee_signed_at": now, "manager_signed_at": now, "employee": employee}
    # Active Jan 10 – Feb 20: counted at the end of January only.
    AgreementFactory(
        status="active", start_date=date(2026, 1, 10), end_date=date(2026, 2, 20), **signed
    )
    # Ended on 31 March: still counted that day (the last day counts).
    AgreementFactory(
        status="ended",
        start_date=date(2026, 2, 1),
        end_date=date(2026, 12, 31),
        ended_on=date(2026, 3, 31),
        end_reason="notice",
        **signed,
    )
    # Draft: never counted.
    AgreementFactory(employee=employee, start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    months = selectors.active_by_month(date(2026, 4, 30), 4)
    # Jan 31: first. Feb 28: second (first ended Feb 20). Mar 31: second (last day). Apr 30: none.
    assert [n for _d, n in months] == [1, 1, 1, 0]
    assert DistanceAgreement.objects.count() == 3
