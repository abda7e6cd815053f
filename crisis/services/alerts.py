"""Writes on an alert (CRI-2): acknowledge, assign, intervene, resolve, close, add a note.

An alert moves new → acknowledged → intervening → resolved → closed; an alert found to need no
intervention may be resolved straight from acknowledged (with its outcome, e.g. "no risk
found"). Whoever acts must hold ``crisis.handle_alerts`` and be able to see the alert under the
policy. Every step is an ``AlertEvent`` (the alert's history) and an audit entry; notes are
clinical and stay out of the audit log.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from crisis.models import Alert, AlertEvent, CrisisCase
from crisis.permissions import HANDLE_ALERTS

from .notify import message_assigned


def _lock_and_check(actor, alert: Alert) -> Alert:
    """Refuse whoever may not handle the alert; lock its row and read its current state."""
    if not policy.has_permission(actor, HANDLE_ALERTS) or not policy.can_handle_alert(actor, alert):
        raise PermissionDenied
    # Two people pressing "acknowledge" at once: the second one sees the first one's state.
    Alert.objects.select_for_update(of=("self",)).filter(pk=alert.pk).first()
    alert.refresh_from_db()
    return alert


def _event(alert: Alert, kind: str, actor, now, *, note: str = "", to_user=None) -> AlertEvent:
    event = AlertEvent(alert=alert, kind=kind, at=now, by=actor, note=note.strip(), to_user=to_user)
    event.full_clean(exclude=["alert", "by", "to_user", "signal", "rule"])
    event.save()
    return event


@transaction.atomic
def alert_acknowledge(*, actor, alert: Alert) -> Alert:
    """Someone has seen a new alert and takes it on: the response clock stops (no escalation).

    An alert without owner becomes the acknowledging person's.
    """
    alert = _lock_and_check(actor, alert)
    Alert.ACTIONS.require(alert, "acknowledge", _("This alert has already been acknowledged."))
    now = timezone.now()
    alert.state = Alert.State.ACKNOWLEDGED
    alert.acknowledged_at = now
    alert.acknowledged_by = actor
    fields = ["state", "acknowledged_at", "acknowledged_by"]
    if alert.owner_id is None:
        alert.owner = actor
        fields.append("owner")
    alert.save(update_fields=fields)
    _event(alert, AlertEvent.Kind.ACKNOWLEDGED, actor, now)
    audit_record(actor=actor, action="alert.acknowledged", obj=alert, details={"level": alert.level})
    return alert


@transaction.atomic
def alert_assign(*, actor, alert: Alert, owner, note: str = "") -> Alert:
    """Give an open alert to another owner, who must be clinical staff able to handle it."""
    alert = _lock_and_check(actor, alert)
    Alert.ACTIONS.require(alert, "assign", _("Only an open alert can be assigned."))
    if not (
        owner is not None
        and policy.has_permission(owner, HANDLE_ALERTS)
        and policy.can_handle_alert(owner, alert)
    ):
        raise ValidationError(
            {"owner": _("Choose a member of the clinical staff who can handle this alert.")}
        )
    if owner.pk == alert.owner_id:
        raise ValidationError({"owner": _("This person already owns the alert.")})
    now = timezone.now()
    previous = alert.owner_id
    alert.owner = owner
    alert.save(update_fields=["owner"])
    _event(alert, AlertEvent.Kind.ASSIGNED, actor, now, note=note, to_user=owner)
    audit_record(
        actor=actor,
        action="alert.assigned",
        obj=alert,
        details={"from": previous, "to": owner.pk},
    )
    if owner.pk != getattr(actor, "pk", None):
        message_assigned(alert, owner)
    return alert


@transaction.atomic
def alert_start_intervention(*, actor, alert: Alert, note: str = "") -> Alert:
    """An acknowledged alert is being acted on (contact made, a crisis case opened…)."""
    alert = _lock_and_check(actor, alert)
    if alert.state == Alert.State.NEW:
        raise ValidationError(_("Acknowledge the alert first."))
    Alert.ACTIONS.require(alert, "intervene", _("An intervention can start only on an acknowledged alert."))
    now = timezone.now()
    alert.state = Alert.State.INTERVENING
    alert.save(update_fields=["state"])
    _event(alert, AlertEvent.Kind.INTERVENING, actor, now, note=note)
    audit_record(actor=actor, action="alert.intervention_started", obj=alert)
    return alert


@transaction.atomic
def alert_resolve(*, actor, alert: Alert, outcome: str, note: str = "") -> Alert:
    """The risk has been dealt with; the outcome is required (stabilised, referred, hospitalised,
    lost to contact, no risk found, other)."""
    alert = _lock_and_check(actor, alert)
    if alert.state == Alert.State.NEW:
        raise ValidationError(_("Acknowledge the alert first."))
    Alert.ACTIONS.require(alert, "resolve", _("This alert has already been resolved."))
    if outcome not in Alert.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome.")})
    now = timezone.now()
    alert.state = Alert.State.RESOLVED
    alert.resolved_at = now
    alert.outcome = outcome
    alert.outcome_note = note.strip()
    alert.save(update_fields=["state", "resolved_at", "outcome", "outcome_note"])
    _event(alert, AlertEvent.Kind.RESOLVED, actor, now, note=note)
    audit_record(actor=actor, action="alert.resolved", obj=alert, details={"outcome": outcome})
    return alert


@transaction.atomic
def alert_close(*, actor, alert: Alert, note: str = "") -> Alert:
    """A resolved alert is closed: nothing more is expected on it. A later signal for the same
    person opens a new alert. An alert with a crisis case that is not closed stays open: the case
    closes it after its review, so the review cannot be gone around."""
    alert = _lock_and_check(actor, alert)
    Alert.ACTIONS.require(alert, "close", _("Only a resolved alert can be closed."))
    if CrisisCase.objects.filter(alert=alert).exclude(status=CrisisCase.Status.CLOSED).exists():
        raise ValidationError(
            _("The alert's crisis case is still open: it closes the alert once its closing is reviewed.")
        )
    now = timezone.now()
    alert.state = Alert.State.CLOSED
    alert.save(update_fields=["state"])
    _event(alert, AlertEvent.Kind.CLOSED, actor, now, note=note)
    audit_record(actor=actor, action="alert.closed", obj=alert)
    return alert


@transaction.atomic
def alert_add_note(*, actor, alert: Alert, note: str) -> AlertEvent:
    """A note on the alert's history, at any state."""
    alert = _lock_and_check(actor, alert)
    if not (note or "").strip():
        raise ValidationError({"note": _("Write the note.")})
    event = _event(alert, AlertEvent.Kind.NOTE, actor, timezone.now(), note=note)
    audit_record(actor=actor, action="alert.note_added", obj=alert, details={"event": event.pk})
    return event


def alert_record_view(*, actor, alert: Alert) -> None:
    """Opening an alert (who is at risk, and why) is written to the audit log."""
    audit_record(actor=actor, action="alert.viewed", obj=alert)
