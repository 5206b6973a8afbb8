"""Small cells (< 5 people) are hidden from non-HR roles."""

import pytest

from hubplan.privacy import hidden_cells, visible, visible_share


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


@pytest.mark.django_db
def test_one_small_cell_in_a_two_by_two_table_hides_every_cell(viewer):
    # With both row and both column totals shown, any one cell gives away the other three.
    cells = {("A", "A"): 10, ("A", "B"): 3, ("B", "A"): 7, ("B", "B"): 20}
    assert hidden_cells(cells, viewer) == set(cells)


@pytest.mark.django_db
def test_a_small_cell_is_hidden_with_enough_others_that_totals_cannot_give_it_away(viewer):
    cells = {
        ("A", "X"): 50, ("A", "Y"): 3, ("A", "Z"): 20,
        ("B", "X"): 30, ("B", "Y"): 40, ("B", "Z"): 10,
        ("C", "X"): 8, ("C", "Y"): 25, ("C", "Z"): 60,
    }  # fmt: skip
    hidden = hidden_cells(cells, viewer)
    # Worked by hand: A·Y is small; row A then hides A·Z (20, its smallest other),
    # column Y hides C·Y (25), column Z B·Z (10), row B B·X (30), row C C·X (8).
    assert hidden == {("A", "Y"), ("A", "Z"), ("C", "Y"), ("B", "Z"), ("B", "X"), ("C", "X")}
    for line in ("A", "B", "C", "X", "Y", "Z"):
        in_line = [k for k in hidden if line in k]
        assert len(in_line) >= 2
        assert sum(cells[k] for k in in_line) >= 5


@pytest.mark.django_db
def test_a_table_without_small_cells_hides_nothing_and_hr_sees_everything(viewer, hr_user):
    assert hidden_cells({("A", "A"): 5, ("A", "B"): 9}, viewer) == set()
    assert hidden_cells({("A", "A"): 10, ("A", "B"): 3}, hr_user) == set()


@pytest.mark.django_db
def test_two_small_cells_under_five_together_take_a_third(viewer):
    # 1 + 2 = 3 people: subtracting the row's other cells would still show a group under five.
    cells = {
        ("A", "X"): 1,
        ("A", "Y"): 2,
        ("A", "Z"): 40,
        ("B", "X"): 0,
        ("B", "Y"): 0,
        ("B", "Z"): 9,
    }
    hidden = hidden_cells(cells, viewer)
    assert {("A", "X"), ("A", "Y"), ("A", "Z")} <= hidden


@pytest.mark.django_db
def test_a_share_is_hidden_with_the_small_count_it_comes_from(viewer, hr_user):
    assert visible_share(6, 8, viewer) == 75.0
    assert visible_share(3, 7, viewer) is None  # 3 people: hidden, so is their share
    assert visible_share(3, 7, hr_user) == 42.9  # 300 / 7 = 42.857…
    assert visible_share(0, 0, hr_user) is None
