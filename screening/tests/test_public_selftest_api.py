"""POST /api/v1/public/selftests/{token}/: the self-test for other front ends, same rules as the web."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import CampaignResponse
from crisis.models import RiskSignal
from screening.services import campaign_create, campaign_set_status

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="社区筛查",
        instruments=["phq2"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today,
        ends_on=today + timedelta(days=3),
        identification="anonymous",
    )
    return campaign_set_status(actor=people.director, campaign=campaign, status="running")


def submit(campaign, **body):
    data = {"consent": True, "idempotency_key": "kiosk-0001", "answers": {"phq2": [0, 1]}, **body}
    return APIClient().post(f"/api/v1/public/selftests/{campaign.token}/", data, format="json")


def test_an_anonymous_sitting_is_stored_once_per_key(campaign):
    first, again = submit(campaign), submit(campaign)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["results"][0]["band"] == "negative" and not again.json()["stored"]
    assert CampaignResponse.objects.count() == 1


def test_a_positive_screener_must_bring_its_full_instrument(campaign):
    assert submit(campaign, answers={"phq2": [2, 2]}).status_code == 400
    full = submit(campaign, answers={"phq2": [2, 2], "phq9": [2, 2, 3, 3, 3, 3, 3, 2, 1]})
    assert full.status_code == 201 and full.json()["needs_care"]
    assert RiskSignal.objects.exists()


def test_without_consent_nothing_is_stored(campaign):
    assert submit(campaign, consent=False).status_code == 400
    assert not CampaignResponse.objects.exists()


def test_an_unknown_or_closed_campaign_is_refused(people, campaign):
    assert APIClient().post("/api/v1/public/selftests/nope/", {}, format="json").status_code == 404
    campaign_set_status(actor=people.director, campaign=campaign, status="closed")
    assert submit(campaign).status_code == 400
