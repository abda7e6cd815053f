"""The work-plan API: the same policy and services as the pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from conftest import login_fully
from workplans.models import OccurrenceLink, WorkPlan

from .conftest import held_broadcast, make_plan


def test_the_list_shows_plans_in_scope_with_bounded_queries(
    client, people, tree, clock, django_assert_max_num_queries
):
    for year in range(2021, 2026):
        make_plan(people, tree, year=year, title=f"{year}计划")
    login_fully(client, people.lead)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("api:work_plans"))
    assert response.status_code == 200 and response.json()["count"] == 5
    assert login_fully(client, people.outsider).get(reverse("api:work_plans")).json()["count"] == 0


def test_a_lead_creates_a_plan_and_a_counsellor_may_not(client, people, tree, clock):
    data = {"org_unit": tree.school.pk, "year": 2026, "term": "spring", "title": "春季计划"}
    response = login_fully(client, people.counsellor).post(
        reverse("api:work_plans"), data, content_type="application/json"
    )
    assert response.status_code == 403 and not WorkPlan.objects.exists()
    response = login_fully(client, people.lead).post(
        reverse("api:work_plans"), data, content_type="application/json"
    )
    assert response.status_code == 201 and response.json()["ends_on"] == "2026-07-31"


def test_a_unit_outside_scope_is_refused(client, people, tree):
    data = {"org_unit": tree.school.pk, "year": 2026, "term": "spring", "title": "x"}
    response = login_fully(client, people.east_director).post(
        reverse("api:work_plans"), data, content_type="application/json"
    )
    assert response.status_code == 400 and not WorkPlan.objects.exists()


def test_the_list_refuses_delete_and_anonymous(client, people):
    assert client.get(reverse("api:work_plans")).status_code in (401, 403)
    assert login_fully(client, people.lead).delete(reverse("api:work_plans")).status_code == 405


def test_retrieve_with_items_and_missing_for_an_outsider(client, plan, people):
    url = reverse("api:work_plan", args=[plan.pk])
    response = login_fully(client, people.lead).get(url)
    assert response.status_code == 200 and response.json()["items"][0]["title"] == "每月一次广播讲座"
    assert client.post(url).status_code == 405
    assert login_fully(client, people.outsider).get(url).status_code == 404


def test_items_are_added_inside_the_period_only(client, plan, people):
    url = reverse("api:work_plan_items", args=[plan.pk])
    login_fully(client, people.lead)
    data = {
        "title": "暑期活动",
        "category": "other",
        "owner": people.lead.pk,
        "starts_on": "2026-08-01",
        "ends_on": "2026-08-31",
    }
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 400 and "事项须在计划期间内" in response.content.decode()
    data.update(starts_on="2026-05-01", ends_on="2026-05-31", title="心理健康月")
    assert client.post(url, data, content_type="application/json").status_code == 201
    assert len(client.get(url).json()) == 2
    assert client.delete(url).status_code == 405


def test_items_cannot_be_added_by_a_reader(client, plan, people):
    url = reverse("api:work_plan_items", args=[plan.pk])
    data = {
        "title": "x",
        "category": "other",
        "owner": people.lead.pk,
        "starts_on": "2026-05-01",
        "ends_on": "2026-05-31",
    }
    response = login_fully(client, people.supervisor).post(url, data, content_type="application/json")
    assert response.status_code == 404 and plan.items.count() == 1


def test_occurrences_with_their_states_and_a_link_by_the_owner(client, approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    url = reverse("api:work_plan_occurrences", args=[approved.pk])
    login_fully(client, people.lead)
    states = [o["state"] for o in client.get(url).json()]
    assert states == ["overdue", "due", "due", "due", "due"]
    data = {"item": item.pk, "occurrence_on": "2026-03-01", "source": "activity", "object_id": broadcast.pk}
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 201 and response.json()["state"] == "done"
    assert client.put(url).status_code == 405


def test_a_link_to_a_record_of_another_month_is_refused(client, approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    data = {"item": item.pk, "occurrence_on": "2026-04-01", "source": "activity", "object_id": broadcast.pk}
    response = login_fully(client, people.lead).post(
        reverse("api:work_plan_occurrences", args=[approved.pk]), data, content_type="application/json"
    )
    assert response.status_code == 400 and not OccurrenceLink.objects.exists()


def test_occurrences_are_missing_for_an_outsider(client, approved, people):
    assert (
        login_fully(client, people.outsider)
        .get(reverse("api:work_plan_occurrences", args=[approved.pk]))
        .status_code
        == 404
    )


def test_actions_in_order_by_the_right_people(client, plan, people):
    login_fully(client, people.director)
    assert client.post(reverse("api:work_plan_action", args=[plan.pk, "approve"])).status_code == 400
    login_fully(client, people.lead)
    assert client.post(reverse("api:work_plan_action", args=[plan.pk, "submit"])).status_code == 200
    login_fully(client, people.counsellor)
    assert client.post(reverse("api:work_plan_action", args=[plan.pk, "approve"])).status_code == 404
    login_fully(client, people.director)
    response = client.post(reverse("api:work_plan_action", args=[plan.pk, "approve"]))
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert client.get(reverse("api:work_plan_action", args=[plan.pk, "activate"])).status_code == 405
    assert client.post(reverse("api:work_plan_action", args=[plan.pk, "explode"])).status_code == 404
