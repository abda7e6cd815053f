"""Dates far outside any year the centre can mean are answered with a message, never a 500
(found by the issue 5 security review)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from conftest import login_fully

pytestmark = pytest.mark.django_db

FAR_DATES = ["0001-01-01", "9999-12-31"]


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_the_hotline_list_answers_a_far_date_with_a_message(people, day, field):
    client = login_fully(Client(), people.counsellor)
    response = client.get(reverse("workflow:hotline_list"), {field: day})
    assert response.status_code in (200, 400)
    assert "2000" in response.content.decode()


@pytest.mark.parametrize("day", FAR_DATES)
def test_the_calendar_answers_a_far_day_with_a_message(people, day):
    client = login_fully(Client(), people.counsellor)
    response = client.get(reverse("workflow:appointment_calendar"), {"day": day})
    assert response.status_code in (200, 400)
    assert "2000" in response.content.decode()


@pytest.mark.parametrize("day", FAR_DATES)
@pytest.mark.parametrize("field", ["date_from", "date_to"])
def test_the_appointments_api_refuses_a_far_date_with_400(people, day, field):
    client = APIClient()
    client.force_authenticate(user=people.counsellor)
    response = client.get("/api/v1/appointments/", {field: day})
    assert response.status_code == 400
