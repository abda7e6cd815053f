"""CRI-2: the writes on an alert — acknowledge, assign, intervene, resolve with an outcome, close,
notes — in their order only, by those the policy lets handle the alert, each on the history and
in the audit log; refusals write nothing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from confidentiality.models import AuditEntry
from crisis.models import Alert, AlertEvent
from crisis.services.alerts import (
    alert_acknowledge,
    alert_add_note,
    alert_assign,
    alert_close,
    alert_resolve,
    alert_start_intervention,
)
from crisis.services.intake import signal_raise
from notifications.models import Notification

from .engine_helpers import PHQ9_ITEM9_2, resident_in, scored

pytestmark = pytest.mark.django_db


@pytest.fixture
def alert(people, tree) -> Alert:
    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    assessment = scored("phq9", PHQ9_ITEM9_2, resident=resident, save=True)
    return signal_raise(source="assessment", assessment=assessment)[1]


def kinds(alert) -> list[str]:
    return list(alert.events.values_list("kind", flat=True))


def audited(action: str) -> int:
    return AuditEntry.objects.filter(action=action).count()


def test_the_whole_way_from_new_to_closed_is_on_the_history(people, alert):
    alert_acknowledge(actor=people.counsellor, alert=alert)
    alert_start_intervention(actor=people.counsellor, alert=alert, note="已电话联系本人")
    alert_add_note(actor=people.counsellor, alert=alert, note="监护人已到场")
    alert_resolve(actor=people.counsellor, alert=alert, outcome="stabilised", note="情绪平稳")
    alert_close(actor=people.supervisor, alert=alert, note="督导复核")
    alert.refresh_from_db()
    assert alert.state == "closed" and not alert.is_open
    assert (alert.acknowledged_by, alert.outcome, alert.outcome_note) == (
        people.counsellor,
        "stabilised",
        "情绪平稳",
    )
    assert alert.acknowledged_at and alert.resolved_at
    assert kinds(alert) == ["raised", "acknowledged", "intervening", "note", "resolved", "closed"]
    assert alert.events.get(kind="closed").by == people.supervisor
    assert alert.events.get(kind="note").note == "监护人已到场"
    for action in ("acknowledged", "intervention_started", "note_added", "resolved", "closed"):
        assert audited(f"alert.{action}") == 1
    logged = [
        json.dumps(entry.details, ensure_ascii=False) + entry.reason for entry in AuditEntry.objects.all()
    ]
    assert not any(text in details for details in logged for text in ("监护人", "情绪平稳", "电话"))


def test_acknowledging_gives_an_ownerless_alert_to_whoever_acknowledges(people, alert):
    Alert.objects.filter(pk=alert.pk).update(owner=None)
    alert.refresh_from_db()
    alert_acknowledge(actor=people.supervisor, alert=alert)
    assert (alert.owner, alert.acknowledged_by) == (people.supervisor, people.supervisor)


def test_an_alert_is_acknowledged_once(people, alert):
    alert_acknowledge(actor=people.counsellor, alert=alert)
    with pytest.raises(ValidationError):
        alert_acknowledge(actor=people.colleague, alert=alert)
    alert.refresh_from_db()
    assert alert.acknowledged_by == people.counsellor and kinds(alert).count("acknowledged") == 1


@pytest.mark.parametrize("who", ["worker", "teacher", "volunteer", "archivist", "admin", "outsider"])
def test_those_who_may_not_handle_the_alert_are_refused_and_nothing_is_written(people, alert, who):
    actor = getattr(people, who)
    for action in (
        lambda: alert_acknowledge(actor=actor, alert=alert),
        lambda: alert_assign(actor=actor, alert=alert, owner=people.colleague),
        lambda: alert_start_intervention(actor=actor, alert=alert),
        lambda: alert_resolve(actor=actor, alert=alert, outcome="other"),
        lambda: alert_close(actor=actor, alert=alert),
        lambda: alert_add_note(actor=actor, alert=alert, note="…"),
    ):
        with pytest.raises(PermissionDenied):
            action()
    alert.refresh_from_db()
    assert (alert.state, alert.owner) == ("new", people.counsellor)
    assert kinds(alert) == ["raised"]
    assert (
        not AuditEntry.objects.filter(action__startswith="alert.", object_id=str(alert.pk))
        .exclude(action="alert.raised")
        .exists()
    )


def test_a_supervisor_and_a_director_in_scope_may_handle_it(people, alert):
    alert_add_note(actor=people.supervisor, alert=alert, note="已知悉")
    alert_add_note(actor=people.east_director, alert=alert, note="已知悉")
    assert kinds(alert).count("note") == 2


def test_assigning_hands_the_alert_over_with_a_message(people, alert, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        alert_assign(actor=people.supervisor, alert=alert, owner=people.colleague, note="今天值班")
    alert.refresh_from_db()
    assert alert.owner == people.colleague and alert.state == "new"
    event = alert.events.get(kind="assigned")
    assert (event.by, event.to_user, event.note) == (people.supervisor, people.colleague, "今天值班")
    message = Notification.objects.get(recipient_user=people.colleague)
    assert message.status == "to_relay" and f"/staff/crisis/alerts/{alert.pk}/" in message.body
    assert AuditEntry.objects.get(action="alert.assigned").details == {
        "from": people.counsellor.pk,
        "to": people.colleague.pk,
    }


@pytest.mark.parametrize("who", ["outsider", "worker", "archivist", "counsellor"])
def test_an_alert_goes_only_to_clinical_staff_who_can_handle_it(people, alert, who):
    with pytest.raises(ValidationError) as excinfo:
        alert_assign(actor=people.supervisor, alert=alert, owner=getattr(people, who))
    assert "owner" in excinfo.value.message_dict
    alert.refresh_from_db()
    assert alert.owner == people.counsellor and "assigned" not in kinds(alert)


def test_an_inactive_colleague_cannot_be_given_the_alert(people, alert):
    people.colleague.is_active = False
    people.colleague.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        alert_assign(actor=people.supervisor, alert=alert, owner=people.colleague)


def test_the_steps_come_in_order(people, alert):
    with pytest.raises(ValidationError):
        alert_start_intervention(actor=people.counsellor, alert=alert)
    with pytest.raises(ValidationError):
        alert_resolve(actor=people.counsellor, alert=alert, outcome="stabilised")
    with pytest.raises(ValidationError):
        alert_close(actor=people.counsellor, alert=alert)
    alert_acknowledge(actor=people.counsellor, alert=alert)
    with pytest.raises(ValidationError):
        alert_close(actor=people.counsellor, alert=alert)
    alert_start_intervention(actor=people.counsellor, alert=alert)
    with pytest.raises(ValidationError):
        alert_start_intervention(actor=people.counsellor, alert=alert)
    alert_resolve(actor=people.counsellor, alert=alert, outcome="referred")
    with pytest.raises(ValidationError):
        alert_resolve(actor=people.counsellor, alert=alert, outcome="referred")
    alert_close(actor=people.counsellor, alert=alert)
    with pytest.raises(ValidationError):
        alert_assign(actor=people.counsellor, alert=alert, owner=people.colleague)
    with pytest.raises(ValidationError):
        alert_close(actor=people.counsellor, alert=alert)
    assert kinds(alert) == ["raised", "acknowledged", "intervening", "resolved", "closed"]


@pytest.mark.parametrize("outcome", ["", "cured", None])
def test_resolving_needs_a_known_outcome(people, alert, outcome):
    alert_acknowledge(actor=people.counsellor, alert=alert)
    with pytest.raises(ValidationError) as excinfo:
        alert_resolve(actor=people.counsellor, alert=alert, outcome=outcome)
    assert "outcome" in excinfo.value.message_dict
    alert.refresh_from_db()
    assert (alert.state, alert.outcome) == ("acknowledged", "")


def test_an_alert_found_to_need_nothing_is_resolved_from_acknowledged(people, alert):
    alert_acknowledge(actor=people.counsellor, alert=alert)
    alert_resolve(actor=people.counsellor, alert=alert, outcome="false_alarm", note="误填")
    alert.refresh_from_db()
    assert (alert.state, alert.outcome) == ("resolved", "false_alarm")


def test_a_note_must_say_something_and_may_be_added_after_closing(people, alert):
    with pytest.raises(ValidationError):
        alert_add_note(actor=people.counsellor, alert=alert, note="   ")
    Alert.objects.filter(pk=alert.pk).update(state="closed", outcome="other")
    event = alert_add_note(actor=people.counsellor, alert=alert, note="一周后回访正常")
    assert isinstance(event, AlertEvent) and event.kind == "note" and event.by == people.counsellor


def test_after_closing_a_new_signal_opens_a_new_alert(people, alert):
    alert_acknowledge(actor=people.counsellor, alert=alert)
    alert_resolve(actor=people.counsellor, alert=alert, outcome="stabilised")
    alert_close(actor=people.counsellor, alert=alert)
    _signal, again = signal_raise(source="counsellor", resident=alert.resident, reported_by=people.counsellor)
    assert again.pk != alert.pk and again.state == "new" and again.level == "orange"


def test_the_caller_object_reflects_the_new_state(people, alert):
    same = Alert.objects.get(pk=alert.pk)
    returned = alert_acknowledge(actor=people.counsellor, alert=same)
    assert returned is same and same.state == "acknowledged"
