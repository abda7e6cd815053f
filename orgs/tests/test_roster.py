"""ORG-3: the duty roster — weekly shifts per counsellor and room, leave, closed rooms and
holidays, who is on duty on a given day, and the roster page under the policy."""

from __future__ import annotations

import html
from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from conftest import login_fully
from orgs.models import DutyException, DutyShift
from orgs.selectors import duty_between, on_duty
from orgs.services import (
    duty_exception_add,
    duty_shift_add,
    duty_shift_end,
    room_create,
    service_site_create,
)

pytestmark = pytest.mark.django_db

ROSTER = reverse("orgs:roster")
ADD_SHIFT = reverse("orgs:roster_shift_add")
ADD_EXCEPTION = reverse("orgs:roster_exception_add")


def _monday_ahead(weeks: int = 8) -> date:
    """A Monday some weeks ahead: far enough that no test runs past it, well within the year ahead
    that the roster accepts (lib.dates.AHEAD_DAYS)."""
    day = timezone.localdate() + timedelta(weeks=weeks)
    return day - timedelta(days=day.weekday())


MONDAY = _monday_ahead()


@pytest.fixture
def rooms(tree):
    willow = service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)
    pine = service_site_create(actor=None, name="松林服务站", org_unit=tree.pine)
    return type(
        "Rooms",
        (),
        {
            "one": room_create(actor=None, site=willow, name="咨询室1", kind="individual", capacity=2),
            "two": room_create(actor=None, site=willow, name="咨询室2", kind="individual", capacity=2),
            "pine": room_create(actor=None, site=pine, name="松林咨询室", kind="individual", capacity=2),
            "willow_site": willow,
            "pine_site": pine,
        },
    )


def demo_pattern(counsellor, room, **extra):
    """The seeds' pattern: Monday to Thursday, 13:30–15:30."""
    return [
        duty_shift_add(
            actor=None,
            counsellor=counsellor,
            room=room,
            weekday=weekday,
            starts=time(13, 30),
            ends=time(15, 30),
            valid_from=extra.get("valid_from", MONDAY - timedelta(days=28)),
            valid_until=extra.get("valid_until"),
        )
        for weekday in range(4)
    ]


def client_for(user) -> Client:
    return login_fully(Client(), user)


def text(response) -> str:
    return html.unescape(response.content.decode())


# ---------------------------------------------------------------------------------------------
# Who is on duty


def test_the_demo_pattern_puts_the_counsellor_on_duty_monday_to_thursday(people, rooms):
    demo_pattern(people.counsellor, rooms.one)
    week = duty_between(first_day=MONDAY, last_day=MONDAY + timedelta(days=6))
    assert [len(week[MONDAY + timedelta(days=n)]) for n in range(7)] == [1, 1, 1, 1, 0, 0, 0]
    [slot] = on_duty(day=MONDAY)
    assert (slot.counsellor, slot.room, slot.site) == (people.counsellor, rooms.one, rooms.willow_site)
    assert (slot.starts, slot.ends) == (time(13, 30), time(15, 30))
    assert timezone.localtime(slot.starts_at).hour == 13


def test_leave_a_closed_room_and_a_holiday_take_shifts_out(people, rooms):
    demo_pattern(people.counsellor, rooms.one)
    demo_pattern(people.colleague, rooms.two)
    tuesday, wednesday, thursday = (MONDAY + timedelta(days=n) for n in (1, 2, 3))
    duty_exception_add(
        actor=None,
        kind=DutyException.Kind.LEAVE,
        starts_on=MONDAY,
        ends_on=tuesday,
        counsellor=people.counsellor,
    )
    duty_exception_add(
        actor=None,
        kind=DutyException.Kind.ROOM_CLOSED,
        starts_on=wednesday,
        ends_on=wednesday,
        room=rooms.two,
    )
    duty_exception_add(actor=None, kind=DutyException.Kind.HOLIDAY, starts_on=thursday, ends_on=thursday)
    who = {
        day: [slot.counsellor for slot in on_duty(day=day)] for day in (MONDAY, tuesday, wednesday, thursday)
    }
    assert who == {
        MONDAY: [people.colleague],
        tuesday: [people.colleague],
        wednesday: [people.counsellor],
        thursday: [],
    }


def test_shifts_apply_only_within_their_validity_and_for_active_staff(people, rooms):
    demo_pattern(people.counsellor, rooms.one, valid_from=MONDAY + timedelta(days=7))
    assert on_duty(day=MONDAY) == []
    assert len(on_duty(day=MONDAY + timedelta(days=7))) == 1
    people.counsellor.is_active = False
    people.counsellor.save(update_fields=["is_active"])
    assert on_duty(day=MONDAY + timedelta(days=7)) == []


def test_on_duty_can_be_narrowed_to_sites(people, rooms):
    demo_pattern(people.counsellor, rooms.one)
    demo_pattern(people.outsider, rooms.pine)
    assert [slot.counsellor for slot in on_duty(day=MONDAY, sites=[rooms.pine_site])] == [people.outsider]
    assert len(on_duty(day=MONDAY)) == 2


