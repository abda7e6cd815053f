"""What a day off the roster collides with, told by the domains that book people and rooms.

The roster lives here, but what is booked on it (appointments today, activities later) lives in
higher apps that orgs may not import. Each of them registers a ``ClashSource`` in its
``AppConfig.ready()``; adding leave, a closed room or a holiday then shows what it hits and applies
the decision the roster manager takes, in the same transaction as the leave itself.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext_lazy as _

# What may happen to what a day off hits. Reassigning hands the bookings to another counsellor at
# the same time and room; rescheduling keeps them, listed as work until each has a new time (or
# another counsellor); cancelling tells each resident at once.
REASSIGN = "reassign"
RESCHEDULE = "reschedule"
CANCEL = "cancel"
DECISIONS = [
    (REASSIGN, _("Hand them to another counsellor at the same time")),
    (RESCHEDULE, _("Keep them for now and agree a new time with each resident (listed as work to do)")),
    (CANCEL, _("Cancel them and tell each resident")),
]


@dataclass(frozen=True)
class RosterClash:
    """One booking inside a day off, as the person adding it may see it."""

    source: str
    pk: int
    starts_at: datetime
    ends_at: datetime
    title: str
    url: str


@dataclass(frozen=True)
class ClashSource:
    name: str
    # (*, actor, exception) -> the bookings the (unsaved) exception hits, soonest first.
    find: Callable[..., list[RosterClash]]
    # (*, actor, exception, decision, clashes, reassign_to) -> None; raises ValidationError.
    resolve: Callable[..., None]


_SOURCES: dict[str, ClashSource] = {}


def register_clash_source(source: ClashSource) -> None:
    _SOURCES[source.name] = source


def roster_clashes(*, actor, exception) -> list[RosterClash]:
    """Every booking the exception would take a counsellor or a room away from."""
    found: list[RosterClash] = []
    for source in _SOURCES.values():
        found.extend(source.find(actor=actor, exception=exception))
    return sorted(found, key=lambda clash: (clash.starts_at, clash.source, clash.pk))


def resolve_roster_clashes(
    *, actor, exception, decision: str, clashes: list[RosterClash], reassign_to=None
) -> None:
    for name, source in _SOURCES.items():
        mine = [clash for clash in clashes if clash.source == name]
        if mine:
            source.resolve(
                actor=actor, exception=exception, decision=decision, clashes=mine, reassign_to=reassign_to
            )
