"""The two documented entry points between assessments and the domains above it.

Assessments sit below the service workflow and crisis work, so they never import them. Instead:

* **Results out.** Every stored result — given by staff, in a self-test or a campaign — is handed
  over with ``hand_over_result`` in the transaction that stores it. Crisis work registers the
  handler (``register_result_handler``) that decides whether the result raises a risk signal and
  an alert (CRI-1): a severe band, a critical flag or a result an active warning rule matches.
* **Contexts in.** An assessment may be given within a record of a higher domain (from a case,
  SVC-3: linked to the case at a stage). That domain registers a resolver
  (``register_giving_context``) that reads the page's parameters and returns how to give it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

_RESULT_HANDLERS: list[Callable] = []
_CONTEXT_RESOLVERS: list[Callable] = []


def register_result_handler(handler: Callable) -> None:
    """``handler(assessment, *, actor, org_unit, subject_note)``: called for every stored result."""
    if handler not in _RESULT_HANDLERS:
        _RESULT_HANDLERS.append(handler)


def hand_over_result(assessment, *, actor=None, org_unit=None, subject_note: str = "") -> None:
    """Hand a stored result to the domains above (within the caller's transaction).

    ``org_unit`` and ``subject_note`` say where an anonymous result came from, for the alert.
    """
    for handler in _RESULT_HANDLERS:
        handler(assessment, actor=actor, org_unit=org_unit, subject_note=subject_note)


@dataclass(frozen=True)
class GivingContext:
    """How to give an assessment within a higher domain's record: ``give(actor=, instrument_code=,
    answers=)`` stores it as ``assessment_record`` does and links it, in one transaction."""

    give: Callable


def register_giving_context(resolver: Callable) -> None:
    """``resolver(*, user, resident, params) -> GivingContext | None``; it raises Http404 or
    PermissionDenied when the parameters name a record the person may not use."""
    if resolver not in _CONTEXT_RESOLVERS:
        _CONTEXT_RESOLVERS.append(resolver)


def giving_context(*, user, resident, params) -> GivingContext | None:
    for resolver in _CONTEXT_RESOLVERS:
        context = resolver(user=user, resident=resident, params=params)
        if context is not None:
            return context
    return None
