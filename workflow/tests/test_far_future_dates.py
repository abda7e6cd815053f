"""Issue 18 #8: appointments, plans, follow-ups, shifts and leave in 2099 were accepted. Work is
planned within a year (what may run longer ends within two: lib.dates), and the message says
the last day that is taken."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import login_fully
from lib.dates import AHEAD_DAYS, AHEAD_DAYS_LONG
from orgs.models import DutyException, DutyShift
from orgs.services import duty_exception_add, duty_shift_add
from workflow.models import Appointment, FollowUpTask, ServicePlan
from workflow.services.cases import service_plan_create
from workflow.services.followups import follow_up_create

from .appointment_support import at, book, clinic, next_weekday
from .case_support import plan_values

pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db

FAR = date(2099, 3, 2)


def test_an_appointment_in_2099_is_refused_on_its_start(people, tree):
    place = clinic(tree, people)
    with pytest.raises(ValidationError) as error:
        book(people.counsellor, place.site, at(FAR, 13, 30))
    assert list(error.value.message_dict) == ["starts_at"]
    assert not Appointment.objects.exists()


def test_an_appointment_within_the_year_is_taken(people, tree):
    place = clinic(tree, people)
    day = next_weekday(0, after=timezone.localdate() + timedelta(days=AHEAD_DAYS - 10))
    assert book(people.counsellor, place.site, at(day, 13, 30)).pk


def test_the_booking_page_answers_2099_with_the_last_day_taken(people, tree):
    place = clinic(tree, people)
    client = login_fully(Client(), people.counsellor)
    response = client.post(
        reverse("workflow:appointment_create"),
        {
            "site": place.site.pk,
            "day": FAR.isoformat(),
            "starts_at": "13:30",
            "ends_at": "14:30",
            "service": "counselling",
            "channel": "phone",
            "contact_name": "王五",
            "contact_phone": "13912345678",
            "reason": "睡不好",
        },
    )
    assert response.status_code == 200 and not Appointment.objects.exists()
    last = (timezone.localdate() + timedelta(days=AHEAD_DAYS)).isoformat()
    assert f"请填写不晚于 {last} 的日期" in response.content.decode()


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("period_start", {"period_start": FAR, "period_end": FAR + timedelta(days=30)}),
        ("period_end", {"period_end": FAR}),
    ],
)
def test_a_plan_running_into_2099_is_refused(people, case, field, changes):
    with pytest.raises(ValidationError) as error:
        service_plan_create(actor=people.counsellor, case=case, **plan_values(**changes))
    assert field in error.value.message_dict and not ServicePlan.objects.exists()


def test_a_plan_may_end_within_two_years(people, case):
    end = timezone.localdate() + timedelta(days=AHEAD_DAYS_LONG)
    assert service_plan_create(actor=people.counsellor, case=case, **plan_values(period_end=end)).pk


def test_a_follow_up_due_in_2099_is_refused(people, clients, case):
    with pytest.raises(ValidationError) as error:
        follow_up_create(
            actor=people.counsellor,
            resident=clients.zhang,
            reason="回访",
            due_on=FAR,
            assignee=people.counsellor,
        )
    assert "due_on" in error.value.message_dict and not FollowUpTask.objects.exists()


@pytest.mark.parametrize(
    ("field", "changes"),
    [("valid_from", {"valid_from": FAR}), ("valid_until", {"valid_until": FAR})],
)
def test_a_shift_pattern_from_or_until_2099_is_refused(people, tree, field, changes):
    place = clinic(tree, people, duty=False)
    values = {"valid_from": timezone.localdate()} | changes
    with pytest.raises(ValidationError) as error:
        duty_shift_add(
            actor=None,
            counsellor=people.counsellor,
            room=place.room1,
            weekday=0,
            starts=time(9),
            ends=time(11),
            **values,
        )
    assert field in error.value.message_dict and not DutyShift.objects.exists()


def test_leave_in_2099_is_refused(people):
    with pytest.raises(ValidationError) as error:
        duty_exception_add(
            actor=None,
            kind=DutyException.Kind.LEAVE,
            starts_on=FAR,
            ends_on=FAR,
            counsellor=people.counsellor,
        )
    assert "starts_on" in error.value.message_dict and not DutyException.objects.exists()
