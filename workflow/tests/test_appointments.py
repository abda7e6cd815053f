"""SVC-1 and PRT-2: the appointment services — registration, portal requests, the states, slot
claims, rescheduling with history, check-in with a resident matched or registered, reminders."""

from __future__ import annotations

import uuid
from datetime import time, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Resident
from archives.services import resident_register
from confidentiality.models import AuditEntry
from core.jobs import run_due_jobs
from notifications.models import Notification
from orgs.models import DutyException
from orgs.services import duty_exception_add, duty_shift_add
from workflow.models import Appointment, AppointmentChange, SlotClaim
from workflow.selectors.appointments import portal_free_slots, resident_candidates
from workflow.services.appointments import (
    PORTAL_REQUEST_LIMIT,
    appointment_cancel,
    appointment_check_in,
    appointment_complete,
    appointment_confirm,
    appointment_mark_no_show,
    appointment_register,
    appointment_reminders_queue,
    appointment_request_from_portal,
    appointment_reschedule,
)

from .appointment_support import at, book, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


@pytest.fixture
def monday():
    return next_weekday(0)


def claims_of(appointment) -> set[str]:
    return set(SlotClaim.objects.filter(appointment=appointment).values_list("resource", flat=True))


def request_from_portal(place, starts_at, *, key=None, **fields):
    values = {
        "request_key": key or uuid.uuid4(),
        "site": place.site,
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "service": Appointment.Service.COUNSELLING,
        "contact_name": "赵六",
        "contact_phone": "13700001111",
        "reason": "和家人吵架",
    }
    values.update(fields)
    return appointment_request_from_portal(**values)


# ---------------------------------------------------------------------------------------------
# Registration by staff


def test_staff_register_a_phone_appointment_which_waits_as_a_request(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30), contact_phone="139 1234 5678")
    assert appointment.status == Appointment.Status.REQUESTED
    assert appointment.contact_phone == "+8613912345678"
    assert appointment.contact_phone_index  # the same blind index as residents' phones
    assert [c.kind for c in appointment.changes.all()] == [AppointmentChange.Kind.CREATED]
    assert not claims_of(appointment)  # nobody and nowhere is held yet
    assert AuditEntry.objects.filter(action="appointment.registered", object_id=str(appointment.pk)).exists()


