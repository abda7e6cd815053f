"""/api/v1/followups/: the same policy, selectors and services as the follow-up pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from confidentiality.models import AuditEntry
from workflow.models import FollowUpTask
from workflow.tests.followup_hotline_support import client_of, make_task

pytestmark = pytest.mark.django_db

LIST = "/api/v1/followups/"


def detail(pk) -> str:
    return f"{LIST}{pk}/"


def complete(pk) -> str:
    return f"{LIST}{pk}/complete/"


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.fixture
def tasks(people, tree):
    zhang = client_of(people, tree.grid, "张三", responsible=[people.counsellor])
    li = client_of(people, tree.pine, "李四", responsible=[people.outsider])
    today = timezone.localdate()
    return type(
        "Tasks",
        (),
        {
            "today": make_task(zhang, due_on=today, assignee=people.counsellor),
            "late": make_task(zhang, due_on=today - timedelta(days=2), assignee=people.counsellor),
            "done": make_task(
                zhang,
                due_on=today - timedelta(days=9),
                assignee=people.counsellor,
                status="done",
                outcome="好转",
            ),
            "pine": make_task(li, due_on=today, assignee=people.outsider),
        },
    )


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_list_shows_the_callers_follow_ups_without_outcomes(people, tasks):
    response = api(people.counsellor).get(LIST)
    assert response.status_code == 200
    assert ids(response) == [tasks.done.pk, tasks.late.pk, tasks.today.pk]
    assert all("outcome" not in row for row in response.json()["results"])
    assert response.json()["results"][0]["resident_name"] == "张三"
    entry = AuditEntry.objects.get(action="list.viewed", object_type="workflow.followuptask")
    assert entry.actor == people.counsellor and entry.details == {
        "page": "api",
        "ids": [str(tasks.done.pk), str(tasks.late.pk), str(tasks.today.pk)],
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?status=open", ["late", "today"]),
        ("?due=overdue", ["late"]),
        ("?due=today", ["today"]),
        ("?status=done", ["done"]),
    ],
)
def test_the_list_filters_by_status_and_due(people, tasks, query, expected):
    response = api(people.counsellor).get(LIST + query)
    assert ids(response) == [getattr(tasks, name).pk for name in expected]


@pytest.mark.parametrize("query", ["?status=lost", "?due=yesterday"])
def test_an_unknown_filter_is_a_400_with_its_reason(people, tasks, query):
    response = api(people.counsellor).get(LIST + query)
    assert response.status_code == 400 and set(response.json()) <= {"status", "due"}


def test_others_see_only_their_own_and_non_clinical_roles_are_refused(people, tasks):
    assert ids(api(people.outsider).get(LIST)) == [tasks.pine.pk]
    assert ids(api(people.colleague).get(LIST)) == []
    assert api(people.worker).get(LIST).status_code == 403
    assert APIClient().get(LIST).status_code in (401, 403)


def test_the_list_costs_a_fixed_number_of_queries(people, tasks, django_assert_max_num_queries):
    zhang = tasks.today.resident
    for days in range(20):
        make_task(zhang, due_on=timezone.localdate() + timedelta(days=days), assignee=people.counsellor)
    with django_assert_max_num_queries(8):  # 4, and the listing audit (one more on PostgreSQL)
        response = api(people.director).get(LIST)
    assert response.json()["count"] == 24


def test_one_follow_up_shows_its_outcome_and_the_reading_is_audited(people, tasks):
    response = api(people.counsellor).get(detail(tasks.done.pk))
    assert response.status_code == 200 and response.json()["outcome"] == "好转"
    entry = AuditEntry.objects.get(action="follow_up.outcome_viewed")
    assert (entry.actor, entry.object_id) == (people.counsellor, str(tasks.done.pk))


@pytest.mark.parametrize("who", ["outsider", "colleague"])
def test_a_follow_up_out_of_reach_is_a_404(people, tasks, who):
    assert api(getattr(people, who)).get(detail(tasks.done.pk)).status_code == 404
    assert api(getattr(people, who)).get(detail(999999)).status_code == 404
    assert not AuditEntry.objects.filter(action="follow_up.outcome_viewed").exists()


def test_the_assignee_completes_a_follow_up(people, tasks):
    response = api(people.counsellor).post(
        complete(tasks.today.pk), {"outcome": "电话回访，情况稳定", "method": "phone"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "done" and response.json()["outcome"] == "电话回访，情况稳定"
    tasks.today.refresh_from_db()
    assert tasks.today.completed_by == people.counsellor


@pytest.mark.parametrize(
    ("body", "field"),
    [({}, "outcome"), ({"outcome": ""}, "outcome"), ({"outcome": "好", "method": "fax"}, "method")],
)
def test_completing_without_a_valid_outcome_is_a_400(people, tasks, body, field):
    response = api(people.counsellor).post(complete(tasks.today.pk), body, format="json")
    assert response.status_code == 400 and field in response.json()
    tasks.today.refresh_from_db()
    assert tasks.today.status == "open"


def test_completing_in_the_future_or_twice_is_a_400(people, tasks):
    tomorrow = (timezone.now() + timedelta(days=1)).isoformat()
    future = api(people.counsellor).post(
        complete(tasks.today.pk), {"outcome": "好", "completed_at": tomorrow}, format="json"
    )
    assert future.status_code == 400 and "completed_at" in future.json()
    again = api(people.counsellor).post(complete(tasks.done.pk), {"outcome": "再次"}, format="json")
    assert again.status_code == 400 and again.json()["non_field_errors"]


@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("colleague", 404), ("worker", 403)])
def test_a_forbidden_completion_writes_nothing(people, tasks, who, status):
    response = api(getattr(people, who)).post(complete(tasks.today.pk), {"outcome": "篡改"}, format="json")
    assert response.status_code == status
    tasks.today.refresh_from_db()
    assert (tasks.today.status, tasks.today.outcome) == ("open", "")
    assert not AuditEntry.objects.filter(action="follow_up.completed").exists()


def test_wrong_methods_are_refused(people, tasks):
    client = api(people.counsellor)
    assert client.post(LIST, {}, format="json").status_code == 405
    assert client.delete(detail(tasks.today.pk)).status_code == 405
    assert client.get(complete(tasks.today.pk)).status_code == 405
    assert FollowUpTask.objects.filter(pk=tasks.today.pk, status="open").exists()
