"""Risk signals in, alerts out (CRI-1, CRI-2).

Every writer of a ``RiskSignal`` goes through ``signal_raise``: the assessment services, the
public self-test, the hotline log, the bulk import, the concern-report form, a counsellor's flag
and the API for external systems. In the same transaction the warning rules decide whether the
signal raises an alert, and which level; a later signal for someone who already has an open alert
joins that alert (raising its level if higher) instead of opening another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import RISK_ORDER, Archive, RiskLevelChange
from confidentiality.services import audit_record
from crisis import routing, rules
from crisis.models import LEVEL_ORDER, Alert, AlertEvent, AlertRule, RiskSignal

from .escalation import respond_by_for
from .notify import message_level_raised, message_raised


def signal_for_result(assessment, *, actor=None, org_unit=None, subject_note: str = ""):
    """What a stored result raises (assessments hand every result over here, see
    ``assessments.handover``): a risk signal when the band is severe, a flag is critical or an
    active warning rule matches it (e.g. PHQ-9 moderately severe), and the alert the rules make of
    it, in the same transaction. Returns (signal, alert), or None when the result raises nothing."""
    if not (assessment.severe or assessment.flags) and (
        rules.best_rule(rules.facts_for_assessment(assessment)) is None
    ):
        return None
    return signal_raise(
        source=RiskSignal.Source.ASSESSMENT,
        resident=assessment.resident,
        assessment=assessment,
        flags=list(assessment.flags),
        band=assessment.band,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        org_unit=org_unit,
        subject_note=subject_note,
    )


def signal_for_hotline_entry(entry, *, actor, subject_note: str = ""):
    """A hotline entry that records a risk raises a signal (``workflow.handover``); returns it."""
    signal, _alert = signal_raise(
        source=RiskSignal.Source.HOTLINE,
        resident=entry.resident,
        flags=entry.risk_flags,
        immediate_danger=entry.risk_immediate_danger,
        reported_by=actor,
        subject_note=subject_note,
    )
    return signal


@transaction.atomic
def signal_raise(
    *,
    source: str,
    resident=None,
    assessment=None,
    flags: Sequence[str] = (),
    band: str = "",
    urgent: bool = False,
    immediate_danger: bool = False,
    note: str = "",
    reported_by=None,
    subject_note: str = "",
    org_unit=None,
    now: datetime | None = None,
) -> tuple[RiskSignal, Alert | None]:
    """Record one warning signal and, if an active rule matches it, raise or join an alert.

    The caller has checked that whoever raises the signal may do so (the self-test and the
    hotline log are their own permission). ``subject_note`` describes an unregistered person;
    ``org_unit`` is the unit that must answer when there is no registered person (else the
    reporter's unit is used). An assessment's flags and band are taken from it when not given.
    """
    if source not in RiskSignal.Source.values:
        raise ValidationError({"source": _("Unknown signal source.")})
    if assessment is not None:
        resident = resident if resident is not None else assessment.resident
        flags = flags or assessment.flags or ()
        band = band or assessment.band or ""
    signal = RiskSignal(
        source=source,
        resident=resident,
        assessment=assessment,
        flags=list(flags),
        band=band,
        urgent=urgent,
        immediate_danger=immediate_danger,
        note=note.strip(),
        reported_by=reported_by if getattr(reported_by, "is_authenticated", False) else None,
    )
    signal.full_clean(exclude=["resident", "assessment", "reported_by"])
    signal.save()
    audit_record(
        actor=reported_by,
        action="signal.raised",
        obj=signal,
        details={"source": source, "resident": resident.pk if resident is not None else None},
    )
    alert = alert_from_signal(
        signal,
        subject_note=subject_note,
        org_unit=org_unit or getattr(reported_by, "org_unit", None),
        now=now,
    )
    return signal, alert


@transaction.atomic
def alert_from_signal(
    signal: RiskSignal,
    *,
    subject_note: str = "",
    org_unit=None,
    now: datetime | None = None,
    rule_set: Sequence[AlertRule] | None = None,
) -> Alert | None:
    """Turn a stored signal into an alert by the warning rules (docs/crisis.md).

    No matching rule: no alert, and the signal stays listed for the clinical team. The person
    already has an open alert: the signal joins it (a ``signal`` event), raising its level if the
    rule's is higher. Otherwise a new alert with its owner (``crisis.routing``) and deadline, and
    a message to the owner once the transaction commits. The archive's risk level follows the
    alert upwards, never downwards. ``rule_set`` lets a bulk caller load the rules once.
    """
    now = now or timezone.now()
    rule = rules.best_rule(rules.facts_for_signal(signal), rule_set)
    if rule is None:
        return None
    alert = None
    if signal.resident_id is not None:
        alert = _open_alert_of(signal.resident_id)
        if alert is None:
            try:
                with transaction.atomic():
                    alert = _alert_create(signal, rule, subject_note=subject_note, org_unit=org_unit, now=now)
            except IntegrityError:
                # Another signal for the same person opened an alert a moment ago: join it.
                alert = _open_alert_of(signal.resident_id)
                if alert is None:
                    raise
                _alert_merge(alert, signal, rule, now=now)
        else:
            _alert_merge(alert, signal, rule, now=now)
    else:
        alert = _alert_create(signal, rule, subject_note=subject_note, org_unit=org_unit, now=now)
    RiskSignal.objects.filter(pk=signal.pk).update(handled_at=now)
    signal.handled_at = now
    return alert


def alerts_from_signals(
    signals: Sequence[RiskSignal], *, rule_set: Sequence[AlertRule], now: datetime | None = None
) -> int:
    """``alert_from_signal`` for a bulk import's stored signals, person by person: the same alerts,
    events and levels as one by one, in a number of queries that grows with the people, not with
    their signals. Each person's signals, in order, open or join their one open alert; the level
    ends at the highest matching rule's, with a ``signal`` event per further signal and a
    ``level_raised`` event where one raised it. One audit entry for all the signals joined (which
    alert took which signals), one for each alert whose level rose (from → to); the archive
    follows and the owner is told once.
    Returns the number of alerts touched.
    """
    from assessments.models import Assessment

    now = now or timezone.now()
    signals = [signal for signal in signals if signal.resident_id is not None]
    assessment_ids = [signal.assessment_id for signal in signals if signal.assessment_id]
    assessments: dict[int, Assessment] = {}
    for start in range(0, len(assessment_ids), 500):
        assessments.update(Assessment.objects.in_bulk(assessment_ids[start : start + 500]))
    by_person: dict[int, list[tuple[RiskSignal, AlertRule]]] = {}
    for signal in signals:
        if signal.assessment_id:
            signal.assessment = assessments[signal.assessment_id]
        rule = rules.best_rule(rules.facts_for_signal(signal), rule_set)
        if rule is not None:
            by_person.setdefault(signal.resident_id, []).append((signal, rule))
    people = list(by_person)
    open_alerts: dict[int, Alert] = {}
    for start in range(0, len(people), 500):
        for alert in (
            Alert.objects.select_for_update(of=("self",))
            .select_related("owner")
            .filter(resident_id__in=people[start : start + 500], state__in=Alert.OPEN_STATES)
        ):
            open_alerts[alert.resident_id] = alert
    events: list[AlertEvent] = []
    joined: dict[str, list[int]] = {}
    actor = None
    # Who is on duty is the same for every alert opened now: read the roster once.
    duty_slots = routing.counsellors_on_duty(now=now) if any(r not in open_alerts for r in by_person) else []
    for resident_id, matched in by_person.items():
        alert = open_alerts.get(resident_id)
        actor = actor or matched[0][0].reported_by
        if alert is None:
            first, rule = matched[0]
            try:
                with transaction.atomic():
                    alert = _alert_create(
                        first, rule, subject_note="", org_unit=None, now=now, duty_slots=duty_slots
                    )
                matched = matched[1:]
            except IntegrityError:
                # A signal from elsewhere opened this person's alert a moment ago: join it.
                alert = _open_alert_of(resident_id)
                if alert is None:
                    raise
        if matched:
            _alert_merge_many(alert, matched, now=now, events=events)
            joined[str(alert.pk)] = [signal.pk for signal, _rule in matched]
    AlertEvent.objects.bulk_create(events, batch_size=500)
    if joined:
        audit_record(
            actor=actor, action="alert.signals_merged", object_type="crisis.alert", details={"alerts": joined}
        )
    handled = [signal.pk for matched in by_person.values() for signal, _rule in matched]
    for start in range(0, len(handled), 500):
        RiskSignal.objects.filter(pk__in=handled[start : start + 500]).update(handled_at=now)
    return len(by_person)


def _alert_merge_many(alert: Alert, matched: list, *, now, events: list) -> None:
    """Join several signals to one alert at once (events collected for one bulk insert)."""
    from_level = alert.level
    for signal, rule in matched:
        events.append(AlertEvent(alert=alert, kind=AlertEvent.Kind.SIGNAL, at=now, signal=signal, rule=rule))
        if LEVEL_ORDER[rule.level] > LEVEL_ORDER[alert.level]:
            events.append(
                AlertEvent(
                    alert=alert,
                    kind=AlertEvent.Kind.LEVEL_RAISED,
                    at=now,
                    signal=signal,
                    rule=rule,
                    from_level=alert.level,
                    to_level=rule.level,
                )
            )
            alert.level, alert.rule = rule.level, rule
    if alert.level == from_level:
        return
    fields = ["level", "rule"]
    if alert.state == Alert.State.NEW:
        alert.respond_by = min(alert.respond_by, respond_by_for(alert.level, now))
        fields.append("respond_by")
    alert.save(update_fields=fields)
    audit_record(
        actor=matched[0][0].reported_by,
        action="alert.level_raised",
        obj=alert,
        details={"rule": alert.rule.code, "from": from_level, "to": alert.level},
    )
    archive_follow_alert(alert)
    message_level_raised(alert, alert.owner)


def _open_alert_of(resident_id: int) -> Alert | None:
    return (
        Alert.objects.select_for_update(of=("self",))
        .select_related("owner")
        .filter(resident_id=resident_id, state__in=Alert.OPEN_STATES)
        .first()
    )


def _alert_create(
    signal: RiskSignal, rule: AlertRule, *, subject_note: str, org_unit, now, duty_slots: list | None = None
) -> Alert:
    resident = signal.resident
    unit = routing.first_unit_of(resident.org_unit if resident is not None else None, org_unit)
    owner = routing.alert_owner(resident=resident, unit=unit, now=now, duty_slots=duty_slots)
    alert = Alert(
        level=rule.level,
        resident=resident,
        subject_note="" if resident is not None else subject_note.strip(),
        org_unit=unit,
        source=signal.source,
        rule=rule,
        owner=owner,
        opened_at=now,
        respond_by=respond_by_for(rule.level, now),
    )
    alert.full_clean(exclude=["resident", "org_unit", "rule", "owner"])
    alert.save()
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.RAISED,
        at=now,
        signal=signal,
        rule=rule,
        to_level=rule.level,
        to_user=owner,
    )
    audit_record(
        actor=signal.reported_by,
        action="alert.raised",
        obj=alert,
        details={
            "level": alert.level,
            "rule": rule.code,
            "signal": signal.pk,
            "owner": owner.pk if owner else None,
        },
    )
    archive_follow_alert(alert)
    message_raised(alert, owner)
    return alert


def _alert_merge(alert: Alert, signal: RiskSignal, rule: AlertRule, *, now) -> Alert:
    AlertEvent.objects.create(alert=alert, kind=AlertEvent.Kind.SIGNAL, at=now, signal=signal, rule=rule)
    if LEVEL_ORDER[rule.level] <= LEVEL_ORDER[alert.level]:
        audit_record(
            actor=signal.reported_by,
            action="alert.signal_merged",
            obj=alert,
            details={"signal": signal.pk, "rule": rule.code},
        )
        return alert
    from_level = alert.level
    alert.level = rule.level
    alert.rule = rule
    fields = ["level", "rule"]
    if alert.state == Alert.State.NEW:
        # A higher level has a shorter clock; it never gives more time than is left.
        alert.respond_by = min(alert.respond_by, respond_by_for(rule.level, now))
        fields.append("respond_by")
    alert.save(update_fields=fields)
    AlertEvent.objects.create(
        alert=alert,
        kind=AlertEvent.Kind.LEVEL_RAISED,
        at=now,
        signal=signal,
        rule=rule,
        from_level=from_level,
        to_level=rule.level,
    )
    audit_record(
        actor=signal.reported_by,
        action="alert.level_raised",
        obj=alert,
        details={"signal": signal.pk, "rule": rule.code, "from": from_level, "to": rule.level},
    )
    archive_follow_alert(alert)
    message_level_raised(alert, alert.owner)
    return alert


def archive_follow_alert(alert: Alert) -> RiskLevelChange | None:
    """The archive's risk level rises to the alert's level (ARC-3); it is never lowered here:
    only a person who has looked at the case may lower it."""
    from archives.services import risk_level_set

    if alert.resident_id is None:
        return None
    archive = Archive.objects.filter(resident_id=alert.resident_id).first()
    if archive is None or RISK_ORDER.get(archive.risk_level, 0) >= LEVEL_ORDER[alert.level]:
        return None
    return risk_level_set(
        actor=None,
        archive=archive,
        level=alert.level,
        reason=_("Alert #%(number)s (%(level)s)") % {"number": alert.pk, "level": alert.get_level_display()},
        source=RiskLevelChange.Source.ALERT,
    )
