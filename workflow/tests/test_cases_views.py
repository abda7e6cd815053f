"""The case pages: who may open, read and work a case (404 out of reach, 403 read-only or forbidden
as a whole, 405 for the wrong method), the assessment given from a case, and query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.services import archive_set_responsible
from assessments.models import Assessment
from confidentiality.models import AuditEntry
from workflow.models import (
    Case,
    CaseAssessment,
    CaseTransfer,
    FollowUpTask,
    Intake,
    PrivateNote,
    SatisfactionSurvey,
    ServicePlan,
    SessionRecord,
)
from workflow.services.cases import case_close, case_open, intake_record, service_plan_create
from workflow.services.sessions import session_record_create

from .case_support import PROBLEM, checked_in_appointment, client_for

# The fixtures (clients, case, site) live beside the helpers.
pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"workflow:{name}", args=args)


def plan_post(**overrides):
    today = timezone.localdate()
    data = {
        "goals": "改善睡眠",
        "content": "放松训练",
        "modality": "face_to_face",
        "frequency": "每周一次",
        "period_start": today.isoformat(),
        "period_end": (today + timedelta(days=30)).isoformat(),
        "agreed_on": "",
        "agreement": "",
    }
    data.update(overrides)
    return data


def session_values(**overrides):
    values = {
        "held_at": timezone.now() - timedelta(hours=1),
        "duration_minutes": 50,
        "modality": "face_to_face",
        "content": "讨论睡眠日记",
    }
    values.update(overrides)
    return values


# ---------------------------------------------------------------------------------------------
# List


def test_the_case_list_shows_the_team_its_cases_and_filters_them(people, case, clients):
    page = client_for(people.counsellor).get(url("case_list"))
    assert page.status_code == 200
    assert case.number in page.content.decode() and "张三" in page.content.decode()
    closed_only = client_for(people.counsellor).get(url("case_list"), {"status": "closed"})
    assert case.number not in closed_only.content.decode()
    assert case.number in client_for(people.supervisor).get(url("case_list")).content.decode()
    assert (
        case.number
        not in client_for(people.supervisor).get(url("case_list"), {"mine": "on"}).content.decode()
    )


def test_the_case_list_shows_nothing_of_others_cases(people, case):
    for role in ("colleague", "outsider"):
        page = client_for(getattr(people, role)).get(url("case_list"))
        assert page.status_code == 200
        assert case.number not in page.content.decode()


@pytest.mark.parametrize("role", ["worker", "archivist", "admin", "volunteer", "teacher"])
def test_the_case_list_is_forbidden_to_roles_without_case_work(people, role):
    assert client_for(getattr(people, role)).get(url("case_list")).status_code == 403


def test_the_case_list_refuses_post(people):
    assert client_for(people.counsellor).post(url("case_list")).status_code == 405


def test_the_case_list_query_count_does_not_grow_with_the_cases(
    people, clients, django_assert_max_num_queries
):
    for n in range(8):
        case_open(
            actor=people.counsellor,
            resident=clients.zhang,
            counsellor=people.counsellor,
            presenting_problem=f"问题{n}",
        )
    client = client_for(people.counsellor)
    with django_assert_max_num_queries(
        17
    ):  # the listing audit: 5 queries, 6 on PostgreSQL; the navigation's counts: 1
        response = client.get(url("case_list"))
    assert response.content.decode().count("/staff/service/cases/") >= 8


# ---------------------------------------------------------------------------------------------
# Opening


def test_a_counsellor_opens_a_case_from_the_archive(people, clients):
    client = client_for(people.counsellor)
    open_url = url("case_open") + f"?resident={clients.zhang.pk}"
    form = client.get(open_url)
    assert form.status_code == 200 and "张三" in form.content.decode()
    response = client.post(
        open_url,
        {"counsellor": people.counsellor.pk, "presenting_problem": PROBLEM, "opened_at": "2026-01-05T10:00"},
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == url("case_detail", case.pk)
    assert case.resident == clients.zhang and case.counsellor == people.counsellor


def test_the_archive_page_lists_the_cases_and_offers_to_open_one(people, clients, case):
    page = (
        client_for(people.counsellor)
        .get(reverse("archives:detail", args=[clients.zhang.pk]))
        .content.decode()
    )
    assert case.number in page
    assert url("case_open") + f"?resident={clients.zhang.pk}" in page
    # A colleague in the same community sees the client but not the case, and may not take them.
    other = (
        client_for(people.colleague).get(reverse("archives:detail", args=[clients.zhang.pk])).content.decode()
    )
    assert case.number not in other and url("case_open") not in other
    assert reverse("workflow:followup_create") not in other


def test_the_open_page_prefills_from_a_checked_in_appointment(people, clients, site):
    appointment = checked_in_appointment(people, site, clients.zhang)
    client = client_for(people.counsellor)
    open_url = url("case_open") + f"?appointment={appointment.pk}"
    page = client.get(open_url)
    assert page.status_code == 200
    assert "睡不好，心里烦" in page.content.decode()  # the reason given when booking
    assert page.context["form"].initial["counsellor"] == people.counsellor.pk
    client.post(
        open_url, {"counsellor": people.counsellor.pk, "presenting_problem": "睡不好", "opened_at": ""}
    )
    appointment.refresh_from_db()
    assert appointment.case is not None and appointment.case.resident == clients.zhang


def test_the_open_page_without_a_client_lists_the_checked_in_appointments(people, clients, site):
    appointment = checked_in_appointment(people, site, clients.zhang)
    page = client_for(people.counsellor).get(url("case_open"))
    assert page.status_code == 200
    assert f"?appointment={appointment.pk}" in page.content.decode()


def test_opening_shows_the_missing_consent_and_writes_nothing(people, clients, tree):
    archive_set_responsible(actor=people.archivist, archive=clients.li.archive, staff=[people.outsider])
    response = client_for(people.outsider).post(
        url("case_open") + f"?resident={clients.li.pk}",
        {"counsellor": people.outsider.pk, "presenting_problem": PROBLEM, "opened_at": "2026-01-05T10:00"},
    )
    assert response.status_code == 200
    assert "consent" in response.content.decode().lower() or "同意" in response.content.decode()
    assert reverse("confidentiality:consent_add", args=[clients.li.pk]) in response.content.decode()
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [("outsider", 404), ("colleague", 403), ("worker", 403), ("archivist", 403)],
)
def test_opening_for_a_client_out_of_reach_is_refused(people, clients, case, role, status):
    response = client_for(getattr(people, role)).post(
        url("case_open") + f"?resident={clients.zhang.pk}",
        {"counsellor": getattr(people, role).pk, "presenting_problem": PROBLEM, "opened_at": ""},
    )
    assert response.status_code == status
    assert Case.objects.count() == 1


def test_the_open_page_refuses_put_and_bad_parameters(people, clients):
    client = client_for(people.counsellor)
    assert client.put(url("case_open")).status_code == 405
    assert client.get(url("case_open") + "?resident=abc").status_code == 404
    assert client.get(url("case_open") + "?appointment=999999").status_code == 404


# ---------------------------------------------------------------------------------------------
# Detail


def test_the_case_page_shows_everything_and_is_audited(people, case):
    today = timezone.localdate()
    intake_record(actor=people.counsellor, case=case, held_on=today, chief_complaint="入睡困难")
    service_plan_create(
        actor=people.counsellor,
        case=case,
        goals="改善睡眠",
        content="放松训练",
        modality="face_to_face",
        frequency="每周",
        period_start=today,
        period_end=today + timedelta(days=30),
    )
    service_plan_create(
        actor=people.counsellor,
        case=case,
        goals="巩固",
        content="复盘",
        modality="phone",
        frequency="两周一次",
        period_start=today,
        period_end=today + timedelta(days=30),
        revision_reason="进展良好",
    )
    session_record_create(actor=people.counsellor, case=case, **session_values())
    page = client_for(people.counsellor).get(url("case_detail", case.pk))
    body = page.content.decode()
    assert page.status_code == 200
    for text in (PROBLEM, "入睡困难", "巩固", "进展良好", url("session_detail", case.sessions.get().pk)):
        assert text in body
    assert AuditEntry.objects.filter(
        action="case.viewed", object_id=str(case.pk), actor=people.counsellor
    ).exists()


def test_the_case_page_of_a_closed_case_shows_follow_ups_and_the_satisfaction_link(people, case):
    case_close(actor=people.counsellor, case=case, outcome="resolved", summary="已解决")
    body = client_for(people.counsellor).get(url("case_detail", case.pk)).content.decode()
    survey = SatisfactionSurvey.objects.get(case=case)
    assert "已解决" in body and survey.token in body
    assert (
        FollowUpTask.objects.filter(case=case, due_on__gt=timezone.localdate())
        .order_by("due_on")
        .first()
        .reason
        in body
    )


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("director", 200), ("east_director", 200)])
def test_the_case_team_reads_the_case(people, case, role, status):
    assert client_for(getattr(people, role)).get(url("case_detail", case.pk)).status_code == status


@pytest.mark.parametrize("role", ["colleague", "outsider", "worker", "archivist", "admin"])
def test_the_case_page_is_404_out_of_reach_and_the_refusal_is_audited(people, case, role):
    assert client_for(getattr(people, role)).get(url("case_detail", case.pk)).status_code == 404
    assert AuditEntry.objects.filter(action="access.refused", object_type="workflow.case").exists()
    assert not AuditEntry.objects.filter(action="case.viewed").exists()


def test_the_case_page_refuses_post(people, case):
    assert client_for(people.counsellor).post(url("case_detail", case.pk)).status_code == 405


def test_the_case_page_query_count_does_not_grow_with_its_rows(people, case, django_assert_max_num_queries):
    today = timezone.localdate()
    intake_record(actor=people.counsellor, case=case, held_on=today, chief_complaint="入睡困难")
    for n in range(4):
        service_plan_create(
            actor=people.counsellor,
            case=case,
            goals=f"目标{n}",
            content="内容",
            modality="face_to_face",
            frequency="每周",
            period_start=today,
            period_end=today + timedelta(days=30),
            revision_reason="修订" if n else "",
        )
        session_record_create(actor=people.counsellor, case=case, **session_values(content=f"第{n}次"))
    client = client_for(people.counsellor)
    # One query per kind of row (sessions, plans, transfers, reopenings…), one more on PostgreSQL.
    with django_assert_max_num_queries(
        28
    ):  # incl. the navigation's waiting counts (1) and PostgreSQL's audit lock (1)
        response = client.get(url("case_detail", case.pk))
    assert response.status_code == 200
    case_close(actor=people.counsellor, case=case, outcome="resolved", summary="好")
    with django_assert_max_num_queries(26):
        assert client.get(url("case_detail", case.pk)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Transfer, close, reopen, intake, plan


def test_the_counsellor_transfers_the_case_from_its_page(people, case):
    client = client_for(people.counsellor)
    assert client.get(url("case_transfer", case.pk)).status_code == 200
    response = client.post(
        url("case_transfer", case.pk), {"to_counsellor": people.colleague.pk, "reason": "休假"}
    )
    assert response.status_code == 302
    # The counsellor has left the team: they are sent to the list, not to a page they cannot open.
    assert response["Location"] == url("case_list")
    assert CaseTransfer.objects.get().to_counsellor == people.colleague


def test_transfer_is_not_offered_when_nobody_may_receive_the_case_and_the_page_says_why(people, case):
    client = client_for(people.counsellor)
    transfer_url = url("case_transfer", case.pk)
    assert transfer_url in client.get(url("case_detail", case.pk)).content.decode()
    # The counsellor's unit has nobody else who holds cases: the list would be empty.
    for other in (people.colleague, people.therapist):
        other.is_active = False
        other.save(update_fields=["is_active"])
    page = client.get(url("case_detail", case.pk))
    body = page.content.decode()
    assert transfer_url not in body
    assert page.context["no_transfer_reason"] and 'id="no-transfer"' in body
    # Opened directly, the transfer page does not show an empty list either: it sends back with why.
    response = client.get(transfer_url)
    assert response.status_code == 302 and response["Location"] == url("case_detail", case.pk)
    refused = client.post(transfer_url, {"to_counsellor": people.colleague.pk, "reason": "休假"})
    assert refused.status_code == 302
    assert not CaseTransfer.objects.exists()


def test_a_transfer_without_a_reason_is_shown_back(people, case):
    response = client_for(people.counsellor).post(
        url("case_transfer", case.pk), {"to_counsellor": people.colleague.pk, "reason": ""}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not CaseTransfer.objects.exists()


def test_the_counsellor_closes_the_case_and_reopens_it(people, case):
    client = client_for(people.counsellor)
    assert client.get(url("case_close", case.pk)).status_code == 200
    missing = client.post(url("case_close", case.pk), {"outcome": "resolved", "summary": ""})
    assert missing.status_code == 200 and "summary" in missing.context["form"].errors
    client.post(url("case_close", case.pk), {"outcome": "resolved", "summary": "结案"})
    case.refresh_from_db()
    assert case.status == "closed"
    client.post(url("case_reopen", case.pk), {"reason": "复发"})
    case.refresh_from_db()
    assert case.status == "open"
    page = client.get(url("case_detail", case.pk)).content.decode()
    assert 'id="reopenings"' in page and "复发" in page and "问题解决" in page


def test_the_intake_page_records_and_edits_the_one_intake(people, case):
    client = client_for(people.counsellor)
    assert client.get(url("intake_edit", case.pk)).status_code == 200
    data = {"held_on": timezone.localdate().isoformat(), "chief_complaint": "入睡困难"}
    assert client.post(url("intake_edit", case.pk), data).status_code == 302
    client.post(url("intake_edit", case.pk), {**data, "impression": "适应障碍可能"})
    assert Intake.objects.get().impression == "适应障碍可能"
    page = client.get(url("intake_edit", case.pk))
    assert "入睡困难" in page.content.decode()


def test_the_plan_page_saves_versions_and_the_agreement_is_recorded(people, case):
    client = client_for(people.counsellor)
    assert client.get(url("plan_create", case.pk)).status_code == 200
    assert client.post(url("plan_create", case.pk), plan_post()).status_code == 302
    revision = client.post(url("plan_create", case.pk), plan_post(goals="新目标"))
    assert revision.status_code == 200 and "revision_reason" in revision.context["form"].errors
    client.post(url("plan_create", case.pk), plan_post(goals="新目标", revision_reason="调整"))
    current = ServicePlan.objects.get(version=2)
    response = client.post(
        url("plan_agreement", current.pk),
        {"agreed_on": timezone.localdate().isoformat(), "agreement": "verbal"},
    )
    assert response.status_code == 302
    current.refresh_from_db()
    assert current.agreement == "verbal"


def test_the_agreement_form_is_not_filled_in_beforehand_so_one_click_records_nothing(people, case):
    """Issue 18 #8: the form came prefilled (today, the first way of agreeing)."""
    client = client_for(people.counsellor)
    client.post(url("plan_create", case.pk), plan_post())
    plan = ServicePlan.objects.get()
    form = client.get(url("case_detail", case.pk)).context["agreement_form"]
    assert form["agreed_on"].value() in (None, "") and form["agreement"].value() in (None, "")
    response = client.post(url("plan_agreement", plan.pk), {})
    plan.refresh_from_db()
    assert response.status_code in (200, 302) and plan.agreed_on is None and plan.agreement == ""


