"""Whom an alert can be given to (policy.filter_alert_handlers) is exactly who may handle it
(policy.can_handle_alert): the assign form never offers someone the service would refuse, nor
leaves out someone it would accept."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from confidentiality import policy
from confidentiality.models import AccessGrant
from confidentiality.roles import Role
from conftest import make_user
from crisis.models import AlertEvent
from workflow.tests.followup_hotline_support import make_case

from .alert_support import client_of, make_alert

pytestmark = pytest.mark.django_db


def assert_handlers_match_the_policy(alert) -> set[str]:
    users = list(get_user_model().objects.all())
    offered = set(policy.filter_alert_handlers(alert, get_user_model().objects.all()))
    for user in users:
        assert (user in offered) == policy.can_handle_alert(user, alert), user.username
    return {user.username for user in offered}


def test_the_handlers_of_a_persons_alert_are_exactly_those_the_policy_lets_handle_it(people, tree):
    elsewhere = make_user("school_supervisor_t", Role.SUPERVISOR, tree.school)
    pine_counsellor = make_user("pine_counsellor_t", Role.COUNSELLOR, tree.pine)
    lapsed = make_user("lapsed_t", Role.THERAPIST, tree.school)
    people.counsellor.supervisor = elsewhere
    people.counsellor.save(update_fields=["supervisor"])
    resident = client_of(people, tree.pine, "孙七", responsible=[people.counsellor])
    make_case(resident, people.colleague, "C-9001")
    for requester, expires in ((people.therapist, timedelta(days=1)), (lapsed, timedelta(days=-1))):
        AccessGrant.objects.create(
            archive=resident.archive,
            requester=requester,
            kind=AccessGrant.Kind.REQUEST,
            reason="会诊",
            status=AccessGrant.Status.APPROVED,
            expires_at=timezone.now() + expires,
        )
    alert = make_alert(level="orange", org_unit=tree.pine, resident=resident)
    AlertEvent.objects.create(
        alert=alert, kind=AlertEvent.Kind.ESCALATED, at=timezone.now(), to_user=people.east_director
    )

    handlers = assert_handlers_match_the_policy(alert)

    assert {
        "counsellor_t",  # responsible for the archive
        "school_supervisor_t",  # supervises the responsible counsellor
        "colleague_t",  # holds a case of the person
        "therapist_t",  # an approved grant
        "east_director_t",  # the alert was escalated to them
        "pine_counsellor_t",  # the alert's unit
        "director_t",  # a unit above
    } <= handlers
    assert not {"lapsed_t", "worker_t", "archivist_t", "teacher_t"} & handlers
    assert pine_counsellor.username in handlers


def test_the_handlers_of_an_anonymous_callers_alert_are_the_staff_of_its_unit_and_above(people, tree):
    alert = make_alert(level="red", org_unit=tree.willow, subject_note="匿名来电者")

    handlers = assert_handlers_match_the_policy(alert)

    assert {"counsellor_t", "colleague_t", "therapist_t", "director_t", "east_director_t"} <= handlers
    assert "outsider_t" not in handlers
