"""The shared cache on Redis, which a request never waits on for long nor fails over.

What Bekwaam caches (the bell's count, a kwalificatie's dossier tree, the school's sign-in
discovery document) can always be read from PostgreSQL again, so while Redis cannot be
reached a read is a miss and a write is skipped, with a warning in the log, instead of an
error page on every request. Short socket timeouts keep a Redis that hangs from holding a
gunicorn worker.
"""

import logging

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError)


class ForgivingRedisCache(RedisCache):
    def _forgive(self, operation, default, *args, **kwargs):
        try:
            return getattr(super(), operation)(*args, **kwargs)
        except UNREACHABLE as exc:
            logger.warning("cache unreachable, %s skipped: %s", operation, exc)
            return default

    def get(self, key, default=None, version=None):
        return self._forgive("get", default, key, default, version)

    def get_many(self, keys, version=None):
        return self._forgive("get_many", {}, keys, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forgive("set", None, key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("add", False, key, value, timeout, version)

    def delete(self, key, version=None):
        return self._forgive("delete", False, key, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._forgive("set_many", list(data), data, timeout, version)

    def delete_many(self, keys, version=None):
        self._forgive("delete_many", None, keys, version)
