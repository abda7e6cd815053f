"""STF-3 pages: each allowed, forbidden and with the wrong method; out of reach is a 404 that
writes nothing; the discussed case is shown by number only outside its team; lists are bounded
in queries; the ledger's statements come out as XLSX and PDF."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from supervision import services
from supervision.models import Recommendation, SupervisionSession
from workflow.services.sessions import session_record_create
from workflow.tests.case_support import client_for

from .conftest import record_group

pytestmark = pytest.mark.django_db


def url(name, *args) -> str:
    return reverse(f"supervision:{name}", args=args)


def session_post(people, team, **overrides):
    data = {
        "kind": "group",
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "duration_minutes": "90",
        "supervisor": str(people.supervisor.pk),
        "attendees": [str(team.counsellor.pk), str(team.counsellor2.pk)],
        "cases": [str(team.case.pk)],
        "summary": "讨论来访者的睡眠问题",
    }
    data.update(overrides)
    return data


@pytest.fixture
def recommendation(people, team, group_session):
    return services.recommendation_add(
        actor=people.supervisor,
        session=group_session,
        text="与来访者讨论睡眠日记",
        owner=team.counsellor,
        due_on=timezone.localdate() + timedelta(days=7),
    )


# -- the list and the form --------------------------------------------------------------------


def test_the_list_is_for_clinical_staff_and_get_only(people, team, group_session):
    response = client_for(people.supervisor).get(url("session_list"))
    assert response.status_code == 200
    assert url("session_detail", group_session.pk) in response.content.decode()
    assert client_for(people.finance).get(url("session_list")).status_code == 403
    assert client_for(people.supervisor).post(url("session_list")).status_code == 405


def test_the_list_holds_only_sessions_one_takes_part_in(people, team, group_session):
    body = client_for(people.outsider).get(url("session_list")).content.decode()
    assert url("session_detail", group_session.pk) not in body


def test_the_supervisor_records_a_group_supervision_through_the_form(people, team):
    client = client_for(people.supervisor)
    assert client.get(url("session_create")).status_code == 200
    response = client.post(url("session_create"), session_post(people, team))
    session = SupervisionSession.objects.get()
    assert response.status_code == 302 and response["Location"] == url("session_detail", session.pk)
    assert list(session.cases.all()) == [team.case]


def test_a_bad_form_is_shown_again_in_chinese_and_writes_nothing(people, team):
    response = client_for(people.supervisor).post(
        url("session_create"), session_post(people, team, kind="individual"), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert "个体督导只有一名参加者" in response.content.decode()
    assert SupervisionSession.objects.count() == 0


def test_a_case_posted_from_outside_the_recorders_reach_writes_nothing(people, team, clients):
    from workflow.services.cases import case_open
    from workflow.tests.case_support import consent_everything

    consent_everything(people, clients.li)
    li_case = case_open(
        actor=people.outsider, resident=clients.li, counsellor=people.outsider, presenting_problem="焦虑"
    )
    response = client_for(people.supervisor).post(
        url("session_create"), session_post(people, team, cases=[li_case.pk])
    )
    assert response.status_code == 400
    assert SupervisionSession.objects.count() == 0


def test_the_form_is_forbidden_to_roles_outside_supervision(people):
    assert client_for(people.finance).get(url("session_create")).status_code == 403
    assert client_for(people.finance).post(url("session_create"), {}).status_code == 403
    assert client_for(people.supervisor).put(url("session_create")).status_code == 405


# -- the detail: the case number only outside the team ------------------------------------------


def test_an_attendee_outside_the_case_team_sees_the_case_number_but_never_the_name(
    people, team, group_session
):
    body = client_for(team.counsellor2).get(url("session_detail", group_session.pk)).content.decode()
    assert team.case.number in body
    assert "张三" not in body
    assert reverse("workflow:case_detail", args=[team.case.pk]) not in body


def test_the_case_team_sees_the_client_and_the_link(people, team, group_session):
    for person in (people.supervisor, team.counsellor):
        body = client_for(person).get(url("session_detail", group_session.pk)).content.decode()
        assert "张三" in body and reverse("workflow:case_detail", args=[team.case.pk]) in body


def test_the_detail_is_a_404_to_someone_not_taking_part_and_the_refusal_is_audited(people, group_session):
    response = client_for(people.outsider).get(url("session_detail", group_session.pk))
    assert response.status_code == 404
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(group_session.pk)).exists()
    assert client_for(people.finance).get(url("session_detail", group_session.pk)).status_code == 403
    assert client_for(people.supervisor).post(url("session_detail", group_session.pk)).status_code == 405


def test_opening_a_session_is_audited(people, group_session):
    client_for(people.supervisor).get(url("session_detail", group_session.pk))
    assert AuditEntry.objects.filter(
        action="supervision_session.viewed", object_id=str(group_session.pk)
    ).exists()


# -- recommendations ----------------------------------------------------------------------------


def test_the_supervisor_adds_a_recommendation_and_a_due_date_before_the_session_is_refused(
    people, team, group_session
):
    client = client_for(people.supervisor)
    bad = client.post(
        url("recommendation_add", group_session.pk),
        {"text": "补做风险评估", "owner": team.counsellor.pk, "due_on": "2020-01-01"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert bad.status_code == 400 and "完成期限不能早于督导日期" in bad.content.decode()
    assert Recommendation.objects.count() == 0
    good = client.post(
        url("recommendation_add", group_session.pk),
        {"text": "补做风险评估", "owner": team.counsellor.pk, "due_on": timezone.localdate().isoformat()},
    )
    assert good.status_code == 302 and Recommendation.objects.count() == 1
    assert client.get(url("recommendation_add", group_session.pk)).status_code == 405


def test_an_attendee_cannot_add_recommendations_and_nothing_is_written(people, team, group_session):
    response = client_for(team.counsellor2).post(
        url("recommendation_add", group_session.pk),
        {"text": "x", "owner": team.counsellor.pk, "due_on": timezone.localdate().isoformat()},
    )
    assert response.status_code == 404
    assert (
        client_for(people.outsider).post(url("recommendation_add", group_session.pk), {}).status_code == 404
    )
    assert Recommendation.objects.count() == 0


def test_the_owner_marks_it_done_and_a_second_action_is_refused_in_chinese(people, team, recommendation):
    client = client_for(team.counsellor)
    assert client.post(url("recommendation_complete", recommendation.pk)).status_code == 302
    recommendation.refresh_from_db()
    assert recommendation.status == "done"
    again = client.post(
        url("recommendation_decline", recommendation.pk), {"reason": "不适用"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert again.status_code == 400 and "不能再更改" in again.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.status == "done" and recommendation.reason == ""
    assert client.get(url("recommendation_complete", recommendation.pk)).status_code == 405


def test_not_adopted_with_a_reason_through_the_page(people, team, recommendation):
    client = client_for(people.supervisor)
    assert client.post(url("recommendation_decline", recommendation.pk), {"reason": ""}).status_code == 400
    assert (
        client.post(url("recommendation_decline", recommendation.pk), {"reason": "已转介"}).status_code == 302
    )
    recommendation.refresh_from_db()
    assert recommendation.status == "not_adopted" and recommendation.reason == "已转介"


def test_deciding_someone_elses_recommendation_is_a_404_and_writes_nothing(people, team, recommendation):
    assert (
        client_for(team.counsellor2).post(url("recommendation_complete", recommendation.pk)).status_code
        == 404
    )
    assert (
        client_for(people.outsider)
        .post(url("recommendation_decline", recommendation.pk), {"reason": "x"})
        .status_code
        == 404
    )
    assert (
        client_for(people.finance).post(url("recommendation_complete", recommendation.pk)).status_code == 403
    )
    recommendation.refresh_from_db()
    assert recommendation.status == "open"


def test_open_recommendations_show_at_the_next_session_of_the_supervisee(people, team, recommendation):
    later = services.supervision_session_record(
        actor=people.supervisor,
        kind="individual",
        held_on=timezone.localdate(),
        duration_minutes=60,
        supervisor=people.supervisor,
        attendees=[team.counsellor],
        summary="个体督导",
    )
    body = client_for(people.supervisor).get(url("session_detail", later.pk)).content.decode()
    review = body.split('id="review"')[1].split("</section>")[0]
    assert "与来访者讨论睡眠日记" in review


def test_overdue_recommendations_are_on_the_supervisors_and_the_supervisees_home(people, team, group_session):
    services.recommendation_add(
        actor=people.supervisor,
        session=group_session,
        text="补做风险评估",
        owner=team.counsellor,
        due_on=group_session.held_on,
    )
    for person in (people.supervisor, team.counsellor):
        body = client_for(person).get(reverse("dashboard:home")).content.decode()
        assert 'id="supervision-overdue"' in body and "补做风险评估" in body
    assert (
        'id="supervision-overdue"'
        not in client_for(team.counsellor2).get(reverse("dashboard:home")).content.decode()
    )


def test_the_list_reads_a_bounded_number_of_queries(people, team, django_assert_max_num_queries):
    for days in range(1, 8):
        record_group(people, team, days_ago=days)
    client = client_for(people.supervisor)
    client.get(url("session_list"))
    with django_assert_max_num_queries(30) as few:
        response = client.get(url("session_list"))
    assert response.content.decode().count('href="/staff/supervision/') >= 7
    for days in range(8, 15):
        record_group(people, team, days_ago=days)
    # Twice the sessions, the same number of queries.
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("session_list"))


# -- hour ledgers -------------------------------------------------------------------------------


@pytest.fixture
def hours(people, team, group_session):
    session_record_create(
        actor=team.counsellor,
        case=team.case,
        held_at=timezone.now() - timedelta(hours=2),
        duration_minutes=90,
        modality="phone",
        content="电话咨询",
    )
    return group_session


def test_the_ledger_counts_practice_and_supervision_hours(people, team, hours):
    from supervision.selectors import hour_ledger

    ledger = hour_ledger(person=team.counsellor, year=timezone.localdate().year)
    assert ledger["totals"]["practice"] == 1.5
    assert ledger["totals"]["group"] == 1.5 and ledger["totals"]["individual"] == 0
    other = hour_ledger(person=team.counsellor2, year=timezone.localdate().year)
    assert other["totals"]["practice"] == 0 and other["totals"]["group"] == 1.5


def test_the_ledger_is_for_the_counsellor_their_supervisor_and_the_director(people, team, hours):
    page = url("ledger_detail", team.counsellor.pk)
    for person in (team.counsellor, people.supervisor, people.director):
        assert client_for(person).get(page).status_code == 200
    assert client_for(team.counsellor2).get(page).status_code == 404
    assert client_for(people.finance).get(page).status_code == 403
    assert client_for(team.counsellor).post(page).status_code == 405
    assert client_for(people.supervisor).get(url("ledger_list")).status_code == 200
    assert client_for(people.finance).get(url("ledger_list")).status_code == 403
    assert client_for(people.supervisor).post(url("ledger_list")).status_code == 405


def test_a_year_out_of_range_shows_the_current_year_with_a_message(people, team, hours):
    response = client_for(team.counsellor).get(url("ledger_detail", team.counsellor.pk) + "?year=99999")
    assert response.status_code == 200
    assert str(timezone.localdate().year) in response.content.decode()


def test_the_statement_comes_as_xlsx_and_as_a_chinese_pdf(people, team, hours):
    from openpyxl import load_workbook

    client = client_for(people.supervisor)
    xlsx = client.get(url("ledger_xlsx", team.counsellor.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][1] == "实务时数"
    assert rows[-1][1] == 1.5
    pdf = client.get(url("ledger_pdf", team.counsellor.pk), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="supervision_ledger.exported").count() == 2
    assert client_for(team.counsellor2).get(url("ledger_pdf", team.counsellor.pk)).status_code == 404
    assert client_for(team.counsellor).post(url("ledger_xlsx", team.counsellor.pk)).status_code == 405
