"""/api/v1/appointments/ under the same policy and services as the pages: list, create, retrieve,
confirm, cancel and reschedule; a double booking answers 400 with a clear message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from confidentiality.models import AuditEntry
from notifications.models import Notification
from workflow.models import Appointment, AppointmentChange, SlotClaim

from .appointment_support import at, book, clinic, confirmed, next_weekday

pytestmark = pytest.mark.django_db

APPOINTMENTS = "/api/v1/appointments/"


def one(pk, action="") -> str:
    return f"{APPOINTMENTS}{pk}/{action + '/' if action else ''}"


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return _as


@pytest.fixture
def place(tree, people):
    return clinic(tree, people)


@pytest.fixture
def monday():
    return next_weekday(0)


def payload(place, start, **overrides) -> dict:
    data = {
        "site": place.site.pk,
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "service": "counselling",
        "channel": "phone",
        "contact_name": "王五",
        "contact_phone": "13912345678",
        "reason": "睡不好",
    }
    data.update(overrides)
    return data


def test_staff_register_an_appointment_over_the_api(api, place, people, monday):
    response = api(people.counsellor).post(
        APPOINTMENTS,
        payload(place, at(monday, 13, 30), counsellor=people.counsellor.pk, room=place.room1.pk),
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "requested" and response.data["counsellor"] == people.counsellor.pk
    assert response.data["contact_phone"] == "+8613912345678"
    assert response.data["history"][0]["kind"] == AppointmentChange.Kind.CREATED
    assert Appointment.objects.get().created_by == people.counsellor


def test_staff_register_and_confirm_in_one_call_or_nothing_is_written(api, place, people, monday):
    client = api(people.counsellor)
    refused = client.post(
        APPOINTMENTS,
        payload(place, at(monday, 13, 30), counsellor=people.counsellor.pk, confirm_now=True),
        format="json",
    )
    assert refused.status_code == 400 and "咨询室" in str(refused.data)
    assert not Appointment.objects.exists() and not SlotClaim.objects.exists()
    response = client.post(
        APPOINTMENTS,
        payload(
            place, at(monday, 13, 30), counsellor=people.counsellor.pk, room=place.room1.pk, confirm_now=True
        ),
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["status"] == "confirmed"


def test_a_double_booking_answers_400_naming_the_conflict(api, place, people, monday):
    book(people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1)
    response = api(people.colleague).post(
        APPOINTMENTS,
        payload(place, at(monday, 14), counsellor=people.counsellor.pk, room=place.room2.pk),
        format="json",
    )
    assert response.status_code == 400
    assert (
        str(people.counsellor) in response.data["counsellor"][0] and "13:30" in response.data["counsellor"][0]
    )
    assert Appointment.objects.count() == 1


def test_a_time_off_the_grid_answers_400(api, place, people, monday):
    response = api(people.counsellor).post(APPOINTMENTS, payload(place, at(monday, 13, 31)), format="json")
    assert response.status_code == 400 and response.data["starts_at"]


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"site": 999999}, "site"),
        ({"channel": "portal"}, "channel"),
        ({"room": 999999}, "room"),
        ({"counsellor": 999999}, "counsellor"),
        ({"resident": 999999}, "resident"),
        ({"starts_at": "0001-01-01T00:00:00Z"}, "starts_at"),
        ({"contact_phone": "12"}, "contact_phone"),
    ],
)
def test_bad_input_answers_400_and_writes_nothing(api, place, people, monday, override, field):
    response = api(people.counsellor).post(
        APPOINTMENTS, payload(place, at(monday, 13, 30), **override), format="json"
    )
    assert response.status_code == 400 and field in response.data
    assert not Appointment.objects.exists()


def test_a_site_outside_scope_is_refused(api, place, people, monday):
    response = api(people.outsider).post(APPOINTMENTS, payload(place, at(monday, 13, 30)), format="json")
    assert response.status_code == 400 and response.data["site"]
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("role", ["worker", "admin", "archivist"])
def test_roles_without_appointment_work_get_403(api, place, people, monday, role):
    client = api(getattr(people, role))
    assert client.get(APPOINTMENTS).status_code == 403
    assert client.post(APPOINTMENTS, payload(place, at(monday, 13, 30)), format="json").status_code == 403
    assert not Appointment.objects.exists()


def test_the_list_follows_the_policy_and_filters(api, place, people, monday):
    mine = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    waiting = book(people.counsellor, place.site, at(monday + timedelta(days=1), 13, 30))
    ids = {row["id"] for row in api(people.counsellor).get(APPOINTMENTS).data["results"]}
    assert ids == {mine.pk, waiting.pk}
    assert "reason" not in api(people.counsellor).get(APPOINTMENTS).data["results"][0]
    assert {row["id"] for row in api(people.colleague).get(APPOINTMENTS).data["results"]} == {waiting.pk}
    assert api(people.outsider).get(APPOINTMENTS).data["results"] == []
    only = api(people.counsellor).get(APPOINTMENTS, {"status": "confirmed", "date_from": monday.isoformat()})
    assert [row["id"] for row in only.data["results"]] == [mine.pk]
    later = api(people.counsellor).get(APPOINTMENTS, {"date_from": (monday + timedelta(days=1)).isoformat()})
    assert [row["id"] for row in later.data["results"]] == [waiting.pk]
    assert api(people.counsellor).get(APPOINTMENTS, {"status": "nonsense"}).status_code == 400


def test_the_list_takes_a_constant_number_of_queries(
    api, place, people, monday, django_assert_max_num_queries
):
    for hour in range(9, 17):
        book(people.counsellor, place.site, at(monday, hour), counsellor=people.counsellor, room=place.room1)
    with django_assert_max_num_queries(10):
        response = api(people.counsellor).get(APPOINTMENTS)
    assert response.data["count"] == 8


def test_retrieving_is_audited_and_out_of_reach_is_404(api, place, people, monday):
    appointment = confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    response = api(people.counsellor).get(one(appointment.pk))
    assert response.status_code == 200 and response.data["reason"] == "睡不好，心里烦"
    assert AuditEntry.objects.filter(action="appointment.viewed", object_id=str(appointment.pk)).exists()
    assert api(people.outsider).get(one(appointment.pk)).status_code == 404
    assert api(people.counsellor).get(one(999999)).status_code == 404


def test_confirm_cancel_and_reschedule_as_sub_routes(api, place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    client = api(people.counsellor)
    response = client.post(
        one(appointment.pk, "confirm"),
        {"counsellor": people.counsellor.pk, "room": place.room1.pk},
        format="json",
    )
    assert response.status_code == 200 and response.data["status"] == "confirmed"
    assert Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CONFIRMATION).count() == 1
    tuesday = monday + timedelta(days=1)
    response = client.post(
        one(appointment.pk, "reschedule"),
        {
            "starts_at": at(tuesday, 14).isoformat(),
            "ends_at": at(tuesday, 15).isoformat(),
            "room": place.room2.pk,
            "reason": "来访者要求",
        },
        format="json",
    )
    assert response.status_code == 200 and response.data["room"] == place.room2.pk
    assert [change["kind"] for change in response.data["history"]][-1] == AppointmentChange.Kind.RESCHEDULED
    response = client.post(one(appointment.pk, "cancel"), {"reason": "取消"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "cancelled"
    again = client.post(one(appointment.pk, "cancel"), {"reason": "取消"}, format="json")
    assert again.status_code == 400 and again.data["non_field_errors"]


def test_confirming_into_a_taken_slot_answers_400(api, place, people, monday):
    confirmed(
        people.counsellor, place.site, at(monday, 13, 30), counsellor=people.counsellor, room=place.room1
    )
    waiting = book(people.counsellor, place.site, at(monday, 14))
    response = api(people.counsellor).post(
        one(waiting.pk, "confirm"),
        {"counsellor": people.counsellor.pk, "room": place.room2.pk},
        format="json",
    )
    assert response.status_code == 400 and response.data["counsellor"]
    waiting.refresh_from_db()
    assert waiting.status == Appointment.Status.REQUESTED


def test_actions_on_an_appointment_out_of_reach_are_404_and_change_nothing(api, place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    client = api(people.outsider)
    assert (
        client.post(one(appointment.pk, "confirm"), {"counsellor": 1, "room": 1}, format="json").status_code
        == 404
    )
    assert client.post(one(appointment.pk, "cancel"), {"reason": "x"}, format="json").status_code == 404
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.REQUESTED


def test_wrong_methods_answer_405(api, place, people, monday):
    appointment = book(people.counsellor, place.site, at(monday, 13, 30))
    client = api(people.counsellor)
    assert client.delete(one(appointment.pk)).status_code == 405
    assert client.get(one(appointment.pk, "confirm")).status_code == 405
    assert client.put(APPOINTMENTS, {}, format="json").status_code == 405


def test_the_api_needs_authentication(place):
    assert APIClient().get(APPOINTMENTS).status_code in (401, 403)
