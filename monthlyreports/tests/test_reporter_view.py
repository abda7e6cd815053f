"""The reporter (often a student holding the teacher role) sees their own rows of people of
concern and "received", never someone else's rows nor what followed (the person being linked to
a resident's record), on the page and in the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from confidentiality.roles import Role
from conftest import login_fully, make_user
from monthlyreports import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(clock, people, assignment):
    return services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")


def _row(report, actor, **values):
    defaults = {"category": "emotion", "signs": "情绪低落", "days": 3, "urgency": "routine"}
    return services.concern_add(actor=actor, report=report, **{**defaults, **values})


def _api(user):
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _concerns_section(response) -> str:
    return response.content.decode().split('id="concerns"')[1].split("</section>")[0]


@pytest.fixture
def handed_over(draft, people, tree, homeroom, assignment):
    """The reporter's rows on a draft, then the class handed to another student."""
    _row(draft, people.teacher, person_description="王同学，七年级", signs="上课哭泣")
    successor = make_user("successor_t", Role.TEACHER, tree.klass)
    services.assignment_save(
        actor=people.director,
        assignment=assignment,
        org_unit=tree.klass,
        reporter=successor,
        first_approver=homeroom,
        second_approver=people.counsellor,
    )
    return successor


def test_a_new_reporter_does_not_see_the_rows_the_previous_one_wrote(client, draft, handed_over):
    login_fully(client, handed_over)
    response = client.get(reverse("monthlyreports:detail", args=[draft.pk]))
    assert response.status_code == 200
    section = _concerns_section(response)
    assert "王同学" not in section and "上课哭泣" not in section


def test_a_new_reporter_does_not_get_the_previous_ones_rows_from_the_api(draft, handed_over):
    detail = _api(handed_over).get(f"/api/v1/monthly-reports/{draft.pk}/")
    assert detail.status_code == 200 and detail.json()["concerns"] == []
    listed = _api(handed_over).get("/api/v1/monthly-reports/").json()["results"]
    assert [r["concerns"] for r in listed] == [[]]


def test_the_approvers_still_see_every_row(client, draft, handed_over, homeroom):
    login_fully(client, homeroom)
    section = _concerns_section(client.get(reverse("monthlyreports:detail", args=[draft.pk])))
    assert "王同学" in section and "上课哭泣" in section


@pytest.fixture
def linked(draft, people, homeroom, student):
    row = _row(draft, people.teacher, person_description="李同学，七年级")
    services.concern_row_register(actor=homeroom, row=row, resident=student)
    return row


def test_the_reporter_sees_what_they_wrote_not_the_record_it_was_linked_to(client, draft, people, linked):
    login_fully(client, people.teacher)
    section = _concerns_section(client.get(reverse("monthlyreports:detail", args=[draft.pk])))
    assert "李同学，七年级" in section and "李小红" not in section and "已收到" in section


def test_the_api_gives_the_reporter_what_they_wrote_not_the_linked_resident(draft, people, linked):
    (row,) = _api(people.teacher).get(f"/api/v1/monthly-reports/{draft.pk}/").json()["concerns"]
    assert row["person"] == "李同学，七年级" and row["resident"] is None


def test_the_approver_sees_the_linked_resident(client, draft, homeroom, linked, student):
    (row,) = _api(homeroom).get(f"/api/v1/monthly-reports/{draft.pk}/").json()["concerns"]
    assert row["person"] == "李小红" and row["resident"] == student.pk


@pytest.fixture
def returned_after_linking(draft, people, homeroom, student):
    from .conftest import ANSWERS

    row = _row(draft, people.teacher, person_description="李同学，七年级")
    services.report_save(actor=people.teacher, report=draft, answers=ANSWERS)
    services.report_submit(actor=people.teacher, report=draft)
    services.concern_row_register(actor=homeroom, row=row, resident=student)
    services.report_return(actor=homeroom, report=draft, reason="请补充")
    return draft


def _diff(client, report) -> str:
    page = client.get(reverse("monthlyreports:detail", args=[report.pk])).content.decode()
    return page.split('id="diff"')[1].split("</section>")[0] if 'id="diff"' in page else ""


def test_linking_a_person_to_a_record_is_not_a_change_in_the_reporters_report(
    client, returned_after_linking, homeroom
):
    login_fully(client, homeroom)
    assert "李小红" not in _diff(client, returned_after_linking)


def test_the_reporters_changes_list_no_people(client, returned_after_linking, people, student):
    from monthlyreports.models import ConcernRow

    services.concern_add(
        actor=people.teacher,
        report=returned_after_linking,
        resident=student,
        category="study",
        signs="厌学",
        days=2,
        urgency="routine",
    )
    # As if the person had been listed by whoever reported for the unit before.
    first = ConcernRow.objects.filter(report=returned_after_linking).order_by("pk").first()
    ConcernRow.objects.filter(pk=first.pk).update(created_by=people.director)
    login_fully(client, people.teacher)
    diff = _diff(client, returned_after_linking)
    assert "李同学" not in diff and "李小红" not in diff


def test_the_history_says_each_step_in_words_not_as_a_code(client, returned_after_linking, people):
    login_fully(client, people.teacher)
    page = client.get(reverse("monthlyreports:detail", args=[returned_after_linking.pk])).content.decode()
    history = page.split('id="history"')[1].split("</section>")[0]
    assert "开始填写" in history and "已提交" in history and "退回" in history
    assert not any(f"· {code}" in history for code in ("start", "submit", "return"))
