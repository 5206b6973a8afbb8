"""``/healthz``: is this server able to serve? For load balancers and monitoring.

Open without a login, and it reads no session and no user: a probe sends no cookie,
and the answer holds nothing personal, only ``ok`` or what failed, never an error's
text. Never cached (``Cache-Control: no-store``). Outside ATOMIC_REQUESTS, so that an
unreachable database is reported here rather than failing the request before the view.

- ``database``: ``SELECT 1`` answers.
- ``queue``: the job queue's table (procrastinate's ``procrastinate_jobs``) answers;
  ``workers`` is how many workers sent a heartbeat in the last 60 s. No worker is not
  a failure of this server: its pages still work, and jobs wait in the queue for one.

200 when both are ``ok``, else 503 with the failing part.
"""

from __future__ import annotations

import logging

from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection, transaction
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 60

QUEUE_SQL = (
    "SELECT (SELECT count(*) FROM (SELECT 1 FROM procrastinate_jobs LIMIT 1) AS job),"
    " (SELECT count(*) FROM procrastinate_workers"
    "  WHERE last_heartbeat > now() - make_interval(secs => %s))"
)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as error:
        log.warning("healthz: the database does not answer (%s)", type(error).__name__)
        return False


def _workers() -> int | None:
    """Workers with a recent heartbeat; None if the queue's tables do not answer."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(QUEUE_SQL, [HEARTBEAT_SECONDS])
            return cursor.fetchone()[1]
    except DatabaseError as error:
        log.warning("healthz: the job queue does not answer (%s)", type(error).__name__)
        return None


@login_not_required
@never_cache
@require_safe
@transaction.non_atomic_requests
def healthz(request):
    if not _database():
        return JsonResponse({"database": "unreachable", "queue": "unreachable"}, status=503)
    workers = _workers()
    if workers is None:
        return JsonResponse({"database": "ok", "queue": "unreachable"}, status=503)
    return JsonResponse({"database": "ok", "queue": "ok", "workers": workers})
