"""``make loadtest``: gunicorn with 2 workers on 127.0.0.1, 20 locust users for 30 s.

Serves the app as production would (DEBUG off, WhiteNoise with collected, compressed
static files) but over plain http on the loopback, logs 20 sessions in as the demo
viewer through the login form (before the clock starts), and has the users read the
home dashboard, the kommun comparison and the hubs list.
Prints requests per second, median, p95 and errors per page, and writes them to
``docs/loadtest.md`` (one section per database, so region and national runs sit side
by side). Exits non-zero if any request failed.

Environment: ``LOADTEST_DB`` (or ``EMBEDDED_DATABASE_NAME``) picks the embedded database,
e.g. ``hubplan_national``; ``LOADTEST_USERS``, ``LOADTEST_SECONDS``, ``LOADTEST_PORT``,
``LOADTEST_WAIT`` change the load.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.cookiejar
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DOC = ROOT / "docs" / "loadtest.md"
WORKERS = 2
USERS = int(os.environ.get("LOADTEST_USERS", "20"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "30"))
PORT = int(os.environ.get("LOADTEST_PORT", "8765"))
WAIT = os.environ.get("LOADTEST_WAIT", "0")
PAGES = ("home", "comparison", "hubs")
P95_TARGET_MS = 300


def server_env() -> dict[str, str]:
    env = dict(os.environ)
    if os.environ.get("LOADTEST_DB"):
        env["EMBEDDED_DATABASE_NAME"] = os.environ["LOADTEST_DB"]
    env.update(
        DEBUG="False",
        STATIC_MANIFEST="True",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain http on the loopback: no https redirect, no secure-only cookies, no HSTS.
        SECURE_SSL_REDIRECT="False",
        SESSION_COOKIE_SECURE="False",
        CSRF_COOKIE_SECURE="False",
        SECURE_HSTS_SECONDS="0",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [str(BIN / "python"), "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def describe_database(env: dict[str, str]) -> tuple[str, str]:
    """The database's name and a line of what it holds; stops if the demo viewer is missing."""
    script = (
        "from django.conf import settings; from django.contrib.auth.models import User;"
        "from hubs.models import Hub; from remoteagreements.models import Employee;"
        "from mapping.models import SurveyResponse;"
        "print(settings.DATABASES['default']['NAME']);"
        "print(User.objects.filter(username='viewer').exists());"
        "print(f'{Hub.objects.count():,} hubbar, {Employee.objects.count():,} medarbetare, '"
        "f'{SurveyResponse.objects.count():,} enkätsvar')"
    )
    name, has_viewer, holds = manage(env, "shell", "-v", "0", "-c", script).strip().splitlines()
    if has_viewer != "True":
        sys.exit("No demo users in this database: run `make setup` (or seed_demo) first.")
    return name, holds


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    sys.exit(f"gunicorn did not answer {url} within {seconds:.0f} s")


