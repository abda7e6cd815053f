"""Statistics per type × audience × unit × month (PRG-1): sessions held, 人次 (attendances plus
headcounts) and 人数 (distinct people); one selector, a bounded number of queries."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.selectors import activity_statistics
from activities.services import activity_hold, headcount_record, registration_check_in, registration_create
from activities.tests.support import PHONES, at, lecture


def held_lecture(people, place, days, names, **fields):
    activity = lecture(people.lead, place, days=days, room=None, capacity=None, **fields)
    for name, phone in names:
        registration = registration_create(
            activity=activity, name=name, phone=phone, channel="portal", now=activity.starts_at - timedelta(1)
        )
        registration_check_in(actor=people.lead, registration=registration, now=activity.starts_at)
    return activity_hold(actor=people.lead, activity=activity, now=activity.ends_at)


def test_person_times_add_headcounts_and_persons_count_people_once(people, place):
    held_lecture(people, place, -3, [("张一", PHONES[0]), ("张二", PHONES[1])])
    held_lecture(people, place, -2, [("张一", PHONES[0])], title="第二讲")
    broadcast = lecture(
        people.lead, place, days=-1, room=None, kind="broadcast", registration_mode="none", capacity=None
    )
    headcount_record(
        actor=people.lead, activity=broadcast, audience_group="residents", count=120, method="estimated"
    )
    activity_hold(actor=people.lead, activity=broadcast, now=broadcast.ends_at)
    lecture(people.lead, place, days=5, title="未举办")  # not held: not counted
    result = activity_statistics(user=people.lead)
    assert (result["sessions"], result["person_times"], result["persons"]) == (3, 123, 2)
    by_kind = {row.kind: row for row in result["rows"] if row.month == at(-3, 14).strftime("%Y-%m")}
    if "lecture" in by_kind and at(-3, 14).month == at(-2, 14).month:
        assert (by_kind["lecture"].sessions, by_kind["lecture"].person_times, by_kind["lecture"].persons) == (
            2,
            3,
            2,
        )


def test_statistics_stay_in_the_persons_scope(people, place):
    held_lecture(people, place, -3, [("张一", PHONES[0])])
    assert activity_statistics(user=people.east_director)["sessions"] == 1
    assert activity_statistics(user=people.counsellor)["sessions"] == 0  # no permission to see statistics


def test_the_statistics_take_a_fixed_number_of_queries(people, place):
    held_lecture(people, place, -3, [("张一", PHONES[0])])
    with CaptureQueriesContext(connection) as few:
        activity_statistics(user=people.lead)
    for day in range(-10, -4):
        held_lecture(people, place, day, [("张一", PHONES[0]), ("张二", PHONES[1])], title=f"讲座{day}")
    with CaptureQueriesContext(connection) as many:
        activity_statistics(user=people.lead)
    assert len(many) == len(few)


def test_the_statistics_column_heads_follow_the_reader_s_language(as_user, people):
    client = as_user(people.lead)
    client.cookies["django_language"] = "en"
    english = client.get(reverse("activities:statistics")).content.decode()
    assert "Attendances (人次)" in english and "People (人数)" in english
