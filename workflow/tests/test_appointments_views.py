"""SVC-1 screens: the appointment list, registering, the detail page and its actions, and the day
and week calendar — each allowed, forbidden (403 for the page, 404 for an appointment out of
reach) and refusing the wrong method, with nothing written when refused."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Resident
from archives.services import resident_register
from confidentiality.models import AuditEntry
from conftest import login_fully
from notifications.models import Notification
from workflow.models import Appointment, SlotClaim
from workflow.services.appointments import appointment_complete

from .appointment_support import at, book, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db

LIST = reverse("workflow:appointment_list")
CREATE = reverse("workflow:appointment_create")
CALENDAR = reverse("workflow:appointment_calendar")


def url(name, pk):
    return reverse(f"workflow:{name}", args=[pk])


def client_for(user) -> Client:
    return login_fully(Client(), user)


@pytest.fixture
def on_monday(monday):
    """The clock on the appointments' day, 12:00: check-in opens on the day itself."""
    with time_machine.travel(at(monday, 12), tick=False):
        yield


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


@pytest.fixture
def monday():
    return next_weekday(0)


def text(response) -> str:
    return html.unescape(response.content.decode())


def form_data(place, day, **overrides):
    data = {
        "site": place.site.pk,
        "day": day.isoformat(),
        "starts_at": "13:30",
        "ends_at": "14:30",
        "service": "counselling",
        "channel": "phone",
        "contact_name": "王五",
        "contact_phone": "13912345678",
        "reason": "睡不好",
    }
    data.update(overrides)
    return data


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_todays_appointments_and_waiting_requests(place, people, monday):
    today = timezone.localdate()
    todays = book(people.counsellor, place.site, at(today, 9), contact_name="今天的人")
    book(people.counsellor, place.site, at(monday, 13, 30), contact_name="下周的人")
    client = client_for(people.counsellor)
    body = text(client.get(LIST))
    assert "今天的人" in body and "下周的人" not in body
    # Which appointments were shown, to whom, is audited by id (never the names).
    listed = AuditEntry.objects.filter(
        action="list.viewed", object_type="workflow.appointment", actor=people.counsellor
    ).latest("seq")
    assert listed.details["ids"] == [str(todays.pk)] and "今天的人" not in str(listed.details)
    body = text(client.get(LIST, {"show": "requests"}))
    assert "今天的人" in body and "下周的人" in body
    body = text(client.get(LIST, {"show": "upcoming", "status": "confirmed"}))
    assert "下周的人" not in body


def test_the_list_filters_by_counsellor_and_answers_htmx_with_the_rows_only(place, people, monday):
    confirmed(
        people.counsellor,
        place.site,
        at(monday, 13, 30),
        counsellor=people.counsellor,
        room=place.room1,
        contact_name="甲",
    )
    confirmed(
        people.counsellor,
        place.site,
        at(monday, 13, 30),
        counsellor=people.colleague,
        room=place.room2,
        contact_name="乙",
    )
    response = client_for(people.counsellor).get(
        LIST, {"show": "upcoming", "counsellor": people.colleague.pk}, HTTP_HX_REQUEST="true"
    )
    body = text(response)
    assert "<html" not in body and "乙" in body and "甲" not in body


def test_the_list_shows_only_what_the_policy_lets_one_see(place, people, monday):
    confirmed(
        people.counsellor,
        place.site,
        at(monday, 13, 30),
        counsellor=people.counsellor,
        room=place.room1,
        contact_name="保密的人",
    )
    body = text(client_for(people.outsider).get(LIST, {"show": "upcoming"}))
    assert "保密的人" not in body
    body = text(client_for(people.colleague).get(LIST, {"show": "upcoming"}))
    assert "保密的人" not in body  # assigned to someone else, not created by the colleague


@pytest.mark.parametrize("role", ["worker", "admin", "archivist", "volunteer"])
def test_roles_without_appointment_work_are_refused_the_pages(people, role):
    client = client_for(getattr(people, role))
    assert client.get(LIST).status_code == 403
    assert client.get(CREATE).status_code == 403
    assert client.get(CALENDAR).status_code == 403


def test_the_list_refuses_a_post(people):
    assert client_for(people.counsellor).post(LIST).status_code == 405


def test_the_list_needs_a_login(client):
    response = client.get(LIST)
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_list_takes_a_constant_number_of_queries(place, people, django_assert_max_num_queries):
    today = timezone.localdate()
    for hour in range(8, 18):
        book(people.counsellor, place.site, at(today, hour), contact_name=f"来访者{hour}")
    client = client_for(people.counsellor)
    with django_assert_max_num_queries(
        19
    ):  # incl. the navigation's waiting counts (1) and PostgreSQL's audit lock (1)
        response = client.get(LIST)
    assert response.status_code == 200 and "来访者17" in text(response)