def log_in(host: str, n: int) -> list[str]:
    """``n`` sessions of the demo viewer, each through the login form, before the clock
    starts: password hashing (PBKDF2, as in production) is meant to be slow, and 20 of
    them at once would otherwise fill the first seconds of a 30-second run. Each
    session also requests the three pages once, which warms both workers."""
    user = os.environ.get("LOADTEST_USER", "viewer")
    password = os.environ.get("LOADTEST_PASSWORD", "hubplan-demo")
    sessions = []
    for _ in range(n):
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        form = opener.open(f"{host}/login/", timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        data = urllib.parse.urlencode(
            {"username": user, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(
            f"{host}/login/", data=data, headers={"Referer": f"{host}/login/"}
        )
        landed = opener.open(request, timeout=60)
        if landed.url.rstrip("/").endswith("/login"):
            sys.exit(f"Could not log in as {user}: is this the demo database?")
        for path in ("/", "/municipalities/", "/hubs/"):
            opener.open(f"{host}{path}", timeout=120).read()
        sessions += [c.value for c in jar if c.name == "sessionid"]
    return sessions


def read_stats(prefix: str) -> dict[str, dict[str, float]]:
    with open(f"{prefix}_stats.csv", encoding="utf-8") as fh:
        return {
            row["Name"]: {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "median": float(row["50%"] or 0),
                "p95": float(row["95%"] or 0),
            }
            for row in csv.DictReader(fh)
        }


def markdown_section(
    database: str, holds: str, stats: dict[str, dict[str, float]], load: float
) -> str:
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"## Database `{database}`",
        "",
        f"Measured {now} on {os.cpu_count()} CPUs (load average {load:.1f} just before the "
        f"run, from other work on the machine). Data: {holds}.",
        f"gunicorn {WORKERS} sync workers on 127.0.0.1; {USERS} locust users (FastHttpUser) "
        f"for {SECONDS} s, {WAIT} s between requests, each with its own session of the demo "
        "viewer (logged in through the form before the clock starts). Nothing is written "
        "during the run, so after each worker's first view the pages' figures come from their "
        "cached parts (`hubplan.pagecache`), as between two writes in production; "
        "`manage.py bench` times the pages as computed, as on the first view after a write.",
        "",
        "| page | requests | requests/s | median (ms) | p95 (ms) | errors | p95 ≤ 300 ms, 0 errors |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in (*PAGES, "Aggregated"):
        if name not in stats:
            continue
        s = stats[name]
        met = s["failures"] == 0 and s["p95"] <= P95_TARGET_MS
        label = "all requests" if name == "Aggregated" else name
        lines.append(
            f"| {label} | {s['requests']} | {s['rps']:.1f} | {s['median']:.0f} | "
            f"{s['p95']:.0f} | {s['failures']} | {'yes' if met else 'NO'} |"
        )
    return "\n".join(lines) + "\n"


def write_doc(database: str, section: str) -> None:
    """Replace this database's section of docs/loadtest.md, keep the others."""
    header = (
        "# Load test\n\n"
        "`make loadtest` (see `loadtest/run.py`): the home dashboard, the kommun comparison "
        "and the hubs list under 20 concurrent signed-in users for 30 s. Targets: 0 errors "
        "and p95 ≤ 300 ms. Each user logs in through the login form before the 30 s start "
        "(not measured: PBKDF2 is slow on purpose). `LOADTEST_DB=hubplan_national make loadtest` runs "
        "it against the national benchmark data.\n\n"
    )
    sections: dict[str, str] = {}
    if DOC.exists():
        for chunk in re.split(r"(?m)^(?=## Database )", DOC.read_text(encoding="utf-8"))[1:]:
            name = re.match(r"## Database `([^`]+)`", chunk)
            if name:
                sections[name.group(1)] = chunk.rstrip() + "\n"
    sections[database] = section
    DOC.parent.mkdir(exist_ok=True)
    DOC.write_text(header + "\n".join(sections.values()), encoding="utf-8")


def main() -> int:
    env = server_env()
    load = os.getloadavg()[0]
    database, holds = describe_database(env)
    manage(env, "collectstatic", "--no-input", "-v", "0")
    host = f"http://127.0.0.1:{PORT}"
    gunicorn = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "hubplan.wsgi",
            "--workers",
            str(WORKERS),
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(f"{host}/login/")
        sessions = log_in(host, USERS)
        with tempfile.TemporaryDirectory() as tmp:
            prefix = str(Path(tmp) / "loadtest")
            subprocess.run(
                [
                    str(BIN / "locust"),
                    "-f",
                    str(ROOT / "loadtest" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(USERS),
                    "--spawn-rate",
                    str(USERS),
                    "--run-time",
                    f"{SECONDS}s",
                    "--host",
                    host,
                    "--csv",
                    prefix,
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                    "--exit-code-on-error",
                    "0",
                ],
                cwd=ROOT,
                env={**env, "LOADTEST_WAIT": WAIT, "LOADTEST_SESSIONS": ",".join(sessions)},
                check=True,
                stdout=subprocess.DEVNULL,
            )
            stats = read_stats(prefix)
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)
    section = markdown_section(database, holds, stats, load)
    write_doc(database, section)
    print(section)
    print(f"Written to {DOC.relative_to(ROOT)}")
    return 1 if stats.get("Aggregated", {}).get("failures") else 0


if __name__ == "__main__":
    sys.exit(main())
