"""Brute-force protection (django-axes): too many failed logins lock the login out.

Everything goes through the login form, as an attacker would.
"""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

LIMIT = 5  # settings.AXES_FAILURE_LIMIT's default


def _login(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


@pytest.mark.django_db
def test_five_failures_lock_the_login_with_a_swedish_page(client, viewer):
    for _ in range(LIMIT - 1):
        response = _login(client, "t-viewer", "fel-lösenord")
        assert response.status_code == 200
        assert "Inloggningen är spärrad" not in response.content.decode()
    response = _login(client, "t-viewer", "fel-lösenord")
    assert response.status_code == 429
    html = response.content.decode()
    assert "<h1" in html
    assert "Inloggningen är spärrad" in html
    assert "misslyckats 5 gånger i rad" in html
    assert "spärrad i 15 minuter" in html
    assert 'href="/login/"' in html


@pytest.mark.django_db
def test_the_right_password_is_refused_while_locked_out(client, viewer):
    for _ in range(LIMIT):
        _login(client, "t-viewer", "fel-lösenord")
    response = _login(client, "t-viewer", "pw-for-tests-only")
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_lock_holds_only_for_that_username_from_that_address(client, viewer, planner):
    for _ in range(LIMIT):
        _login(client, "t-viewer", "fel-lösenord")
    # Another colleague at the same address, and the same user elsewhere, still get in.
    assert _login(client, "t-planner", "pw-for-tests-only").status_code == 302
    client.logout()
    assert (
        _login(client, "t-viewer", "pw-for-tests-only", address="198.51.100.7").status_code == 302
    )


@pytest.mark.django_db
def test_a_successful_login_resets_the_count(client, viewer):
    for _ in range(LIMIT - 1):
        _login(client, "t-viewer", "fel-lösenord")
    assert _login(client, "t-viewer", "pw-for-tests-only").status_code == 302
    client.logout()
    assert not AccessAttempt.objects.filter(username="t-viewer").exists()
    for _ in range(LIMIT - 1):
        assert _login(client, "t-viewer", "fel-lösenord").status_code == 200


@pytest.mark.django_db
def test_the_lockout_page_is_in_english_for_an_english_user(client, viewer):
    client.cookies["django_language"] = "en"
    for _ in range(LIMIT):
        response = _login(client, "t-viewer", "wrong")
    assert response.status_code == 429
    assert "Login locked" in response.content.decode()
