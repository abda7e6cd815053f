"""Leave, a closed room or a holiday over booked appointments (ORG-3, issue 18 #6): the clash is
shown, a decision is required, and what is left to rearrange is listed as work."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conftest import login_fully, make_user
from notifications.models import Notification
from orgs.models import DutyException
from orgs.roster_clashes import CANCEL, REASSIGN, RESCHEDULE
from orgs.services import duty_exception_add
from workflow.models import Appointment
from workflow.selectors.appointments import appointments_for_list, appointments_to_rearrange
from workflow.services.appointments import appointment_reschedule
from workflow.tests.appointment_support import at, book, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db

ADD_EXCEPTION = reverse("orgs:roster_exception_add")


@pytest.fixture
def booked(tree, people):
    """A confirmed appointment with the counsellor next Tuesday at 14:00, and the clinic."""
    place = clinic(tree, people)
    day = next_weekday(1)
    appointment = confirmed(
        people.counsellor, place.site, at(day, 14), counsellor=people.counsellor, room=place.room1
    )
    return place, day, appointment


def _leave(people, day, **extra):
    return {
        "kind": "leave",
        "starts_on": day.isoformat(),
        "ends_on": day.isoformat(),
        "counsellor": people.counsellor.pk,
        "note": "病假",
        **extra,
    }


def test_leave_over_a_confirmed_appointment_is_refused_until_a_decision_is_taken(people, booked):
    _place, day, appointment = booked
    client = login_fully(Client(), people.director)
    response = client.post(ADD_EXCEPTION, _leave(people, day))
    assert response.status_code == 200
    body = response.content.decode()
    assert "这段时间里有 1 个已预约的来访，请选择如何处理。" in body
    assert reverse("workflow:appointment_detail", args=[appointment.pk]) in body
    assert "改派给其他咨询师，时间不变" in body and "取消，并通知每位居民" in body
    # What was typed stays in the form for the second step.
    assert 'value="病假"' in body
    assert not DutyException.objects.exists()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


def test_leave_without_bookings_asks_no_question(people, booked):
    _place, day, _appointment = booked
    response = login_fully(Client(), people.director).post(
        ADD_EXCEPTION, _leave(people, day + timedelta(days=7))
    )
    assert response.status_code == 302 and DutyException.objects.count() == 1


def test_cancelling_them_cancels_each_with_the_reason_and_keeps_the_leave(people, booked):
    _place, day, appointment = booked
    response = login_fully(Client(), people.director).post(
        ADD_EXCEPTION, _leave(people, day, decision=CANCEL)
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED
    assert appointment.cancel_reason == "咨询师当天请假。"
    assert DutyException.objects.get().kind == "leave"
    assert not appointments_to_rearrange(user=people.director).exists()
    # "取消，并通知每位居民": the person is told, without the reason (someone else's leave).
    notice = Notification.objects.get(
        kind=Notification.Kind.APPOINTMENT_CANCELLATION, related_id=str(appointment.pk)
    )
    assert notice.recipient_address == appointment.contact_phone
    assert "取消" in notice.body and "请假" not in notice.body


def test_handing_them_over_moves_them_to_the_other_counsellor_at_the_same_time(people, booked):
    _place, day, appointment = booked
    starts = appointment.starts_at
    duty_exception_add(
        actor=people.director,
        kind="leave",
        starts_on=day,
        ends_on=day,
        counsellor=people.counsellor,
        decision=REASSIGN,
        reassign_to=people.colleague,
    )
    appointment.refresh_from_db()
    assert appointment.counsellor == people.colleague and appointment.starts_at == starts
    assert appointment.status == Appointment.Status.CONFIRMED
    assert appointment.changes.filter(kind="rescheduled", note="咨询师当天请假。").exists()
    assert not appointments_to_rearrange(user=people.director).exists()


def test_handing_over_to_someone_already_booked_writes_nothing(people, booked):
    place, day, appointment = booked
    confirmed(
        people.colleague, place.site, appointment.starts_at, counsellor=people.colleague, room=place.room2
    )
    with pytest.raises(ValidationError) as refused:
        duty_exception_add(
            actor=people.director,
            kind="leave",
            starts_on=day,
            ends_on=day,
            counsellor=people.counsellor,
            decision=REASSIGN,
            reassign_to=people.colleague,
        )
    assert "reassign_to" in refused.value.error_dict
    assert not DutyException.objects.exists()
    appointment.refresh_from_db()
    assert appointment.counsellor == people.counsellor


@pytest.mark.parametrize(
    "extra, field",
    [({"decision": REASSIGN}, "reassign_to"), ({"decision": "maybe"}, "decision")],
)
def test_an_incomplete_decision_is_refused_on_its_field(people, booked, extra, field):
    _place, day, _appointment = booked
    with pytest.raises(ValidationError) as refused:
        duty_exception_add(
            actor=people.director,
            kind="leave",
            starts_on=day,
            ends_on=day,
            counsellor=people.counsellor,
            **extra,
        )
    assert field in refused.value.error_dict and not DutyException.objects.exists()


def test_handing_over_to_the_counsellor_on_leave_or_for_a_closed_room_is_refused(people, booked):
    place, day, _appointment = booked
    with pytest.raises(ValidationError) as to_self:
        duty_exception_add(
            actor=people.director,
            kind="leave",
            starts_on=day,
            ends_on=day,
            counsellor=people.counsellor,
            decision=REASSIGN,
            reassign_to=people.counsellor,
        )
    assert "reassign_to" in to_self.value.error_dict
    with pytest.raises(ValidationError) as room:
        duty_exception_add(
            actor=people.director,
            kind="room_closed",
            starts_on=day,
            ends_on=day,
            room=place.room1,
            decision=REASSIGN,
            reassign_to=people.colleague,
        )
    assert "decision" in room.value.error_dict and not DutyException.objects.exists()


def test_kept_appointments_are_listed_to_rearrange_until_each_is_moved(people, booked):
    _place, day, appointment = booked
    duty_exception_add(
        actor=people.director,
        kind="leave",
        starts_on=day,
        ends_on=day,
        counsellor=people.counsellor,
        decision=RESCHEDULE,
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert list(appointments_for_list(user=people.counsellor, show="rearrange")) == [appointment]
    client = login_fully(Client(), people.counsellor)
    listed = client.get(reverse("workflow:appointment_list") + "?show=rearrange").content.decode()
    assert reverse("workflow:appointment_detail", args=[appointment.pk]) in listed
    page = client.get(reverse("workflow:appointment_detail", args=[appointment.pk])).content.decode()
    assert "此预约落在排班的停诊日" in page
    home = client.get(reverse("dashboard:home")).content.decode()
    assert "1 个预约遇上请假、房间关闭或节假日，需改约" in home

    appointment_reschedule(
        actor=people.counsellor,
        appointment=appointment,
        starts_at=appointment.starts_at + timedelta(days=7),
        ends_at=appointment.ends_at + timedelta(days=7),
        reason="咨询师请假，改到下周",
    )
    assert not appointments_to_rearrange(user=people.counsellor).exists()
    page = client.get(reverse("workflow:appointment_detail", args=[appointment.pk])).content.decode()
    assert "此预约落在排班的停诊日" not in page


def test_a_holiday_hits_every_site_and_a_closed_room_only_its_room(people, booked):
    place, day, appointment = booked
    other_room = confirmed(
        people.colleague, place.site, appointment.starts_at, counsellor=people.colleague, room=place.room2
    )
    duty_exception_add(
        actor=people.director,
        kind="room_closed",
        starts_on=day,
        ends_on=day,
        room=place.room2,
        decision=RESCHEDULE,
    )
    assert list(appointments_to_rearrange(user=people.director)) == [other_room]
    DutyException.objects.all().delete()
    duty_exception_add(actor=people.director, kind="holiday", starts_on=day, ends_on=day, decision=RESCHEDULE)
    assert set(appointments_to_rearrange(user=people.director)) == {appointment, other_room}


def test_requests_are_rearranged_too_and_other_days_and_counsellors_are_not(tree, people, booked):
    place, day, appointment = booked
    request = book(people.counsellor, place.site, at(day, 15))
    request.counsellor = people.counsellor
    request.save(update_fields=["counsellor"])
    elsewhere = confirmed(
        people.colleague, place.site, appointment.starts_at, counsellor=people.colleague, room=place.room2
    )
    later = confirmed(
        people.counsellor,
        place.site,
        at(day + timedelta(days=7), 14),
        counsellor=people.counsellor,
        room=place.room1,
    )
    duty_exception_add(
        actor=people.director,
        kind="leave",
        starts_on=day,
        ends_on=day,
        counsellor=people.counsellor,
        decision=RESCHEDULE,
    )
    listed = set(appointments_to_rearrange(user=people.director))
    assert listed == {appointment, request}
    assert elsewhere not in listed and later not in listed


def test_the_clash_list_shows_only_appointments_the_manager_may_see(tree, people, booked):
    """A west-district director adding a holiday is not shown the willow (east) appointment."""
    _place, day, _appointment = booked
    west_director = make_user("west_director_t", "director", tree.west)
    response = login_fully(Client(), west_director).post(
        ADD_EXCEPTION, {"kind": "holiday", "starts_on": day.isoformat(), "ends_on": day.isoformat()}
    )
    assert response.status_code == 302, response.context["exception_form"].errors
    assert not appointments_to_rearrange(user=west_director).exists()
    assert appointments_to_rearrange(user=people.counsellor).exists()


def test_the_to_rearrange_tab_costs_a_fixed_number_of_queries(people, booked, django_assert_max_num_queries):
    place, day, _appointment = booked
    for starts in (at(day, 13, 30), at(day, 15)):
        confirmed(
            people.counsellor, place.site, starts, minutes=30, counsellor=people.counsellor, room=place.room1
        )
    duty_exception_add(
        actor=people.director,
        kind="leave",
        starts_on=day,
        ends_on=day,
        counsellor=people.counsellor,
        decision=RESCHEDULE,
    )
    client = login_fully(Client(), people.counsellor)
    url = reverse("workflow:appointment_list") + "?show=rearrange"
    client.get(url)
    # The list's usual bound (test_appointments_views), with the navigation's one count query.
    with django_assert_max_num_queries(19):
        response = client.get(url)
    assert len(response.context["page"]) == 3


def test_the_second_person_of_a_home_visit_on_leave_puts_the_visit_to_rearrange(tree, people):
    from workflow.tests.test_home_visits import confirm_visit, visit

    place = clinic(tree, people)
    day = next_weekday(2)
    home_visit = confirm_visit(people, visit(people, place, at(day, 10)))
    assert home_visit.companion == people.colleague
    with pytest.raises(ValidationError) as asked:
        duty_exception_add(
            actor=people.director, kind="leave", starts_on=day, ends_on=day, counsellor=people.colleague
        )
    assert "decision" in asked.value.error_dict
    duty_exception_add(
        actor=people.director,
        kind="leave",
        starts_on=day,
        ends_on=day,
        counsellor=people.colleague,
        decision=RESCHEDULE,
    )
    assert list(appointments_to_rearrange(user=people.counsellor)) == [home_visit]
