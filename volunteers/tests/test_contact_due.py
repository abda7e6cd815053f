"""The one contact-due selector and the reminder job built on it, with the clock moved."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from notifications.models import Notification
from orgs.models import DutyException
from volunteers import selectors, services
from volunteers.jobs import remind_contact_due

pytestmark = pytest.mark.django_db


def log(world, people, *, contact: bool, when=None):
    visit, _created = services.visit_log(
        actor=people.volunteer,
        assignment=world.assignment,
        visited_at=when or timezone.now(),
        mode="phone",
        contact_made=contact,
        duration_minutes=20,
    )
    return visit


def due_ids(**kwargs):
    return set(selectors.contact_due(**kwargs).values_list("pk", flat=True))


def test_an_assignment_is_due_its_frequency_after_activation_and_not_before(world):
    start = world.assignment.activated_at
    assert world.assignment.pk not in due_ids(now=start + timedelta(days=13, hours=23))
    assert world.assignment.pk in due_ids(now=start + timedelta(days=14))


def test_a_successful_contact_resets_the_clock_and_one_without_contact_does_not(world, people):
    start = world.assignment.activated_at
    with time_machine.travel(start + timedelta(days=10), tick=False):
        log(world, people, contact=False)
    assert world.assignment.pk in due_ids(now=start + timedelta(days=14))
    with time_machine.travel(start + timedelta(days=12), tick=False):
        log(world, people, contact=True)
    assert world.assignment.pk not in due_ids(now=start + timedelta(days=14))
    assert world.assignment.pk in due_ids(now=start + timedelta(days=26))


def test_contact_state_says_ok_due_or_overdue_from_the_same_annotation(world):
    start = world.assignment.activated_at
    row = selectors.assignments_with_contact_clock().get(pk=world.assignment.pk)
    assert selectors.contact_state(row, now=start + timedelta(days=1)).key == "ok"
    assert selectors.contact_state(row, now=start + timedelta(days=15)).key == "due"
    assert selectors.contact_state(row, now=start + timedelta(days=21)).key == "overdue"


def test_an_ended_assignment_is_never_due(world, people):
    services.assignment_end(actor=people.counsellor, assignment=world.assignment, reason="搬去女儿家")
    assert world.assignment.pk not in due_ids(now=timezone.now() + timedelta(days=60))


def messages_to(user):
    return list(Notification.objects.filter(recipient_user=user).values_list("dedupe_key", flat=True))


def test_the_job_reminds_the_volunteer_when_due_once_however_often_it_runs(world, people):
    start = world.assignment.activated_at
    with time_machine.travel(start + timedelta(days=13), tick=False):
        remind_contact_due()
    assert messages_to(people.volunteer) == []
    with time_machine.travel(start + timedelta(days=14, hours=1), tick=False):
        remind_contact_due()
        remind_contact_due()
    assert len(messages_to(people.volunteer)) == 1


def test_three_days_after_a_visit_without_contact_the_volunteer_is_asked_to_try_again(world, people):
    start = world.assignment.activated_at
    with time_machine.travel(start + timedelta(days=14, hours=1), tick=False):
        log(world, people, contact=False)
    with time_machine.travel(start + timedelta(days=16, hours=2), tick=False):
        remind_contact_due()
    assert not any(":try_again:" in key for key in messages_to(people.volunteer))
    with time_machine.travel(start + timedelta(days=17, hours=2), tick=False):
        remind_contact_due()
    assert any(":try_again:" in key for key in messages_to(people.volunteer))


def test_the_coordinator_is_told_seven_days_after_due(world, people):
    start = world.assignment.activated_at
    with time_machine.travel(start + timedelta(days=20), tick=False):
        remind_contact_due()
    assert messages_to(people.counsellor) == []
    with time_machine.travel(start + timedelta(days=21, hours=1), tick=False):
        remind_contact_due()
    assert len(messages_to(people.counsellor)) == 1


def test_the_director_is_told_instead_when_the_coordinator_is_away_for_two_weeks(world, people):
    start = world.assignment.activated_at
    moment = start + timedelta(days=21, hours=1)
    today = timezone.localdate(moment)
    DutyException.objects.create(
        kind="leave",
        counsellor=people.counsellor,
        starts_on=today - timedelta(days=3),
        ends_on=today + timedelta(days=10),
    )
    with time_machine.travel(moment, tick=False):
        remind_contact_due()
    assert messages_to(people.counsellor) == []
    assert len(messages_to(people.director)) == 1


def test_a_short_leave_of_the_coordinator_still_tells_the_coordinator(world, people):
    start = world.assignment.activated_at
    moment = start + timedelta(days=21, hours=1)
    today = timezone.localdate(moment)
    DutyException.objects.create(
        kind="leave", counsellor=people.counsellor, starts_on=today, ends_on=today + timedelta(days=5)
    )
    with time_machine.travel(moment, tick=False):
        remind_contact_due()
    assert len(messages_to(people.counsellor)) == 1
    assert messages_to(people.director) == []


def test_the_navigation_counts_the_due_visit_for_the_volunteer_and_the_coordinator_in_one_query(
    world, people
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from dashboard.navigation import Navigation

    with time_machine.travel(world.assignment.activated_at + timedelta(days=15)):
        for user, url_name in (
            (people.volunteer, "volunteers:my_visits"),
            (people.counsellor, "volunteers:assignment_list"),
        ):
            navigation = Navigation(user, "/staff/")
            with CaptureQueriesContext(connection) as queries:
                counts = navigation.counts()
            assert counts[url_name] == 1
            assert len(queries) == 1
            entries = [e["url"] for g in navigation.drawn()["groups"] for e in g["entries"]]
            # Each role sees one of the two entries that share the count: it is never added twice.
            other = {"volunteers:my_visits", "volunteers:assignment_list"} - {url_name}
            assert reverse(other.pop()) not in entries
            assert selectors.contacts_due_for(user=user).count() == 1
