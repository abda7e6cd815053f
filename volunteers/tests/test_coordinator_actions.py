"""The coordinator's actions on the profile and assignment pages: done, refused with a message
(never a 500), and out of reach as a 404 that writes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_user
from volunteers import services
from volunteers.models import TrainingRecord, Visit, VisitAssignment, VolunteerProfile
from volunteers.tests.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(people, tree, agreement):
    user = make_user("volunteer_new", "volunteer", tree.willow)
    return services.volunteer_profile_create(
        actor=people.counsellor, user=user, coordinator=people.counsellor
    )


def test_the_coordinator_records_a_training_and_bad_hours_show_the_form_again(applicant, people, as_user):
    client = as_user(people.counsellor)
    url = reverse("volunteers:profile_training", args=[applicant.pk])
    day = timezone.localdate().isoformat()
    refused = client.post(url, {"course": "岗前培训", "completed_on": day, "hours": "很多"})
    assert refused.status_code == 400 and 'id="assignments"' in refused.content.decode()
    assert not TrainingRecord.objects.exists()
    done = client.post(url, {"course": "岗前培训", "completed_on": day, "hours": "8"})
    assert done.status_code == 302 and TrainingRecord.objects.filter(profile=applicant).count() == 1


def test_the_status_buttons_move_the_profile_or_say_why_not(applicant, people, as_user):
    client = as_user(people.counsellor)
    url = reverse("volunteers:profile_status", args=[applicant.pk])
    # Not trained yet: activating is refused with a message, the status stays.
    response = client.post(url, {"action": "activate"}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    applicant.refresh_from_db()
    assert applicant.status == VolunteerProfile.Status.APPLICANT
    client.post(url, {"action": "nonsense"})
    applicant.refresh_from_db()
    assert applicant.status == VolunteerProfile.Status.APPLICANT


def test_the_agreement_is_recorded_and_a_date_typo_gets_the_form_again(applicant, people, as_user):
    client = as_user(people.counsellor)
    url = reverse("volunteers:profile_agreement", args=[applicant.pk])
    assert client.post(url, {"signed_on": "0001-01-01"}).status_code == 400
    assert client.post(url, {"signed_on": timezone.localdate().isoformat()}).status_code == 302
    applicant.refresh_from_db()
    assert applicant.agreement_signed_on == timezone.localdate()


def test_an_assignment_is_proposed_consented_started_and_ended_from_the_pages(world, people, tree, as_user):
    client = as_user(people.counsellor)
    other = register(people, tree, name="王爷爷", first17="11010119400101123", phone="13800000001")
    response = client.post(
        reverse("volunteers:assignment_create", args=[world.profile.pk]),
        {"resident": other.pk, "reason": "empty_nest", "frequency_days": "7"},
    )
    assert response.status_code == 302
    assignment = VisitAssignment.objects.get(resident=other)
    consent = reverse("volunteers:assignment_consent", args=[assignment.pk])
    client.post(consent, {"consent_on": "不是日期", "channel": "verbal"})
    assignment.refresh_from_db()
    assert assignment.consent_on is None
    client.post(consent, {"consent_on": timezone.localdate().isoformat(), "channel": "verbal"})
    client.post(reverse("volunteers:assignment_activate", args=[assignment.pk]))
    assignment.refresh_from_db()
    assert assignment.status == VisitAssignment.Status.ACTIVE
    client.post(reverse("volunteers:assignment_end", args=[assignment.pk]), {"reason": ""})
    assignment.refresh_from_db()
    assert assignment.status == VisitAssignment.Status.ACTIVE
    client.post(reverse("volunteers:assignment_end", args=[assignment.pk]), {"reason": "搬走了"})
    assignment.refresh_from_db()
    assert assignment.status == VisitAssignment.Status.ENDED


def test_the_coordinator_approves_hours_and_the_volunteer_cannot(world, people, as_user, client):
    visit, _created = services.visit_log(
        actor=people.volunteer,
        assignment=world.assignment,
        visited_at=timezone.now() - timedelta(hours=2),
        mode="home",
        contact_made=True,
        duration_minutes=45,
    )
    url = reverse("volunteers:visit_hours", args=[visit.pk])
    assert as_user(people.volunteer).post(url, {"decision": "approve"}).status_code == 403
    client.logout()
    assert as_user(people.counsellor).post(url, {"decision": "approve"}).status_code == 302
    visit.refresh_from_db()
    assert visit.hours_status == Visit.Hours.APPROVED


@pytest.mark.parametrize(
    "name", ["profile_training", "profile_agreement", "profile_status", "assignment_create"]
)
def test_a_coordinator_out_of_scope_gets_404_on_the_profile_actions_and_nothing_is_written(
    applicant, people, tree, as_user, name
):
    stranger = make_user("counsellor_far", "counsellor", tree.pine)
    before = (TrainingRecord.objects.count(), VisitAssignment.objects.count())
    response = as_user(stranger).post(
        reverse(f"volunteers:{name}", args=[applicant.pk]), {"action": "pause", "course": "x", "hours": "1"}
    )
    assert response.status_code == 404
    assert (TrainingRecord.objects.count(), VisitAssignment.objects.count()) == before
