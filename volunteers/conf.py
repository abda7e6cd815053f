"""The volunteers domain's settings, read from xinqiao/settings.py (XINQIAO_VOLUNTEER_*, each
from the environment with its default there). Read at call time, so a test's override_settings
and a changed setting take effect; a value out of its sensible range falls back to the default
rather than stopping visits (e.g. a maximum of 0 assignments, or a negative reminder step)."""

from __future__ import annotations

from django.conf import settings

DEFAULT_STAR_HOURS = (100, 300, 600, 1000, 1500)


def _days(name: str, default: int, *, high: int = 365) -> int:
    try:
        value = int(getattr(settings, name, default))
    except (TypeError, ValueError):
        return default
    return value if 1 <= value <= high else default


def max_active_assignments() -> int:
    """At most this many active assignments per volunteer (default 5)."""
    return _days("XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS", 5, high=100)


def star_thresholds() -> tuple[int, ...]:
    """Approved hours for each star level, ascending (default 100 / 300 / 600 / 1000 / 1500)."""
    try:
        values = tuple(sorted(int(v) for v in getattr(settings, "XINQIAO_VOLUNTEER_STAR_HOURS", ())))
    except (TypeError, ValueError):
        values = ()
    if not values or values[0] <= 0 or len(set(values)) != len(values):
        return DEFAULT_STAR_HOURS
    return values


def try_again_days() -> int:
    """Remind the volunteer to try again this many days after a visit without contact (3)."""
    return _days("XINQIAO_VOLUNTEER_TRY_AGAIN_DAYS", 3)


def coordinator_after_days() -> int:
    """Tell the coordinator this many days after contact was due (7); also "overdue" in lists."""
    return _days("XINQIAO_VOLUNTEER_COORDINATOR_AFTER_DAYS", 7)


def coordinator_away_days() -> int:
    """Tell the director instead when the coordinator's leave lasts this many days or more (14)."""
    return _days("XINQIAO_VOLUNTEER_COORDINATOR_AWAY_DAYS", 14)


def star_listing_working_days() -> int:
    """A new star level is listed this many working days before it is final (5)."""
    return _days("XINQIAO_VOLUNTEER_STAR_LISTING_WORKING_DAYS", 5, high=60)
