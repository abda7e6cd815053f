"""The visit log: its rules, the signal a worry raises in the same transaction, and what the
volunteer sees of it (only "已转交心理老师")."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from crisis.models import Alert, RiskSignal
from volunteers import services
from volunteers.models import Visit

pytestmark = pytest.mark.django_db


def values(**extra):
    data = {
        "visited_at": timezone.now() - timedelta(hours=1),
        "mode": "home",
        "contact_made": True,
        "duration_minutes": 45,
        "mood": "good",
        "needs": ["loneliness"],
    }
    data.update(extra)
    return data


def test_a_visit_with_a_concern_raises_a_signal_and_an_alert_in_the_same_call(world, people):
    visit, created = services.visit_log(
        actor=people.volunteer,
        assignment=world.assignment,
        **values(concern=True, concern_text="说活着没意思"),
    )
    assert created and visit.passed_on
    signal = RiskSignal.objects.get(pk=visit.signal_id)
    assert signal.resident == world.resident and "说活着没意思" in signal.note
    assert Alert.objects.filter(resident=world.resident).exists()


def test_a_very_low_mood_raises_a_signal_and_a_low_one_does_not(world, people):
    low, _ = services.visit_log(actor=people.volunteer, assignment=world.assignment, **values(mood="low"))
    very_low, _ = services.visit_log(
        actor=people.volunteer, assignment=world.assignment, **values(mood="very_low")
    )
    assert not low.passed_on and very_low.passed_on


@pytest.mark.parametrize(
    "bad, field",
    [
        ({"visited_at": timezone.now() + timedelta(days=1)}, "visited_at"),
        ({"visited_at": timezone.now() - timedelta(days=400)}, "visited_at"),
        ({"contact_made": None}, "contact_made"),
        ({"mode": "telepathy"}, "mode"),
        ({"concern": True, "concern_text": "  "}, "concern_text"),
        ({"duration_minutes": 5000}, "duration_minutes"),
        ({"needs": ["diagnosis"]}, "needs"),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_is_written(world, people, bad, field):
    with pytest.raises(ValidationError) as refused:
        services.visit_log(actor=people.volunteer, assignment=world.assignment, **values(**bad))
    assert field in refused.value.message_dict
    assert Visit.objects.count() == 0 and RiskSignal.objects.count() == 0


def test_a_visit_for_an_ended_assignment_is_refused_and_nothing_is_written(world, people):
    services.assignment_end(actor=people.counsellor, assignment=world.assignment, reason="已搬走")
    world.assignment.refresh_from_db()
    with pytest.raises(ValidationError, match="已结束"):
        services.visit_log(
            actor=people.volunteer, assignment=world.assignment, **values(concern=True, concern_text="x")
        )
    assert Visit.objects.count() == 0 and RiskSignal.objects.count() == 0


def test_only_the_assigned_volunteer_logs_visits(world, people):
    for who in (people.counsellor, people.worker, people.teacher):
        with pytest.raises(PermissionDenied):
            services.visit_log(actor=who, assignment=world.assignment, **values())
    assert Visit.objects.count() == 0


def test_the_same_submission_key_twice_writes_one_visit(world, people):
    key = uuid.uuid4()
    first, created = services.visit_log(
        actor=people.volunteer,
        assignment=world.assignment,
        submission_key=key,
        **values(concern=True, concern_text="担心"),
    )
    again, created_again = services.visit_log(
        actor=people.volunteer,
        assignment=world.assignment,
        submission_key=key,
        **values(concern=True, concern_text="担心"),
    )
    assert created and not created_again and first.pk == again.pk
    assert Visit.objects.count() == 1 and RiskSignal.objects.count() == 1


def form_data(**extra):
    data = {
        "submission_key": str(uuid.uuid4()),
        "visited_at": timezone.localtime(timezone.now() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "mode": "home",
        "contact_made": "yes",
        "duration_minutes": "40",
        "mood": "so_so",
        "needs": ["health"],
        "notes": "",
        "concern": "on",
        "concern_text": "最近常说睡不着，想走了算了",
    }
    data.update(extra)
    return data


def test_through_the_page_the_volunteer_sees_only_the_acknowledgement(world, people, as_user):
    client = as_user(people.volunteer)
    url = reverse("volunteers:visit_create", args=[world.assignment.pk])
    assert client.get(url).status_code == 200
    data = form_data()
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已转交心理老师" in body
    alert = Alert.objects.get(resident=world.resident)
    # Nothing of the signal or alert: no level, no owner, no link to the alert.
    assert reverse("crisis:alert_detail", args=[alert.pk]) not in body
    assert alert.get_level_display() not in body
    # Back + resubmit: the same key writes nothing more.
    assert client.post(url, data).status_code == 302
    assert Visit.objects.count() == 1 and RiskSignal.objects.count() == 1


def test_a_visit_in_the_future_through_the_page_gets_a_chinese_message_and_writes_nothing(
    world, people, as_user
):
    client = as_user(people.volunteer)
    url = reverse("volunteers:visit_create", args=[world.assignment.pk])
    tomorrow = timezone.localtime(timezone.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, form_data(visited_at=tomorrow), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "不能是将来" in response.content.decode() or "将来" in response.content.decode()
    assert Visit.objects.count() == 0 and RiskSignal.objects.count() == 0


def test_a_missing_contact_answer_is_required(world, people, as_user):
    client = as_user(people.volunteer)
    url = reverse("volunteers:visit_create", args=[world.assignment.pk])
    data = form_data()
    del data["contact_made"]
    assert client.post(url, data).status_code == 400
    assert Visit.objects.count() == 0