def test_duty_for_two_weeks_takes_two_queries(people, rooms, django_assert_num_queries):
    demo_pattern(people.counsellor, rooms.one)
    with django_assert_num_queries(2):
        duty_between(first_day=MONDAY, last_day=MONDAY + timedelta(days=13))


# ---------------------------------------------------------------------------------------------
# Keeping the roster consistent


def test_a_counsellor_cannot_be_on_two_overlapping_shifts(people, rooms):
    demo_pattern(people.counsellor, rooms.one)
    with pytest.raises(ValidationError) as refused:
        duty_shift_add(
            actor=None,
            counsellor=people.counsellor,
            room=rooms.two,
            weekday=0,
            starts=time(15, 0),
            ends=time(17, 0),
            valid_from=MONDAY,
        )
    assert str(people.counsellor) in refused.value.message_dict["starts"][0]


def test_a_room_cannot_hold_two_overlapping_shifts(people, rooms):
    demo_pattern(people.counsellor, rooms.one)
    with pytest.raises(ValidationError) as refused:
        duty_shift_add(
            actor=None,
            counsellor=people.colleague,
            room=rooms.one,
            weekday=1,
            starts=time(14, 0),
            ends=time(16, 0),
            valid_from=MONDAY,
        )
    assert refused.value.message_dict["room"]


def test_shifts_that_follow_each_other_or_do_not_share_weeks_are_fine(people, rooms):
    demo_pattern(people.counsellor, rooms.one, valid_until=MONDAY - timedelta(days=1))
    demo_pattern(people.colleague, rooms.one, valid_from=MONDAY)
    duty_shift_add(
        actor=None,
        counsellor=people.colleague,
        room=rooms.one,
        weekday=0,
        starts=time(15, 30),
        ends=time(17, 0),
        valid_from=MONDAY,
    )
    assert DutyShift.objects.count() == 9


@pytest.mark.parametrize("role", ["worker", "volunteer", "archivist"])
def test_only_counselling_staff_are_put_on_duty(people, rooms, role):
    with pytest.raises(ValidationError) as refused:
        duty_shift_add(
            actor=None,
            counsellor=getattr(people, role),
            room=rooms.one,
            weekday=0,
            starts=time(9),
            ends=time(10),
            valid_from=MONDAY,
        )
    assert refused.value.message_dict["counsellor"]


def test_ending_a_shift_keeps_the_weeks_before(people, rooms):
    [monday_shift, *_rest] = demo_pattern(people.counsellor, rooms.one)
    duty_shift_end(actor=people.director, shift=monday_shift, last_day=MONDAY)
    assert len(on_duty(day=MONDAY)) == 1 and on_duty(day=MONDAY + timedelta(days=7)) == []
    assert AuditEntry.objects.filter(action="duty_shift.ended", object_id=str(monday_shift.pk)).exists()
    with pytest.raises(ValidationError):
        duty_shift_end(actor=people.director, shift=monday_shift, last_day=MONDAY + timedelta(days=7))


def test_ending_a_shift_before_it_starts_removes_it(people, rooms):
    [shift, *_rest] = demo_pattern(people.counsellor, rooms.one, valid_from=MONDAY)
    assert duty_shift_end(actor=people.director, shift=shift, last_day=MONDAY - timedelta(days=1)) is None
    assert not DutyShift.objects.filter(pk=shift.pk).exists()


def test_leave_needs_a_counsellor_and_a_closed_room_needs_a_room(people):
    with pytest.raises(ValidationError) as leave:
        duty_exception_add(actor=None, kind=DutyException.Kind.LEAVE, starts_on=MONDAY, ends_on=MONDAY)
    assert leave.value.message_dict["counsellor"]
    with pytest.raises(ValidationError) as closed:
        duty_exception_add(actor=None, kind=DutyException.Kind.ROOM_CLOSED, starts_on=MONDAY, ends_on=MONDAY)
    assert closed.value.message_dict["room"]


# ---------------------------------------------------------------------------------------------
# The roster page


def test_every_staff_member_sees_the_roster_of_their_scope(people, rooms, django_assert_max_num_queries):
    demo_pattern(people.counsellor, rooms.one)
    demo_pattern(people.outsider, rooms.pine)
    client = client_for(people.counsellor)
    with django_assert_max_num_queries(14):
        response = client.get(ROSTER, {"week": MONDAY.isoformat()})
    body = text(response)
    assert response.status_code == 200
    assert "咨询室1" in body and "松林咨询室" not in body
    assert "shift_form" not in response.context  # a counsellor does not plan the roster
    assert text(client_for(people.worker).get(ROSTER)).count("松林咨询室") == 0


def test_the_roster_page_refuses_a_post_and_needs_a_login(people):
    assert client_for(people.counsellor).post(ROSTER).status_code == 405
    assert Client().get(ROSTER).status_code == 302


