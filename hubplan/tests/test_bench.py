"""``manage.py bench`` runs end to end on a tiny data set, so the command cannot silently rot.

Only the shape of its output and what it leaves behind are checked: timings never
fail a test (the figures belong in docs/benchmarks.md, measured on real data).
"""

import json

import pytest
from django.core.management import call_command
from django.db import connection

from hubs.tests.factories import BusinessCaseFactory, HubFactory
from mapping.models import SurveyImport, SurveyResponse, SurveyRound
from mapping.tests.factories import SurveyResponseFactory, SurveyRoundFactory

MAIN_PAGES = {
    "home",
    "comparison",
    "kommun",
    "suitability",
    "business_case",
    "business_case_detail",
    "hubs_list",
    "hubs_map",
    "agreements_list",
    "agreements_stats",
    "survey_round",
    "flow_matrix",
    "plan_overview",
    "plan_gantt",
}


@pytest.fixture
def some_data(reference_data, superuser):
    # Published: the bench measures the round the kommun pages read.
    survey_round = SurveyRoundFactory(published=True)
    SurveyResponseFactory.create_batch(6, round=survey_round)
    HubFactory()
    BusinessCaseFactory()
    return survey_round


@pytest.mark.django_db
def test_the_bench_measures_every_main_page_the_import_and_the_first_visit(some_data, tmp_path):
    json_path, md_path = tmp_path / "bench.json", tmp_path / "benchmarks.md"
    md_path.write_text("# Benchmarks\n\nHand-written notes stay.\n")
    responses_before = SurveyResponse.objects.count()
    call_command(
        "bench",
        scale="region",
        requests=2,
        import_rows=200,
        json_path=str(json_path),
        markdown=str(md_path),
        # Measured in a child process, which cannot see this test's uncommitted rows:
        # test_the_bench_measures_the_exports_in_a_process_of_their_own does.
        no_exports=True,
    )
    report = json.loads(json_path.read_text())
    assert report["scale"] == "region"
    assert report["cpu_count"] >= 1
    assert report["data"]["survey_responses"] == 6
    pages = {p["key"]: p for p in report["pages"]}
    assert set(pages) == MAIN_PAGES | {"floor"}
    # The reference is measured like a page but never judged against the targets.
    floor = pages.pop("floor")
    assert floor["reference"] is True
    assert (floor["met"], floor["reasons"]) == (None, [])
    assert floor["p95_ms"] >= floor["median_ms"] > 0
    for key, page in pages.items():
        assert page["status"] == 200, key
        assert page["requests"] == 2, key
        assert page["p95_ms"] >= page["median_ms"] > 0, key
        assert page["queries"] >= page["sql_statements"] > 0, key
        assert page["sql_ms"] > 0, key
        assert page["ratio"] > 0, key
        assert isinstance(page["met"], bool), key
        assert page["cached_p95_ms"] >= page["cached_median_ms"] > 0, key
        assert 0 < page["cached_queries"] <= page["queries"], key
    # Pages with cached parts are judged as computed: the cached view costs fewer queries.
    for key in ("home", "comparison", "hubs_list", "hubs_map"):
        assert pages[key]["cached_queries"] < pages[key]["queries"], key
    assert pages["flow_matrix"]["url"].endswith("?table=flows&format=csv")

    imported = report["import"]
    assert imported["rows"] == imported["imported"] == 200
    assert imported["import_rows_per_s"] > 0
    assert imported["copy_rows_per_s"] > 0
    assert imported["peak_rss_mb"] > 0
    # The file went through COPY, and each step of it was timed.
    assert list(imported["steps"]) == ["copy", "judge", "insert", "foreign keys"]
    assert all(seconds > 0 for seconds in imported["steps"].values())
    # The bench removes what it imported: its round, rows, job, audit trail and COPY table.
    assert SurveyResponse.objects.count() == responses_before
    assert list(SurveyRound.objects.all()) == [some_data]
    assert not SurveyImport.objects.exists()
    assert not SurveyImport.history.exists()
    assert "bench_survey_copy" not in connection.introspection.table_names()

    visit = report["first_visit"]
    assert visit["html_bytes"] > 0
    urls = [a["url"] for a in visit["assets"]]
    assert any(u.endswith(".css") for u in urls)
    assert any(u.endswith(".js") for u in urls)
    # Cache-busted names and far-future caching: a repeat visit costs only the HTML.
    assert all(a["far_future"] for a in visit["assets"]), visit["assets"]
    assert visit["repeat_visit_bytes"] == visit["html_bytes"]
    assert visit["first_visit_bytes"] > visit["html_bytes"]

    markdown = md_path.read_text()
    assert markdown.startswith("# Benchmarks\n\nHand-written notes stay.\n")
    assert "## Region scale" in markdown
    assert "| Kommun comparison | `/municipalities/` |" in markdown
    assert "| cached median ms | cached p95 ms | cached queries |" in markdown
    assert "| import ÷ COPY |" in markdown
    assert "Where the import's time goes (seconds): copy " in markdown
    assert "| Reference: the sign-in form, signed in | `/login/` |" in markdown
    assert "| reference |" in markdown
    assert "| **first visit** |" in markdown

    # A second run replaces the region section instead of adding another.
    call_command(
        "bench",
        scale="region",
        requests=1,
        import_rows=10,
        markdown=str(md_path),
        no_import=False,
        no_static=True,
        no_exports=True,
    )
    assert md_path.read_text().count("## Region scale") == 1


