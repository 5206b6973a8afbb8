"""Rate limits per API token, or per user when the browser's session is used.

DRF's UserRateThrottle keys on the user, so two tokens of one user would share a
budget and a revoked-and-replaced token would inherit the old one's count. Keying
on the token instead gives each script its own limit (``API_RATE_LIMIT``, default
1000 requests an hour). The key is a hash of the token, so the cache never holds a
usable secret. Counts live in Django's "default" cache, which every server shares (a
table in PostgreSQL, hubplan.cache, or Redis where ``CACHE_URL`` names it): a limit of
1000 an hour is 1000 across all servers. With the database cache a count is written
inside the request's transaction (ATOMIC_REQUESTS): the other servers see it once
the request ends, and an overlapping request with the same token waits at its own
write of the count until the first request ends. As in DRF (a read, then a write),
overlapping requests of one token may undercount; one after the other they never do.
"""

from __future__ import annotations

import hashlib

from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        # Read on each request, not once at import as DRF's class attribute does,
        # so that a changed setting (and a test's override) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)

    def get_cache_key(self, request, view):
        if not request.user.is_authenticated:
            return None  # refused by the permission check before any throttle runs
        if isinstance(request.auth, Token):
            ident = "token-" + hashlib.sha256(request.auth.key.encode()).hexdigest()[:32]
        else:
            ident = f"user-{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
