"""The kinds of record that can fulfil a plan item's occurrence, and how each is found.

A source says which categories of item its records may fulfil, and finds the records a person
may see that took place in a unit (or below it) between two days. The same search serves the
proposals ("matched by category, unit and month", confirmed by the owner) and the check of a
record linked by hand. ``workplans.sources`` registers the programme apps' records.

Extension point: training records (STF-2) do not exist yet. When ``staff`` has them, register a
``RecordSource(kind="training", categories={"training"}, ...)`` in ``workplans.sources``
(workplans sits above staff, so it may read staff's selectors); nothing else changes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise


@dataclass(frozen=True)
class Record:
    source: str
    pk: int
    title: str
    on: date
    url: str


@dataclass(frozen=True)
class RecordSource:
    kind: str
    label: str | Promise
    categories: frozenset[str]
    # (user, unit, first day, last day) -> the records the user may see, in the unit's subtree,
    # that took place in those days.
    find: Callable[[object, object, date, date], list[Record]]
    # (pks) -> those records as Records, for showing links (no access check: a title and a date).
    describe: Callable[[Iterable[int]], dict[int, Record]]


_SOURCES: dict[str, RecordSource] = {}


def register_record_source(source: RecordSource) -> None:
    _SOURCES[source.kind] = source


def record_sources() -> dict[str, RecordSource]:
    return dict(_SOURCES)


def sources_for(category: str) -> list[RecordSource]:
    return [source for source in _SOURCES.values() if category in source.categories]
