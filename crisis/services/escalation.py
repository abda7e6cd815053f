"""Response deadlines and automatic escalation of alerts (CRI-2).

Deadlines (settings): red within ``XINQIAO_ALERT_RED_MINUTES`` (15), orange within
``XINQIAO_ALERT_ORANGE_MINUTES`` (240), yellow within ``XINQIAO_ALERT_YELLOW_WORKING_DAYS`` (3)
working days, Monday to Friday, at the same time of day.

The job "alerts.escalate" (crisis.jobs, every minute) escalates every alert still new (nobody has
acknowledged it) whose ``respond_by`` has passed: stage 1 to the duty supervisor, stage 2 to the
director(s) in scope. Each escalation gives a new deadline of the same length from the moment of
escalation, writes an ``escalated`` event per person and sends them a message. Running the job
twice changes nothing the second time: the deadline has moved on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from confidentiality.services import audit_record
from crisis import routing
from crisis.models import Alert, AlertEvent, Level

from .notify import message_escalated

LAST_STAGE = 2


def add_working_days(start: datetime, days: int) -> datetime:
    """``days`` working days (Monday–Friday) after ``start``, at the same local time of day.

    Public holidays are not taken out: the roster's exceptions say who is away, not whether an
    alert may wait.
    """
    moment = timezone.localtime(start)
    counted = 0
    while counted < days:
        moment += timedelta(days=1)
        if moment.weekday() < 5:
            counted += 1
    return moment


def respond_by_for(level: str, start: datetime) -> datetime:
    """The deadline of an alert of ``level`` whose clock starts at ``start``."""
    if level == Level.RED:
        return start + timedelta(minutes=settings.XINQIAO_ALERT_RED_MINUTES)
    if level == Level.ORANGE:
        return start + timedelta(minutes=settings.XINQIAO_ALERT_ORANGE_MINUTES)
    return add_working_days(start, settings.XINQIAO_ALERT_YELLOW_WORKING_DAYS)


def _escalation_targets(alert: Alert, stage: int) -> list:
    if stage == 1:
        supervisor = routing.duty_supervisor(owner=alert.owner, unit=alert.org_unit)
        return [supervisor] if supervisor is not None else []
    return routing.directors_in_scope(unit=alert.org_unit)


@transaction.atomic
def alert_escalate(*, alert: Alert, now: datetime | None = None) -> bool:
    """Escalate one overdue, unacknowledged alert one stage (skipping a stage with nobody in it).

    Returns False when there is nothing to do: the alert was acknowledged or closed meanwhile,
    its deadline has not passed, or it already reached the director.
    """
    now = now or timezone.now()
    alert = Alert.objects.select_for_update(of=("self",)).select_related("owner", "org_unit").get(pk=alert.pk)
    if alert.state != Alert.State.NEW or alert.respond_by > now or alert.escalation_stage >= LAST_STAGE:
        return False
    stage, targets = alert.escalation_stage, []
    while not targets and stage < LAST_STAGE:
        stage += 1
        targets = _escalation_targets(alert, stage)
    alert.escalation_stage = stage
    alert.respond_by = respond_by_for(alert.level, now)
    alert.save(update_fields=["escalation_stage", "respond_by"])
    if not targets:
        # Nobody to escalate to: the history still says the deadline was missed.
        AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.ESCALATED, at=now)
    for user in targets:
        AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.ESCALATED, at=now, to_user=user)
        message_escalated(alert, user)
    audit_record(
        actor=None,
        action="alert.escalated",
        obj=alert,
        details={"stage": stage, "to": [user.pk for user in targets]},
    )
    return True


def alerts_escalate_due(*, now: datetime | None = None) -> int:
    """The periodic job: escalate every overdue unacknowledged alert. Returns how many moved."""
    now = now or timezone.now()
    due = Alert.objects.filter(
        state=Alert.State.NEW, respond_by__lte=now, escalation_stage__lt=LAST_STAGE
    ).order_by("respond_by", "pk")
    escalated = 0
    for alert in due:
        if alert_escalate(alert=alert, now=now):
            escalated += 1
    return escalated
