"""Job kinds for the tests of the queue itself (loaded by the test worker through
``PROCRASTINATE_IMPORT_PATHS``). They do what a real import does, in miniature: write
rows in one transaction while reporting progress, or wait in one long SQL statement."""

from __future__ import annotations

import time

from django.db import connection, transaction

from hubplan import jobs
from hubplan.models import SuitabilityScenario


@jobs.register("test_rows", label="Testjobb: rader")
def write_rows(job, progress) -> None:
    """``steps`` scenarios, one every ``delay`` seconds, all in one transaction."""
    steps, delay, prefix = job.params["steps"], job.params.get("delay", 0.05), job.params["prefix"]
    progress.stages({"reading": 20, "writing": 80})
    progress.stage("reading", total=1)
    progress.advance(1)
    progress.stage("writing", total=steps)
    with transaction.atomic():
        for i in range(steps):
            SuitabilityScenario.objects.create(name=f"{prefix}-{i}")
            time.sleep(delay)
            progress.advance(i + 1)
    progress.message = f"{steps} rader"
    progress.result = {"lines": [f"{steps} rader skrevs"]}


@jobs.register("test_long_statement", label="Testjobb: lång sats")
def long_statement(job, progress) -> None:
    """A row, then one SQL statement of ``seconds``: only cancelling the statement stops it."""
    progress.stage("writing", total=1)
    with transaction.atomic():
        SuitabilityScenario.objects.create(name=job.params["prefix"])
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(%s)", [job.params["seconds"]])
    progress.advance(1)
