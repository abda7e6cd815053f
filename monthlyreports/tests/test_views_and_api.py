"""The monthly report pages and /api/v1/monthly-reports/: allowed, forbidden, wrong method; IDOR
answers 404 and writes nothing; lists cost a fixed number of queries; approved is 409 in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from confidentiality.roles import Role
from conftest import login_fully, make_user
from crisis.models import RiskSignal
from monthlyreports import services
from monthlyreports.models import ConcernRow, MonthlyReport

from .conftest import ANSWERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(clock, people, assignment):
    return services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")


def url(name, *args):
    return reverse(f"monthlyreports:{name}", args=args)


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


# ---------------------------------------------------------------------------------------------
# Pages


def test_home_lists_the_reporters_month_to_write(client, clock, people, assignment):
    login_fully(client, people.teacher)
    response = client.get(url("home"))
    assert response.status_code == 200
    assert "七年级1班" in response.content.decode() and "未开始" in response.content.decode()


def test_home_is_forbidden_to_finance_and_takes_only_get(client, people):
    login_fully(client, people.finance)
    assert client.get(url("home")).status_code == 403
    login_fully(client, people.teacher)
    assert client.post(url("home")).status_code == 405


def test_the_reporter_starts_fills_and_submits_on_the_page(client, clock, people, assignment):
    login_fully(client, people.teacher)
    response = client.post(url("start"), {"assignment": assignment.pk, "period": "2026-11"})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and response["Location"] == url("detail", report.pk)
    response = client.post(url("save", report.pk), {**ANSWERS, "submit": "1"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.state == "submitted" and report.answers == ANSWERS
    assert client.get(url("save", report.pk)).status_code == 405


def test_a_submission_without_the_required_fields_shows_the_form_again(client, draft, people):
    login_fully(client, people.teacher)
    response = client.post(url("save", draft.pk), {"submit": "1", "climate": ""})
    assert response.status_code == 400
    assert "请填写" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == "draft"


def test_a_month_off_on_the_page_says_so_and_writes_nothing(client, clock, people, assignment):
    login_fully(client, people.teacher)
    clock.move_to("2026-08-20T10:00+08:00")
    response = client.post(url("start"), {"assignment": assignment.pk, "period": "2026-08"}, follow=True)
    assert "不汇报月份" in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_an_urgent_row_on_the_page_raises_a_signal_and_the_reporter_sees_only_received(
    client, draft, people, student
):
    login_fully(client, people.teacher)
    response = client.post(
        url("concern_add", draft.pk),
        {
            "resident": student.pk,
            "category": "emotion",
            "signs": "说不想活了",
            "days": 3,
            "urgency": "urgent",
        },
        follow=True,
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "已收到" in text and "李小红" in text
    assert RiskSignal.objects.filter(resident=student, urgent=True).count() == 1
    assert "预警" not in text.split('id="concerns"')[1].split("</section>")[0]


def test_the_detail_is_a_404_to_someone_not_named_and_a_403_to_a_role_without_reports(client, draft, people):
    login_fully(client, people.outsider)
    assert client.get(url("detail", draft.pk)).status_code == 404
    login_fully(client, people.finance)
    assert client.get(url("detail", draft.pk)).status_code == 403


def test_idor_writes_answer_404_and_write_nothing(client, draft, people, tree, student):
    other = make_user("other_teacher_t", Role.TEACHER, tree.klass)
    login_fully(client, other)
    assert client.post(url("save", draft.pk), ANSWERS).status_code == 404
    assert client.post(url("submit", draft.pk)).status_code == 404
    assert client.post(url("accept", draft.pk)).status_code == 404
    payload = {"resident": student.pk, "category": "emotion", "signs": "x", "days": 1, "urgency": "urgent"}
    assert client.post(url("concern_add", draft.pk), payload).status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {} and draft.state == "draft"
    assert not ConcernRow.objects.exists() and not RiskSignal.objects.exists()


def test_the_approvers_accept_and_approve_on_the_page_and_an_edit_is_refused(client, draft, people, homeroom):
    services.report_save(actor=people.teacher, report=draft, answers=ANSWERS)
    services.report_submit(actor=people.teacher, report=draft)
    login_fully(client, people.counsellor)
    response = client.post(url("approve", draft.pk), follow=True)
    assert "须先经第一级确认" in response.content.decode()
    login_fully(client, homeroom)
    assert client.get(url("accept", draft.pk)).status_code == 405
    client.post(url("accept", draft.pk))
    login_fully(client, people.counsellor)
    client.post(url("approve", draft.pk))
    draft.refresh_from_db()
    assert draft.state == "approved"
    login_fully(client, people.teacher)
    response = client.post(url("save", draft.pk), {**ANSWERS, "climate": 1}, follow=True)
    assert "已审核锁定，如需修改请先退回" in response.content.decode()
    draft.refresh_from_db()
    assert draft.answers["climate"] == 4


def test_return_needs_a_reason_on_the_page(client, draft, people, homeroom):
    services.report_save(actor=people.teacher, report=draft, answers=ANSWERS)
    services.report_submit(actor=people.teacher, report=draft)
    login_fully(client, homeroom)
    assert client.post(url("return", draft.pk), {"reason": ""}).status_code == 400
    client.post(url("return", draft.pk), {"reason": "请补充谈话人次"})
    draft.refresh_from_db()
    assert draft.state == "returned" and draft.return_reason == "请补充谈话人次"


def test_the_home_list_costs_a_fixed_number_of_queries(
    client, clock, people, tree, homeroom, django_assert_max_num_queries
):
    from monthlyreports.models import ReportingAssignment
    from orgs.services import org_unit_create

    for n in range(12):
        unit = org_unit_create(actor=None, name=f"班{n}", kind="class", parent=tree.grade)
        assignment = ReportingAssignment.objects.create(
            org_unit=unit, reporter=people.teacher, first_approver=homeroom, second_approver=people.counsellor
        )
        services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    login_fully(client, people.director)
    with django_assert_max_num_queries(30):
        response = client.get(url("home"))
    assert response.content.decode().count("班") >= 12


def test_the_blank_form_is_a_pdf(client, people):
    login_fully(client, people.teacher)
    response = client.get(url("blank_pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content[:4] == b"%PDF"
    login_fully(client, people.finance)
    assert client.get(url("blank_pdf")).status_code == 403


def test_assignments_page_allowed_forbidden_and_a_bad_one_refused(client, people, tree, homeroom):
    login_fully(client, people.director)
    assert client.get(url("assignments")).status_code == 200
    response = client.post(
        url("assignments"),
        {
            "org_unit": tree.klass.pk,
            "reporter": people.teacher.pk,
            "first_approver": people.teacher.pk,
            "second_approver": people.counsellor.pk,
            "timely_days": 3,
            "lock_days": 15,
        },
    )
    assert response.status_code == 400 and "三个不同的人" in response.content.decode()
    login_fully(client, people.teacher)
    assert client.get(url("assignments")).status_code == 403


# ---------------------------------------------------------------------------------------------
# API


def test_the_api_walks_create_update_submit_accept_approve_and_refuses_a_change_with_409(
    clock, people, assignment, homeroom, student
):
    teacher = api(people.teacher)
    response = teacher.post(
        "/api/v1/monthly-reports/",
        {
            "assignment": assignment.pk,
            "period": "2026-11",
            "answers": {"climate": 3},
            "concerns": [
                {
                    "resident": student.pk,
                    "category": "family",
                    "signs": "家里吵架",
                    "days": 7,
                    "urgency": "urgent",
                }
            ],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert RiskSignal.objects.filter(resident=student).count() == 1
    assert (
        teacher.patch(f"/api/v1/monthly-reports/{pk}/", {"answers": ANSWERS}, format="json").status_code
        == 200
    )
    assert teacher.post(f"/api/v1/monthly-reports/{pk}/submit/").status_code == 200
    assert api(homeroom).post(f"/api/v1/monthly-reports/{pk}/accept/").status_code == 200
    assert api(people.counsellor).post(f"/api/v1/monthly-reports/{pk}/approve/").status_code == 200
    response = teacher.patch(f"/api/v1/monthly-reports/{pk}/", {"answers": {"climate": 1}}, format="json")
    assert response.status_code == 409
    assert response.json()["detail"] == "已审核锁定，如需修改请先退回"
    assert MonthlyReport.objects.get(pk=pk).answers["climate"] == 4
    response = api(homeroom).post(
        f"/api/v1/monthly-reports/{pk}/unapprove/", {"reason": "错了"}, format="json"
    )
    assert response.status_code == 400
    response = api(people.counsellor).post(
        f"/api/v1/monthly-reports/{pk}/unapprove/", {"reason": "核对"}, format="json"
    )
    assert response.status_code == 200 and response.json()["state"] == "accepted"


def test_the_api_refuses_a_locked_month_with_409_and_a_month_off_with_400(clock, people, assignment):
    teacher = api(people.teacher)
    response = teacher.post(
        "/api/v1/monthly-reports/", {"assignment": assignment.pk, "period": "2026-10"}, format="json"
    )
    assert response.status_code == 409
    clock.move_to("2026-08-20T10:00+08:00")
    response = teacher.post(
        "/api/v1/monthly-reports/", {"assignment": assignment.pk, "period": "2026-08"}, format="json"
    )
    assert response.status_code == 400
    assert not MonthlyReport.objects.exists()


def test_the_api_hides_another_units_report_and_writes_nothing(draft, people):
    outsider = api(people.outsider)
    assert outsider.get(f"/api/v1/monthly-reports/{draft.pk}/").status_code == 404
    assert (
        outsider.patch(
            f"/api/v1/monthly-reports/{draft.pk}/", {"answers": ANSWERS}, format="json"
        ).status_code
        == 404
    )
    assert outsider.post(f"/api/v1/monthly-reports/{draft.pk}/submit/").status_code == 404
    draft.refresh_from_db()
    assert draft.answers == {} and draft.state == "draft"
    assert api(people.finance).get("/api/v1/monthly-reports/").status_code == 403
    assert api(people.teacher).delete(f"/api/v1/monthly-reports/{draft.pk}/").status_code == 405


def test_the_api_list_costs_a_fixed_number_of_queries(
    clock, people, tree, homeroom, django_assert_max_num_queries
):
    from monthlyreports.models import ReportingAssignment
    from orgs.services import org_unit_create

    for n in range(10):
        unit = org_unit_create(actor=None, name=f"班{n}", kind="class", parent=tree.grade)
        assignment = ReportingAssignment.objects.create(
            org_unit=unit, reporter=people.teacher, first_approver=homeroom, second_approver=people.counsellor
        )
        services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    with django_assert_max_num_queries(12):
        response = api(people.director).get("/api/v1/monthly-reports/")
    assert response.json()["count"] == 10


def test_the_first_level_links_a_person_described_in_words_to_a_resident(
    client, draft, people, homeroom, student
):
    row = services.concern_add(
        actor=people.teacher,
        report=draft,
        person_description="李同学，七年级",
        category="study",
        signs="厌学",
        days=9,
        urgency="routine",
    )
    login_fully(client, people.teacher)
    assert client.post(url("concern_register", draft.pk, row.pk), {"resident": student.pk}).status_code == 403
    login_fully(client, people.outsider)
    assert client.post(url("concern_register", draft.pk, row.pk), {"resident": student.pk}).status_code == 404
    row.refresh_from_db()
    assert row.resident is None
    login_fully(client, homeroom)
    page = client.get(url("detail", draft.pk), {"q": "李小红"}).content.decode()
    assert "register-" in page
    assert client.get(url("concern_register", draft.pk, row.pk)).status_code == 405
    client.post(url("concern_register", draft.pk, row.pk), {"resident": student.pk})
    row.refresh_from_db()
    assert row.resident == student and row.person_description == "李同学，七年级"


def test_the_policy_says_who_uses_the_monthly_reports_at_all(people, tree):
    from confidentiality import policy

    assert policy.can_use_monthly_reports(people.teacher)
    assert policy.can_use_monthly_reports(people.director)
    assert not policy.can_use_monthly_reports(people.finance)


def test_the_blank_form_is_printed_in_the_readers_language(people, monkeypatch):
    from django.test import Client

    printed = []
    monkeypatch.setattr("monthlyreports.views.render_pdf", lambda html: printed.append(html) or b"%PDF")
    login_fully(Client(HTTP_ACCEPT_LANGUAGE="en"), people.teacher).get(url("blank_pdf"))
    assert "This month overall" in printed[0] and "Climate of the class or grid" in printed[0]
    assert "Study" in printed[0] and "Urgent" in printed[0]
    assert "学业" not in printed[0] and "本月整体情况" not in printed[0]
