"""Signing up for activities on the portal (PRG-1): oneself or a child, one registration per
double submit, the registrant's own page (cancel, take an offer) and the door's QR check-in."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.models import Registration
from activities.services import registration_check_in
from activities.tests.support import PHONES, lecture, make_place, sign_up
from archives.services import resident_register
from archives.timeline import provided_entries

S = Registration.Status


@pytest.fixture
def place(tree):
    return make_place(tree)


def signup(client, activity, name, phone, **extra):
    data = {"request_key": str(uuid.uuid4()), "name": name, "phone": phone, **extra}
    return client.post(reverse("portal:activity_signup", args=[activity.pk]), data)


def test_the_portal_lists_published_activities_only(client, people, place):
    shown = lecture(people.lead, place)
    draft = lecture(people.lead, place, publish=False, title="草稿讲座", room=None)
    page = client.get(reverse("portal:activities")).content.decode()
    assert shown.title in page and draft.title not in page
    assert client.get(reverse("portal:activity_signup", args=[draft.pk])).status_code == 404


def test_three_sign_up_and_the_third_waits(client, people, place):
    activity = lecture(people.lead, place)
    for i, name in enumerate(["张一", "张二", "张三"]):
        response = signup(client, activity, name, PHONES[i])
        assert response.status_code == 302
    third = Registration.objects.get(name="张三")
    assert third.status == S.WAITLISTED
    page = client.get(response["Location"]).content.decode()
    assert "候补中" in page


def test_a_double_submit_stores_one_registration(client, people, place):
    activity = lecture(people.lead, place)
    key = str(uuid.uuid4())
    for _ in range(2):
        client.post(
            reverse("portal:activity_signup", args=[activity.pk]),
            {"request_key": key, "name": "张一", "phone": PHONES[0]},
        )
    assert Registration.objects.count() == 1


def test_signing_up_twice_is_refused_on_the_form_and_writes_nothing(client, people, place):
    activity = lecture(people.lead, place)
    signup(client, activity, "张一", PHONES[0])
    response = signup(client, activity, "张一", PHONES[0])
    assert response.status_code == 200 and "已用此手机号报名" in response.content.decode()
    assert Registration.objects.count() == 1


def test_a_guardian_signs_up_a_child(client, people, place):
    activity = lecture(people.lead, place)
    signup(client, activity, "小明", PHONES[0], for_child="on", guardian_name="王妈妈")
    registration = Registration.objects.get()
    assert (registration.name, registration.guardian_name) == ("小明", "王妈妈")


def test_the_registrant_cancels_with_their_link_and_the_next_is_offered(client, people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    sign_up(activity, "张二", PHONES[1])
    third = sign_up(activity, "张三", PHONES[2])
    url = reverse("portal:activity_registration", args=[first.token])
    assert client.post(url, {"action": "cancel"}).status_code == 302
    third.refresh_from_db()
    assert third.status == S.OFFERED
    page = client.get(reverse("portal:activity_registration", args=[third.token])).content.decode()
    assert "确认名额" in page
    client.post(reverse("portal:activity_registration", args=[third.token]), {"action": "accept"})
    third.refresh_from_db()
    assert third.status == S.REGISTERED


def test_an_unknown_link_is_a_404_and_a_wrong_method_is_refused(client, people, place):
    activity = lecture(people.lead, place)
    first = sign_up(activity, "张一", PHONES[0])
    assert client.get(reverse("portal:activity_registration", args=["nope"])).status_code == 404
    assert client.put(reverse("portal:activity_registration", args=[first.token])).status_code == 405
    assert client.delete(reverse("portal:activity_signup", args=[activity.pk])).status_code == 405
    assert client.post(reverse("portal:activities")).status_code == 405
    assert client.get(reverse("portal:activity_door", args=["nope"])).status_code == 404


def test_the_door_page_checks_in_once(client, people, place):
    soon = timezone.now() + timedelta(minutes=20)
    activity = lecture(people.lead, place, starts_at=soon, ends_at=soon + timedelta(hours=1))
    first = sign_up(activity, "张一", PHONES[0])
    url = reverse("portal:activity_door", args=[activity.checkin_token])
    assert "签到成功" in client.post(url, {"phone": PHONES[0]}).content.decode()
    assert "签到成功" in client.post(url, {"phone": PHONES[0]}).content.decode()
    first.refresh_from_db()
    assert first.status == S.ATTENDED
    wrong = client.post(url, {"phone": PHONES[4]})
    assert wrong.status_code == 400 and "没有使用此手机号的报名" in wrong.content.decode()


def test_attendance_appears_on_the_attendees_timeline_as_non_clinical(people, place, tree):
    resident = resident_register(actor=people.counsellor, name="张一", org_unit=tree.willow, phone=PHONES[0])
    activity = lecture(people.lead, place)
    registration = sign_up(activity, "张一", PHONES[0])
    assert registration.resident == resident
    registration_check_in(actor=people.lead, registration=registration, now=activity.starts_at)
    entries = [e for e in provided_entries(resident=resident, clinical=False) if e.kind == "activity"]
    assert len(entries) == 1 and activity.title in entries[0].title and not entries[0].clinical
