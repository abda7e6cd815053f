"""The parent school (PRG-7): a guardian's attended sessions add credit hours to the family's
ledger; the school's yearly target; feedback through the satisfaction links; the certificate."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Activity, CreditEntry
from activities.selectors import family_progress
from activities.services import (
    activity_create,
    activity_feedback_issue,
    activity_hold,
    activity_publish,
    family_create,
    registration_check_in,
    registration_create,
)
from notifications.models import Notification
from orgs.services import service_site_create
from workflow.models import SatisfactionSurvey
from workflow.services.satisfaction import satisfaction_submit

PHONE = "13900001111"


@pytest.fixture
def school_site(tree):
    return service_site_create(actor=None, name="实验中学心理辅导室", org_unit=tree.school)


def past(days_ago: int, hour: int) -> datetime:
    day = timezone.localdate() - timedelta(days=days_ago)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def before(activity) -> datetime:
    return activity.starts_at - timedelta(days=1)


def session(actor, site, days_ago: int, *, hours: int = 2) -> Activity:
    starts = past(days_ago, 9)
    activity = activity_create(
        actor=actor,
        title=f"家长课堂{days_ago}",
        kind=Activity.Kind.PARENT_SCHOOL,
        site=site,
        starts_at=starts,
        ends_at=starts + timedelta(hours=hours),
        capacity=40,
        audience_groups=["parents"],
    )
    return activity_publish(actor=actor, activity=activity)


def attend(actor, activity, name="王妈妈", phone=PHONE, *, rating=5):
    registration = registration_create(
        activity=activity,
        name=name,
        phone=phone,
        channel="portal",
        now=activity.starts_at - timedelta(days=1),
    )
    registration_check_in(actor=actor, registration=registration, now=activity.starts_at)
    activity_hold(actor=actor, activity=activity, now=activity.ends_at)
    activity_feedback_issue(actor=actor, activity=activity)
    survey = SatisfactionSurvey.objects.get(related_id=str(registration.pk))
    if rating:
        satisfaction_submit(token=survey.token, rating=rating)
    return registration


def test_attended_sessions_fill_the_family_ledger_until_the_target_is_met(people, tree, school_site):
    if timezone.localdate().timetuple().tm_yday < 30:
        pytest.skip("the sessions of the test lie in the same calendar year")
    family = family_create(
        actor=people.lead, school=tree.school, guardian_name="王妈妈", guardian_phone=PHONE
    )
    for days_ago in (4, 8, 12):
        attend(people.lead, session(people.lead, school_site, days_ago))
    progress = family_progress(family)
    assert (progress.sessions, progress.hours, progress.attendance_percent) == (3, Decimal("6.0"), 100)
    assert not progress.met
    attend(people.lead, session(people.lead, school_site, 16))
    progress = family_progress(family)
    assert (
        progress.sessions == 4 and progress.hours == Decimal("8.0") and progress.satisfaction_percent == 100
    )
    assert progress.met
    assert CreditEntry.objects.count() == 4


def test_checking_in_twice_credits_once(people, tree, school_site):
    family_create(actor=people.lead, school=tree.school, guardian_name="王妈妈", guardian_phone=PHONE)
    activity = session(people.lead, school_site, 3)
    registration = registration_create(
        activity=activity,
        name="王妈妈",
        phone=PHONE,
        channel="portal",
        now=activity.starts_at - timedelta(days=1),
    )
    for _ in range(2):
        registration_check_in(actor=people.lead, registration=registration, now=activity.starts_at)
    assert CreditEntry.objects.get().hours == Decimal("2.0")


def test_the_feedback_link_names_the_activity_and_is_sent_once(client, people, tree, school_site):
    activity = session(people.lead, school_site, 3)
    registration = registration_create(
        activity=activity,
        name="王妈妈",
        phone=PHONE,
        channel="portal",
        now=activity.starts_at - timedelta(days=1),
    )
    with pytest.raises(ValidationError, match="举办后"):
        activity_feedback_issue(actor=people.lead, activity=activity)
    registration_check_in(actor=people.lead, registration=registration, now=activity.starts_at)
    activity_hold(actor=people.lead, activity=activity, now=activity.ends_at)
    assert activity_feedback_issue(actor=people.lead, activity=activity) == 1
    assert activity_feedback_issue(actor=people.lead, activity=activity) == 0
    survey = SatisfactionSurvey.objects.get()
    assert survey.subject_label == activity.title
    sent = Notification.objects.get(related_id=str(registration.pk), subject__contains="怎么样")
    assert survey.token in sent.body
    page = client.get(reverse("portal:satisfaction", args=[survey.token]))
    assert page.status_code == 200 and activity.title in page.content.decode()


def test_a_family_outside_ones_scope_cannot_be_made(people, tree):
    with pytest.raises(PermissionDenied):
        family_create(actor=people.outsider, school=tree.school, guardian_name="王", guardian_phone=PHONE)
    with pytest.raises(ValidationError, match="手机号"):
        family_create(actor=people.lead, school=tree.school, guardian_name="王", guardian_phone="123")


def test_the_certificate_only_when_the_target_is_met(as_user, people, tree, school_site):
    family = family_create(
        actor=people.lead, school=tree.school, guardian_name="王妈妈", guardian_phone=PHONE
    )
    client = as_user(people.lead)
    url = reverse("activities:family_certificate", args=[family.pk])
    assert client.get(url).status_code == 302
    if timezone.localdate().timetuple().tm_yday >= 30:
        for days_ago in (4, 8, 12, 16):
            attend(people.lead, session(people.lead, school_site, days_ago))
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    assert client.get(reverse("activities:families")).status_code == 200
    assert client.get(reverse("activities:family", args=[family.pk])).status_code == 200
    assert as_user(people.outsider).get(reverse("activities:family", args=[family.pk])).status_code == 404
    assert as_user(people.worker).get(reverse("activities:families")).status_code == 403


def test_the_families_list_query_count_does_not_grow_with_families(as_user, people, tree, school_site):
    family_create(actor=people.lead, school=tree.school, guardian_name="王妈妈", guardian_phone=PHONE)
    attend(people.lead, session(people.lead, school_site, 3))
    client = as_user(people.lead)
    url = reverse("activities:families")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(6):
        phone = f"1390000{i:04d}"
        family_create(actor=people.lead, school=tree.school, guardian_name=f"李{i}", guardian_phone=phone)
        attend(people.lead, session(people.lead, school_site, 5 + i), name=f"李{i}", phone=phone)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert page.status_code == 200 and "李5" in page.content.decode()
    assert len(many) <= len(few) + 1
