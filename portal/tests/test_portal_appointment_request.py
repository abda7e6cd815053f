"""PRT-1 / SVC-1 on the portal: open hours and who is on duty today on the home page, and asking
for an appointment without logging in — idempotent, limited per client address, nothing stored
when the form is refused."""

from __future__ import annotations

import html
from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orgs.models import DutyException
from orgs.services import duty_exception_add, duty_shift_add, service_site_create
from workflow.models import Appointment
from workflow.selectors.appointments import portal_free_slots
from workflow.services.appointments import PORTAL_REQUEST_LIMIT
from workflow.tests.appointment_support import clinic

pytestmark = pytest.mark.django_db

HOME = reverse("portal:home")
REQUEST = reverse("portal:appointment_request")
REQUESTED = reverse("portal:appointment_requested")


@pytest.fixture
def place(tree, people):
    people.counsellor.full_name = "陈老师"
    people.counsellor.save(update_fields=["full_name"])
    return clinic(tree, people)


@pytest.fixture
def one_site(place):
    """The portal offers the willow site only (the pine site is closed)."""
    place.pine_site.is_active = False
    place.pine_site.save(update_fields=["is_active"])
    return place


def text(response) -> str:
    return html.unescape(response.content.decode())


def on_duty_today(people, room):
    duty_shift_add(
        actor=None,
        counsellor=people.colleague,
        room=room,
        weekday=timezone.localdate().weekday(),
        starts=time(9, 0),
        ends=time(11, 0),
        valid_from=timezone.localdate(),
    )


def request_data(client, **overrides) -> dict:
    page = client.get(REQUEST)
    form = page.context["form"]
    slot = next(iter(form.slots))
    data = {
        "request_key": str(form.initial["request_key"]),
        "site": form.initial["site"],
        "service": "counselling",
        "slot": slot,
        "contact_name": "赵六",
        "contact_phone": "13700001111",
        "contact_sex": "F",
        "contact_age": "34",
        "reason": "和家人吵架",
        "consent": "on",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# The home page


def test_the_home_page_shows_who_is_on_duty_today_by_name_and_room_only(place, people):
    people.colleague.full_name = "李老师"
    people.colleague.save(update_fields=["full_name"])
    on_duty_today(people, place.room2)
    body = text(Client().get(HOME))
    assert "09:00–11:00 · 李老师 · 咨询室2" in body
    assert people.colleague.username not in body  # the display name only
    assert REQUEST in body  # the way to ask for an appointment


def test_leave_today_takes_the_counsellor_off_the_home_page(place, people):
    people.colleague.full_name = "李老师"
    people.colleague.save(update_fields=["full_name"])
    on_duty_today(people, place.room2)
    today = timezone.localdate()
    duty_exception_add(
        actor=None, kind=DutyException.Kind.LEAVE, starts_on=today, ends_on=today, counsellor=people.colleague
    )
    assert "李老师" not in text(Client().get(HOME))


def test_the_home_page_takes_a_constant_number_of_queries(place, people, django_assert_max_num_queries):
    on_duty_today(people, place.room2)
    with django_assert_max_num_queries(6):
        assert Client().get(HOME).status_code == 200


# ---------------------------------------------------------------------------------------------
# Asking for an appointment


def test_with_one_site_the_form_is_shown_at_once_without_login(one_site):
    response = Client().get(REQUEST)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["request_key"]  # made by the server
    assert len(form.slots) == len(portal_free_slots(site=one_site.site)) > 0
    assert 'name="request_key"' in response.content.decode()


def test_with_several_sites_the_person_chooses_one_first(place):
    response = Client().get(REQUEST)
    assert "form" not in response.context
    body = text(response)
    assert "柳岸服务站" in body and "松林服务站" in body
    chosen = Client().get(REQUEST, {"site": place.site.pk})
    assert chosen.context["site"] == place.site


def test_a_resident_asks_for_an_appointment_and_is_thanked(one_site):
    client = Client()
    data = request_data(client)
    response = client.post(REQUEST, data, REMOTE_ADDR="198.51.100.7")
    assert response.status_code == 302 and response["Location"] == REQUESTED
    appointment = Appointment.objects.get()
    assert appointment.channel == Appointment.Channel.PORTAL
    assert appointment.status == Appointment.Status.REQUESTED
    assert appointment.contact_phone == "+8613700001111" and appointment.contact_age == 34
    assert appointment.counsellor is None and appointment.created_by is None
    thanks = text(client.get(REQUESTED))
    assert timezone.localtime(appointment.starts_at).strftime("%Y-%m-%d %H:%M") in thanks
    # Another browser learns nothing about the request.
    other = text(Client().get(REQUESTED))
    assert timezone.localtime(appointment.starts_at).strftime("%Y-%m-%d %H:%M") not in other


def test_a_double_submit_stores_one_request(one_site):
    client = Client()
    data = request_data(client)
    first = client.post(REQUEST, data)
    second = client.post(REQUEST, data)
    assert first.status_code == second.status_code == 302
    assert Appointment.objects.count() == 1


def test_without_consent_nothing_is_stored(one_site):
    client = Client()
    data = request_data(client)
    data.pop("consent")
    response = client.post(REQUEST, data)
    assert response.status_code == 200 and response.context["form"].errors["consent"]
    assert not Appointment.objects.exists()


def test_a_time_that_is_not_offered_is_refused(one_site):
    client = Client()
    monday = timezone.localdate() + timedelta(days=(7 - timezone.localdate().weekday()))
    response = client.post(REQUEST, request_data(client, slot=f"{monday.isoformat()}T09:00"))
    assert response.status_code == 200 and response.context["form"].errors["slot"]
    assert not Appointment.objects.exists()


def test_a_wrong_phone_number_is_refused_with_a_message(one_site):
    client = Client()
    response = client.post(REQUEST, request_data(client, contact_phone="123"))
    assert response.context["form"].errors["contact_phone"]
    assert not Appointment.objects.exists()


def test_requests_are_limited_per_client_address(one_site, people):
    for weekday in range(4):
        duty_shift_add(
            actor=None,
            counsellor=people.colleague,
            room=one_site.room2,
            weekday=weekday,
            starts=time(13, 30),
            ends=time(15, 30),
            valid_from=timezone.localdate(),
        )
    for _n in range(PORTAL_REQUEST_LIMIT):
        client = Client()
        assert client.post(REQUEST, request_data(client), REMOTE_ADDR="203.0.113.5").status_code == 302
    client = Client()
    refused = client.post(REQUEST, request_data(client), REMOTE_ADDR="203.0.113.5")
    assert refused.status_code == 200 and refused.context["form"].non_field_errors()
    assert Appointment.objects.count() == PORTAL_REQUEST_LIMIT


def test_a_closed_site_cannot_be_chosen(place):
    closed = service_site_create(actor=None, name="关闭的站", org_unit=place.site.org_unit)
    closed.is_active = False
    closed.save(update_fields=["is_active"])
    response = Client().get(REQUEST, {"site": closed.pk})
    assert "form" not in response.context


def test_the_request_pages_refuse_other_methods(one_site):
    assert Client().put(REQUEST).status_code == 405
    assert Client().post(REQUESTED).status_code == 405
