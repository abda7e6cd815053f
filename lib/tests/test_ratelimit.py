"""lib.ratelimit: attempts counted per client within a window."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from lib.ratelimit import RateLimit


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_a_client_is_refused_once_it_has_used_its_attempts_and_others_are_not():
    limit = RateLimit("test-limit", limit=2, window=60)
    limit.hit("203.0.113.1")
    assert not limit.exceeded("203.0.113.1")
    limit.hit("203.0.113.1")
    assert limit.exceeded("203.0.113.1") and not limit.exceeded("203.0.113.2")


def test_an_unknown_client_address_is_counted_as_one_client():
    limit = RateLimit("test-unknown", limit=1, window=60)
    limit.hit(None)
    assert limit.exceeded(None) and limit.exceeded("")


def test_the_window_ends_the_count():
    limit = RateLimit("test-window", limit=1, window=60)
    limit.hit("198.51.100.7")
    cache.delete("xinqiao:test-window:198.51.100.7")  # what the cache does when the window ends
    assert not limit.exceeded("198.51.100.7")
