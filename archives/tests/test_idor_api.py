"""CONF-2 through the API: every role against residents in and out of scope, like the screens.

Uses the same world and expectation tables as test_idor.py, so the UI and the API are held to one
policy: a resident out of reach is a 404, clinical fields appear only for the clinical team, and a
refused write changes nothing.
"""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from archives.tests.test_idor import CLINICAL, CORRECTORS, PINE, ROLES, SEES, WILLOW, snapshot
from confidentiality.models import AuditEntry

pytestmark = pytest.mark.django_db


def api_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_from_the_api_exactly_what_the_policy_allows(people, world, role):
    user = getattr(people, role)
    client = api_for(user)
    listed = client.get("/api/v1/residents/")
    if listed.status_code == 200:
        ids = {row["id"] for row in listed.json()["results"]}
        assert ids == {world.residents[who].pk for who in SEES[role]}
    else:
        assert listed.status_code == 403 and not SEES[role]
    for who in (WILLOW, PINE):
        resident = world.residents[who]
        before = snapshot()
        last_seq = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0]
        response = client.get(f"/api/v1/residents/{resident.pk}/")
        if who not in SEES[role]:
            assert response.status_code == 404, (role, who)
            assert list(AuditEntry.objects.filter(seq__gt=last_seq).values_list("action", flat=True)) == [
                "access.refused"
            ]
        else:
            assert response.status_code == 200, (role, who)
            body = response.json()
            assert (body["clinical"] is not None) == (who in CLINICAL.get(role, set())), (role, who)
        patch = client.patch(
            f"/api/v1/residents/{resident.pk}/", {"address": "改写的地址", "reason": "核对"}, format="json"
        )
        if who in SEES[role] and role in CORRECTORS:
            assert patch.status_code == 200, (role, who, patch.content)
        else:
            assert patch.status_code in (403, 404), (role, who)
            assert snapshot() == before, (role, who)
