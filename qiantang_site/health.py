"""/healthz: may the load balancer send readers to this app server?

It answers 200 when the database and the cache both answer, 503 otherwise. No login, and
nothing in the answer beyond which check failed: it is public, so it names no host, version
or error text (those go to the log).
"""

import logging
import uuid

from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger("qiantang_site.health")


def database_ok():
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError as exc:
        logger.error("Health check: database unavailable", extra={"error": str(exc)})
        return False


def cache_ok():
    ping = getattr(cache, "ping", None)
    if ping is not None:
        ok = ping()
    else:
        # Any other backend: a write read back proves it works.
        key, token = "healthz", uuid.uuid4().hex
        cache.set(key, token, 30)
        ok = cache.get(key) == token
    if not ok:
        logger.error("Health check: cache unavailable")
    return ok


@never_cache
@require_safe
def healthz(request):
    checks = {"database": database_ok(), "cache": cache_ok()}
    healthy = all(checks.values())
    return JsonResponse(
        {
            "status": "ok" if healthy else "unavailable",
            "checks": {name: "ok" if ok else "failing" for name, ok in checks.items()},
        },
        status=200 if healthy else 503,
    )
