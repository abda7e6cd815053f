"""/api/v1/activities/ and /api/v1/registrations/: the same policy and services as the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Activity, Registration
from activities.tests.support import PHONES, at, lecture, sign_up


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_list_create_and_retrieve(people, place):
    client = api(people.lead)
    created = client.post(
        "/api/v1/activities/",
        {
            "title": "压力管理讲座",
            "kind": "lecture",
            "site": place.site.pk,
            "room": place.hall.pk,
            "starts_at": at(6, 9).isoformat(),
            "ends_at": at(6, 10).isoformat(),
            "capacity": 30,
            "audience_groups": ["residents"],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["status"] == "draft"
    listed = client.get("/api/v1/activities/").json()
    assert [row["id"] for row in listed["results"]] == [pk]
    assert client.get(f"/api/v1/activities/{pk}/").json()["title"] == "压力管理讲座"


def test_a_room_clash_is_a_400_in_chinese_and_writes_nothing(people, place):
    lecture(people.lead, place)
    response = api(people.lead).post(
        "/api/v1/activities/",
        {
            "title": "撞场",
            "kind": "lecture",
            "site": place.site.pk,
            "room": place.hall.pk,
            "starts_at": at(3, 14).isoformat(),
            "ends_at": at(3, 15).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400 and "睡眠与情绪讲座" in response.content.decode()
    assert Activity.objects.count() == 1


def test_registrations_list_create_cancel_and_check_in(people, place):
    soon = timezone.now() + timedelta(minutes=30)
    activity = lecture(people.lead, place, starts_at=soon, ends_at=soon + timedelta(hours=1))
    client = api(people.lead)
    url = f"/api/v1/activities/{activity.pk}/registrations/"
    first = client.post(url, {"name": "张一", "phone": PHONES[0]}, format="json")
    assert first.status_code == 201 and first.json()["status"] == "registered"
    twice = client.post(url, {"name": "张一", "phone": PHONES[0]}, format="json")
    assert twice.status_code == 400 and "已用此手机号报名" in twice.content.decode()
    client.post(url, {"name": "张二", "phone": PHONES[1]}, format="json")
    third = client.post(url, {"name": "张三", "phone": PHONES[2]}, format="json").json()
    assert third["status"] == "waitlisted"
    assert len(client.get(url).json()) == 3
    cancelled = client.post(f"/api/v1/registrations/{first.json()['id']}/cancel/")
    assert cancelled.json()["status"] == "cancelled"
    assert Registration.objects.get(pk=third["id"]).status == "offered"
    for _ in range(2):
        checked = client.post(f"/api/v1/registrations/{third['id']}/check-in/")
        assert checked.status_code == 200 and checked.json()["status"] == "attended"


def test_someone_elses_activity_is_a_404_and_writes_nothing(people, place):
    activity = lecture(people.lead, place)
    registration = sign_up(activity, "张一", PHONES[0])
    client = api(people.outsider)
    assert client.get(f"/api/v1/activities/{activity.pk}/").status_code == 404
    assert client.get(f"/api/v1/activities/{activity.pk}/registrations/").status_code == 404
    assert client.post(f"/api/v1/registrations/{registration.pk}/cancel/").status_code == 404
    assert client.post(f"/api/v1/registrations/{registration.pk}/check-in/").status_code == 404
    registration.refresh_from_db()
    assert registration.status == "registered"


@pytest.mark.parametrize("role", ["worker", "teacher", "finance"])
def test_roles_without_the_permission_are_refused(people, role):
    assert api(getattr(people, role)).get("/api/v1/activities/").status_code == 403


def test_wrong_methods_are_refused(people, place):
    activity = lecture(people.lead, place)
    registration = sign_up(activity, "张一", PHONES[0])
    client = api(people.lead)
    assert client.delete(f"/api/v1/activities/{activity.pk}/").status_code == 405
    assert client.get(f"/api/v1/registrations/{registration.pk}/cancel/").status_code == 405
    assert client.put(f"/api/v1/registrations/{registration.pk}/check-in/").status_code == 405
