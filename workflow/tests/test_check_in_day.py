"""Issue 18 #8: check-in is offered on the appointment's day, not days ahead, and the service
refuses it earlier whatever the page shows."""

from __future__ import annotations

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import login_fully
from workflow.models import Appointment
from workflow.services.appointments import appointment_actions, appointment_check_in
from workflow.tests.appointment_support import at, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def appointment(tree, people):
    place = clinic(tree, people)
    tuesday = next_weekday(1, after=next_weekday(1))  # a week and more ahead
    return confirmed(
        people.counsellor, place.site, at(tuesday, 14), counsellor=people.counsellor, room=place.room1
    )


def test_days_ahead_check_in_is_neither_offered_nor_accepted(people, appointment):
    assert "check_in" not in appointment_actions(appointment)
    page = login_fully(Client(), people.counsellor).get(
        reverse("workflow:appointment_detail", args=[appointment.pk])
    )
    body = page.content.decode()
    assert 'id="check-in-form"' not in body and "签到在预约当天开放" in body
    with pytest.raises(ValidationError) as refused:
        appointment_check_in(actor=people.counsellor, appointment=appointment)
    assert "签到在预约当天开放" in refused.value.messages[0]
    response = login_fully(Client(), people.counsellor).post(
        reverse("workflow:appointment_check_in", args=[appointment.pk]), {"who": "new"}
    )
    assert response.status_code in (200, 302)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED and appointment.resident is None


def test_on_the_day_check_in_is_offered_even_before_the_hour(people, appointment):
    with time_machine.travel(at(appointment.starts_at.date(), 8), tick=False):
        assert "check_in" in appointment_actions(appointment)
        client = login_fully(Client(), people.counsellor)
        body = client.get(reverse("workflow:appointment_detail", args=[appointment.pk])).content.decode()
        assert 'id="check-in-form"' in body
        response = client.post(
            reverse("workflow:appointment_check_in", args=[appointment.pk]), {"who": "new"}
        )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN
