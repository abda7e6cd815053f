"""SVC-10 home visits as their own kind of appointment: no room, the visit address (encrypted, by
default the resident's own), a second staff member under the two-person rule, travel that holds
both people's calendars, messages that name the home and never a room, and the visit checklist
kept with the session."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.models import DocumentType
from archives.services import resident_register
from conftest import login_fully
from notifications.models import Notification
from workflow.models import Appointment, SessionRecord, SlotClaim
from workflow.selectors.appointments import calendar_days
from workflow.services.appointments import (
    appointment_cancel,
    appointment_confirm,
    appointment_reminders_queue,
    appointment_reschedule,
)
from workflow.services.sessions import session_record_create

from .appointment_support import at, book, clinic, confirmed, next_weekday
from .case_support import checked_in_appointment

pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db

HOME = "柳岸路8号3单元502室"
VISIT = Appointment.Service.HOME_VISIT


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


@pytest.fixture
def monday():
    return next_weekday(0)


@pytest.fixture
def elder(tree, people):
    return resident_register(
        actor=people.worker,
        name="周奶奶",
        org_unit=tree.grid,
        document_type=DocumentType.NONE,
        phone="13800002222",
        address=HOME,
    )


def visit(people, place, starts_at, **fields):
    """A home visit booked by the counsellor for 周奶奶's phone, not yet confirmed."""
    values = {
        "service": VISIT,
        "contact_name": "周奶奶",
        "contact_phone": "13800002222",
        "reason": "独居，情绪低落",
    }
    values.update(fields)
    return book(people.counsellor, place.site, starts_at, **values)


def confirm_visit(people, appointment, **fields):
    values = {"counsellor": people.counsellor, "companion": people.colleague, "address": HOME}
    values.update(fields)
    return appointment_confirm(actor=people.counsellor, appointment=appointment, **values)


# ---------------------------------------------------------------------------------------------
# The rules of the service


def test_a_home_visit_is_confirmed_without_a_room_and_holds_both_staff_with_travel(people, place, monday):
    appointment = confirm_visit(people, visit(people, place, at(monday, 10)))
    assert appointment.status == Appointment.Status.CONFIRMED and appointment.room is None
    assert (appointment.travel_before_minutes, appointment.travel_after_minutes) == (30, 30)
    claims = SlotClaim.objects.filter(appointment=appointment)
    resources = set(claims.values_list("resource", flat=True))
    assert resources == {f"counsellor:{people.counsellor.pk}", f"counsellor:{people.colleague.pk}"}
    starts = sorted(set(claims.values_list("slot_start", flat=True)))
    assert (starts[0], starts[-1]) == (at(monday, 9, 30), at(monday, 11, 15))


