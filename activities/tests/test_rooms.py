"""A room is never double booked between activities and appointments, in either direction
(the workflow sees activities through its room-use registry)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from activities.models import Activity
from activities.tests.support import at, lecture
from workflow.models import Appointment
from workflow.services.appointments import appointment_confirm
from workflow.tests.appointment_support import book


def test_an_activity_cannot_take_a_room_an_appointment_holds(people, place):
    appointment = book(people.counsellor, place.site, at(3, 14, 30))
    appointment_confirm(
        actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.room
    )
    with pytest.raises(ValidationError, match="预约"):
        lecture(people.lead, place, room=place.room)
    assert not Activity.objects.exists()


def test_an_appointment_cannot_be_booked_into_a_room_an_activity_holds(people, place):
    lecture(people.lead, place)
    appointment = book(people.counsellor, place.site, at(3, 15))
    with pytest.raises(ValidationError, match="睡眠与情绪讲座"):
        appointment_confirm(
            actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.hall
        )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED or appointment.room_id is None


def test_a_cancelled_activity_frees_its_room(people, place):
    from activities.services import activity_cancel

    activity = lecture(people.lead, place)
    activity_cancel(actor=people.lead, activity=activity, reason="改期")
    appointment = book(people.counsellor, place.site, at(3, 15))
    appointment_confirm(
        actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.hall
    )
