"""Django's Redis cache backend, made to fail soft.

The cache only ever saves work: when Redis goes away, a read is a miss and a write is dropped,
so pages are still served (from the database, slower) instead of ending in a 500. After a
failure Redis is left alone for a few seconds, so that a dead server does not add a connection
attempt to every cache call of every request.
"""

import logging
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("qiantang_site.cache")

FAILURES = (RedisConnectionError, RedisTimeoutError, OSError)
RETRY_AFTER_SECONDS = 5.0


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0

    @property
    def available(self):
        return time.monotonic() >= self._down_until

    def _failed(self, operation, exc):
        if self.available:
            logger.warning(
                "Cache unavailable, serving without it for %.0f s",
                RETRY_AFTER_SECONDS,
                extra={"operation": operation, "error": str(exc)},
            )
        self._down_until = time.monotonic() + RETRY_AFTER_SECONDS

    def _soft(self, operation, fallback, call, *args, **kwargs):
        if not self.available:
            return fallback
        try:
            return call(*args, **kwargs)
        except FAILURES as exc:
            self._failed(operation, exc)
            return fallback

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("add", False, super().add, key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._soft("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("set", None, super().set, key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._soft("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        return self._soft("delete", False, super().delete, key, version)

    def get_many(self, keys, version=None):
        return self._soft("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._soft("has_key", False, super().has_key, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        # Nothing was stored: every key "failed", as the cache API reports it.
        return self._soft("set_many", list(data), super().set_many, data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._soft("delete_many", None, super().delete_many, keys, version)

    def clear(self):
        return self._soft("clear", False, super().clear)

    def incr(self, key, delta=1, version=None):
        # incr has no sensible "miss": callers must know the value did not change.
        try:
            return super().incr(key, delta, version)
        except FAILURES as exc:
            self._failed("incr", exc)
            raise ValueError(f"Key {key!r} not found: the cache is unavailable.") from exc

    def ping(self):
        """True when Redis answers now (the health check's question); never raises."""
        try:
            return bool(self._cache.get_client(write=True).ping())
        except FAILURES:
            return False
