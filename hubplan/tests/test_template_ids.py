"""Ids in templates are printed as plain digits.

USE_THOUSAND_SEPARATOR is on, so ``{{ obj.pk }}`` renders 1029 as "1 029": a link
``?area=1 029`` or an ``<option value="1 029">`` then points nowhere once a table passes
a thousand rows (the national data has 300 000 employees). ``|stringformat:"d"`` keeps
the digits together.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template

RAW_ID = re.compile(r"\{\{\s*[\w.]+\.(?:pk|id|\w+_id)\s*\}\}")
# Years too: "?year=2 024" fell back to the latest year, and tables read "2 024".
RAW_YEAR = re.compile(r"\{\{\s*(?:[\w.]+\.)?(?:year|y)\s*\}\}")
# A year given to blocktranslate as it is: {% blocktranslate %}… {{ year }} prints it grouped.
PLAIN_BLOCK_YEAR = re.compile(r"\{% blocktranslate(?![^%]*year=)[^%]*%\}[^{]*\{\{\s*year\s*\}\}")
TEMPLATES = sorted(
    p
    for p in Path(settings.BASE_DIR).glob("*/templates/**/*.html")
    if not p.is_relative_to(Path(settings.BASE_DIR) / ".venv")
) + sorted((Path(settings.BASE_DIR) / "templates").glob("**/*.html"))


def test_there_are_templates_to_check():
    assert len(TEMPLATES) > 50


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_prints_an_id_through_number_formatting(path):
    text = path.read_text()
    # A request id is a string, not a number: it is never grouped.
    raw = [m for m in RAW_ID.findall(text) if "request_id" not in m]
    assert raw == [], f'use |stringformat:"d" for {raw}'


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(settings.BASE_DIR)))
def test_no_template_prints_a_year_through_number_formatting(path):
    text = path.read_text()
    # Inside blocktranslate the value is bound with a filter on the opening tag.
    outside = re.sub(r"\{% blocktranslate.*?\{% endblocktranslate %\}", "", text, flags=re.S)
    raw = RAW_YEAR.findall(outside) + PLAIN_BLOCK_YEAR.findall(text)
    assert raw == [], f'use |stringformat:"d" for {raw}'


def test_the_filter_keeps_a_large_id_together_where_plain_output_does_not():
    context = Context({"pk": 1029})
    assert Template('{{ pk|stringformat:"d" }}').render(context) == "1029"
    assert Template("{{ pk }}").render(context) != "1029"
    assert Template("{{ year }}").render(Context({"year": 2024})) != "2024"
