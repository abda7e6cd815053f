"""The assignment form finds the resident by search (archives' resident picker), never by a
dropdown of everyone in the coordinator's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from archives.services import resident_register
from confidentiality.models import AuditEntry
from conftest import make_user
from volunteers.models import VisitAssignment
from volunteers.tests.conftest import register

pytestmark = pytest.mark.django_db


@pytest.fixture
def wang(people, tree):
    return register(people, tree, name="王爷爷", first17="11010119400101123", phone="13800000001")


def test_the_profile_page_lists_no_residents_until_the_coordinator_searches(world, people, as_user, wang):
    client = as_user(people.counsellor)
    url = reverse("volunteers:profile_detail", args=[world.profile.pk])
    page = client.get(url).content.decode()
    assert "王爷爷" not in page and f'value="{wang.pk}"' not in page
    found = client.get(url, {"q": "王"}, headers={"HX-Request": "true"})
    assert found.status_code == 200
    assert f'name="resident" value="{wang.pk}"' in found.content.decode()
    assert "李奶奶" not in found.content.decode()
    assert AuditEntry.objects.filter(action="resident.searched").exists()


def test_find_without_javascript_shows_the_matches_and_writes_nothing(world, people, as_user, wang):
    response = as_user(people.counsellor).post(
        reverse("volunteers:assignment_create", args=[world.profile.pk]),
        {"q": "王爷爷", "search": "1", "reason": "empty_nest", "frequency_days": "7"},
    )
    assert response.status_code == 200 and f'value="{wang.pk}"' in response.content.decode()
    assert not VisitAssignment.objects.filter(resident=wang).exists()


def test_no_pick_or_a_resident_out_of_scope_is_refused_with_a_message_and_nothing_written(
    world, people, tree, as_user
):
    pine_worker = make_user("worker_pine", "grid_worker", tree.pine)
    far = resident_register(actor=pine_worker, name="赵奶奶", org_unit=tree.pine, phone="13800000002")
    client = as_user(people.counsellor)
    url = reverse("volunteers:assignment_create", args=[world.profile.pk])
    for resident in ("", str(far.pk), "abc"):
        response = client.post(
            url,
            {"resident": resident, "reason": "empty_nest", "frequency_days": "7"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
        assert response.status_code == 400
        assert "请" in response.content.decode() and "赵奶奶" not in response.content.decode()
    assert VisitAssignment.objects.count() == 1


def test_a_refused_form_keeps_the_picked_resident_checked(world, people, as_user, wang):
    response = as_user(people.counsellor).post(
        reverse("volunteers:assignment_create", args=[world.profile.pk]),
        {"resident": wang.pk, "reason": "empty_nest", "frequency_days": "5"},
    )
    assert response.status_code == 400
    assert f'value="{wang.pk}" checked' in response.content.decode()


def test_a_volunteer_cannot_search_through_the_profile_page(world, people, as_user, wang):
    response = as_user(people.volunteer).get(
        reverse("volunteers:profile_detail", args=[world.profile.pk]),
        {"q": "王"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="resident.searched").exists()


def test_a_coordinator_elsewhere_gets_404_and_no_search(world, people, tree, as_user, wang):
    stranger = make_user("counsellor_far", "counsellor", tree.pine)
    response = as_user(stranger).get(
        reverse("volunteers:profile_detail", args=[world.profile.pk]),
        {"q": "王"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 404
