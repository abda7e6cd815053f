"""Helpers of the activity tests: a site with a hall, and activities made through the services."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from activities.models import Activity, Registration
from activities.services import activity_create, activity_publish, registration_create
from orgs.services import room_create, service_site_create

PHONES = ["13900000001", "13900000002", "13900000003", "13900000004", "13900000005"]


def at(days: int, hour: int, minute: int = 0) -> datetime:
    day = timezone.localdate() + timedelta(days=days)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def make_place(tree) -> SimpleNamespace:
    site = service_site_create(actor=None, name="柳岸活动中心", org_unit=tree.willow, address="柳岸路2号")
    hall = room_create(actor=None, site=site, name="多功能厅", kind="group", capacity=60)
    room = room_create(actor=None, site=site, name="咨询室1", kind="individual", capacity=2)
    pine = service_site_create(actor=None, name="松林活动室", org_unit=tree.pine)
    return SimpleNamespace(site=site, hall=hall, room=room, pine=pine)


def lecture(actor, place, *, publish=True, days=3, **fields) -> Activity:
    values = dict(
        title="睡眠与情绪讲座",
        kind=Activity.Kind.LECTURE,
        site=place.site,
        room=place.hall,
        starts_at=at(days, 14),
        ends_at=at(days, 15, 30),
        capacity=2,
        audience_groups=["residents"],
        speaker_external="李教授",
    )
    values.update(fields)
    activity = activity_create(actor=actor, **values)
    if publish:
        activity = activity_publish(actor=actor, activity=activity)
    return activity


def sign_up(activity, name, phone, **fields) -> Registration:
    return registration_create(activity=activity, name=name, phone=phone, channel="portal", **fields)


@pytest.fixture
def place(tree):
    return make_place(tree)
