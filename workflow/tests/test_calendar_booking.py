"""Booking by clicking a free slot in the calendar (issue 18 #9): the duty roster and the bookings
decide what is free, a click opens the booking form filled in, and a resident picker on that form
books for a registered resident. Typed times stay possible."""

from __future__ import annotations

import html
from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from archives.services import resident_register
from confidentiality.models import AuditEntry
from conftest import login_fully, make_user
from workflow.models import Appointment

from .appointment_support import at, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db

CREATE = reverse("workflow:appointment_create")
CALENDAR = reverse("workflow:appointment_calendar")


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


@pytest.fixture
def monday():
    return next_weekday(0)


def week_of(client, counsellor, day):
    response = client.get(CALENDAR, {"by": "counsellor", "counsellor": counsellor.pk, "day": day.isoformat()})
    assert response.status_code == 200
    return {entry.day: entry for entry in response.context["days"]}, html.unescape(response.content.decode())


def spans(entry):
    return [
        (
            timezone.localtime(slot.starts_at).strftime("%H:%M"),
            timezone.localtime(slot.ends_at).strftime("%H:%M"),
        )
        for slot in entry.free
    ]


def test_the_duty_hours_of_a_free_day_are_offered_as_session_long_slots(place, people, monday):
    days, body = week_of(login_fully(Client(), people.counsellor), people.counsellor, monday)
    assert spans(days[monday]) == [("13:30", "14:30"), ("14:30", "15:30")]
    assert spans(days[monday + timedelta(days=4)]) == []  # Friday: nobody on duty
    assert f"{CREATE}?" in body


def test_a_booked_hour_is_not_offered_and_the_rest_of_the_duty_is(place, people, monday):
    confirmed(
        people.counsellor, place.site, at(monday, 13, 45), counsellor=people.counsellor, room=place.room1
    )
    days, _body = week_of(login_fully(Client(), people.counsellor), people.counsellor, monday)
    # 13:45–14:45 is held; the free hour after it starts on the grid right after it.
    assert spans(days[monday]) == []
    tuesday = monday + timedelta(days=1)
    assert spans(days[tuesday]) == [("13:30", "14:30"), ("14:30", "15:30")]


def test_a_room_held_by_another_counsellor_is_not_offered(place, people, monday):
    confirmed(people.colleague, place.site, at(monday, 14, 30), counsellor=people.colleague, room=place.room1)
    days, _body = week_of(login_fully(Client(), people.counsellor), people.counsellor, monday)
    assert spans(days[monday]) == [("13:30", "14:30")]


def test_slots_already_begun_are_not_offered(place, people):
    last_monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday() + 7)
    days, _body = week_of(login_fully(Client(), people.counsellor), people.counsellor, last_monday)
    assert all(entry.free == [] for entry in days.values())
    assert days[last_monday].duty  # the duty is still shown


def test_a_viewer_who_may_not_book_at_the_site_sees_no_free_slot(place, people, tree, monday):
    # A supervisor in another subdistrict may open the calendar of the counsellor they supervise,
    # but may not book at the counsellor's site.
    supervisor = make_user("pine_supervisor_t", Role.SUPERVISOR, tree.pine)
    people.counsellor.supervisor = supervisor
    people.counsellor.save(update_fields=["supervisor"])
    days, body = week_of(login_fully(Client(), supervisor), people.counsellor, monday)
    assert days[monday].duty and days[monday].free == []
    assert f"{CREATE}?" not in body


def test_a_free_slot_opens_the_booking_form_filled_in_and_books_on_submit(place, people, monday):
    client = login_fully(Client(), people.counsellor)
    days, _body = week_of(client, people.counsellor, monday)
    slot = days[monday].free[1]
    form_page = client.get(f"{CREATE}?{slot.booking_query}")
    assert form_page.status_code == 200
    initial = form_page.context["form"].initial
    assert initial["starts_at"] == "14:30" and initial["ends_at"] == "15:30"
    assert initial["day"] == monday.isoformat()
    body = form_page.content.decode()
    assert 'value="14:30"' in body and f'value="{place.room1.pk}" selected' in body
    data = {key: values[0] for key, values in parse_qs(slot.booking_query).items()}
    data.update(
        service=Appointment.Service.COUNSELLING,
        channel=Appointment.Channel.PHONE,
        contact_name="王五",
        contact_phone="13912345678",
        confirm_now="on",
    )
    response = client.post(CREATE, data)
    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert appointment.status == Appointment.Status.CONFIRMED
    assert (appointment.counsellor, appointment.room) == (people.counsellor, place.room1)
    assert appointment.starts_at == at(monday, 14, 30)
    days, _body = week_of(client, people.counsellor, monday)
    assert spans(days[monday]) == [("13:30", "14:30")]