@pytest.mark.parametrize(
    ("name", "method"),
    [
        ("case_transfer", "put"),
        ("case_close", "put"),
        ("case_reopen", "get"),
        ("intake_edit", "put"),
        ("plan_create", "delete"),
    ],
)
def test_the_case_actions_refuse_the_wrong_method(people, case, name, method):
    assert getattr(client_for(people.counsellor), method)(url(name, case.pk)).status_code == 405


def test_the_agreement_refuses_get(people, case):
    plan = service_plan_create(
        actor=people.counsellor,
        case=case,
        goals="g",
        content="c",
        modality="phone",
        frequency="f",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    assert client_for(people.counsellor).get(url("plan_agreement", plan.pk)).status_code == 405


def test_people_who_only_read_a_case_may_not_work_on_it(people, case, clients):
    """A responsible counsellor who is not the case's counsellor reads the case (403 on writes)."""
    archive_set_responsible(actor=people.archivist, archive=clients.zhang.archive, staff=[people.therapist])
    client = client_for(people.therapist)
    assert client.get(url("case_detail", case.pk)).status_code == 200
    for name in ("case_close", "intake_edit", "plan_create", "case_transfer", "session_create"):
        assert client.get(url(name, case.pk)).status_code == 403


def test_people_out_of_reach_change_nothing_on_a_case(people, case):
    """Every write of the area, sent by a colleague (no access) and an outsider: 404, and nothing
    was written apart from the audit of the refusals."""
    today = timezone.localdate().isoformat()
    plan = service_plan_create(
        actor=people.counsellor,
        case=case,
        goals="g",
        content="c",
        modality="phone",
        frequency="f",
        period_start=timezone.localdate(),
        period_end=timezone.localdate(),
    )
    session = session_record_create(actor=people.counsellor, case=case, **session_values())
    writes = [
        (url("case_transfer", case.pk), {"to_counsellor": people.colleague.pk, "reason": "x"}),
        (url("case_close", case.pk), {"outcome": "resolved", "summary": "x"}),
        (url("case_reopen", case.pk), {"reason": "x"}),
        (url("intake_edit", case.pk), {"held_on": today, "chief_complaint": "x"}),
        (url("plan_create", case.pk), plan_post(revision_reason="x")),
        (url("plan_agreement", plan.pk), {"agreed_on": today, "agreement": "verbal"}),
        (
            url("session_create", case.pk),
            {"held_at": "2026-01-05T10:00", "duration_minutes": 50, "content": "x"},
        ),
        (url("private_note", session.pk), {"text": "偷看"}),
    ]
    before = {
        model: model.objects.count()
        for model in (Case, CaseTransfer, Intake, ServicePlan, SessionRecord, PrivateNote, FollowUpTask)
    }
    intruders = [client_for(people.colleague), client_for(people.outsider)]
    start = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    for client in intruders:
        for target, data in writes:
            assert client.post(target, data).status_code == 404, target
    assert {model: model.objects.count() for model in before} == before
    case.refresh_from_db()
    plan.refresh_from_db()
    assert (case.status, case.counsellor, plan.agreement) == ("open", people.counsellor, "")
    written = set(AuditEntry.objects.filter(seq__gt=start).values_list("action", flat=True))
    assert written == {"access.refused"}


# ---------------------------------------------------------------------------------------------
# Assessments given from the case


def phq9_post():
    return {"instrument": "phq9", **{f"item_{n}": "1" for n in range(1, 10)}}


def test_an_assessment_given_from_the_case_is_linked_to_it(people, case, clients):
    client = client_for(people.counsellor)
    page = client.get(url("case_detail", case.pk)).content.decode()
    assert reverse("assessments:new", args=[clients.zhang.pk]) in page
    give = (
        reverse("assessments:new", args=[clients.zhang.pk]) + f"?instrument=phq9&case={case.pk}&phase=intake"
    )
    assert client.get(give).status_code == 200
    response = client.post(give, phq9_post())
    assert response.status_code == 302
    link = CaseAssessment.objects.get()
    assert (link.case, link.phase, link.assessment.total) == (case, "intake", 9)
    assert "PHQ-9" in client.get(url("case_detail", case.pk)).content.decode()


def test_an_assessment_from_the_archive_is_not_linked(people, case, clients):
    client = client_for(people.counsellor)
    client.post(reverse("assessments:new", args=[clients.zhang.pk]) + "?instrument=phq9", phq9_post())
    assert Assessment.objects.count() == 1 and not CaseAssessment.objects.exists()


@pytest.mark.parametrize(
    ("query", "status"),
    [("case={case}&phase=bogus", 404), ("case=abc&phase=intake", 404), ("case=999999&phase=intake", 404)],
)
def test_a_bad_case_link_on_the_assessment_page_is_refused(people, case, clients, query, status):
    give = (
        reverse("assessments:new", args=[clients.zhang.pk]) + "?instrument=phq9&" + query.format(case=case.pk)
    )
    assert client_for(people.counsellor).post(give, phq9_post()).status_code == status
    assert not Assessment.objects.exists()


def test_an_assessment_cannot_be_linked_to_another_residents_case(people, case, clients):
    from .case_support import consent_everything

    other = case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem="另一个",
    )
    consent_everything(people, clients.li)
    archive_set_responsible(actor=people.archivist, archive=clients.li.archive, staff=[people.counsellor])
    give = reverse("assessments:new", args=[clients.li.pk]) + f"?instrument=phq9&case={other.pk}&phase=review"
    assert client_for(people.counsellor).post(give, phq9_post()).status_code == 404
    assert not Assessment.objects.exists()


def test_a_reader_of_the_case_cannot_give_assessments_in_it(people, case, clients):
    archive_set_responsible(actor=people.archivist, archive=clients.zhang.archive, staff=[people.therapist])
    give = (
        reverse("assessments:new", args=[clients.zhang.pk]) + f"?instrument=phq9&case={case.pk}&phase=review"
    )
    assert client_for(people.therapist).post(give, phq9_post()).status_code == 403
    assert not Assessment.objects.exists()