def test_a_room_is_refused_for_a_home_visit(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    with pytest.raises(ValidationError) as error:
        confirm_visit(people, appointment, room=place.room1)
    assert "room" in error.value.message_dict
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED and appointment.room is None


def test_a_home_visit_needs_a_second_staff_member_who_is_someone_else_and_active(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    with pytest.raises(ValidationError) as error:
        confirm_visit(people, appointment, companion=None)
    assert "两人" in " ".join(error.value.message_dict["companion"])
    with pytest.raises(ValidationError) as error:
        confirm_visit(people, appointment, companion=people.counsellor)
    assert "companion" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        confirm_visit(people, appointment, companion=people.volunteer)
    assert "companion" in error.value.message_dict
    people.colleague.is_active = False
    people.colleague.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        confirm_visit(people, appointment)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED and appointment.companion is None
    assert not SlotClaim.objects.filter(appointment=appointment).exists()


def test_the_second_person_may_be_left_out_where_the_rule_asks_for_one(people, place, monday, settings):
    settings.XINQIAO_HOME_VISIT_MIN_PEOPLE = 1
    appointment = confirm_visit(people, visit(people, place, at(monday, 10)), companion=None)
    assert appointment.status == Appointment.Status.CONFIRMED


def test_the_address_is_the_residents_own_unless_another_is_given_and_is_encrypted(
    people, place, monday, elder
):
    appointment = visit(people, place, at(monday, 10), resident=elder, contact_name="", contact_phone="")
    assert appointment.address == HOME
    appointment = confirm_visit(people, appointment, address=None)
    assert appointment.address == HOME
    with connection.cursor() as cursor:
        cursor.execute("SELECT address FROM workflow_appointment WHERE id = %s", [appointment.pk])
        assert HOME not in str(cursor.fetchone()[0])


def test_a_home_visit_without_an_address_is_not_confirmed(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    with pytest.raises(ValidationError) as error:
        confirm_visit(people, appointment, address="")
    assert "address" in error.value.message_dict


@pytest.mark.parametrize("minutes", [-15, 20, 195])
def test_travel_is_on_the_grid_and_bounded(people, place, monday, minutes):
    appointment = visit(people, place, at(monday, 10))
    with pytest.raises(ValidationError) as error:
        confirm_visit(people, appointment, travel_before_minutes=minutes)
    assert "travel_before_minutes" in error.value.message_dict


def test_travel_clashes_with_either_persons_other_appointments_but_not_with_a_room(people, place, monday):
    confirm_visit(people, visit(people, place, at(monday, 10)))
    # The counsellor is on the way there at 09:30.
    with pytest.raises(ValidationError) as error:
        confirmed(
            people.counsellor, place.site, at(monday, 9), counsellor=people.counsellor, room=place.room1
        )
    assert "counsellor" in error.value.message_dict
    # The colleague is on the way back at 11:00, and is named, not the counsellor.
    with pytest.raises(ValidationError) as error:
        confirmed(people.colleague, place.site, at(monday, 11), counsellor=people.colleague, room=place.room1)
    assert people.colleague.full_name in " ".join(error.value.message_dict["counsellor"])
    assert "09:30" in " ".join(error.value.message_dict["counsellor"])
    # No room is held: another counsellor uses room 1 during the visit.
    other = confirmed(
        people.therapist, place.site, at(monday, 10), counsellor=people.therapist, room=place.room1
    )
    assert other.status == Appointment.Status.CONFIRMED


def test_a_second_home_visit_names_the_busy_second_person_on_its_companion_field(people, place, monday):
    confirm_visit(people, visit(people, place, at(monday, 10)))
    second = book(people.therapist, place.site, at(monday, 11, 30), service=VISIT, contact_name="孙爷爷")
    with pytest.raises(ValidationError) as error:
        appointment_confirm(
            actor=people.therapist,
            appointment=second,
            counsellor=people.therapist,
            companion=people.colleague,
            address="柳岸路9号",
        )
    assert "companion" in error.value.message_dict


def test_the_calendar_shows_the_visit_to_both_and_offers_no_free_slot_in_the_travel(people, place, monday):
    # The counsellor is on duty 13:30–15:30; a visit 15:00–15:15 with 30 minutes there and back.
    confirm_visit(
        people,
        visit(people, place, at(monday, 15), minutes=15),
        travel_before_minutes=30,
        travel_after_minutes=30,
    )
    (day,) = calendar_days(user=people.counsellor, first_day=monday, days=1, counsellor=people.counsellor)
    (block,) = day.blocks
    assert block.is_home_visit and (block.busy_from, block.busy_until) == (
        at(monday, 14, 30),
        at(monday, 15, 45),
    )
    assert [(slot.starts_at, slot.ends_at) for slot in day.free] == [(at(monday, 13, 30), at(monday, 14, 30))]
    (day,) = calendar_days(user=people.colleague, first_day=monday, days=1, counsellor=people.colleague)
    (block,) = day.blocks
    assert block.appointment is not None and block.is_home_visit


def test_someone_who_may_not_see_the_visit_sees_the_whole_span_as_busy(people, place, monday):
    confirm_visit(people, visit(people, place, at(monday, 10)))
    (day,) = calendar_days(user=people.outsider, first_day=monday, days=1, counsellor=people.colleague)
    (block,) = day.blocks
    assert block.appointment is None
    assert (block.starts_at, block.ends_at) == (at(monday, 9, 30), at(monday, 11, 30))


# ---------------------------------------------------------------------------------------------
# Messages to the resident


def _body(kind) -> str:
    return Notification.objects.get(kind=kind).body


def test_the_confirmation_names_the_home_and_the_time_never_a_room_or_the_centre(people, place, monday):
    appointment = confirm_visit(people, visit(people, place, at(monday, 10)))
    body = _body(Notification.Kind.APPOINTMENT_CONFIRMATION)
    assert HOME in body and f"{monday:%Y-%m-%d} 10:00" in body and "上门" in body
    assert "咨询室" not in body and "柳岸路1号" not in body and "房间" not in body
    assert "0571-88001234" in body  # whom to call to change it
    assert appointment.reason not in body


def test_the_reminder_names_the_home_and_not_the_centre(people, place):
    tomorrow = timezone.localdate() + timedelta(days=1)
    confirm_visit(people, visit(people, place, at(tomorrow, 10)))
    assert appointment_reminders_queue() == 1
    body = _body(Notification.Kind.APPOINTMENT_REMINDER)
    assert HOME in body and "10:00" in body and "柳岸路1号" not in body and "咨询室" not in body


def test_the_cancellation_names_the_home_and_the_time(people, place, monday):
    appointment = confirm_visit(people, visit(people, place, at(monday, 10)))
    appointment_cancel(actor=people.counsellor, appointment=appointment, reason="家属陪同就医")
    body = Notification.objects.get(dedupe_key=f"appointment:{appointment.pk}:cancellation").body
    assert HOME in body and f"{monday:%Y-%m-%d} 10:00" in body and "取消" in body
    assert "柳岸路1号" not in body and "家属陪同就医" not in body
    assert not SlotClaim.objects.filter(appointment=appointment).exists()


def test_a_visit_at_the_centre_still_names_the_room_and_the_centre(people, place, monday):
    confirmed(people.counsellor, place.site, at(monday, 14), counsellor=people.counsellor, room=place.room1)
    body = _body(Notification.Kind.APPOINTMENT_CONFIRMATION)
    assert "咨询室1" in body and "柳岸路1号" in body


# ---------------------------------------------------------------------------------------------
# The session of a home visit and its checklist


def test_the_session_of_a_home_visit_keeps_the_checklist_with_its_version(people, case, clients, site):
    session = session_record_create(
        actor=people.counsellor,
        case=case,
        held_at=timezone.now() - timedelta(hours=1),
        duration_minutes=60,
        modality="home_visit",
        content="陪同聊天，了解起居",
        address=HOME,
        companions=[people.colleague],
        visit_checklist=["reported_back", "two_people"],
    )
    assert session.visit_checklist == {
        "code": "home_visit",
        "version": "1",
        "done": ["two_people", "reported_back"],
    }
    page = login_fully(Client(), people.counsellor).get(reverse("workflow:session_detail", args=[session.pk]))
    text = page.content.decode()
    assert "两人同行" in text and "现场安全评估" in text and "上门服务" in text


def test_a_checklist_item_that_does_not_exist_is_refused(people, case):
    with pytest.raises(ValidationError) as error:
        session_record_create(
            actor=people.counsellor,
            case=case,
            held_at=timezone.now() - timedelta(hours=1),
            duration_minutes=60,
            modality="home_visit",
            content="陪同聊天",
            address=HOME,
            companions=[people.colleague],
            visit_checklist=["lucky_charm"],
        )
    assert "visit_checklist" in error.value.message_dict
    assert not SessionRecord.objects.exists()


def test_the_session_form_of_a_home_visit_brings_the_second_person_and_the_address(
    people, case, clients, site
):
    appointment = checked_in_appointment(
        people, site, clients.zhang, service=VISIT, address=HOME, companion=people.colleague
    )
    client = login_fully(Client(), people.counsellor)
    page = client.get(reverse("workflow:session_create", args=[case.pk]) + f"?appointment={appointment.pk}")
    initial = page.context["form"].initial
    assert (initial["modality"], initial["address"], initial["companions"]) == (
        "home_visit",
        HOME,
        [people.colleague.pk],
    )
    assert "两人同行" in page.content.decode()


# ---------------------------------------------------------------------------------------------
# The pages and the API


def confirm_url(appointment) -> str:
    return reverse("workflow:appointment_confirm", args=[appointment.pk])


def visit_form(**overrides) -> dict:
    data = {"address": HOME, "travel_before_minutes": "30", "travel_after_minutes": "45"}
    data.update(overrides)
    return data


def test_the_page_of_a_home_visit_offers_no_room_and_fills_in_the_residents_address(
    people, place, monday, elder
):
    appointment = visit(
        people, place, at(monday, 10), resident=elder, contact_name="", contact_phone="", address=""
    )
    appointment.address = ""
    appointment.save(update_fields=["address"])
    page = login_fully(Client(), people.counsellor).get(
        reverse("workflow:appointment_detail", args=[appointment.pk])
    )
    form = page.context["confirm_form"]
    assert "room" not in form.fields and "companion" in form.fields
    assert form.initial["address"] == HOME
    assert 'name="room"' not in page.content.decode()


def test_confirming_a_home_visit_from_the_page(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    client = login_fully(Client(), people.counsellor)
    response = client.post(
        confirm_url(appointment), visit_form(counsellor=people.counsellor.pk, companion=people.colleague.pk)
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert (appointment.status, appointment.companion, appointment.travel_after_minutes) == (
        Appointment.Status.CONFIRMED,
        people.colleague,
        45,
    )
    page = client.get(reverse("workflow:appointment_detail", args=[appointment.pk]))
    assert people.colleague.full_name in page.content.decode()


def test_the_page_shows_why_a_home_visit_without_a_second_person_is_not_confirmed(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    response = login_fully(Client(), people.counsellor).post(
        confirm_url(appointment), visit_form(counsellor=people.counsellor.pk)
    )
    assert response.status_code == 200
    assert "两人同行" in response.context["confirm_form"].errors["companion"][0]
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED


def test_someone_out_of_reach_cannot_confirm_a_home_visit(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    response = login_fully(Client(), people.outsider).post(
        confirm_url(appointment), visit_form(counsellor=people.outsider.pk, companion=people.colleague.pk)
    )
    assert response.status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED and appointment.companion is None


def test_confirming_a_home_visit_refuses_a_get(people, place, monday):
    appointment = visit(people, place, at(monday, 10))
    assert login_fully(Client(), people.counsellor).get(confirm_url(appointment)).status_code == 405


def test_the_calendar_page_marks_the_home_visit_and_leaves_the_address_out(people, place, monday):
    confirm_visit(people, visit(people, place, at(monday, 10)))
    page = login_fully(Client(), people.colleague).get(
        reverse("workflow:appointment_calendar")
        + f"?counsellor={people.colleague.pk}&day={monday.isoformat()}"
    )
    text = page.content.decode()
    assert "上门服务" in text and "周奶奶" in text and "09:30–11:30" in text
    assert HOME not in text


def test_a_home_visit_is_registered_and_confirmed_over_the_api(people, place, monday):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=people.counsellor)
    start = at(monday, 10)
    created = client.post(
        "/api/v1/appointments/",
        {
            "site": place.site.pk,
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=1)).isoformat(),
            "service": "home_visit",
            "channel": "phone",
            "contact_name": "周奶奶",
            "contact_phone": "13800002222",
            "address": HOME,
            "travel_before_minutes": 45,
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert created.data["is_home_visit"] and created.data["travel_before_minutes"] == 45
    pk = created.data["id"]
    refused = client.post(
        f"/api/v1/appointments/{pk}/confirm/", {"counsellor": people.counsellor.pk}, format="json"
    )
    assert refused.status_code == 400 and "companion" in refused.data
    confirmed_ = client.post(
        f"/api/v1/appointments/{pk}/confirm/",
        {"counsellor": people.counsellor.pk, "companion": people.colleague.pk},
        format="json",
    )
    assert confirmed_.status_code == 200, confirmed_.data
    assert confirmed_.data["companion"] == people.colleague.pk and confirmed_.data["room"] is None
    assert SlotClaim.objects.filter(
        resource=f"counsellor:{people.colleague.pk}", slot_start=at(monday, 9, 15)
    ).exists()


# ---------------------------------------------------------------------------------------------
# Rescheduling a home visit: another second person, other travel, kept in the history


def reschedule_url(appointment) -> str:
    return reverse("workflow:appointment_reschedule", args=[appointment.pk])


def test_rescheduling_a_home_visit_changes_the_second_person_and_the_travel_and_the_history_keeps_both(
    people, place, monday
):
    appointment = confirm_visit(people, visit(people, place, at(monday, 10)))
    appointment_reschedule(
        actor=people.counsellor,
        appointment=appointment,
        starts_at=appointment.starts_at,
        ends_at=appointment.ends_at,
        companion=people.therapist,
        travel_before_minutes=45,
        travel_after_minutes=15,
        reason="同事临时有会",
    )
    appointment.refresh_from_db()
    assert appointment.companion == people.therapist
    assert (appointment.travel_before_minutes, appointment.travel_after_minutes) == (45, 15)
    held = set(SlotClaim.objects.filter(appointment=appointment).values_list("resource", flat=True))
    assert held == {f"counsellor:{people.counsellor.pk}", f"counsellor:{people.therapist.pk}"}
    starts = sorted(SlotClaim.objects.filter(appointment=appointment).values_list("slot_start", flat=True))
    assert (starts[0], starts[-1]) == (at(monday, 9, 15), at(monday, 11))
    change = appointment.changes.get(kind="rescheduled")
    assert (change.from_companion, change.to_companion) == (people.colleague, people.therapist)
    assert (change.from_travel, change.to_travel) == ("30/30", "45/15")


def test_the_reschedule_page_of_a_home_visit_offers_the_second_person_and_travel_but_no_room(
    people, place, monday
):
    appointment = confirm_visit(people, visit(people, place, at(monday, 10)))
    client = login_fully(Client(), people.counsellor)
    form = client.get(reschedule_url(appointment)).context["form"]
    assert "room" not in form.fields and {"companion", "travel_before_minutes"} <= set(form.fields)
    assert form["travel_before_minutes"].value() == 30
    response = client.post(
        reschedule_url(appointment),
        {
            "day": monday.isoformat(),
            "starts_at": "10:00",
            "ends_at": "11:00",
            "companion": people.therapist.pk,
            "travel_before_minutes": 30,
            "travel_after_minutes": 30,
            "reason": "同事临时有会",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("workflow:appointment_detail", args=[appointment.pk])).content.decode()
    assert f"第二名工作人员：{people.colleague.full_name} → {people.therapist.full_name}" in page


def test_the_reschedule_page_of_a_visit_at_the_centre_asks_for_no_second_person(people, place, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    form = login_fully(Client(), people.counsellor).get(reschedule_url(appointment)).context["form"]
    assert "room" in form.fields and "companion" not in form.fields


def test_a_home_visit_s_second_person_and_travel_are_changed_over_the_api(people, place, monday):
    from rest_framework.test import APIClient

    appointment = confirm_visit(people, visit(people, place, at(monday, 10)))
    client = APIClient()
    client.force_authenticate(user=people.counsellor)
    moved = client.post(
        f"/api/v1/appointments/{appointment.pk}/reschedule/",
        {
            "starts_at": appointment.starts_at.isoformat(),
            "ends_at": appointment.ends_at.isoformat(),
            "companion": people.therapist.pk,
            "travel_after_minutes": 60,
            "reason": "同事临时有会",
        },
        format="json",
    )
    assert moved.status_code == 200, moved.data
    assert moved.data["companion"] == people.therapist.pk and moved.data["travel_after_minutes"] == 60
    assert moved.data["travel_before_minutes"] == 30
