"""SVC-5 (issue 18 #4): a session is dated between the case's opening day and now and numbered by
that date; Back + save stores it once; a record is corrected by an addendum with a reason, the
original kept."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from workflow.models import SessionAddendum, SessionRecord
from workflow.services.cases import case_close
from workflow.services.sessions import session_addendum_add, session_record_create

from .case_support import client_for

pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db

CONTENT = "讨论睡眠日记，练习腹式呼吸"


def url(name, *args):
    return reverse(f"workflow:{name}", args=args)


def record(actor, case, *, hours_ago: float = 1, **changes):
    values = {
        "held_at": timezone.now() - timedelta(hours=hours_ago),
        "duration_minutes": 50,
        "modality": "face_to_face",
        "content": CONTENT,
    }
    values.update(changes)
    return session_record_create(actor=actor, case=case, **values)


def form_data(*, held_at, **changes):
    data = {
        "held_at": timezone.localtime(held_at).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "50",
        "modality": "face_to_face",
        "content": CONTENT,
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    "held_at",
    [
        lambda: timezone.now() + timedelta(days=365 * 4),  # "2030"
        lambda: timezone.now() + timedelta(hours=2),
        lambda: timezone.now() - timedelta(days=365 * 27),  # "1999"
        lambda: timezone.now() - timedelta(days=8),  # the case was opened a week ago
    ],
)
def test_a_session_outside_the_case_and_the_present_is_refused_on_its_field(people, case, held_at):
    with pytest.raises(ValidationError) as error:
        record(people.counsellor, case, held_at=held_at())
    assert list(error.value.message_dict) == ["held_at"]
    assert not SessionRecord.objects.exists()


def test_a_session_on_the_opening_day_and_one_just_now_are_taken(people, case):
    opened = timezone.localtime(case.opened_at)
    first = record(people.counsellor, case, held_at=opened.replace(hour=0, minute=1))
    now = record(people.counsellor, case, held_at=timezone.now())
    assert (first.number, now.number) == (1, 2)


def test_sessions_are_numbered_by_when_they_were_held_not_when_typed(people, case):
    latest = record(people.counsellor, case, hours_ago=1)
    earliest = record(people.counsellor, case, hours_ago=72)
    middle = record(people.counsellor, case, hours_ago=24)
    numbers = {session.pk: session.number for session in SessionRecord.objects.all()}
    assert (numbers[earliest.pk], numbers[middle.pk], numbers[latest.pk]) == (1, 2, 3)
    assert (earliest.number, middle.number) == (1, 2)  # the returned rows say so too


def test_the_form_refuses_a_date_in_the_future_with_a_message(people, case):
    client = client_for(people.counsellor)
    response = client.post(
        url("session_create", case.pk), form_data(held_at=timezone.now() + timedelta(days=3))
    )
    assert response.status_code == 200 and response.context["form"].errors["held_at"]
    assert not SessionRecord.objects.exists()


def test_back_and_save_again_stores_the_session_once(people, case):
    client = client_for(people.counsellor)
    form = client.get(url("session_create", case.pk)).context["form"]
    key = str(form.initial["request_key"])
    data = form_data(held_at=timezone.now() - timedelta(hours=1), request_key=key)
    first = client.post(url("session_create", case.pk), data)
    again = client.post(url("session_create", case.pk), data)
    session = SessionRecord.objects.get()
    assert first["Location"] == again["Location"] == url("session_detail", session.pk)
    assert AuditEntry.objects.filter(action="session.recorded").count() == 1


def test_each_showing_of_the_form_has_its_own_key(people, case):
    client = client_for(people.counsellor)
    keys = {
        str(client.get(url("session_create", case.pk)).context["form"].initial["request_key"]) for _ in "ab"
    }
    assert len(keys) == 2


def test_a_key_of_another_case_or_person_does_not_return_their_session(people, case):
    key = uuid.uuid4()
    record(people.counsellor, case, request_key=key)
    with pytest.raises(ValidationError):  # the key is taken: the second write is refused, not merged
        record(people.supervisor, case, request_key=key)
    assert SessionRecord.objects.count() == 1


def test_the_api_stores_a_session_once_per_request_key(people, case):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=people.counsellor)
    body = {
        "held_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "duration_minutes": 50,
        "modality": "face_to_face",
        "content": CONTENT,
        "request_key": str(uuid.uuid4()),
    }
    first = client.post(f"/api/v1/cases/{case.pk}/sessions/", body, format="json")
    again = client.post(f"/api/v1/cases/{case.pk}/sessions/", body, format="json")
    assert first.status_code == 201, first.content
    assert again.status_code in (200, 201) and again.json()["id"] == first.json()["id"]
    assert SessionRecord.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Corrections


def test_a_correction_is_added_beside_the_record_with_its_reason_and_the_original_kept(people, case):
    session = record(people.counsellor, case)
    addendum = session_addendum_add(
        actor=people.counsellor, session=session, text="应为：练习渐进式肌肉放松", reason="误写练习名称"
    )
    session.refresh_from_db()
    assert session.content == CONTENT
    assert (addendum.written_by, addendum.text, addendum.reason) == (
        people.counsellor,
        "应为：练习渐进式肌肉放松",
        "误写练习名称",
    )
    assert AuditEntry.objects.filter(action="session.addendum_added").exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, reason FROM workflow_sessionaddendum")
        raw = " ".join(cursor.fetchone())
    assert "渐进式" not in raw and "误写" not in raw


@pytest.mark.parametrize(("text", "reason", "field"), [("", "原因", "text"), ("更正", " ", "reason")])
def test_a_correction_needs_its_text_and_its_reason(people, case, text, reason, field):
    session = record(people.counsellor, case)
    with pytest.raises(ValidationError) as error:
        session_addendum_add(actor=people.counsellor, session=session, text=text, reason=reason)
    assert field in error.value.message_dict and not SessionAddendum.objects.exists()


def test_a_closed_case_can_still_have_its_record_corrected(people, case):
    session = record(people.counsellor, case)
    case_close(actor=people.counsellor, case=case, outcome="resolved", summary="结案")
    session_addendum_add(actor=people.counsellor, session=session, text="补充", reason="遗漏")
    assert SessionAddendum.objects.count() == 1


@pytest.mark.parametrize("role", ["outsider", "colleague", "worker"])
def test_only_the_case_team_may_correct_and_nothing_is_written(people, case, role):
    session = record(people.counsellor, case)
    with pytest.raises(PermissionDenied):
        session_addendum_add(actor=getattr(people, role), session=session, text="x", reason="y")
    response = client_for(getattr(people, role)).post(
        url("session_addendum", session.pk), {"text": "x", "reason": "y"}
    )
    assert response.status_code in (403, 404)
    assert not SessionAddendum.objects.exists()


def test_the_counsellor_corrects_a_record_on_the_page_and_sees_it_beside_the_original(people, case):
    session = record(people.counsellor, case)
    client = client_for(people.counsellor)
    detail = client.get(url("session_detail", session.pk)).content.decode()
    assert url("session_addendum", session.pk) in detail and "添加更正" in detail
    assert client.get(url("session_addendum", session.pk)).status_code == 200
    response = client.post(url("session_addendum", session.pk), {"text": "应为周三", "reason": "日期笔误"})
    assert response["Location"] == url("session_detail", session.pk)
    html = client.get(url("session_detail", session.pk)).content.decode()
    assert CONTENT in html and "应为周三" in html and "日期笔误" in html


def test_an_empty_correction_comes_back_with_messages_in_chinese(people, case):
    session = record(people.counsellor, case)
    response = client_for(people.counsellor).post(
        url("session_addendum", session.pk), {"text": "", "reason": ""}
    )
    assert response.status_code == 200 and not SessionAddendum.objects.exists()
    assert set(response.context["form"].errors) == {"text", "reason"}


def test_the_correction_page_refuses_the_wrong_method(people, case):
    session = record(people.counsellor, case)
    assert client_for(people.counsellor).delete(url("session_addendum", session.pk)).status_code == 405


def test_the_api_shows_each_session_with_its_corrections_in_a_fixed_number_of_queries(
    people, case, django_assert_max_num_queries
):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user=people.counsellor)
    first = record(people.counsellor, case, hours_ago=3)
    session_addendum_add(actor=people.counsellor, session=first, text="应为周三", reason="日期笔误")
    with django_assert_max_num_queries(30) as few:
        client.get(f"/api/v1/cases/{case.pk}/sessions/")
    for hours in (4, 5, 6, 7):
        session = record(people.counsellor, case, hours_ago=hours)
        session_addendum_add(actor=people.counsellor, session=session, text="补充", reason="遗漏")
    with django_assert_max_num_queries(len(few.captured_queries)):
        body = client.get(f"/api/v1/cases/{case.pk}/sessions/").json()
    by_id = {row["id"]: row for row in body["results"]}
    assert [(a["text"], a["reason"]) for a in by_id[first.pk]["addenda"]] == [("应为周三", "日期笔误")]
    assert all(len(row["addenda"]) == 1 for row in body["results"])