def test_a_director_adds_a_shift_from_the_page(people, rooms):
    client = client_for(people.east_director)
    page = client.get(ROSTER)
    assert page.context["shift_form"].fields["room"].queryset.filter(pk=rooms.pine.pk).count() == 0
    response = client.post(
        ADD_SHIFT,
        {
            "counsellor": people.counsellor.pk,
            "room": rooms.one.pk,
            "weekday": 0,
            "starts": "13:30",
            "ends": "15:30",
            "valid_from": MONDAY.isoformat(),
        },
    )
    assert response.status_code == 302
    assert DutyShift.objects.get().counsellor == people.counsellor
    assert AuditEntry.objects.filter(action="duty_shift.added").exists()


def test_an_overlapping_shift_is_refused_on_the_page_with_a_message(people, rooms):
    demo_pattern(people.counsellor, rooms.one)
    response = client_for(people.director).post(
        ADD_SHIFT,
        {
            "counsellor": people.counsellor.pk,
            "room": rooms.two.pk,
            "weekday": 0,
            "starts": "14:00",
            "ends": "16:00",
            "valid_from": MONDAY.isoformat(),
        },
    )
    assert response.status_code == 200 and response.context["shift_form"].errors["starts"]
    assert DutyShift.objects.count() == 4


def test_a_director_cannot_plan_a_room_outside_their_scope(people, rooms):
    response = client_for(people.east_director).post(
        ADD_SHIFT,
        {
            "counsellor": people.counsellor.pk,
            "room": rooms.pine.pk,
            "weekday": 0,
            "starts": "13:30",
            "ends": "15:30",
            "valid_from": MONDAY.isoformat(),
        },
    )
    assert response.status_code == 200 and response.context["shift_form"].errors["room"]
    assert not DutyShift.objects.exists()


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "worker"])
def test_staff_who_do_not_plan_the_roster_change_nothing(people, rooms, role):
    [shift, *_rest] = demo_pattern(people.counsellor, rooms.one)
    exception = duty_exception_add(
        actor=None, kind=DutyException.Kind.HOLIDAY, starts_on=MONDAY, ends_on=MONDAY
    )
    client = client_for(getattr(people, role))
    data = {
        "counsellor": people.counsellor.pk,
        "room": rooms.two.pk,
        "weekday": 4,
        "starts": "9:00",
        "ends": "10:00",
    }
    assert client.post(ADD_SHIFT, {**data, "valid_from": MONDAY.isoformat()}).status_code == 403
    assert (
        client.post(
            ADD_EXCEPTION,
            {
                "kind": "holiday",
                "starts_on": (MONDAY + timedelta(days=25)).isoformat(),
                "ends_on": (MONDAY + timedelta(days=25)).isoformat(),
            },
        ).status_code
        == 403
    )
    end = reverse("orgs:roster_shift_end", args=[shift.pk])
    assert client.post(end, {"last_day": MONDAY.isoformat()}).status_code == 403
    remove = reverse("orgs:roster_exception_remove", args=[exception.pk])
    assert client.post(remove).status_code == 403
    assert DutyShift.objects.count() == 4 and DutyException.objects.count() == 1
    shift.refresh_from_db()
    assert shift.valid_until is None


def test_a_director_ends_a_shift_and_cannot_reach_one_outside_scope(people, rooms):
    [shift, *_rest] = demo_pattern(people.counsellor, rooms.one)
    [pine_shift, *_rest] = demo_pattern(people.outsider, rooms.pine)
    client = client_for(people.east_director)
    response = client.post(
        reverse("orgs:roster_shift_end", args=[shift.pk]), {"last_day": MONDAY.isoformat()}
    )
    assert response.status_code == 302
    shift.refresh_from_db()
    assert shift.valid_until == MONDAY
    response = client.post(
        reverse("orgs:roster_shift_end", args=[pine_shift.pk]), {"last_day": MONDAY.isoformat()}
    )
    assert response.status_code == 404
    pine_shift.refresh_from_db()
    assert pine_shift.valid_until is None
    assert client.get(reverse("orgs:roster_shift_end", args=[shift.pk])).status_code == 405


def test_leave_is_added_from_the_page_and_seen_by_its_counsellor_only(people, rooms):
    client = client_for(people.director)
    response = client.post(
        ADD_EXCEPTION,
        {
            "kind": "leave",
            "starts_on": timezone.localdate().isoformat(),
            "ends_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
            "counsellor": people.counsellor.pk,
            "note": "年假",
        },
    )
    assert response.status_code == 302
    exception = DutyException.objects.get()
    assert exception.created_by == people.director
    assert "年假" in text(client_for(people.counsellor).get(ROSTER))
    assert "年假" not in text(client_for(people.colleague).get(ROSTER))
    response = client.post(reverse("orgs:roster_exception_remove", args=[exception.pk]))
    assert response.status_code == 302 and not DutyException.objects.exists()
    assert AuditEntry.objects.filter(action="duty_exception.removed").exists()


def test_leave_without_a_counsellor_is_refused_on_the_page(people):
    response = client_for(people.director).post(
        ADD_EXCEPTION,
        {
            "kind": "leave",
            "starts_on": MONDAY.isoformat(),
            "ends_on": (MONDAY + timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 200 and response.context["exception_form"].errors["counsellor"]
    assert not DutyException.objects.exists()
