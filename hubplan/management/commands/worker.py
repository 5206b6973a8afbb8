"""``manage.py worker``: the job worker (procrastinate), started again after the database
went away.

Why not ``manage.py procrastinate worker`` alone: procrastinate stops its worker when
its connection to PostgreSQL breaks (a restart, a failover), by design, and leaves
starting it again to a supervisor. This command is that supervisor, so ``make run``
and a plain systemd unit keep a worker through a database restart: it waits for the
database with a growing pause (1 s to 30 s) and starts the worker again. SIGTERM and
SIGINT stop it for good, letting the running jobs finish first (procrastinate's
graceful shutdown).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from django.core.management.base import BaseCommand

logger = logging.getLogger("hubplan.worker")


class Command(BaseCommand):
    help = "Runs the job worker (imports, checks, exports); restarts it after a database outage."

    def handle(self, *args, **options):
        from procrastinate.contrib.django import app

        from hubplan.devkey import require_configured_key

        require_configured_key()
        # The web side defers through Django's connection; a worker needs procrastinate's
        # own asynchronous pool (LISTEN/NOTIFY), as `manage.py procrastinate worker` does.
        with app.replace_connector(app.connector.get_worker_connector()):
            asyncio.run(self._supervise(app))

    async def _supervise(self, app) -> None:
        loop = asyncio.get_running_loop()
        stopping = asyncio.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stopping.set)
        pause = 1.0
        while not stopping.is_set():
            try:
                async with app.open_async():
                    worker = asyncio.create_task(
                        app.run_worker_async(install_signal_handlers=False)
                    )
                    stop = asyncio.create_task(stopping.wait())
                    done, _pending = await asyncio.wait(
                        {worker, stop}, return_when=asyncio.FIRST_COMPLETED
                    )
                    if stop in done:
                        worker.cancel()  # procrastinate's graceful stop
                        await asyncio.gather(worker, return_exceptions=True)
                        return
                    stop.cancel()
                    worker.result()  # raises what stopped it, if anything
                    logger.warning("the worker stopped; starting it again")
                    pause = 1.0
            except Exception:
                logger.warning(
                    "the worker lost the database; starting it again in %.0f s",
                    pause,
                    exc_info=True,
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stopping.wait(), timeout=pause)
            pause = min(pause * 2, 30.0)
