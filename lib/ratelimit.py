"""Counting attempts per client in the cache, for public pages that must not be probed.

``RateLimit("selftest-identify", limit=10, window=3600)``: ``exceeded(key)`` says whether the
client has used up its attempts; ``hit(key)`` counts one (the window starts at the first). What
counts as an attempt (a failure, every request) is the caller's rule.

Only Django is imported here: lib/ serves every app and knows none.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.cache import cache


@dataclass(frozen=True)
class RateLimit:
    name: str
    limit: int
    window: int  # seconds

    def _key(self, client: str | None) -> str:
        return f"xinqiao:{self.name}:{client or 'unknown'}"

    def count(self, client: str | None) -> int:
        return cache.get(self._key(client), 0)

    def exceeded(self, client: str | None) -> bool:
        return self.count(client) >= self.limit

    def hit(self, client: str | None) -> None:
        key = self._key(client)
        # add() sets the window only for the first attempt; incr() never extends it.
        cache.add(key, 0, self.window)
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.add(key, 1, self.window)
