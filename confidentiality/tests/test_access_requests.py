"""CONF-3 access requests that expire, CONF-4 break-the-glass and its review: the screens, who
may use them, and the audit trail of it all."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from archives.tests.conftest import client_for
from archives.tests.test_access import sees_clinical
from confidentiality import policy
from confidentiality.models import AccessGrant, AuditEntry
from confidentiality.services import access_request_create, access_request_decide
from confidentiality.tests.conftest import archive_url, url

pytestmark = pytest.mark.django_db


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
    assert outsider.get(archive_url(assigned.pk)).status_code == 404  # not before a decision

    archivist = client_for(people.archivist)
    assert list(archivist.get(url("access_requests")).context["pending"]) == [grant]
    response = archivist.post(url("access_decide", grant.pk), {"approve": "1", "note": "同意"})
    assert response.status_code == 302
    grant.refresh_from_db()
    assert grant.status == "approved" and grant.decided_by == people.archivist
    assert grant.expires_at - grant.decided_at == timedelta(hours=72)

    response = outsider.get(archive_url(assigned.pk))
    assert sees_clinical(response) and response.context["basis"] == "access_grant"
    assert response.context["grant"] == grant
    assert list(client_for(people.outsider).get(url("access_requests")).context["mine"]) == [grant]

    with time_machine.travel(timezone.now() + timedelta(hours=73), tick=False):
        assert not policy.can_see_clinical(people.outsider, assigned.archive)
        # The old session has expired by now too: log in again.
        assert client_for(people.outsider).get(archive_url(assigned.pk)).status_code == 404

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
    assert client_for(people.outsider).get(archive_url(assigned.pk)).status_code == 404
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
    assert response.status_code == 302 and response["Location"] == archive_url(assigned.pk)
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
