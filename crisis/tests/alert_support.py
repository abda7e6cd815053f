"""Helpers of the alert page, rules page and alert API tests (their fixtures are in
alert_fixtures.py): alerts written with the ORM (an alert, its signal and its "raised" event), so
that reads and actions start from a known state."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from archives.services import archive_set_responsible, resident_register
from crisis.models import Alert, AlertEvent, RiskSignal


def client_of(people, unit, name: str, responsible=()):
    resident = resident_register(actor=people.archivist, name=name, org_unit=unit)
    if responsible:
        archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=list(responsible))
    return resident


def make_alert(
    *,
    level: str,
    org_unit,
    resident=None,
    state: str = Alert.State.NEW,
    owner=None,
    minutes_left: int = 15,
    subject_note: str = "",
    note: str = "",
    source: str = "counsellor",
    **extra,
) -> Alert:
    """An alert as signal_raise leaves it, written straight to the database."""
    now = timezone.now()
    alert = Alert.objects.create(
        level=level,
        state=state,
        resident=resident,
        subject_note=subject_note,
        org_unit=org_unit,
        source=source,
        owner=owner,
        opened_at=now - timedelta(minutes=5),
        respond_by=now + timedelta(minutes=minutes_left),
        **extra,
    )
    signal = RiskSignal.objects.create(
        resident=resident,
        source=source,
        flags=["immediate_danger"] if level == "red" else [],
        band="severe",
        immediate_danger=level == "red",
        note=note,
        handled_at=now,
    )
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.RAISED,
        at=alert.opened_at,
        signal=signal,
        to_level=level,
        to_user=owner,
    )
    return alert
