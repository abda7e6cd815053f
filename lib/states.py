"""One table per stateful model of what each of its states allows.

A model declares which actions each value of its status field allows::

    class Alert(models.Model):
        class State(models.TextChoices): ...

        ACTIONS = StateTable(
            field="state",
            table={
                State.NEW: ("acknowledge", "assign", "note"),
                State.RESOLVED: ("close", "note"),
                State.CLOSED: ("note",),
            },
        )

The service that performs an action enforces it with ``Alert.ACTIONS.require(alert, "close")``;
the page that offers it asks ``Alert.ACTIONS.allows(alert, "close")`` (in a template:
``{% if alert|allows:"close" %}``, from ``core``'s ``xinqiao`` tag library). Both read the same
table, so a button is never offered for an action the service would refuse, and no view or
template compares a status itself.

The table is a plain class attribute, not a field: changing it needs no migration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext


class StateTable:
    """The actions each state of a model's ``field`` allows.

    A state missing from the table allows nothing. An action named nowhere in the table is a
    programming error (a typo in a view or a template), so asking about it raises ``KeyError``
    instead of quietly answering "no".
    """

    def __init__(self, *, field: str, table: Mapping[str, Iterable[str]]):
        self.field = field
        # TextChoices members are str subclasses; keys are stored as their plain values so a
        # state read back from the database finds its row.
        self.table: dict[str, tuple[str, ...]] = {
            str(state.value if hasattr(state, "value") else state): tuple(actions)
            for state, actions in table.items()
        }
        self.known: frozenset[str] = frozenset(a for actions in self.table.values() for a in actions)
        self.model = None

    def __set_name__(self, owner, name: str) -> None:
        # Remembered for __repr__ and for the check that the table names every state.
        self.model = owner

    def __repr__(self) -> str:
        owner = f"{self.model.__name__}." if self.model is not None else ""
        rows = "; ".join(f"{state}: {', '.join(actions) or '—'}" for state, actions in self.table.items())
        return f"<StateTable {owner}{self.field} {{{rows}}}>"

    # -- asking --------------------------------------------------------------------------------

    def state(self, obj) -> str:
        """The object's current state (the value of the table's field)."""
        return getattr(obj, self.field)

    def actions(self, obj) -> tuple[str, ...]:
        """The actions the object's current state allows, in the table's order."""
        return self.table.get(self.state(obj), ())

    def allows(self, obj, action: str) -> bool:
        """Whether the object's current state allows ``action``."""
        self._check_known(action)
        return action in self.actions(obj)

    def states_allowing(self, action: str) -> tuple[str, ...]:
        """The states in which ``action`` is allowed, e.g. for ``filter(status__in=...)``."""
        self._check_known(action)
        return tuple(state for state, actions in self.table.items() if action in actions)

    def unlisted_states(self) -> tuple[str, ...]:
        """The field's choices that the table leaves out (they allow nothing): kept empty by a
        test, so that a new state is a decision, not an accident."""
        if self.model is None:
            return ()
        choices = self.model._meta.get_field(self.field).choices or ()
        return tuple(value for value, _label in choices if value not in self.table)

    # -- enforcing -----------------------------------------------------------------------------

    def require(self, obj, action: str, message: str | None = None) -> None:
        """Refuse ``action`` with a ValidationError unless the object's current state allows it.

        ``message`` replaces the general one where a more telling sentence exists (e.g. "This
        alert has already been acknowledged.").
        """
        if self.allows(obj, action):
            return
        if message is None:
            message = gettext("This cannot be done while the status is “%(state)s”.") % {
                "state": self.label(obj)
            }
        raise ValidationError(message, code="state")

    def label(self, obj) -> str:
        """The current state as people read it (the field's display label)."""
        display = getattr(obj, f"get_{self.field}_display", None)
        return str(display()) if callable(display) else str(self.state(obj))

    def _check_known(self, action: str) -> None:
        if action not in self.known:
            raise KeyError(f"{action!r} is not an action of {self!r}")