# ---------------------------------------------------------------------------------------------
# Registering


def test_staff_register_an_appointment_and_land_on_its_page(place, people, monday):
    client = client_for(people.counsellor)
    assert client.get(CREATE).status_code == 200
    response = client.post(CREATE, form_data(place, monday))
    appointment = Appointment.objects.get()
    assert response.status_code == 302 and response["Location"] == url("appointment_detail", appointment.pk)
    assert appointment.status == Appointment.Status.REQUESTED and appointment.created_by == people.counsellor
    assert appointment.starts_at == at(monday, 13, 30)


def test_registering_and_confirming_at_once_tells_the_person(place, people, monday):
    client = client_for(people.counsellor)
    data = form_data(place, monday, counsellor=people.counsellor.pk, room=place.room1.pk, confirm_now="on")
    client.post(CREATE, data)
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CONFIRMATION).count() == 1


def test_a_double_booking_on_the_form_names_the_conflict_and_writes_nothing(place, people, monday):
    book(people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    client = client_for(people.colleague)
    response = client.post(
        CREATE, form_data(place, monday, starts_at="14:00", ends_at="15:00", counsellor=people.counsellor.pk)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["counsellor"]
    assert str(people.counsellor) in errors[0] and "13:30" in errors[0]
    assert Appointment.objects.count() == 1 and SlotClaim.objects.count() == 8


def test_a_time_off_the_grid_is_refused_on_the_form(place, people, monday):
    response = client_for(people.counsellor).post(CREATE, form_data(place, monday, starts_at="13:35"))
    assert response.context["form"].errors["starts_at"]
    assert not Appointment.objects.exists()


def test_a_site_outside_ones_scope_cannot_be_chosen(place, people, monday):
    response = client_for(people.outsider).post(CREATE, form_data(place, monday))
    assert response.status_code == 200 and response.context["form"].errors["site"]
    assert not Appointment.objects.exists()


def test_registering_for_a_known_resident_uses_their_details(place, people, tree, monday):
    resident = resident_register(actor=people.worker, name="张三", org_unit=tree.grid, phone="13600001234")
    client = client_for(people.counsellor)
    assert client.get(CREATE, {"resident": resident.pk}).status_code == 200
    data = form_data(place, monday, resident=resident.pk)
    for name in ("contact_name", "contact_phone"):
        data.pop(name)
    client.post(f"{CREATE}?resident={resident.pk}", data)
    appointment = Appointment.objects.get()
    assert appointment.resident == resident and appointment.contact_name == "张三"


def test_registering_for_a_resident_out_of_reach_is_a_404(place, people, tree):
    resident = resident_register(actor=people.outsider, name="李四", org_unit=tree.pine, phone="13600003333")
    assert client_for(people.counsellor).get(CREATE, {"resident": resident.pk}).status_code == 404


def test_the_register_page_refuses_put(people):
    assert client_for(people.counsellor).put(CREATE).status_code == 405


# ---------------------------------------------------------------------------------------------
# The detail page


def test_the_detail_page_shows_the_appointment_and_audits_the_read(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    response = client_for(people.counsellor).get(url("appointment_detail", appointment.pk))
    body = text(response)
    assert response.status_code == 200 and "王五" in body and "睡不好" in body
    assert response.context["confirm_form"].initial == {
        "counsellor": people.counsellor.pk,
        "room": place.room1.pk,
    }  # the counsellor and room on duty then are suggested
    assert AuditEntry.objects.filter(action="appointment.viewed", object_id=str(appointment.pk)).exists()


def test_an_appointment_out_of_reach_is_a_404_and_the_refusal_is_audited(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    for who in (people.outsider, people.colleague):
        assert client_for(who).get(url("appointment_detail", appointment.pk)).status_code == 404
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(appointment.pk)).count() == 2
    assert client_for(people.counsellor).get(url("appointment_detail", 999999)).status_code == 404


def test_the_detail_page_refuses_a_post(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    assert client_for(people.counsellor).post(url("appointment_detail", appointment.pk)).status_code == 405


def test_the_supervisor_and_director_see_their_teams_appointments(place, people, monday):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    for who in (people.supervisor, people.director, people.east_director):
        assert client_for(who).get(url("appointment_detail", appointment.pk)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Actions


def test_confirming_from_the_page(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    client = client_for(people.counsellor)
    response = client.post(
        url("appointment_confirm", appointment.pk),
        {"counsellor": people.counsellor.pk, "room": place.room1.pk},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert Notification.objects.filter(related_id=str(appointment.pk)).count() == 1


def test_confirming_into_a_taken_slot_shows_the_conflict(place, people, monday):
    confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    waiting = book(people.counsellor, place.site, at(monday, 14))
    response = client_for(people.counsellor).post(
        url("appointment_confirm", waiting.pk), {"counsellor": people.counsellor.pk, "room": place.room2.pk}
    )
    assert response.status_code == 200
    assert str(people.counsellor) in response.context["confirm_form"].errors["counsellor"][0]
    waiting.refresh_from_db()
    assert waiting.status == Appointment.Status.REQUESTED


def test_actions_on_an_appointment_out_of_reach_are_404_and_change_nothing(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    client = client_for(people.outsider)
    posts = {
        "appointment_confirm": {"counsellor": people.outsider.pk, "room": place.room1.pk},
        "appointment_check_in": {"who": "new"},
        "appointment_cancel": {"reason": "x"},
        "appointment_no_show": {},
        "appointment_reschedule": {
            "day": monday.isoformat(),
            "starts_at": "14:00",
            "ends_at": "15:00",
            "reason": "x",
        },
    }
    for name, data in posts.items():
        assert client.post(url(name, appointment.pk), data).status_code == 404, name
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED and appointment.starts_at == at(monday, 13, 30)
    assert not Notification.objects.exists()


@pytest.mark.parametrize(
    "name", ["appointment_confirm", "appointment_check_in", "appointment_cancel", "appointment_no_show"]
)
def test_actions_refuse_get(place, people, monday, name):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    assert client_for(people.counsellor).get(url(name, appointment.pk)).status_code == 405


def test_checking_in_a_candidate_found_by_phone(place, people, tree, monday, on_monday):
    resident = resident_register(actor=people.worker, name="赵六", org_unit=tree.grid, phone="13912345678")
    appointment = confirmed(
        people.counsellor,
        place.site,
        at(monday, 13, 30),
        counsellor=people.counsellor,
        room=place.room1,
        contact_name="赵六",
    )
    client = client_for(people.counsellor)
    page = client.get(url("appointment_detail", appointment.pk))
    choices = dict(page.context["check_in_form"].fields["who"].choices)
    assert str(resident.pk) in choices and "new" in choices
    response = client.post(url("appointment_check_in", appointment.pk), {"who": str(resident.pk)})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN and appointment.resident == resident


def test_checking_in_a_new_person_registers_them(place, people, monday, on_monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    response = client_for(people.counsellor).post(url("appointment_check_in", appointment.pk), {"who": "new"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.resident == Resident.objects.get(name="王五")


def test_checking_in_a_resident_one_may_not_see_is_refused(place, people, tree, monday, on_monday):
    stranger = resident_register(actor=people.outsider, name="李四", org_unit=tree.pine, phone="13600003333")
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    client = client_for(people.counsellor)
    response = client.post(url("appointment_check_in", appointment.pk), {"who": str(stranger.pk)})
    assert response.status_code == 200 and response.context["check_in_form"].errors
    response = client.post(
        url("appointment_check_in", appointment.pk), {"archive_number": stranger.archive.number}
    )
    assert response.context["check_in_form"].errors["archive_number"]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED and appointment.resident is None


def test_once_checked_in_the_page_links_to_open_a_case_when_that_page_exists(
    place, people, monday, on_monday
):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    client = client_for(people.counsellor)
    client.post(url("appointment_check_in", appointment.pk), {"who": "new"})
    response = client.get(url("appointment_detail", appointment.pk))
    try:
        target = reverse("workflow:case_open") + f"?appointment={appointment.pk}"
    except NoReverseMatch:
        assert response.context.get("open_case_url") is None
    else:
        assert response.context["open_case_url"] == target and target in response.content.decode()


def test_cancelling_from_the_page_needs_a_reason(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    client = client_for(people.counsellor)
    response = client.post(url("appointment_cancel", appointment.pk), {"reason": ""})
    assert response.status_code == 200 and response.context["cancel_form"].errors["reason"]
    response = client.post(url("appointment_cancel", appointment.pk), {"reason": "来访者取消"})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED


def test_a_no_show_before_the_start_is_refused_with_a_message(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    client = client_for(people.counsellor)
    response = client.post(url("appointment_no_show", appointment.pk), follow=True)
    assert _("An appointment can be marked as a no-show only once it has started.") in text(response)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1),
        ends_at=timezone.now().replace(second=0, microsecond=0),
    )
    assert client.post(url("appointment_no_show", appointment.pk)).status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW


def test_rescheduling_from_the_page_keeps_the_history(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    client = client_for(people.counsellor)
    assert client.get(url("appointment_reschedule", appointment.pk)).status_code == 200
    tuesday = monday + timedelta(days=1)
    response = client.post(
        url("appointment_reschedule", appointment.pk),
        {"day": tuesday.isoformat(), "starts_at": "14:00", "ends_at": "15:00", "reason": "来访者要求"},
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.starts_at == at(tuesday, 14)
    body = text(client.get(url("appointment_detail", appointment.pk)))
    assert "来访者要求" in body and at(monday, 13, 30).strftime("%H:%M") in body


# ---------------------------------------------------------------------------------------------
# The calendar


def test_the_week_calendar_shows_others_appointments_only_as_busy(place, people, monday):
    confirmed(
        people.counsellor,
        place.site,
        at(monday, 13, 30),
        counsellor=people.counsellor,
        room=place.room1,
        contact_name="保密的人",
    )
    mine = client_for(people.counsellor).get(
        CALENDAR, {"by": "counsellor", "counsellor": people.counsellor.pk, "day": monday.isoformat()}
    )
    assert "保密的人" in text(mine)
    theirs = client_for(people.colleague).get(
        CALENDAR, {"by": "counsellor", "counsellor": people.counsellor.pk, "day": monday.isoformat()}
    )
    body = text(theirs)
    assert theirs.status_code == 200
    assert "保密的人" not in body and "13:30–14:30" in body and _("Busy") in body
    [monday_entry] = [entry for entry in theirs.context["days"] if entry.day == monday]
    assert [block.appointment for block in monday_entry.blocks] == [None]
    assert monday_entry.duty  # the duty hours are shown too


def test_the_day_calendar_of_a_room(place, people, monday):
    confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    response = client_for(people.counsellor).get(
        CALENDAR, {"by": "room", "room": place.room1.pk, "view": "day", "day": monday.isoformat()}
    )
    assert response.status_code == 200
    assert [entry.day for entry in response.context["days"]] == [monday]
    assert len(response.context["days"][0].blocks) == 1


def test_a_room_out_of_scope_is_not_offered_on_the_calendar(place, people, monday):
    response = client_for(people.counsellor).get(
        CALENDAR, {"by": "room", "room": place.pine_room.pk, "day": monday.isoformat()}
    )
    assert response.status_code == 200 and response.context["form"].errors["room"]
    assert response.context["days"] == []


def test_the_calendar_refuses_a_post(people):
    assert client_for(people.counsellor).post(CALENDAR).status_code == 405


def test_the_calendar_takes_a_constant_number_of_queries(
    place, people, monday, django_assert_max_num_queries
):
    for offset in range(4):
        day = monday + timedelta(days=offset)
        confirmed(
            people.counsellor, place.site, at(day, 13, 30), counsellor=people.counsellor, room=place.room1
        )
        book(people.colleague, place.site, at(day, 14, 30), counsellor=people.counsellor, room=place.room1)
    client = client_for(people.colleague)
    # +1 on PostgreSQL: the audit chain lock; 2 of them find the free slots (sites one may book, claims).
    with django_assert_max_num_queries(
        24
    ):  # incl. the navigation's waiting counts (1) and PostgreSQL's audit lock (1)
        response = client.get(
            CALENDAR, {"by": "counsellor", "counsellor": people.counsellor.pk, "day": monday.isoformat()}
        )
    assert sum(len(entry.blocks) for entry in response.context["days"]) == 8


def test_the_detail_page_renders_in_every_state(place, people, monday, on_monday):
    client = client_for(people.counsellor)
    # Still ahead of the clock (12:00), so the request may be confirmed.
    requested = book(people.counsellor, place.site, at(monday, 15))
    cancelled = book(people.counsellor, place.site, at(monday, 16))
    client.post(url("appointment_cancel", cancelled.pk), {"reason": "取消"})
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    seen = {}
    for step in ("confirmed", "checked_in", "completed"):
        if step == "checked_in":
            client.post(url("appointment_check_in", appointment.pk), {"who": "new"})
        if step == "completed":
            appointment_complete(actor=people.counsellor, appointment=appointment)
        seen[step] = client.get(url("appointment_detail", appointment.pk))
    seen["requested"] = client.get(url("appointment_detail", requested.pk))
    seen["cancelled"] = client.get(url("appointment_detail", cancelled.pk))
    for status, response in seen.items():
        assert response.status_code == 200, status
        assert response.context["appointment"].status == status
    assert "confirm_form" in seen["requested"].context and "check_in_form" in seen["confirmed"].context
    assert "取消" in text(seen["cancelled"])
    assert not seen["completed"].context["can_cancel"] and not seen["cancelled"].context["can_reschedule"]
