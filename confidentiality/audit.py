"""The registry of audit action names (CONF-6).

Each app declares the actions it writes to the audit log, with a label people can read, in its
``audit_actions.py``, imported from its ``AppConfig.ready()``. ``audit_record`` refuses a name
nobody registered: a mistyped name would otherwise go unnoticed into a log that is never edited,
and escape every search for the right one. This module knows no domain app; they register here.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

# name → (the registering app, its label)
_ACTIONS: dict[str, tuple[str, object]] = {}


def register_actions(app_label: str, actions: Mapping[str, object]) -> None:
    """Register ``{name: label}`` for ``app_label``. A name belongs to one app: registering it
    again from another is a programming error. Names look like ``<thing>.<what happened>``."""
    for name, label in actions.items():
        thing, dot, happened = name.partition(".")
        if not (thing and dot and happened):
            raise ImproperlyConfigured(f"Audit action {name!r} is not of the form 'thing.what_happened'.")
        owner = _ACTIONS.get(name)
        if owner is not None and owner[0] != app_label:
            raise ImproperlyConfigured(f"Audit action {name!r} is registered by {owner[0]} already.")
        _ACTIONS[name] = (app_label, label)


def is_registered(name: str) -> bool:
    return name in _ACTIONS


def require_registered(name: str) -> None:
    """Refuse an action name nobody registered (raised where the entry would be written)."""
    if name not in _ACTIONS:
        raise ImproperlyConfigured(
            f"Audit action {name!r} is not registered: declare it in the app's audit_actions.py."
        )


def action_label(name: str) -> str:
    """The readable label of an action, in the current language; the bare name for one no longer
    registered (the log keeps old entries as they were written)."""
    entry = _ACTIONS.get(name)
    return str(entry[1]) if entry else name


def registered_actions() -> dict[str, object]:
    """Every registered name and its label, by name."""
    return {name: label for name, (_app, label) in sorted(_ACTIONS.items())}


def actions_of(app_label: str) -> list[str]:
    return sorted(name for name, (app, _label) in _ACTIONS.items() if app == app_label)
