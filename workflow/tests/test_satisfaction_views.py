"""SVC-7 staff screens: results, the QR code, paper feedback and a fresh link. Every view: allowed,
forbidden, wrong method. The public one-time page is tested in portal/tests/test_satisfaction_page.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from archives.services import archive_set_responsible
from confidentiality.models import AccessGrant, AuditEntry
from notifications.models import Notification
from workflow.models import SatisfactionSurvey
from workflow.services.satisfaction import (
    satisfaction_paper_entry,
    satisfaction_submit,
    satisfaction_survey_issue,
)
from workflow.tests.satisfaction_support import client_for, make_case, make_served

pytestmark = pytest.mark.django_db

LIST = reverse("workflow:satisfaction_list")
PAPER = reverse("workflow:satisfaction_paper_entry")
ISSUE = reverse("workflow:satisfaction_issue")


@pytest.fixture
def served(people, tree):
    return make_served(people, tree)


def qr_url(survey) -> str:
    return reverse("workflow:satisfaction_qr", args=[survey.pk])


@pytest.fixture
def survey(people, served):
    return satisfaction_survey_issue(actor=people.counsellor, case=served.case)


# ----------------------------------------------------------------------------- the results list


@pytest.fixture
def results(people, served, survey):
    """The counsellor's link answered with 4, a paper 2, and the outsider's link unanswered."""
    satisfaction_submit(token=survey.token, rating=4, comment="有帮助")
    satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=2, comment="等太久")
    satisfaction_survey_issue(actor=people.outsider, case=served.other_case)


def test_the_counsellor_sees_their_feedback_with_average_and_answer_rate(people, results):
    response = client_for(people.counsellor).get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"]) == 2
    summary = response.context["summary"]
    assert summary["average"] == 3.0 and summary["answers"] == 2
    assert (summary["links"], summary["links_answered"], summary["answer_rate"]) == (1, 1, 100)
    body = response.content.decode()
    assert "有帮助" in body and "C2026-0002" not in body


def test_reading_the_comments_is_audited(people, results):
    client_for(people.counsellor).get(LIST)
    entry = AuditEntry.objects.get(action="satisfaction.comments_read")
    assert entry.actor == people.counsellor and len(entry.details["surveys"]) == 2
    listed = AuditEntry.objects.get(action="list.viewed", object_type="workflow.satisfactionsurvey")
    assert listed.actor == people.counsellor and len(listed.details["ids"]) == 2


def test_the_supervisor_sees_the_teams_feedback(people, results):
    response = client_for(people.supervisor).get(LIST)
    assert {s.case.number for s in response.context["page"]} == {"C2026-0001"}


def test_the_director_sees_every_answer_and_the_rate_over_all_links(people, results):
    response = client_for(people.director).get(LIST)
    assert len(response.context["page"]) == 3
    assert response.context["summary"]["answer_rate"] == 50


def test_a_colleague_outside_the_case_team_sees_no_feedback(people, results):
    response = client_for(people.colleague).get(LIST)
    assert response.status_code == 200
    assert len(response.context["page"]) == 0
    assert "有帮助" not in response.content.decode()


@pytest.mark.parametrize("role", ["worker", "admin", "archivist", "volunteer"])
def test_roles_without_clinical_work_may_not_open_the_results(people, results, role):
    assert client_for(getattr(people, role)).get(LIST).status_code == 403


def test_the_results_filter_by_state_as_an_htmx_partial(people, results):
    response = client_for(people.director).get(LIST, {"state": "waiting"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert [s.case.number for s in response.context["page"]] == ["C2026-0002"]
    assert reverse("workflow:satisfaction_qr", args=[response.context["page"][0].pk]) in body


def test_the_results_list_with_a_bounded_number_of_queries(
    people, served, results, django_assert_max_num_queries
):
    for n in range(15):
        satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=5, comment=f"评{n}")
    client = client_for(people.counsellor)
    # Two audit entries (comments read, rows listed), each +1 on PostgreSQL for the chain lock.
    with django_assert_max_num_queries(
        24
    ):  # incl. the navigation's waiting counts (1) and PostgreSQL's audit lock (1)
        response = client.get(LIST)
    assert len(response.context["page"]) == 17


def test_an_expired_link_offers_a_new_one_only_to_those_who_work_on_the_case(people, served, survey):
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(days=1))
    archive_set_responsible(actor=people.archivist, archive=served.zhang.archive, staff=[people.colleague])
    assert ISSUE in client_for(people.counsellor).get(LIST).content.decode()
    reader = client_for(people.colleague).get(LIST)
    assert len(reader.context["page"]) == 1
    assert ISSUE not in reader.content.decode()


def test_the_results_list_refuses_a_post(people, results):
    assert client_for(people.counsellor).post(LIST).status_code == 405


# ----------------------------------------------------------------------------- the QR code


def test_the_counsellor_gets_the_link_as_a_png_qr_code(people, survey):
    response = client_for(people.counsellor).get(qr_url(survey))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def test_the_qr_code_is_offered_only_to_those_who_may_hand_the_link_over(people, served, survey):
    # A colleague with an approved access grant reads the case, and so its feedback, but the
    # one-time link is the client's: the list offers no QR code and the code itself is refused.
    AccessGrant.objects.create(
        archive=served.zhang.archive,
        requester=people.colleague,
        kind=AccessGrant.Kind.REQUEST,
        reason="会诊",
        status=AccessGrant.Status.APPROVED,
        expires_at=timezone.now() + timedelta(days=1),
    )
    reader = client_for(people.colleague).get(LIST)
    assert [row.pk for row in reader.context["page"]] == [survey.pk]
    assert qr_url(survey) not in reader.content.decode()
    assert client_for(people.colleague).get(qr_url(survey)).status_code == 403
    assert qr_url(survey) in client_for(people.counsellor).get(LIST).content.decode()


def test_the_qr_code_of_a_survey_out_of_reach_is_a_404(people, survey):
    assert client_for(people.colleague).get(qr_url(survey)).status_code == 404
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(survey.pk)).exists()


def test_paper_feedback_has_no_qr_code(people, served):
    paper = satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=3)
    assert client_for(people.counsellor).get(qr_url(paper)).status_code == 404


def test_the_qr_code_refuses_a_post(people, survey):
    assert client_for(people.counsellor).post(qr_url(survey)).status_code == 405


# ----------------------------------------------------------------------------- paper feedback


def test_the_counsellor_enters_paper_feedback_for_their_case(people, served):
    client = client_for(people.counsellor)
    assert client.get(PAPER, {"case": served.case.pk}).status_code == 200
    response = client.post(f"{PAPER}?case={served.case.pk}", {"rating": "4", "comment": "纸上写的"})
    assert response.status_code == 302 and response["Location"] == LIST
    paper = SatisfactionSurvey.objects.get()
    assert (paper.channel, paper.rating, paper.comment) == ("paper", 4, "纸上写的")
    assert paper.entered_by == people.counsellor


def test_paper_feedback_without_a_rating_is_asked_again_and_nothing_is_written(people, served):
    response = client_for(people.counsellor).post(f"{PAPER}?case={served.case.pk}", {"comment": "x"})
    assert response.status_code == 200 and response.context["form"].errors["rating"]
    assert not SatisfactionSurvey.objects.exists()


def test_paper_feedback_for_a_case_out_of_reach_is_a_404_and_writes_nothing(people, served):
    client = client_for(people.colleague)
    assert client.get(PAPER, {"case": served.case.pk}).status_code == 404
    assert client.post(f"{PAPER}?case={served.case.pk}", {"rating": "1"}).status_code == 404
    assert not SatisfactionSurvey.objects.exists()


def test_someone_who_sees_the_case_but_may_not_work_on_it_is_refused(people, served):
    # Responsible for the archive, so on the team and able to read the case, but not its counsellor.
    archive_set_responsible(actor=people.archivist, archive=served.zhang.archive, staff=[people.colleague])
    client = client_for(people.colleague)
    assert client.get(PAPER, {"case": served.case.pk}).status_code == 403
    assert client.post(f"{PAPER}?case={served.case.pk}", {"rating": "1"}).status_code == 403
    assert not SatisfactionSurvey.objects.exists()


@pytest.mark.parametrize("query", [{}, {"case": "abc"}, {"case": "999999"}])
def test_paper_feedback_without_a_valid_case_is_a_404(people, served, query):
    assert client_for(people.counsellor).get(PAPER, query).status_code == 404


def test_paper_feedback_refuses_other_methods(people, served):
    response = client_for(people.counsellor).put(f"{PAPER}?case={served.case.pk}")
    assert response.status_code == 405


# ----------------------------------------------------------------------------- a fresh link


def test_the_counsellor_gets_a_fresh_link_when_the_first_one_expired(
    people, served, survey, django_capture_on_commit_callbacks
):
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(days=1))
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(people.counsellor).post(ISSUE, {"case": served.case.pk})
    assert response.status_code == 302
    assert SatisfactionSurvey.objects.filter(case=served.case).count() == 2
    assert Notification.objects.filter(kind=Notification.Kind.SATISFACTION_LINK).count() == 2


def test_a_fresh_link_for_an_open_case_is_refused_with_a_message(people, served):
    open_case = make_case(people, served.zhang, number="C2026-0010", closed=False)
    response = client_for(people.counsellor).post(ISSUE, {"case": open_case.pk}, follow=True)
    assert "请先结案或完成预约" in response.content.decode()
    assert not SatisfactionSurvey.objects.exists()


def test_a_fresh_link_for_a_case_out_of_reach_is_a_404_and_writes_nothing(people, served):
    assert client_for(people.colleague).post(ISSUE, {"case": served.case.pk}).status_code == 404
    assert not SatisfactionSurvey.objects.exists()


def test_a_fresh_link_is_not_made_by_a_get(people, served):
    assert client_for(people.counsellor).get(ISSUE, {"case": served.case.pk}).status_code == 405
    assert not SatisfactionSurvey.objects.exists()
