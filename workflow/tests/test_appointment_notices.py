"""Issue 18 #7 (PRT-2): a cancelled appointment is announced to the person who asked for it, and a
request whose time has gone by cannot be confirmed (the service refuses it, the page does not
offer it)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_fully
from notifications.models import Notification
from workflow.models import Appointment
from workflow.services.appointments import appointment_actions, appointment_cancel, appointment_confirm

from .appointment_support import at, book, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


@pytest.fixture
def monday():
    return next_weekday(0)


def _past(appointment: Appointment, *, hours: int = 2) -> Appointment:
    # Registering refuses a past time; a request left waiting until its time passed is made so.
    starts = timezone.now() - timedelta(hours=hours)
    Appointment.objects.filter(pk=appointment.pk).update(
        starts_at=starts, ends_at=starts + timedelta(hours=1)
    )
    appointment.refresh_from_db()
    return appointment


# ---------------------------------------------------------------------------------------------
# Cancellation notice


def test_cancelling_a_confirmed_appointment_queues_a_notice_with_time_and_place_but_not_the_reason(
    place, people, monday, django_capture_on_commit_callbacks
):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(actor=people.counsellor, appointment=appointment, reason="咨询师生病请假")
    notice = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_CANCELLATION)
    assert notice.recipient_address == "+8613912345678" and notice.recipient_name == "王五"
    assert notice.related_id == str(appointment.pk)
    assert "柳岸服务站" in notice.body and "13:30" in notice.body and "已取消" in notice.body
    assert "0571-88001234" in notice.body  # where to book again
    assert "生病" not in notice.body and "生病" not in notice.subject  # never the reason
    # The default channel reaches nobody: the notice waits on the list of calls to make.
    assert notice.status == Notification.Status.TO_RELAY


def test_cancelling_a_request_queues_one_notice_even_if_the_cancel_is_sent_twice(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    appointment_cancel(actor=people.counsellor, appointment=appointment, reason="来访者来电取消")
    with pytest.raises(ValidationError):
        appointment_cancel(actor=people.counsellor, appointment=appointment, reason="again")
    assert Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CANCELLATION).count() == 1


def test_a_request_without_a_phone_number_is_cancelled_without_a_notice(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30), contact_phone="")
    appointment_cancel(actor=people.counsellor, appointment=appointment, reason="重复登记")
    assert not Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CANCELLATION).exists()


# ---------------------------------------------------------------------------------------------
# No confirmation for a time gone by


def test_confirming_a_request_whose_time_has_passed_is_refused_in_chinese_and_nothing_is_queued(
    place, people, monday
):
    appointment = _past(book(people.counsellor, place.site, at(monday, 13, 30)))
    with pytest.raises(ValidationError) as refused:
        appointment_confirm(
            actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.room1
        )
    assert "已经过去" in refused.value.messages[0]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED
    assert not Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CONFIRMATION).exists()


def test_a_request_in_the_future_is_still_offered_for_confirmation(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    assert "confirm" in appointment_actions(appointment)
    assert "confirm" not in appointment_actions(_past(appointment))


def test_the_page_of_a_past_request_offers_no_confirmation_and_says_why(place, people, monday):
    appointment = _past(book(people.counsellor, place.site, at(monday, 13, 30)))
    client = login_fully(Client(), people.counsellor)
    response = client.get(reverse("workflow:appointment_detail", args=[appointment.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="confirm-form"' not in body
    assert 'id="too-late-to-confirm"' in body


def test_posting_a_confirmation_for_a_past_request_shows_the_refusal_and_confirms_nothing(
    place, people, monday
):
    appointment = _past(book(people.counsellor, place.site, at(monday, 13, 30)))
    client = login_fully(Client(), people.counsellor)
    response = client.post(
        reverse("workflow:appointment_confirm", args=[appointment.pk]),
        {"counsellor": people.counsellor.pk, "room": place.room1.pk},
        follow=True,
    )
    assert response.status_code in (200, 400)
    assert "已经过去" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED


def test_a_past_session_entered_as_history_is_confirmed_without_telling_anyone_to_come(place, people, monday):
    last_week = monday - timedelta(days=7)
    appointment = book(
        people.counsellor,
        place.site,
        at(last_week, 13, 30),
        counsellor=people.counsellor,
        room=place.room1,
        confirm_now=True,
    )
    assert appointment.status == Appointment.Status.CONFIRMED
    assert not Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CONFIRMATION).exists()


@pytest.mark.parametrize(
    ("channel", "phone", "said"),
    [
        ("outbox", "13912345678", "确认消息已放入“待电话转达”清单"),
        ("outbox", "", "没有登记联系电话，请自行告知本人"),
        ("sms", "13912345678", "系统已向本人发送确认消息"),
    ],
)
def test_the_confirmation_page_says_truly_how_the_person_will_hear_of_it(
    place, people, monday, settings, channel, phone, said
):
    settings.XINQIAO_NOTIFICATION_CHANNEL = channel
    appointment = book(people.counsellor, place.site, at(monday, 13, 30), contact_phone=phone)
    response = login_fully(Client(), people.counsellor).post(
        reverse("workflow:appointment_confirm", args=[appointment.pk]),
        {"counsellor": people.counsellor.pk, "room": place.room1.pk},
        follow=True,
    )
    assert said in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
