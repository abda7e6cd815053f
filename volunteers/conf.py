"""The volunteers domain's settings, with their defaults (xinqiao/settings.py may set them)."""

from __future__ import annotations

from django.conf import settings


def max_active_assignments() -> int:
    """At most this many active assignments per volunteer (default 5)."""
    return int(getattr(settings, "XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS", 5))


def star_thresholds() -> tuple[int, ...]:
    """Approved hours for each star level, ascending (default 100 / 300 / 600 / 1000 / 1500)."""
    value = getattr(settings, "XINQIAO_VOLUNTEER_STAR_HOURS", (100, 300, 600, 1000, 1500))
    return tuple(sorted(int(v) for v in value))


# Reminder steps (days): try again after an unsuccessful contact; tell the coordinator after due;
# tell the director instead when the coordinator is away at least this long.
TRY_AGAIN_DAYS = 3
COORDINATOR_AFTER_DAYS = 7
COORDINATOR_AWAY_DAYS = 14
STAR_LISTING_WORKING_DAYS = 5
