"""Helpers shared by the appointment tests: a site with rooms and the demo duty pattern, times on
the grid, and booking through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace

from django.utils import timezone

from orgs.services import duty_shift_add, room_create, service_site_create
from workflow.models import Appointment
from workflow.services.appointments import appointment_confirm, appointment_register

PHONE = "13912345678"


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A timezone-aware local time on ``day``."""
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def next_weekday(weekday: int, *, after: date | None = None) -> date:
    """The first day strictly after ``after`` (default today) that falls on ``weekday``."""
    day = (after or timezone.localdate()) + timedelta(days=1)
    while day.weekday() != weekday:
        day += timedelta(days=1)
    return day


def clinic(tree, people, *, duty: bool = True) -> SimpleNamespace:
    """柳岸服务站 (in 柳岸社区) with two rooms, 松林服务站 (in 松林社区) with one; with ``duty`` the
    demo pattern: the counsellor in room 1, Monday to Thursday 13:30–15:30."""
    site = service_site_create(
        actor=None, name="柳岸服务站", org_unit=tree.willow, address="柳岸路1号", phone="0571-88001234"
    )
    room1 = room_create(actor=None, site=site, name="咨询室1", kind="individual", capacity=2)
    room2 = room_create(actor=None, site=site, name="咨询室2", kind="individual", capacity=2)
    pine_site = service_site_create(actor=None, name="松林服务站", org_unit=tree.pine)
    pine_room = room_create(actor=None, site=pine_site, name="松林咨询室", kind="individual", capacity=2)
    if duty:
        for weekday in range(4):
            duty_shift_add(
                actor=None,
                counsellor=people.counsellor,
                room=room1,
                weekday=weekday,
                starts=time(13, 30),
                ends=time(15, 30),
                valid_from=timezone.localdate() - timedelta(days=30),
            )
    return SimpleNamespace(site=site, room1=room1, room2=room2, pine_site=pine_site, pine_room=pine_room)


def book(actor, site, starts_at: datetime, *, minutes: int = 60, **fields) -> Appointment:
    values = {
        "service": Appointment.Service.COUNSELLING,
        "channel": Appointment.Channel.PHONE,
        "contact_name": "王五",
        "contact_phone": PHONE,
        "reason": "睡不好，心里烦",
        # Set-up books whatever time a test needs; the warnings have their own tests.
        "acknowledged": True,
    }
    values.update(fields)
    return appointment_register(
        actor=actor, site=site, starts_at=starts_at, ends_at=starts_at + timedelta(minutes=minutes), **values
    )


def confirmed(actor, site, starts_at: datetime, *, counsellor, room, **fields) -> Appointment:
    appointment = book(actor, site, starts_at, **fields)
    return appointment_confirm(actor=actor, appointment=appointment, counsellor=counsellor, room=room)
