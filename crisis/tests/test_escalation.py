"""CRI-2: an alert nobody acknowledges escalates by itself — to the duty supervisor, then to the
director(s) — with outbox messages and events on its history, for every level; the job is
idempotent and an acknowledged alert stays where it is."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from core.jobs import run_due_jobs
from crisis.models import Alert
from crisis.services.alerts import alert_acknowledge
from crisis.services.escalation import add_working_days, alerts_escalate_due
from crisis.services.intake import signal_raise
from lib.jobs import job_named
from notifications.models import Notification

from .engine_helpers import PHQ9_ITEM9_1, PHQ9_ITEM9_2, PHQ9_MODERATELY_SEVERE, resident_in, scored

pytestmark = pytest.mark.django_db

BEIJING = timezone.get_fixed_timezone(8 * 60)
TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=BEIJING)
FRIDAY = datetime(2026, 11, 27, 10, 0, tzinfo=BEIJING)

# level, answers, first deadline, the deadline after the first escalation (from the moment it ran)
LEVELS = {
    "red": (PHQ9_ITEM9_2, lambda start: start + timedelta(minutes=15), lambda at: at + timedelta(minutes=15)),
    "orange": (PHQ9_ITEM9_1, lambda start: start + timedelta(hours=4), lambda at: at + timedelta(hours=4)),
    "yellow": (PHQ9_MODERATELY_SEVERE, lambda start: FRIDAY, lambda at: add_working_days(at, 3)),
}


@pytest.fixture
def team(people):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    return people


def raise_alert(people, tree, answers) -> Alert:
    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    assessment = scored("phq9", answers, resident=resident, save=True)
    return signal_raise(source="assessment", assessment=assessment)[1]


def run_job() -> list:
    """What the scheduler does each minute, at the (travelled) time now."""
    return run_due_jobs(only="alerts.escalate", now=timezone.now())


def messages_to(user):
    return Notification.objects.filter(recipient_user=user, dedupe_key__contains=":escalated:")


def test_the_job_is_registered_to_run_every_minute():
    assert job_named("alerts.escalate").every <= timedelta(minutes=1)


@pytest.mark.parametrize("level", ["red", "orange", "yellow"])
def test_an_unacknowledged_alert_escalates_to_the_supervisor_then_the_directors(
    team, tree, level, django_capture_on_commit_callbacks
):
    answers, first_deadline, next_deadline = LEVELS[level]
    with time_machine.travel(TUESDAY, tick=False):
        alert = raise_alert(team, tree, answers)
    assert alert.level == level and alert.owner == team.counsellor
    deadline = first_deadline(TUESDAY)
    assert alert.respond_by == deadline

    with time_machine.travel(deadline - timedelta(minutes=1), tick=False):
        run_job()
    alert.refresh_from_db()
    assert alert.escalation_stage == 0 and not alert.events.filter(kind="escalated").exists()

    first = deadline + timedelta(minutes=1)
    with time_machine.travel(first, tick=False), django_capture_on_commit_callbacks(execute=True):
        assert run_job() == [("alerts.escalate", True, "1 alerts escalated")]
    alert.refresh_from_db()
    assert (alert.escalation_stage, alert.state, alert.owner) == (1, "new", team.counsellor)
    assert alert.respond_by == next_deadline(first)
    escalated = alert.events.get(kind="escalated")
    assert (escalated.to_user, escalated.at) == (team.supervisor, first)
    message = messages_to(team.supervisor).get()
    assert message.status == "to_relay" and f"/staff/crisis/alerts/{alert.pk}/" in message.body

    # Twice in the same minute, or again a minute later: nothing more happens.
    with time_machine.travel(first + timedelta(minutes=1), tick=False):
        assert alerts_escalate_due(now=timezone.now()) == 0
        run_job()
    assert alert.events.filter(kind="escalated").count() == 1

    second = alert.respond_by + timedelta(minutes=1)
    with time_machine.travel(second, tick=False), django_capture_on_commit_callbacks(execute=True):
        run_job()
    alert.refresh_from_db()
    assert alert.escalation_stage == 2
    to_directors = alert.events.filter(kind="escalated", at=second)
    assert {event.to_user for event in to_directors} == {team.director, team.east_director}
    assert (
        messages_to(team.director).get().status == "to_relay"
    )  # the default outbox reaches nobody by itself
    assert messages_to(team.east_director).exists()
    assert not messages_to(team.outsider).exists()

    # The director is the last stage: a day later nothing is added.
    with time_machine.travel(second + timedelta(days=10), tick=False):
        run_job()
    assert alert.events.filter(kind="escalated").count() == 3


@pytest.mark.parametrize("level", ["red", "orange", "yellow"])
def test_an_acknowledged_alert_never_escalates(team, tree, level):
    answers, first_deadline, _next = LEVELS[level]
    with time_machine.travel(TUESDAY, tick=False):
        alert = raise_alert(team, tree, answers)
        alert_acknowledge(actor=team.counsellor, alert=alert)
    with time_machine.travel(first_deadline(TUESDAY) + timedelta(days=20), tick=False):
        run_job()
    alert.refresh_from_db()
    assert alert.escalation_stage == 0 and not alert.events.filter(kind="escalated").exists()


def test_the_supervisor_can_acknowledge_an_escalated_alert_and_escalation_stops(team, tree):
    with time_machine.travel(TUESDAY, tick=False):
        alert = raise_alert(team, tree, PHQ9_ITEM9_2)
    with time_machine.travel(TUESDAY + timedelta(minutes=16), tick=False):
        run_job()
        alert_acknowledge(actor=team.supervisor, alert=alert)
    with time_machine.travel(TUESDAY + timedelta(hours=2), tick=False):
        run_job()
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by, alert.escalation_stage) == (
        "acknowledged",
        team.supervisor,
        1,
    )


def test_without_a_named_supervisor_the_nearest_supervisor_in_scope_is_called(people, tree):
    with time_machine.travel(TUESDAY, tick=False):
        alert = raise_alert(people, tree, PHQ9_ITEM9_2)
    with time_machine.travel(TUESDAY + timedelta(minutes=16), tick=False):
        run_job()
    assert alert.events.get(kind="escalated").to_user == people.supervisor


def test_with_no_supervisor_at_all_it_goes_straight_to_the_directors(people, tree):
    people.supervisor.is_active = False
    people.supervisor.save(update_fields=["is_active"])
    with time_machine.travel(TUESDAY, tick=False):
        alert = raise_alert(people, tree, PHQ9_ITEM9_2)
    with time_machine.travel(TUESDAY + timedelta(minutes=16), tick=False):
        run_job()
    alert.refresh_from_db()
    assert alert.escalation_stage == 2
    assert {e.to_user for e in alert.events.filter(kind="escalated")} == {
        people.director,
        people.east_director,
    }


def test_a_higher_level_signal_shortens_the_clock_of_an_unacknowledged_alert(team, tree):
    with time_machine.travel(TUESDAY, tick=False):
        alert = raise_alert(team, tree, PHQ9_MODERATELY_SEVERE)
    with time_machine.travel(TUESDAY + timedelta(hours=1), tick=False):
        signal_raise(
            source="counsellor", resident=alert.resident, immediate_danger=True, reported_by=team.counsellor
        )
    with time_machine.travel(TUESDAY + timedelta(hours=1, minutes=16), tick=False):
        run_job()
    alert.refresh_from_db()
    assert (alert.level, alert.escalation_stage) == ("red", 1)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (datetime(2026, 11, 24, 10, 0, tzinfo=BEIJING), "Fri 10:00"),  # Tuesday
        (datetime(2026, 11, 27, 16, 30, tzinfo=BEIJING), "Wed 16:30"),  # Friday
        (datetime(2026, 11, 28, 9, 0, tzinfo=BEIJING), "Wed 09:00"),  # Saturday
    ],
)
def test_working_days_skip_the_weekend(start, end):
    assert timezone.localtime(add_working_days(start, 3)).strftime("%a %H:%M") == end
