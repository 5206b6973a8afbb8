"""Small cells (< 5 people) are hidden from non-HR roles."""

import pytest

from hubplan.privacy import visible


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("n", "shown"), [(0, True), (1, False), (4, False), (5, True), (None, True)]
)
def test_small_cells_are_hidden_from_a_viewer(viewer, n, shown):
    assert (visible(42, n, viewer) == 42) is shown


@pytest.mark.django_db
def test_hr_and_superusers_see_small_cells(hr_user, superuser):
    assert visible(3, 3, hr_user) == 3
    assert visible(3, 3, superuser) == 3