@pytest.mark.django_db
def test_a_page_without_a_sample_object_is_reported_as_skipped(reference_data, superuser, tmp_path):
    json_path = tmp_path / "bench.json"
    call_command(
        "bench",
        requests=1,
        json_path=str(json_path),
        markdown="",
        no_import=True,
        no_static=True,
        no_exports=True,
    )
    pages = {p["key"]: p for p in json.loads(json_path.read_text())["pages"]}
    assert pages["survey_round"]["url"] is None
    assert pages["survey_round"]["met"] is None
    assert pages["survey_round"]["reasons"]
    assert pages["home"]["status"] == 200


@pytest.mark.django_db(transaction=True)
def test_the_bench_measures_the_exports_in_a_process_of_their_own(
    reference_data, superuser, tmp_path
):
    """Committed data (a transactional test): each export is measured in a child process."""
    from remoteagreements.tests.factories import AgreementFactory

    AgreementFactory.create_batch(4)
    json_path, md_path = tmp_path / "bench.json", tmp_path / "benchmarks.md"
    call_command(
        "bench",
        scale="region",
        json_path=str(json_path),
        markdown=str(md_path),
        no_pages=True,
        no_import=True,
        no_static=True,
        export_requests=2,
    )
    report = json.loads(json_path.read_text())
    exports = {e["key"]: e for e in report["exports"]}
    assert set(exports) == {"agreements_csv", "agreements_xlsx", "employees_csv"}
    for key, e in exports.items():
        assert e["rows"] == 4, key
        assert e["requests"] == 2, key
        assert e["bytes"] > 0, key
        assert e["median_s"] > 0, key
        assert e["rows_per_s"] > 0, key
        # The same queries whatever the rows; a handful (session, user, names, cursor).
        assert 0 < e["queries"] <= 12, key
        assert e["rss_peak_mb"] >= e["rss_start_mb"] > 0, key
        assert e["rss_end_mb"] > 0, key
        assert e["rss_growth_mb"] == pytest.approx(e["rss_end_mb"] - e["rss_start_mb"]), key
    # The CSV's lines were counted in the child: all four agreements were written.
    assert exports["agreements_csv"]["reasons"] == [] or all(
        "rows/s" in r for r in exports["agreements_csv"]["reasons"]
    )
    assert isinstance(exports["agreements_csv"]["met"], bool)
    assert isinstance(exports["agreements_xlsx"]["met"], bool)
    assert exports["employees_csv"]["met"] is None  # reported, not judged
    markdown = md_path.read_text()
    assert "### Exports (the agreement register, each in a fresh process)" in markdown
    assert "| Agreements (XLSX) | `/agreements/?format=xlsx` | 4 |" in markdown
