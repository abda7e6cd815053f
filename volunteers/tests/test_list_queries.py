"""Every list of the volunteers app (pages and API) costs the same queries for one row or many."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import login_fully, make_user
from volunteers import services
from volunteers.tests.conftest import active_assignment, active_profile, register

pytestmark = pytest.mark.django_db


def _visit(user, assignment, minutes=30):
    services.visit_log(
        actor=user,
        assignment=assignment,
        visited_at=timezone.now() - timedelta(hours=3),
        mode="home",
        contact_made=True,
        duration_minutes=minutes,
        notes="聊了家常",
    )


def _counts(people, world):
    pages = Client()
    login_fully(pages, people.counsellor)
    mine = Client()
    login_fully(mine, people.volunteer)
    api = APIClient()
    api.force_authenticate(user=people.counsellor)
    reads = {
        "profiles": lambda: pages.get(reverse("volunteers:profile_list")),
        "profile": lambda: pages.get(reverse("volunteers:profile_detail", args=[world.profile.pk])),
        "hours": lambda: pages.get(reverse("volunteers:hours_list")),
        "assignments": lambda: pages.get(reverse("volunteers:assignment_list")),
        "my_visits": lambda: mine.get(reverse("volunteers:my_visits")),
        "api_volunteers": lambda: api.get("/api/v1/volunteers/"),
        "api_assignments": lambda: api.get("/api/v1/visit-assignments/"),
        "api_visits": lambda: api.get("/api/v1/visits/"),
    }
    counts = {}
    for name, read in reads.items():
        read()  # warm caches (session, permissions)
        with CaptureQueriesContext(connection) as queries:
            response = read()
        assert response.status_code == 200, name
        counts[name] = len(queries)
    return counts


def test_each_list_costs_the_same_queries_for_one_row_or_many(world, people, tree):
    _visit(people.volunteer, world.assignment)
    one = _counts(people, world)
    for n in range(3):
        user = make_user(f"vol_{n}", "volunteer", tree.willow)
        resident = register(
            people, tree, name=f"居民{n}", first17=f"110101195001{10 + n}123", phone=f"1370000000{n}"
        )
        assignment = active_assignment(
            people.counsellor, active_profile(people, user, people.counsellor), resident
        )
        _visit(user, assignment)
        # The first volunteer gets more of everything too (their own lists and profile grow).
        more = register(
            people, tree, name=f"邻居{n}", first17=f"110101195102{10 + n}123", phone=f"1360000000{n}"
        )
        extra = active_assignment(people.counsellor, world.profile, more)
        _visit(people.volunteer, extra)
    assert _counts(people, world) == one
