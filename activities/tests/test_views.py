"""The staff pages of activities: allowed, forbidden (403 for the page, 404 for someone else's
activity, with nothing written), wrong method, and query counts that do not grow with rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, Headcount, Registration
from activities.tests.support import PHONES, at, lecture, sign_up
from confidentiality.models import AuditEntry


@pytest.fixture
def activity(people, place):
    return lecture(people.lead, place)


def test_the_organiser_sees_the_list_with_confirmed_and_waiting_apart(as_user, people, activity):
    for i, name in enumerate(["张一", "张二", "张三"]):
        sign_up(activity, name, PHONES[i])
    page = as_user(people.lead).get(reverse("activities:list"))
    assert page.status_code == 200
    assert "2/2 已确认 + 1 候补" in page.content.decode()


@pytest.mark.parametrize(
    "name", ["activities:list", "activities:create", "activities:statistics", "activities:statistics_export"]
)
def test_pages_are_forbidden_to_roles_that_do_not_organise(as_user, people, name):
    assert as_user(people.worker).get(reverse(name)).status_code == 403


def test_the_list_query_count_does_not_grow_with_activities(as_user, people, place):
    client = as_user(people.lead)
    lecture(people.lead, place, room=None)
    client.get(reverse("activities:list"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("activities:list"))
    for day in range(4, 12):
        act = lecture(people.lead, place, room=None, days=day)
        sign_up(act, "张一", PHONES[0])
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("activities:list"))
    assert len(many) <= len(few) + 1


def test_the_roster_query_count_does_not_grow_with_registrations(as_user, people, place):
    activity = lecture(people.lead, place, capacity=50)
    client = as_user(people.lead)
    sign_up(activity, "张一", PHONES[0])
    url = reverse("activities:detail", args=[activity.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for i in range(10):
        sign_up(activity, f"李{i}", f"1390000{i:04d}")
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).status_code == 200
    assert len(many) <= len(few) + 1


def test_someone_elses_activity_is_a_404_and_their_actions_write_nothing(as_user, people, activity):
    registration = sign_up(activity, "张一", PHONES[0])
    client = as_user(people.outsider)
    assert client.get(reverse("activities:detail", args=[activity.pk])).status_code == 404
    assert (
        client.post(
            reverse("activities:action", args=[activity.pk, "cancel"]), {"cancel-reason": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("activities:registration_action", args=[registration.pk, "check_in"])).status_code
        == 404
    )
    assert client.post(reverse("activities:headcount_add", args=[activity.pk]), {}).status_code == 404
    activity.refresh_from_db()
    registration.refresh_from_db()
    assert (
        activity.status == Activity.Status.PUBLISHED and registration.status == Registration.Status.REGISTERED
    )
    assert AuditEntry.objects.filter(action="access.refused").exists()


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("activities:action", ["publish"]),
        ("activities:registration_add", []),
        ("activities:roster_check_in", []),
        ("activities:headcount_add", []),
    ],
)
def test_writes_refuse_get(as_user, people, activity, name, args):
    assert as_user(people.lead).get(reverse(name, args=[activity.pk, *args])).status_code == 405


def test_the_list_refuses_post(as_user, people):
    assert as_user(people.lead).post(reverse("activities:list")).status_code == 405


def test_creating_publishing_and_cancelling_through_the_pages(as_user, people, place):
    client = as_user(people.lead)
    response = client.post(
        reverse("activities:create"),
        {
            "title": "亲子沟通工作坊",
            "kind": "workshop",
            "audience_groups": ["parents"],
            "site": place.site.pk,
            "room": place.hall.pk,
            "starts_at": at(5, 9).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(5, 11).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "20",
            "waitlist": "on",
            "registration_mode": "open",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get(title="亲子沟通工作坊")
    assert activity.status == Activity.Status.DRAFT
    client.post(reverse("activities:action", args=[activity.pk, "publish"]))
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED
    client.post(reverse("activities:action", args=[activity.pk, "cancel"]), {"cancel-reason": ""})
    activity.refresh_from_db()
    assert activity.status == Activity.Status.PUBLISHED  # no reason: refused
    client.post(reverse("activities:action", args=[activity.pk, "cancel"]), {"cancel-reason": "场地维修"})
    activity.refresh_from_db()
    assert activity.status == Activity.Status.CANCELLED and activity.cancel_reason == "场地维修"


def test_an_end_before_the_start_is_said_on_the_form(as_user, people, place):
    response = as_user(people.lead).post(
        reverse("activities:create"),
        {
            "title": "讲座",
            "kind": "lecture",
            "site": place.site.pk,
            "starts_at": at(5, 11).strftime("%Y-%m-%dT%H:%M"),
            "ends_at": at(5, 9).strftime("%Y-%m-%dT%H:%M"),
            "registration_mode": "open",
        },
    )
    assert response.status_code == 400
    assert "结束时间" in response.content.decode() or "必须晚于" in response.content.decode()
    assert not Activity.objects.exists()


def test_registering_by_phone_a_walk_in_and_ticking_the_roster(as_user, people, place):
    soon = timezone.now() + timedelta(minutes=30)
    activity = lecture(people.lead, place, capacity=5, starts_at=soon, ends_at=soon + timedelta(hours=1))
    client = as_user(people.lead)
    url = reverse("activities:registration_add", args=[activity.pk])
    assert client.post(url, {"channel": "phone", "name": "王五", "phone": PHONES[0]}).status_code == 302
    bad = client.post(url, {"channel": "phone", "name": "王五", "phone": PHONES[0]})
    assert bad.status_code == 400 and "已用此手机号报名" in bad.content.decode()
    assert client.post(url, {"channel": "walk_in", "walk-name": "路人"}).status_code == 302
    phoned = Registration.objects.get(name="王五")
    response = client.post(
        reverse("activities:roster_check_in", args=[activity.pk]), {"present": [phoned.pk]}
    )
    assert response.status_code == 302
    phoned.refresh_from_db()
    assert phoned.checked_in_at is not None
    assert Registration.objects.filter(status__in=Registration.PRESENT).count() == 2


def test_a_roster_ticked_with_a_number_too_large_for_an_id_checks_in_nobody(as_user, people, activity):
    registration = sign_up(activity, "张一", PHONES[0])
    response = as_user(people.lead).post(
        reverse("activities:roster_check_in", args=[activity.pk]),
        {"present": ["99999999999999999999999", "abc"]},
    )
    assert response.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_a_headcount_through_the_page(as_user, people, place):
    activity = lecture(
        people.lead,
        place,
        registration_mode="none",
        capacity=None,
        room=None,
        kind="broadcast",
        audience_groups=["students"],
    )
    client = as_user(people.lead)
    url = reverse("activities:headcount_add", args=[activity.pk])
    assert (
        client.post(url, {"audience_group": "students", "count": "-3", "method": "counted"}).status_code
        == 400
    )
    assert (
        client.post(url, {"audience_group": "students", "count": "420", "method": "estimated"}).status_code
        == 302
    )
    assert Headcount.objects.get().count == 420


def test_the_door_sign_shows_a_qr_code(as_user, people, activity):
    client = as_user(people.lead)
    page = client.get(reverse("activities:door_sign", args=[activity.pk]))
    assert page.status_code == 200 and activity.checkin_token in page.content.decode()
    image = client.get(reverse("activities:door_qr", args=[activity.pk]))
    assert image["Content-Type"] == "image/png"
    assert as_user(people.outsider).get(reverse("activities:door_qr", args=[activity.pk])).status_code == 404


def test_moving_a_person_needs_a_reason_on_the_page(as_user, people, activity):
    first = sign_up(activity, "张一", PHONES[0])
    client = as_user(people.lead)
    client.post(
        reverse("activities:registration_action", args=[first.pk, "move"]), {"to": "waitlist", "reason": ""}
    )
    first.refresh_from_db()
    assert first.status == Registration.Status.REGISTERED
    client.post(
        reverse("activities:registration_action", args=[first.pk, "move"]),
        {"to": "waitlist", "reason": "本人要求"},
    )
    first.refresh_from_db()
    assert first.status == Registration.Status.WAITLISTED


def test_statistics_page_and_export(as_user, people, place):
    from activities.services import activity_hold, registration_check_in

    activity = lecture(people.lead, place, days=0, room=None)
    first = sign_up(activity, "张一", PHONES[0], now=activity.starts_at - timedelta(hours=1))
    registration_check_in(actor=people.lead, registration=first, now=activity.starts_at)
    activity_hold(actor=people.lead, activity=activity, now=activity.starts_at + timedelta(hours=2))
    client = as_user(people.lead)
    page = client.get(reverse("activities:statistics"))
    assert page.status_code == 200
    assert 'id="total-person-times">1<' in page.content.decode()
    export = client.get(reverse("activities:statistics_export"))
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd.openxmlformats")
