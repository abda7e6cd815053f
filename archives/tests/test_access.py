"""CONF-2/3/4: who sees an archive's basic information and who its clinical content; access
requests that expire; break-the-glass and its review; the audit trail of all of it."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from archives.tests.conftest import client_for, url
from confidentiality import policy
from confidentiality.models import AccessGrant, AuditEntry
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
# Access requests (CONF-3)


def test_an_approved_request_opens_the_archive_for_72_hours(people, assigned):
    number = assigned.archive.number
    outsider = client_for(people.outsider)
    response = outsider.post(
        url("access_request_new"), {"number": number, "reason": "该居民转入松林社区，需了解既往情况"}
    )
    assert response.status_code == 302 and response["Location"] == url("access_requests")
    grant = AccessGrant.objects.get(requester=people.outsider)
    assert grant.status == "pending" and grant.kind == "request"
    assert outsider.get(url("detail", assigned.pk)).status_code == 404  # not before a decision

    archivist = client_for(people.archivist)
    assert list(archivist.get(url("access_requests")).context["pending"]) == [grant]
    response = archivist.post(url("access_decide", grant.pk), {"approve": "1", "note": "同意"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.decided_by == people.archivist
    assert grant.expires_at - grant.decided_at == timedelta(hours=72)

    response = outsider.get(url("detail", assigned.pk))
    assert sees_clinical(response) and response.context["basis"] == "access_grant"
    assert response.context["grant"] == grant
    assert list(client_for(people.outsider).get(url("access_requests")).context["mine"]) == [grant]

    with time_machine.travel(timezone.now() + timedelta(hours=73), tick=False):
        assert not policy.can_see_clinical(people.outsider, assigned.archive)
        # The old session has expired by now too: log in again.
        assert client_for(people.outsider).get(url("detail", assigned.pk)).status_code == 404

    actions = list(
        AuditEntry.objects.filter(object_type="archives.archive", object_id=str(assigned.archive.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions[-3:] == ["access.requested", "access.granted", "archive.viewed"]
    viewed = AuditEntry.objects.filter(action="archive.viewed", actor=people.outsider).get()
    assert viewed.details == {"clinical_basis": "access_grant"}
    call_command("audit_verify")


def test_a_request_with_an_unknown_number_or_no_reason_creates_nothing(people, assigned):
    client = client_for(people.outsider)
    response = client.post(url("access_request_new"), {"number": "XQ1999-999999", "reason": "需要了解"})
    assert response.status_code == 200 and response.context["form"].errors["number"]
    response = client.post(url("access_request_new"), {"number": assigned.archive.number, "reason": "  "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    assert not AccessGrant.objects.exists()


def test_nobody_decides_their_own_request(people, assigned):
    grant = AccessGrant.objects.create(
        archive=assigned.archive,
        requester=people.director,
        kind=AccessGrant.Kind.REQUEST,
        reason="自己批准自己",
    )
    with pytest.raises(ValidationError):
        access_request_decide(actor=people.director, grant=grant, approve=True)
    response = client_for(people.director).post(url("access_decide", grant.pk), {"approve": "1"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "pending" and grant.decided_by is None
    assert grant not in client_for(people.director).get(url("access_requests")).context["pending"]


def test_the_requester_cannot_approve_with_a_forged_post(people, assigned):
    grant = access_request_create(actor=people.outsider, archive=assigned.archive, reason="需要了解既往情况")
    response = client_for(people.outsider).post(url("access_decide", grant.pk), {"approve": "1"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        access_request_decide(actor=people.outsider, grant=grant, approve=True)
    grant.refresh_from_db()
    assert grant.status == "pending"


def test_a_denied_request_gives_no_access(people, assigned):
    grant = access_request_create(actor=people.outsider, archive=assigned.archive, reason="需要了解既往情况")
    response = client_for(people.archivist).post(
        url("access_decide", grant.pk), {"approve": "0", "note": "理由不足"}
    )
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "denied" and grant.expires_at is None
    assert client_for(people.outsider).get(url("detail", assigned.pk)).status_code == 404
    assert not policy.can_see_clinical(people.outsider, assigned.archive)
    assert AuditEntry.objects.filter(action="access.denied", reason="理由不足").exists()
    # Deciding twice is refused.
    with pytest.raises(ValidationError):
        access_request_decide(actor=people.archivist, grant=grant, approve=True)


def test_an_approver_outside_the_archives_scope_cannot_decide(people, tree, assigned):
    from conftest import make_user

    west_archivist = make_user("west_archivist_t", "archivist", tree.west)
    grant = access_request_create(actor=people.colleague, archive=assigned.archive, reason="需要了解既往情况")
    response = client_for(west_archivist).post(url("access_decide", grant.pk), {"approve": "1"})
    assert response.status_code == 404
    grant.refresh_from_db()
    assert grant.status == "pending"


# ---------------------------------------------------------------------------------------------
# Break-the-glass (CONF-4)


def test_break_the_glass_opens_at_once_and_waits_for_the_directors_review(people, assigned):
    outsider = client_for(people.outsider)
    response = outsider.post(
        url("break_glass"),
        {
            "number": assigned.archive.number,
            "reason_code": "danger_to_life",
            "reason": "居民来电称有自伤计划，需立即了解风险史",
        },
    )
    assert response.status_code == 302 and response["Location"] == url("detail", assigned.pk)
    response = outsider.get(response["Location"])
    assert sees_clinical(response) and response.context["basis"] == "break_glass"
    grant = AccessGrant.objects.get(requester=people.outsider, kind="break_glass")
    assert grant.status == "approved" and grant.break_glass_reason == "danger_to_life"
    assert grant.expires_at - grant.decided_at == timedelta(hours=12)

    director = client_for(people.director)
    assert list(director.get(url("access_requests")).context["to_review"]) == [grant]
    # The archivist does not review emergency access.
    assert (
        client_for(people.archivist).post(url("break_glass_review", grant.pk), {"note": "看过"}).status_code
        == 403
    )
    response = director.post(url("break_glass_review", grant.pk), {"note": "情况属实"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.reviewed_by == people.director and grant.review_note == "情况属实"
    assert list(director.get(url("access_requests")).context["to_review"]) == []

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"access.break_glass", "access.break_glass_reviewed", "archive.viewed"} <= actions
    viewed = AuditEntry.objects.filter(action="archive.viewed", actor=people.outsider).get()
    assert viewed.details == {"clinical_basis": "break_glass"}
    call_command("audit_verify")


@pytest.mark.parametrize(
    "data",
    [
        {"reason_code": "danger_to_life", "reason": "紧急"},
        {"reason_code": "danger_to_life", "reason": "   "},
        {"reason_code": "curiosity", "reason": "居民来电称有自伤计划，需立即了解"},
    ],
    ids=["too-short", "blank", "unknown-emergency"],
)
def test_break_the_glass_needs_an_emergency_from_the_list_and_a_real_reason(people, assigned, data):
    response = client_for(people.outsider).post(
        url("break_glass"), {"number": assigned.archive.number, **data}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not AccessGrant.objects.exists()
    assert not AuditEntry.objects.filter(action="access.break_glass").exists()


@pytest.mark.parametrize("role", ["worker", "archivist", "director", "finance"])
def test_only_clinical_staff_may_break_the_glass(people, assigned, role):
    response = client_for(getattr(people, role)).post(
        url("break_glass"),
        {
            "number": assigned.archive.number,
            "reason_code": "danger_to_life",
            "reason": "居民来电称有自伤计划",
        },
    )
    assert response.status_code == 403
    assert not AccessGrant.objects.exists()


# ---------------------------------------------------------------------------------------------
# The access list: who opened the archive


def test_the_access_list_shows_every_step_to_the_director_and_archivist_only(people, assigned):
    grant = access_request_create(actor=people.outsider, archive=assigned.archive, reason="需要了解既往情况")
    access_request_decide(actor=people.archivist, grant=grant, approve=True)
    client_for(people.outsider).get(url("detail", assigned.pk))
    client_for(people.therapist).post(
        url("break_glass"),
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
