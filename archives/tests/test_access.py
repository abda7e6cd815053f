"""CONF-2: who sees an archive's basic information and who its clinical content; CONF-8: the
access list, who opened the archive (access requests and break-the-glass have their tests in
confidentiality/tests/test_access_requests.py)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from archives.tests.conftest import client_for, url
from confidentiality import policy
from confidentiality.models import AuditEntry
from confidentiality.services import access_request_create, access_request_decide

pytestmark = pytest.mark.django_db

RISK_BLOCK = 'class="risk risk-'


def open_detail(user, resident):
    response = client_for(user).get(url("detail", resident.pk))
    return response


def sees_clinical(response) -> bool:
    """The page's own verdict and what it draws agree."""
    assert response.status_code == 200
    clinical = response.context["clinical"]
    assert (RISK_BLOCK in response.content.decode()) == clinical
    return clinical


# ---------------------------------------------------------------------------------------------
# Basic information and clinical content


def test_the_responsible_counsellor_sees_the_clinical_content(people, assigned):
    assert policy.can_see_clinical(people.counsellor, assigned.archive)
    response = open_detail(people.counsellor, assigned)
    assert sees_clinical(response) and response.context["basis"] == "responsible"
    entry = AuditEntry.objects.filter(action="archive.viewed").latest("seq")
    assert entry.actor == people.counsellor and entry.details == {"clinical_basis": "responsible"}


def test_before_assignment_the_counsellor_sees_basic_information_only(people, resident):
    assert not policy.can_see_clinical(people.counsellor, resident.archive)
    assert not sees_clinical(open_detail(people.counsellor, resident))


def test_a_colleague_in_the_same_community_sees_basic_information_only(people, assigned):
    assert not policy.can_see_clinical(people.colleague, assigned.archive)
    response = open_detail(people.colleague, assigned)
    assert not sees_clinical(response)
    assert response.context["can_request"]  # offered to ask for access instead
    # The ID number is masked for basic views.
    assert assigned.id_number not in response.content.decode()
    assert AuditEntry.objects.filter(action="archive.viewed").latest("seq").details == {"clinical_basis": ""}


def test_a_counsellor_elsewhere_gets_not_found_and_the_refusal_is_audited(people, assigned):
    response = open_detail(people.outsider, assigned)
    assert response.status_code == 404
    entry = AuditEntry.objects.filter(action="access.refused").latest("seq")
    assert entry.actor == people.outsider
    assert (entry.object_type, entry.object_id) == ("archives.resident", str(assigned.pk))
    # Indistinguishable from an archive that does not exist.
    assert client_for(people.outsider).get(url("detail", assigned.pk + 1000)).status_code == 404


def test_the_supervisor_of_the_responsible_counsellor_sees_the_clinical_content(people, assigned):
    assert not sees_clinical(open_detail(people.supervisor, assigned))
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save()
    assert policy.can_see_clinical(people.supervisor, assigned.archive)
    response = open_detail(people.supervisor, assigned)
    assert sees_clinical(response) and response.context["basis"] == "supervisor"


def test_directors_see_clinical_content_in_their_scope(people, resident):
    for director in (people.director, people.east_director):
        response = open_detail(director, resident)
        assert sees_clinical(response) and response.context["basis"] == "director"


@pytest.mark.parametrize("role", ["worker", "archivist", "therapist"])
def test_field_staff_the_archivist_and_unassigned_therapists_see_basic_information_only(
    people, resident, role
):
    assert not sees_clinical(open_detail(getattr(people, role), resident))


@pytest.mark.parametrize("role", ["finance", "admin", "volunteer", "lead"])
def test_roles_without_residents_get_403_on_the_list_and_404_on_an_archive(people, resident, role):
    client = client_for(getattr(people, role))
    assert client.get(url("list")).status_code == 403
    assert client.get(url("detail", resident.pk)).status_code == 404
    assert AuditEntry.objects.filter(action="access.refused", actor=getattr(people, role)).count() == 1


# ---------------------------------------------------------------------------------------------
# The access list: who opened the archive


def test_the_access_list_shows_every_step_to_the_director_and_archivist_only(people, assigned):
    grant = access_request_create(actor=people.outsider, archive=assigned.archive, reason="需要了解既往情况")
    access_request_decide(actor=people.archivist, grant=grant, approve=True)
    client_for(people.outsider).get(url("detail", assigned.pk))
    client_for(people.therapist).post(
        reverse("confidentiality:break_glass"),
        {
            "number": assigned.archive.number,
            "reason_code": "crisis_response",
            "reason": "危机干预进行中，需要了解",
        },
    )
    client_for(people.counsellor).get(url("detail", assigned.pk))
    client_for(people.teacher).get(url("detail", assigned.pk))  # refused: 404

    expected = {
        ("access.requested", "outsider_t"),
        ("access.granted", "archivist_t"),
        ("archive.viewed", "outsider_t"),
        ("access.break_glass", "therapist_t"),
        ("archive.viewed", "counsellor_t"),
        ("access.refused", "teacher_t"),
        ("resident.registered", "worker_t"),
    }
    for user in (people.director, people.archivist):
        response = client_for(user).get(url("access_list", assigned.pk))
        assert response.status_code == 200
        shown = {(e.action, e.actor_username) for e in response.context["entries"]}
        assert expected <= shown
        body = response.content.decode()
        assert "access.break_glass" in body and "therapist_t" in body and "access.refused" in body
    assert AuditEntry.objects.filter(action="archive.access_list_viewed").count() == 2

    for role in ("counsellor", "worker", "supervisor"):
        assert client_for(getattr(people, role)).get(url("access_list", assigned.pk)).status_code == 403
    call_command("audit_verify")
