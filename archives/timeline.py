"""The archive's one timeline (ARC-4) and the registry its entries come from.

The archive domain writes its own entries (opening, consents, disclosures, status, corrections,
risk level). The domains above it (assessments, the service workflow, crisis work) add theirs
through ``register_timeline_provider`` from their ``AppConfig.ready()``, so this lower app never
imports them. A provider returns clinical entries only when asked for them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    title: str
    detail: str = ""
    clinical: bool = False
    url: str = ""


# provider(resident, *, clinical: bool) -> list[TimelineEntry]
_PROVIDERS: list[Callable] = []


def register_timeline_provider(provider: Callable) -> None:
    """Add a higher domain's entries to every archive's timeline; one query per kind of entry."""
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def provided_entries(*, resident, clinical: bool) -> list[TimelineEntry]:
    entries: list[TimelineEntry] = []
    for provider in _PROVIDERS:
        entries.extend(provider(resident, clinical=clinical))
    return entries
