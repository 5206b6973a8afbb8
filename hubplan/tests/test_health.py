"""/healthz for load balancers: the database and the job queue, open, never cached.

The refusal when the database is down is shown by a real gunicorn (gunicorn.conf.py)
pointed at a port where nothing listens; the worker count by a real worker.
"""

import json
import urllib.error
import urllib.request

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hubplan.tests import processes


def _get(url: str, **headers: str) -> tuple[int, dict, dict]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), json.loads(error.read())


@pytest.mark.django_db
def test_healthz_answers_ok_to_anyone_without_a_session_and_is_never_cached(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "queue": "ok", "workers": 0}
    assert "no-store" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    # SELECT 1 and the queue's tables; no session, no user.
    assert [q["sql"].split()[0:2] for q in queries.captured_queries] == [
        ["SELECT", "1"],
        ["SELECT", "(SELECT"],
    ]
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_counts_the_workers_with_a_heartbeat_in_the_last_minute(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO procrastinate_workers (last_heartbeat) VALUES"
            " (now()), (now() - interval '50 seconds'), (now() - interval '70 seconds')"
        )
    assert client.get("/healthz").json() == {"database": "ok", "queue": "ok", "workers": 2}


@pytest.mark.django_db
def test_healthz_is_503_when_the_queue_does_not_answer(client):
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute("ALTER TABLE procrastinate_jobs RENAME TO procrastinate_jobs_away")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "queue": "unreachable"}


def test_a_server_whose_database_is_down_answers_503(tmp_path):
    """A real gunicorn whose DATABASE_URL names a port where nothing listens."""
    dead = f"postgres://hubplan@127.0.0.1:{processes.free_port()}/hubplan"
    env = processes.child_env(DATABASE_URL=dead)
    log = tmp_path / "gunicorn.log"
    with processes.start_gunicorn(processes.free_port(), env, log=log, healthy=False) as url:
        status, headers, body = _get(f"{url}/healthz", **{"X-Request-ID": "probe-1"})
    assert status == 503, log.read_text()[-2000:]
    assert body == {"database": "unreachable", "queue": "unreachable"}
    assert headers["X-Request-ID"] == "probe-1"
    # gunicorn's access line and the app's warning carry the same id.
    logged = log.read_text()
    assert '"GET /healthz HTTP/1.1" 503' in logged
    assert "[probe-1]" in logged
    assert "[probe-1] hubplan.health healthz: the database does not answer" in logged


@pytest.mark.django_db(transaction=True)
def test_a_server_reports_the_running_worker(tmp_path):
    with (
        processes.worker(tmp_path / "worker.log"),
        processes.start_gunicorn(processes.free_port(), log=tmp_path / "gunicorn.log") as url,
    ):
        status, _headers, body = _get(f"{url}/healthz")
    assert (status, body) == (200, {"database": "ok", "queue": "ok", "workers": 1})
