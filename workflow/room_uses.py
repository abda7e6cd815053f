"""Other uses of a room than appointments, for the room clash check (ORG-2, PRG-1).

An appointment holds its room through ``SlotClaim`` rows; a higher domain that also books rooms
(activities) registers a source here from its ``AppConfig.ready()``, so that booking an
appointment into a room sees those uses too, without this lower app importing that one.

A source is ``source(room_id, starts_at, ends_at) -> str``: a sentence naming the first use of
the room that overlaps the time (what and when, nothing about who comes), or "" when it is free.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

_SOURCES: list[Callable[[int, datetime, datetime], str]] = []


def register_room_use_source(source: Callable[[int, datetime, datetime], str]) -> None:
    if source not in _SOURCES:
        _SOURCES.append(source)


def room_use_clash(room_id: int, starts_at: datetime, ends_at: datetime) -> str:
    """The first registered use of the room overlapping [starts_at, ends_at), in words, or ""."""
    for source in _SOURCES:
        clash = source(room_id, starts_at, ends_at)
        if clash:
            return clash
    return ""
