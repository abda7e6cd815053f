"""/api/v1/cases/ and /api/v1/cases/{id}/sessions/: the same policy and services as the pages, and
private notes never in any response."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from confidentiality.models import AuditEntry
from workflow.models import Appointment, Case, PrivateNote, SessionRecord
from workflow.services.sessions import session_record_create

from .case_support import PROBLEM, checked_in_appointment

pytest_plugins = ["workflow.tests.case_fixtures"]
pytestmark = pytest.mark.django_db

CASES = "/api/v1/cases/"
NOTE = "只给自己看的过程笔记"


def case_url(pk) -> str:
    return f"{CASES}{pk}/"


def sessions_url(pk) -> str:
    return f"{CASES}{pk}/sessions/"


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return _as


def session_body(**overrides):
    body = {
        "held_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "duration_minutes": 50,
        "modality": "phone",
        "content": "电话随访，情绪平稳",
    }
    body.update(overrides)
    return body


# ---------------------------------------------------------------------------------------------
# Cases


def test_the_case_list_holds_the_callers_cases_under_the_policy(api, people, case):
    response = api(people.counsellor).get(CASES)
    assert response.status_code == 200
    assert [row["number"] for row in response.data["results"]] == [case.number]
    assert "presenting_problem" not in response.data["results"][0]
    listed = AuditEntry.objects.get(
        action="list.viewed", object_type="workflow.case", actor=people.counsellor
    )
    assert listed.details == {"page": "api", "ids": [str(case.pk)]}
    assert api(people.supervisor).get(CASES).data["count"] == 1
    assert api(people.colleague).get(CASES).data["count"] == 0
    assert api(people.outsider).get(CASES).data["count"] == 0
    assert api(people.counsellor).get(CASES, {"status": "closed"}).data["count"] == 0
    assert api(people.counsellor).get(CASES, {"status": "nonsense"}).status_code == 400


@pytest.mark.parametrize("role", ["worker", "archivist", "admin", "volunteer"])
def test_the_case_list_is_forbidden_to_roles_without_case_work(api, people, role):
    assert api(getattr(people, role)).get(CASES).status_code == 403


def test_a_counsellor_opens_a_case_through_the_api(api, people, clients):
    response = api(people.counsellor).post(
        CASES, {"resident": clients.zhang.pk, "presenting_problem": PROBLEM}, format="json"
    )
    assert response.status_code == 201, response.data
    case = Case.objects.get()
    assert response.data["number"] == case.number and response.data["counsellor"] == people.counsellor.pk
    assert response.data["presenting_problem"] == PROBLEM


def test_a_case_opened_from_an_appointment_takes_its_client(api, people, clients, site):
    appointment = checked_in_appointment(people, site, clients.zhang)
    response = api(people.counsellor).post(
        CASES, {"source_appointment": appointment.pk, "presenting_problem": PROBLEM}, format="json"
    )
    assert response.status_code == 201, response.data
    assert response.data["resident"] == clients.zhang.pk
    assert Appointment.objects.get(pk=appointment.pk).case_id == response.data["id"]


def test_opening_without_consent_or_client_answers_400_and_writes_nothing(api, people, clients):
    client = api(people.outsider)
    no_consent = client.post(CASES, {"resident": clients.li.pk, "presenting_problem": PROBLEM}, format="json")
    assert no_consent.status_code == 400 and "non_field_errors" in no_consent.data
    assert client.post(CASES, {"presenting_problem": PROBLEM}, format="json").status_code == 400
    assert client.post(CASES, {"resident": clients.li.pk}, format="json").status_code == 400
    assert not Case.objects.exists()


def test_opening_for_someone_one_may_not_assign_answers_400(api, people, clients):
    response = api(people.counsellor).post(
        CASES,
        {"resident": clients.zhang.pk, "counsellor": people.colleague.pk, "presenting_problem": PROBLEM},
        format="json",
    )
    assert response.status_code == 400 and "counsellor" in response.data
    assert not Case.objects.exists()


def test_opening_for_a_client_out_of_scope_is_404(api, people, clients):
    response = api(people.counsellor).post(
        CASES, {"resident": clients.li.pk, "presenting_problem": PROBLEM}, format="json"
    )
    assert response.status_code == 404
    assert not Case.objects.exists()


def test_reading_a_case_is_audited_and_404_out_of_reach(api, people, case):
    response = api(people.director).get(case_url(case.pk))
    assert response.status_code == 200 and response.data["presenting_problem"] == PROBLEM
    assert AuditEntry.objects.filter(action="case.viewed", actor=people.director).exists()
    for role in ("colleague", "outsider"):
        assert api(getattr(people, role)).get(case_url(case.pk)).status_code == 404
    assert api(people.counsellor).get(case_url(999999)).status_code == 404


def test_the_case_endpoints_refuse_the_wrong_method(api, people, case):
    client = api(people.counsellor)
    assert client.put(CASES, {}, format="json").status_code == 405
    assert client.delete(case_url(case.pk)).status_code == 405
    assert client.patch(case_url(case.pk), {}, format="json").status_code == 405
    assert client.put(sessions_url(case.pk), {}, format="json").status_code == 405
    assert Case.objects.filter(pk=case.pk).exists()


def test_the_case_list_query_count_does_not_grow_with_the_cases(
    api, people, clients, django_assert_max_num_queries
):
    from workflow.services.cases import case_open

    for n in range(6):
        case_open(
            actor=people.counsellor,
            resident=clients.zhang,
            counsellor=people.counsellor,
            presenting_problem=f"问题{n}",
        )
    with django_assert_max_num_queries(8):  # with the listing audit (one more on PostgreSQL)
        assert api(people.counsellor).get(CASES).data["count"] == 6


# ---------------------------------------------------------------------------------------------
# Sessions


def test_the_team_lists_and_records_sessions(api, people, case):
    client = api(people.counsellor)
    created = client.post(sessions_url(case.pk), session_body(), format="json")
    assert created.status_code == 201, created.data
    assert created.data["number"] == 1 and created.data["content"] == "电话随访，情绪平稳"
    listed = api(people.supervisor).get(sessions_url(case.pk))
    assert listed.status_code == 200 and [row["number"] for row in listed.data["results"]] == [1]
    listed = AuditEntry.objects.get(action="list.viewed", object_type="workflow.sessionrecord")
    assert listed.actor == people.supervisor and listed.details["case"] == str(case.pk)


def test_a_home_visit_through_the_api_needs_its_companions(api, people, case, settings):
    settings.XINQIAO_HOME_VISIT_MIN_PEOPLE = 2
    client = api(people.counsellor)
    alone = client.post(
        sessions_url(case.pk), session_body(modality="home_visit", address="柳岸路8号"), format="json"
    )
    assert alone.status_code == 400 and "companions" in alone.data
    outsider = client.post(
        sessions_url(case.pk),
        session_body(modality="home_visit", address="柳岸路8号", companions=[people.outsider.pk]),
        format="json",
    )
    assert outsider.status_code == 400  # not staff of the counsellor's unit
    visit = client.post(
        sessions_url(case.pk),
        session_body(modality="home_visit", address="柳岸路8号", companions=[people.colleague.pk]),
        format="json",
    )
    assert visit.status_code == 201 and visit.data["companions"] == [people.colleague.pk]


def test_sessions_out_of_reach_are_404_and_readers_may_not_write(api, people, case, clients):
    from archives.services import archive_set_responsible

    for role in ("colleague", "outsider"):
        assert api(getattr(people, role)).get(sessions_url(case.pk)).status_code == 404
        assert (
            api(getattr(people, role)).post(sessions_url(case.pk), session_body(), format="json").status_code
            == 404
        )
    assert api(people.worker).get(sessions_url(case.pk)).status_code == 403
    archive_set_responsible(actor=people.archivist, archive=clients.zhang.archive, staff=[people.therapist])
    reader = api(people.therapist)
    assert reader.get(sessions_url(case.pk)).status_code == 200
    assert reader.post(sessions_url(case.pk), session_body(), format="json").status_code == 403
    assert not SessionRecord.objects.exists()


def test_bad_session_input_answers_400(api, people, case):
    client = api(people.counsellor)
    for body in (
        session_body(duration_minutes=0),
        session_body(modality="telepathy"),
        session_body(held_at="0001-01-01T00:00:00Z"),
        session_body(content=""),
        session_body(appointment="x"),
    ):
        assert client.post(sessions_url(case.pk), body, format="json").status_code == 400
    assert not SessionRecord.objects.exists()


def test_private_notes_are_never_in_the_api(api, people, case):
    """Not written through it (the field is ignored), and never in any response, even the author's."""
    client = api(people.counsellor)
    response = client.post(sessions_url(case.pk), session_body(private_note=NOTE), format="json")
    assert response.status_code == 201
    assert not PrivateNote.objects.exists()
    session_record_create(
        actor=people.counsellor,
        case=case,
        held_at=timezone.now(),
        duration_minutes=30,
        modality="face_to_face",
        content="面谈",
        private_note=NOTE,
    )
    assert PrivateNote.objects.get().text == NOTE
    for user in (people.counsellor, people.supervisor, people.director):
        for path in (CASES, case_url(case.pk), sessions_url(case.pk)):
            body = api(user).get(path).content.decode()
            assert NOTE not in body and "private" not in body.lower()
