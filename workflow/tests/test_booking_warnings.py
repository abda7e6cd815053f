"""Issue 18 #8: staff booking a time already past, or a counsellor outside their duty, is warned and
books only when they say so; the same through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_fully
from workflow.models import Appointment
from workflow.tests.appointment_support import at, book, clinic, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


def _register(people, place, starts_at, **extra):
    return book(people.counsellor, place.site, starts_at, acknowledged=False, **extra)


def test_a_time_on_the_counsellors_duty_books_without_a_question(people, place):
    tuesday = next_weekday(1)
    _register(people, place, at(tuesday, 13, 30), counsellor=people.counsellor, room=place.room1)
    assert Appointment.objects.count() == 1


@pytest.mark.parametrize(
    "hour, minute, weekday",
    [(9, 0, 1), (15, 0, 1), (13, 30, 4)],  # before duty, running past its end, a Friday off duty
)
def test_a_counsellor_off_duty_is_warned_and_nothing_is_written(people, place, hour, minute, weekday):
    day = next_weekday(weekday)
    with pytest.raises(ValidationError) as warned:
        _register(people, place, at(day, hour, minute), counsellor=people.counsellor, room=place.room1)
    (message,) = warned.value.message_dict["acknowledged"]
    assert "不在柳岸服务站的值班表上" in message
    assert not Appointment.objects.exists()


def test_a_past_time_is_warned_and_booked_once_acknowledged(people, place):
    past = timezone.localtime().replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    with pytest.raises(ValidationError) as warned:
        _register(people, place, past)
    assert "这个时间已经过去" in warned.value.message_dict["acknowledged"][0]
    book(people.counsellor, place.site, past, acknowledged=True)
    assert Appointment.objects.count() == 1


def test_the_form_asks_to_book_anyway_and_keeps_what_was_typed(people, place):
    client = login_fully(Client(), people.counsellor)
    friday = next_weekday(4)
    data = {
        "site": place.site.pk,
        "day": friday.isoformat(),
        "starts_at": "13:30",
        "ends_at": "14:30",
        "service": "counselling",
        "channel": "phone",
        "counsellor": people.counsellor.pk,
        "room": place.room1.pk,
        "contact_name": "赵六",
        "contact_phone": "13912345678",
        "reason": "周五才有空",
    }
    first = client.get(reverse("workflow:appointment_create")).content.decode()
    assert 'name="acknowledged"' not in first
    response = client.post(reverse("workflow:appointment_create"), data)
    assert response.status_code == 200 and not Appointment.objects.exists()
    body = response.content.decode()
    assert "不在柳岸服务站的值班表上" in body and "仍要登记" in body and 'value="赵六"' in body
    response = client.post(reverse("workflow:appointment_create"), {**data, "acknowledged": "on"})
    assert response.status_code == 302
    assert Appointment.objects.get().reason == "周五才有空"


def test_the_api_refuses_with_the_warning_and_books_when_acknowledged(people, place):
    from rest_framework.authtoken.models import Token
    from rest_framework.test import APIClient

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=people.counsellor).key}")
    friday = next_weekday(4)
    payload = {
        "site": place.site.pk,
        "starts_at": at(friday, 13, 30).isoformat(),
        "ends_at": at(friday, 14, 30).isoformat(),
        "service": "counselling",
        "channel": "phone",
        "contact_name": "赵六",
        "counsellor": people.counsellor.pk,
        "room": place.room1.pk,
    }
    refused = api.post("/api/v1/appointments/", payload, format="json")
    assert refused.status_code == 400 and "acknowledged" in refused.json()
    assert not Appointment.objects.exists()
    booked = api.post("/api/v1/appointments/", {**payload, "acknowledged": True}, format="json")
    assert booked.status_code == 201


def test_confirming_at_once_without_a_room_is_refused_on_the_room_field(people, place):
    tuesday = next_weekday(1)
    response = login_fully(Client(), people.counsellor).post(
        reverse("workflow:appointment_create"),
        {
            "site": place.site.pk,
            "day": tuesday.isoformat(),
            "starts_at": "13:30",
            "ends_at": "14:30",
            "service": "counselling",
            "channel": "phone",
            "counsellor": people.counsellor.pk,
            "contact_name": "赵六",
            "confirm_now": "on",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["room"] == ["请选择咨询室。"]
    assert not Appointment.objects.exists()
