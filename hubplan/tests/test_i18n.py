"""Swedish first, English second: catalogues complete and compiled, switching works."""

from pathlib import Path

import polib
import pytest
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]
EN_CATALOGUES = sorted(BASE_DIR.glob("*/locale/en/LC_MESSAGES/django.po"))


def test_there_are_english_catalogues():
    assert BASE_DIR / "hubplan/locale/en/LC_MESSAGES/django.po" in EN_CATALOGUES
    assert BASE_DIR / "mapping/locale/en/LC_MESSAGES/django.po" in EN_CATALOGUES


@pytest.mark.parametrize("po_path", EN_CATALOGUES, ids=lambda p: p.parts[-5])
def test_english_catalogue_is_complete_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    mo = polib.mofile(str(po_path.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): e.msgstr for e in mo}
    for entry in po.translated_entries():
        if not entry.msgid_plural:
            assert compiled.get((entry.msgctxt, entry.msgid)) == entry.msgstr, entry.msgid


@pytest.mark.django_db
def test_the_user_can_switch_to_english_and_back(client_for, viewer, reference_data):
    client = client_for(viewer)
    assert "Översikt" in client.get("/").content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert "Overview" in html
    assert "Log out" in html
    assert '<html lang="en">' in html
    client.post(reverse("set_language"), {"language": "sv", "next": "/"})
    assert "Logga ut" in client.get("/").content.decode()


@pytest.mark.django_db
def test_an_english_browser_still_gets_swedish_until_the_user_chooses(client_for, viewer):
    client = client_for(viewer)
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="sv">' in html
    assert "Logga ut" in html


@pytest.mark.django_db
def test_years_are_not_written_with_a_thousand_separator(client_for, viewer, reference_data):
    html = client_for(viewer).get("/municipalities/2326/").content.decode()
    assert "31 december 2024" in html
    assert "2\xa0024" not in html
