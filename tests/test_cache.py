"""The shared cache (config.cache.ForgivingRedisCache): with Redis away a page still opens and
a write still lands, each read a miss; with Redis there, what is cached is read back."""

import socket

import pytest
from django.conf import settings
from django.core.cache import cache

from qualifications.models import Werkproces


def redis_cache(location: str) -> dict:
    return {
        **settings.CACHES,
        "default": {
            "BACKEND": "config.cache.ForgivingRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "bekwaam-test",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        },
    }


def redis_listens() -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", 6379)) == 0


@pytest.mark.django_db
def test_pages_open_and_writes_land_while_redis_is_away(world, client, settings, caplog):
    settings.CACHES = redis_cache("redis://127.0.0.1:1/0")  # nothing listens on port 1
    settings.BEKWAAM_UNREAD_CACHE_SECONDS = 60  # the bell's count goes through the cache too
    client.force_login(world["student"])
    enrolment = world["enrolment"]
    assert client.get(f"/portfolio/{enrolment.pk}/").status_code == 200
    assert client.get(f"/portfolio/{enrolment.pk}/{world['w1'].code}/").status_code == 200
    # A write to the dossier tree moves the cache's generation: skipped, not an error.
    Werkproces.objects.filter(pk=world["w1"].pk).get().save()
    assert "cache unreachable" in caplog.text
    assert cache.get("anything", "default") == "default"
    assert cache.add("anything", 1) is False


@pytest.mark.django_db
@pytest.mark.skipif(not redis_listens(), reason="no Redis on 127.0.0.1:6379")
def test_values_round_trip_through_redis(settings):
    settings.CACHES = redis_cache("redis://127.0.0.1:6379/7")
    cache.delete("round-trip")
    assert cache.add("round-trip", {"n": 1}, 30) is True
    assert cache.get("round-trip") == {"n": 1}
    assert cache.get_many(["round-trip", "missing"]) == {"round-trip": {"n": 1}}
    cache.delete("round-trip")
    assert cache.get("round-trip") is None
    # Without a timeout a value lives the backend's default (300 s), not for ever.
    cache.set("default-timeout", 1)
    client = cache._cache.get_client(write=False)
    assert 0 < client.ttl(cache.make_and_validate_key("default-timeout")) <= 300
    cache.delete("default-timeout")
