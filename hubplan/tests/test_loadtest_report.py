"""make loadtest's report (loadtest/run.py): the markdown it writes, not the load itself
(gunicorn and locust under load belong to the command, not the test suite)."""

import importlib.util
import os
from pathlib import Path

import pytest

RUN = Path(__file__).resolve().parents[2] / "loadtest" / "run.py"


@pytest.fixture
def run(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("loadtest_run", RUN)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "DOC", tmp_path / "loadtest.md")
    return module


def _stats(p95=120.0, failures=0):
    page = {"requests": 100, "failures": failures, "rps": 10.0, "median": 50.0, "p95": p95}
    return {"home": page, "comparison": page, "hubs": page, "Aggregated": page}


def test_a_page_over_300_ms_or_with_errors_is_marked_as_missing_the_target(run):
    good = run.markdown_section("hubplan", "30 hubbar", _stats(), 0.5)
    slow = run.markdown_section("hubplan", "30 hubbar", _stats(p95=301), 0.5)
    failing = run.markdown_section("hubplan", "30 hubbar", _stats(failures=1), 0.5)
    assert "| home | 100 | 10.0 | 50 | 120 | 0 | yes |" in good
    assert "| NO |" not in good
    assert "| home | 100 | 10.0 | 50 | 301 | 0 | NO |" in slow
    assert "| hubs | 100 | 10.0 | 50 | 120 | 1 | NO |" in failing
    assert f"on {os.cpu_count()} CPUs" in good


def test_each_database_keeps_its_own_section_of_the_report(run):
    run.write_doc("hubplan", run.markdown_section("hubplan", "30 hubbar", _stats(), 0.5))
    run.write_doc(
        "hubplan_national", run.markdown_section("hubplan_national", "5,000 hubbar", _stats(), 1)
    )
    run.write_doc("hubplan", run.markdown_section("hubplan", "30 hubbar", _stats(p95=99), 0.5))
    text = run.DOC.read_text(encoding="utf-8")
    assert text.startswith("# Load test")
    assert text.count("## Database `hubplan`") == 1
    assert text.count("## Database `hubplan_national`") == 1
    assert "| home | 100 | 10.0 | 50 | 99 | 0 | yes |" in text
    assert "5,000 hubbar" in text
