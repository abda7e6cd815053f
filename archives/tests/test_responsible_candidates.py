"""ARC-3: whom an archive manager may make responsible comes from the policy, not from every
counsellor in the system."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from archives.selectors import responsible_candidates
from confidentiality.roles import Role
from conftest import login_fully, make_user

pytestmark = pytest.mark.django_db


def test_a_manager_is_offered_the_counsellors_of_their_units_and_of_the_units_above(people, tree):
    east_archivist = make_user("east_archivist_t", Role.ARCHIVIST, tree.east)
    centre_counsellor = make_user("centre_counsellor_t", Role.COUNSELLOR, tree.district)
    offered = set(responsible_candidates(user=east_archivist))
    assert {people.counsellor, people.therapist, centre_counsellor} <= offered
    # West's counsellor serves another branch; supervisors and volunteers are never responsible.
    assert people.outsider not in offered
    assert not offered & {people.supervisor, people.volunteer, people.director}


def test_an_inactive_counsellor_is_not_offered(people):
    User.objects.filter(pk=people.colleague.pk).update(is_active=False)
    assert people.colleague not in set(responsible_candidates(user=people.archivist))


def test_posting_a_counsellor_from_another_branch_writes_nothing(client, people, tree, resident):
    east_archivist = make_user("east_archivist_t", Role.ARCHIVIST, tree.east)
    url = reverse("archives:responsible", args=[resident.pk])
    response = login_fully(client, east_archivist).post(url, {"staff": [people.outsider.pk]})
    assert response.status_code in (200, 302, 400)
    assert not resident.archive.responsible.exists()
