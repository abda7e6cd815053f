"""Every page of the volunteers app: allowed, forbidden, wrong method; IDOR 404 with no write;
query counts of the lists do not grow with rows."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from volunteers.models import Visit, VisitAssignment
from volunteers.tests.conftest import active_assignment, register

pytestmark = pytest.mark.django_db

COORDINATOR_PAGES = [
    "volunteers:profile_list",
    "volunteers:profile_create",
    "volunteers:assignment_list",
    "volunteers:hours_list",
]


@pytest.mark.parametrize("name", COORDINATOR_PAGES)
def test_coordinator_pages_open_for_a_coordinator_and_are_forbidden_to_the_volunteer_and_finance(
    world, people, as_user, client, name
):
    assert as_user(people.counsellor).get(reverse(name)).status_code == 200
    for who in (people.volunteer, people.finance, people.teacher):
        client.logout()
        assert as_user(who).get(reverse(name)).status_code == 403


def test_my_visits_is_the_volunteers_and_forbidden_to_staff_who_do_not_visit(world, people, as_user, client):
    response = as_user(people.volunteer).get(reverse("volunteers:my_visits"))
    assert response.status_code == 200 and "李奶奶" in response.content.decode()
    client.logout()
    assert as_user(people.counsellor).get(reverse("volunteers:my_visits")).status_code == 403


@pytest.mark.parametrize(
    "name, method",
    [
        ("volunteers:my_visits", "post"),
        ("volunteers:assignment_list", "post"),
        ("volunteers:profile_list", "delete"),
        ("volunteers:hours_list", "put"),
    ],
)
def test_a_wrong_method_is_refused(world, people, as_user, name, method):
    assert getattr(as_user(people.counsellor), method)(reverse(name)).status_code == 405


@pytest.mark.parametrize(
    "name", ["volunteers:assignment_activate", "volunteers:assignment_end", "volunteers:assignment_consent"]
)
def test_assignment_actions_refuse_a_get(world, people, as_user, name):
    assert as_user(people.counsellor).get(reverse(name, args=[world.assignment.pk])).status_code == 405


def test_another_volunteers_assignment_is_404_on_every_path_and_nothing_is_written(
    world, people, tree, as_user
):
    other_resident = register(people, tree, name="王爷爷", first17="11010119400101123", phone="13800000001")
    from conftest import make_user
    from volunteers.tests.conftest import active_profile

    other_user = make_user("volunteer_b", "volunteer", tree.willow)
    other = active_assignment(
        people.counsellor, active_profile(people, other_user, people.counsellor), other_resident
    )
    client = as_user(people.volunteer)
    for path in (
        reverse("volunteers:assignment_detail", args=[other.pk]),
        reverse("volunteers:visit_create", args=[other.pk]),
    ):
        assert client.get(path).status_code == 404
        assert client.get(path, headers={"HX-Request": "true"}).status_code == 404
    response = client.post(
        reverse("volunteers:visit_create", args=[other.pk]),
        {"mode": "home", "contact_made": "yes", "visited_at": "2026-01-01T10:00"},
    )
    assert response.status_code == 404
    api = APIClient()
    api.force_authenticate(user=people.volunteer)
    assert api.get(f"/api/v1/visit-assignments/{other.pk}/").status_code == 404
    posted = api.post(
        "/api/v1/visits/",
        {
            "assignment": other.pk,
            "visited_at": "2026-01-01T10:00:00+08:00",
            "mode": "home",
            "contact_made": True,
        },
        format="json",
    )
    assert posted.status_code == 404
    assert Visit.objects.count() == 0


def test_the_api_creates_a_visit_once_for_the_same_key_and_refuses_a_future_one(world, people):
    import uuid
    from datetime import timedelta

    from django.utils import timezone

    api = APIClient()
    api.force_authenticate(user=people.volunteer)
    data = {
        "assignment": world.assignment.pk,
        "submission_key": str(uuid.uuid4()),
        "visited_at": (timezone.now() - timedelta(hours=1)).isoformat(),
        "mode": "phone",
        "contact_made": True,
        "duration_minutes": 20,
    }
    assert api.post("/api/v1/visits/", data, format="json").status_code == 201
    assert api.post("/api/v1/visits/", data, format="json").status_code == 200
    future = {
        **data,
        "submission_key": str(uuid.uuid4()),
        "visited_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }
    refused = api.post("/api/v1/visits/", future, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert refused.status_code == 400 and "visited_at" in refused.json()
    assert Visit.objects.count() == 1
    assert api.get("/api/v1/visit-assignments/").status_code == 200
    api.force_authenticate(user=people.finance)
    assert api.get("/api/v1/visits/").status_code == 403


def test_the_assignment_list_costs_the_same_queries_for_one_row_or_many(
    world, people, tree, as_user, django_assert_max_num_queries
):
    client = as_user(people.counsellor)
    client.get(reverse("volunteers:assignment_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("volunteers:assignment_list"))
    from conftest import make_user
    from volunteers.tests.conftest import active_profile

    for n in range(4):
        user = make_user(f"vol_{n}", "volunteer", tree.willow)
        resident = register(
            people, tree, name=f"居民{n}", first17=f"110101195001{10 + n}123", phone=f"1370000000{n}"
        )
        active_assignment(people.counsellor, active_profile(people, user, people.counsellor), resident)
    assert VisitAssignment.objects.count() == 5
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("volunteers:assignment_list"))
    assert len(many) == len(one)