def test_an_appointment_with_a_counsellor_and_room_holds_both_for_each_slot(place, people, monday):
    appointment = book(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    assert claims_of(appointment) == {f"counsellor:{people.counsellor.pk}", f"room:{place.room1.pk}"}
    assert SlotClaim.objects.filter(appointment=appointment).count() == 8


@pytest.mark.parametrize(
    ("start", "minutes", "field"),
    [((13, 40), 60, "starts_at"), ((13, 30), 50, "ends_at"), ((9, 0), 9 * 60, "ends_at")],
)
def test_times_off_the_grid_or_too_long_are_refused_with_a_message(
    place, people, monday, start, minutes, field
):
    with pytest.raises(ValidationError) as refused:
        book(people.counsellor, place.site, at(monday, *start), minutes=minutes)
    assert refused.value.message_dict[field]
    assert not Appointment.objects.exists()


def test_the_end_must_come_after_the_start(place, people, monday):
    with pytest.raises(ValidationError) as refused:
        appointment_register(
            actor=people.counsellor,
            site=place.site,
            starts_at=at(monday, 14),
            ends_at=at(monday, 13, 30),
            service="counselling",
            channel="phone",
            contact_name="王五",
        )
    assert refused.value.message_dict["ends_at"] == [_("The end must be after the start.")]


def test_the_same_counsellor_cannot_be_booked_twice_and_the_message_names_the_conflict(place, people, monday):
    book(people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    with pytest.raises(ValidationError) as refused:
        book(people.colleague, place.site, at(monday, 14), counsellor=people.counsellor, room=place.room2)
    message = refused.value.message_dict["counsellor"][0]
    assert str(people.counsellor) in message and "13:30" in message and "14:30" in message
    assert Appointment.objects.count() == 1


def test_the_same_room_cannot_be_booked_twice(place, people, monday):
    book(people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    with pytest.raises(ValidationError) as refused:
        book(people.colleague, place.site, at(monday, 14), counsellor=people.colleague, room=place.room1)
    assert place.room1.name in refused.value.message_dict["room"][0]


def test_back_to_back_appointments_do_not_clash(place, people, monday):
    book(people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    book(people.counsellor, place.site, at(monday, 14, 30), counsellor=people.counsellor, room=place.room1)
    assert Appointment.objects.count() == 2


def test_a_room_of_another_site_is_refused(place, people, monday):
    with pytest.raises(ValidationError) as refused:
        book(people.counsellor, place.site, at(monday, 13, 30), room=place.pine_room)
    assert refused.value.message_dict["room"]


def test_staff_outside_the_sites_scope_cannot_register_and_nothing_is_written(place, people, monday):
    with pytest.raises(PermissionDenied):
        book(people.outsider, place.site, at(monday, 13, 30))
    with pytest.raises(PermissionDenied):
        book(people.worker, place.site, at(monday, 13, 30))
    assert not Appointment.objects.exists()
    assert not AuditEntry.objects.filter(action="appointment.registered").exists()


def test_staff_cannot_register_a_portal_request(place, people, monday):
    with pytest.raises(ValidationError) as refused:
        book(people.counsellor, place.site, at(monday, 13, 30), channel=Appointment.Channel.PORTAL)
    assert refused.value.message_dict["channel"]


def test_a_known_residents_name_and_phone_are_used(place, people, monday):
    resident = resident_register(
        actor=people.worker, name="张三", org_unit=people.worker.org_unit, phone="13600001234"
    )
    appointment = book(
        people.counsellor,
        place.site,
        at(monday, 13, 30),
        contact_name="",
        contact_phone="",
        resident=resident,
    )
    assert appointment.contact_name == "张三"
    assert appointment.contact_phone == "+8613600001234"
    assert appointment.contact_phone_index == resident.phone_index


# ---------------------------------------------------------------------------------------------
# Confirmation and the outbox


def test_confirming_assigns_counsellor_and_room_and_queues_a_minimal_confirmation(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    appointment_confirm(
        actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.room1
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert claims_of(appointment) == {f"counsellor:{people.counsellor.pk}", f"room:{place.room1.pk}"}
    message = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_CONFIRMATION)
    assert message.recipient_address == "+8613912345678"
    assert message.related_id == str(appointment.pk)
    assert "13:30" in message.body and "柳岸服务站" in message.body and "咨询室1" in message.body
    assert "睡不好" not in message.body and "睡不好" not in message.subject  # never the reason


def test_a_request_cannot_be_confirmed_twice(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    with pytest.raises(ValidationError) as refused:
        appointment_confirm(
            actor=people.counsellor, appointment=appointment, counsellor=people.colleague, room=place.room2
        )
    assert refused.value.messages == [
        _("Only a requested appointment can be confirmed; this one is %(status)s.")
        % {"status": Appointment.Status.CONFIRMED.label}
    ]
    assert Notification.objects.count() == 1


def test_confirming_into_a_taken_slot_is_refused_and_the_request_stays_waiting(place, people, monday):
    confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    waiting = book(people.colleague, place.site, at(monday, 14))
    with pytest.raises(ValidationError):
        appointment_confirm(
            actor=people.colleague, appointment=waiting, counsellor=people.counsellor, room=place.room2
        )
    waiting.refresh_from_db()
    assert waiting.status == Appointment.Status.REQUESTED and waiting.counsellor is None
    assert not claims_of(waiting)


@pytest.mark.parametrize(
    ("action", "kwargs"),
    [
        (appointment_check_in, {}),
        (appointment_complete, {}),
        (appointment_mark_no_show, {}),
    ],
)
def test_a_request_cannot_skip_confirmation(place, people, monday, action, kwargs):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    with pytest.raises(ValidationError):
        action(actor=people.counsellor, appointment=appointment, **kwargs)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED


def test_staff_who_may_not_see_an_appointment_cannot_act_on_it(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    with pytest.raises(PermissionDenied):
        appointment_cancel(actor=people.outsider, appointment=appointment, reason="x")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED


# ---------------------------------------------------------------------------------------------
# Rescheduling keeps the history


def test_rescheduling_keeps_the_history_and_moves_the_claims(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    tuesday = monday + timedelta(days=1)
    appointment_reschedule(
        actor=people.counsellor,
        appointment=appointment,
        starts_at=at(tuesday, 14),
        ends_at=at(tuesday, 15),
        room=place.room2,
        reason="来访者临时有事",
    )
    change = appointment.changes.get(kind=AppointmentChange.Kind.RESCHEDULED)
    assert change.from_starts_at == at(monday, 13, 30) and change.to_starts_at == at(tuesday, 14)
    assert change.from_room == place.room1 and change.to_room == place.room2
    assert change.note == "来访者临时有事" and change.by == people.counsellor
    # The old time is free again; the new one is held.
    book(people.colleague, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    with pytest.raises(ValidationError):
        book(people.colleague, place.site, at(tuesday, 14), room=place.room2)
    # The contact is told the new time.
    bodies = list(Notification.objects.values_list("subject", flat=True))
    assert len(bodies) == 2


def test_rescheduling_into_a_taken_slot_changes_nothing(place, people, monday):
    first = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    second = confirmed(
        people.counsellor, place.site, at(monday, 14, 30), counsellor=people.counsellor, room=place.room1
    )
    with pytest.raises(ValidationError) as refused:
        appointment_reschedule(
            actor=people.counsellor,
            appointment=second,
            starts_at=at(monday, 14),
            ends_at=at(monday, 15),
            reason="提前",
        )
    assert str(people.counsellor) in refused.value.message_dict["counsellor"][0]
    second.refresh_from_db()
    assert second.starts_at == at(monday, 14, 30)
    assert SlotClaim.objects.filter(appointment=second).count() == 8
    assert SlotClaim.objects.filter(appointment=first).count() == 8


def test_rescheduling_needs_a_reason(place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    with pytest.raises(ValidationError) as refused:
        appointment_reschedule(
            actor=people.counsellor,
            appointment=appointment,
            starts_at=at(monday, 14),
            ends_at=at(monday, 15),
            reason=" ",
        )
    assert refused.value.message_dict["reason"]


# ---------------------------------------------------------------------------------------------
# Cancelling and no-shows free the time


def test_cancelling_frees_the_time_and_keeps_the_reason(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    appointment_cancel(actor=people.counsellor, appointment=appointment, reason="来访者取消")
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED and appointment.cancel_reason == "来访者取消"
    assert not claims_of(appointment)
    book(people.colleague, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    with pytest.raises(ValidationError):
        appointment_cancel(actor=people.counsellor, appointment=appointment, reason="again")


def test_a_no_show_is_recorded_only_once_the_appointment_has_started(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    with pytest.raises(ValidationError):
        appointment_mark_no_show(actor=people.counsellor, appointment=appointment)
    appointment_mark_no_show(actor=people.counsellor, appointment=appointment, now=at(monday, 13, 45))
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    assert not claims_of(appointment)


# ---------------------------------------------------------------------------------------------
# Check-in: matched to a resident, or one is registered


def test_a_portal_request_is_matched_by_phone_to_an_existing_resident_at_check_in(place, people, monday):
    resident = resident_register(
        actor=people.worker, name="赵六", org_unit=people.worker.org_unit, phone="137 0000 1111"
    )
    appointment = request_from_portal(place, at(monday, 13, 30))
    assert resident_candidates(user=people.counsellor, appointment=appointment) == [resident]
    assert resident_candidates(user=people.outsider, appointment=appointment) == []
    appointment_confirm(
        actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.room1
    )
    appointment_check_in(
        actor=people.counsellor, appointment=appointment, resident=resident, now=appointment.starts_at
    )
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN and appointment.resident == resident
    kinds = list(appointment.changes.values_list("kind", flat=True))
    assert kinds[-2:] == [AppointmentChange.Kind.MATCHED, AppointmentChange.Kind.CHECKED_IN]


def test_a_person_without_a_record_is_registered_at_check_in_in_the_sites_unit(place, people, monday):
    appointment = request_from_portal(place, at(monday, 13, 30), contact_sex="F")
    appointment_confirm(
        actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.room1
    )
    appointment_check_in(actor=people.counsellor, appointment=appointment, now=appointment.starts_at)
    resident = Resident.objects.get()
    assert appointment.resident == resident
    assert resident.name == "赵六" and resident.sex == "F" and resident.phone == "+8613700001111"
    assert resident.org_unit == place.site.org_unit
    assert resident.archive.number  # the archives' registration opened the archive
    assert AuditEntry.objects.filter(action="resident.registered", object_id=str(resident.pk)).exists()


def test_registering_at_check_in_refuses_a_duplicate_phone_and_asks_to_choose(place, people, tree, monday):
    resident_register(actor=people.worker, name="别人", org_unit=tree.grid, phone="13700001111")
    appointment = request_from_portal(place, at(monday, 13, 30))
    appointment_confirm(
        actor=people.counsellor, appointment=appointment, counsellor=people.counsellor, room=place.room1
    )
    with pytest.raises(ValidationError) as refused:
        appointment_check_in(actor=people.counsellor, appointment=appointment, now=appointment.starts_at)
    assert refused.value.message_dict["resident"]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert Resident.objects.count() == 1


def test_completing_follows_check_in(place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    appointment_check_in(actor=people.counsellor, appointment=appointment, now=appointment.starts_at)
    appointment_complete(actor=people.counsellor, appointment=appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.COMPLETED
    assert claims_of(appointment)  # a held session keeps its time in the diary
    with pytest.raises(ValidationError):
        appointment_cancel(actor=people.counsellor, appointment=appointment, reason="late")


# ---------------------------------------------------------------------------------------------
# Reminders the day before


def test_reminders_are_queued_once_for_confirmed_appointments_starting_tomorrow(place, people, monday):
    tomorrow_one = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    book(people.counsellor, place.site, at(monday, 14, 30))  # still a request
    confirmed(
        people.counsellor,
        place.site,
        at(monday + timedelta(days=1), 13, 30),
        counsellor=people.counsellor,
        room=place.room1,
    )
    evening_before = at(monday - timedelta(days=1), 18)
    assert appointment_reminders_queue(now=evening_before) == 1
    assert appointment_reminders_queue(now=evening_before) == 0
    reminder = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_REMINDER)
    assert reminder.related_id == str(tomorrow_one.pk)
    assert "13:30" in reminder.body and "睡不好" not in reminder.body


def test_the_reminder_job_is_run_by_the_periodic_jobs(place, people):
    tomorrow = timezone.localdate() + timedelta(days=1)
    appointment = confirmed(
        people.counsellor, place.site, at(tomorrow, 10), counsellor=people.counsellor, room=place.room1
    )
    results = run_due_jobs(only="appointments.remind")
    assert [(name, ok) for name, ok, _message in results] == [("appointments.remind", True)]
    assert Notification.objects.filter(
        kind=Notification.Kind.APPOINTMENT_REMINDER, related_id=str(appointment.pk)
    ).exists()


# ---------------------------------------------------------------------------------------------
# Requests from the portal


def test_the_portal_offers_on_duty_hours_over_the_next_two_weeks(place, people, monday):
    slots = portal_free_slots(site=place.site)
    starts = {slot.starts_at for slot in slots}
    assert at(monday, 13, 30) in starts and at(monday, 14, 30) in starts
    assert at(monday, 15, 30) not in starts  # the shift ends at 15:30
    assert all(slot.starts_at.weekday() < 4 for slot in slots)  # Monday to Thursday only
    assert len(slots) == 2 * 8  # two sessions a day, eight duty days in fourteen


def test_leave_and_booked_time_are_not_offered(place, people, monday):
    duty_exception_add(
        actor=None,
        kind=DutyException.Kind.LEAVE,
        starts_on=monday,
        ends_on=monday,
        counsellor=people.counsellor,
    )
    tuesday = monday + timedelta(days=1)
    confirmed(
        people.counsellor, place.site, at(tuesday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    starts = {slot.starts_at for slot in portal_free_slots(site=place.site)}
    assert at(monday, 13, 30) not in starts and at(monday, 14, 30) not in starts
    assert at(tuesday, 13, 30) not in starts and at(tuesday, 14, 30) in starts


def test_a_waiting_portal_request_takes_the_only_counsellor_on_duty(place, people, monday):
    request_from_portal(place, at(monday, 13, 30))
    starts = {slot.starts_at for slot in portal_free_slots(site=place.site)}
    assert at(monday, 13, 30) not in starts
    with pytest.raises(ValidationError) as refused:
        request_from_portal(place, at(monday, 13, 30))
    assert refused.value.message_dict["slot"]


def test_a_double_submit_of_the_same_request_stores_one_appointment(place, people, monday):
    key = uuid.uuid4()
    first = request_from_portal(place, at(monday, 13, 30), key=key)
    again = request_from_portal(place, at(monday, 13, 30), key=key)
    assert first.pk == again.pk and Appointment.objects.count() == 1
    assert first.channel == Appointment.Channel.PORTAL and first.created_by is None
    assert AuditEntry.objects.filter(action="appointment.requested").count() == 1


def test_a_time_the_portal_does_not_offer_is_refused(place, people, monday):
    with pytest.raises(ValidationError) as refused:
        request_from_portal(place, at(monday, 9))
    assert refused.value.message_dict["slot"]
    with pytest.raises(ValidationError):
        request_from_portal(place, at(monday - timedelta(days=7), 13, 30))
    assert not Appointment.objects.exists()


def test_a_portal_request_needs_a_valid_phone(place, people, monday):
    with pytest.raises(ValidationError) as refused:
        request_from_portal(place, at(monday, 13, 30), contact_phone="12345")
    assert refused.value.message_dict["contact_phone"]


def test_portal_requests_are_limited_per_client_address(tree, people):
    place = clinic(tree, people)
    for weekday in range(4):
        # A second counsellor on duty, so that there is room for many requests.
        duty_shift_add(
            actor=None,
            counsellor=people.colleague,
            room=place.room2,
            weekday=weekday,
            starts=time(13, 30),
            ends=time(15, 30),
            valid_from=timezone.localdate(),
        )
    slots = portal_free_slots(site=place.site)
    for slot in slots[:PORTAL_REQUEST_LIMIT]:
        request_from_portal(place, slot.starts_at, client_ip="203.0.113.9")
    with pytest.raises(ValidationError):
        request_from_portal(place, slots[PORTAL_REQUEST_LIMIT].starts_at, client_ip="203.0.113.9")
    request_from_portal(place, slots[PORTAL_REQUEST_LIMIT].starts_at, client_ip="203.0.113.10")
    assert Appointment.objects.count() == PORTAL_REQUEST_LIMIT + 1
