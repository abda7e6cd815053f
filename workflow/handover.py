"""The documented entry point from the service workflow to crisis work (CRI-1).

The workflow sits below crisis work and never imports it. A hotline entry that records a risk
(suicidal thoughts, a plan, means, harm to others, immediate danger) is handed over with
``hand_over_hotline_risk`` in the transaction that stores it; crisis work registers the handler
(``register_hotline_risk_handler``), which raises the risk signal and whatever alert the warning
rules make of it, and returns the signal for the entry to point at.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured

_HOTLINE_RISK_HANDLERS: list[Callable] = []


def register_hotline_risk_handler(handler: Callable) -> None:
    """``handler(entry, *, actor, subject_note) -> RiskSignal``."""
    if handler not in _HOTLINE_RISK_HANDLERS:
        _HOTLINE_RISK_HANDLERS.append(handler)


def hand_over_hotline_risk(entry, *, actor, subject_note: str):
    """The risk signal raised for this entry. A risk must never be recorded without one: with no
    handler registered (crisis work not installed) this refuses rather than drop it."""
    if not _HOTLINE_RISK_HANDLERS:
        raise ImproperlyConfigured("No handler takes hotline risks: is the crisis app installed?")
    signal = None
    for handler in _HOTLINE_RISK_HANDLERS:
        signal = handler(entry, actor=actor, subject_note=subject_note) or signal
    return signal