def test_a_prefilled_time_is_still_checked_when_sent(place, people, monday):
    client = login_fully(Client(), people.counsellor)
    response = client.post(
        CREATE,
        {
            "site": place.site.pk,
            "day": monday.isoformat(),
            "starts_at": "14:30",
            "ends_at": "14:00",
            "service": Appointment.Service.COUNSELLING,
            "channel": Appointment.Channel.PHONE,
            "contact_name": "王五",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["ends_at"]
    assert not Appointment.objects.exists()


def test_a_nonsense_prefill_renders_the_form_without_a_server_error(place, people):
    response = login_fully(Client(), people.counsellor).get(
        CREATE, {"day": "not-a-day", "starts_at": "25:99", "room": "x", "site": "999999"}
    )
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# The resident picker


def test_the_picker_finds_residents_in_scope_only_and_the_search_is_audited(place, people, tree):
    resident_register(actor=people.worker, name="张三", org_unit=tree.grid, phone="13600001234")
    resident_register(actor=people.outsider, name="张三丰", org_unit=tree.pine, phone="13600003333")
    client = login_fully(Client(), people.counsellor)
    response = client.get(CREATE, {"q": "张三"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "张三" in body and "张三丰" not in body
    assert "<form" not in body  # only the partial
    assert AuditEntry.objects.filter(actor=people.counsellor, action__contains="search").exists()


def test_a_picked_resident_is_booked_with_their_registered_name_and_phone(place, people, tree, monday):
    resident = resident_register(actor=people.worker, name="张三", org_unit=tree.grid, phone="13600001234")
    client = login_fully(Client(), people.counsellor)
    response = client.post(
        CREATE,
        {
            "resident": resident.pk,
            "site": place.site.pk,
            "day": monday.isoformat(),
            "starts_at": "13:30",
            "ends_at": "14:30",
            "service": Appointment.Service.COUNSELLING,
            "channel": Appointment.Channel.PHONE,
        },
    )
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.resident == resident and appointment.contact_name == "张三"


def test_find_inside_the_form_keeps_what_was_typed(place, people, tree, monday):
    resident_register(actor=people.worker, name="张三", org_unit=tree.grid, phone="13600001234")
    client = login_fully(Client(), people.counsellor)
    response = client.post(
        CREATE,
        {"search": "1", "q": "张三", "site": place.site.pk, "reason": "睡不好", "starts_at": "13:30"},
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "睡不好" in body and 'value="13:30"' in body and "张三" in body
    assert not Appointment.objects.exists()


def test_a_resident_out_of_scope_cannot_be_picked_by_id(place, people, tree, monday):
    hidden = resident_register(actor=people.outsider, name="李四", org_unit=tree.pine, phone="13600003333")
    response = login_fully(Client(), people.counsellor).post(
        CREATE,
        {
            "resident": hidden.pk,
            "site": place.site.pk,
            "day": monday.isoformat(),
            "starts_at": "13:30",
            "ends_at": "14:30",
            "service": Appointment.Service.COUNSELLING,
            "channel": Appointment.Channel.PHONE,
        },
    )
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_the_picker_is_refused_to_those_who_do_not_book(place, people):
    for user in (people.teacher, people.volunteer, people.finance):
        response = login_fully(Client(), user).get(CREATE, {"q": "张"}, headers={"HX-Request": "true"})
        assert response.status_code in (403, 404)


def test_the_booking_form_refuses_other_methods(people):
    assert login_fully(Client(), people.counsellor).put(CREATE).status_code == 405
