"""CONF-1: a self-test sitting records what the person agreed to, whichever entry point stored it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from assessments.models import Assessment, CampaignResponse
from confidentiality.models import ConsentKind
from confidentiality.services import consent_text_publish
from screening.services import SelfTestConsent, campaign_create, campaign_set_status, selftest_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def texts(people):
    return {
        kind: consent_text_publish(actor=people.admin, kind=kind, version="2", title=str(kind), body="正文")
        for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO)
    }


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


def test_the_service_stores_nothing_without_consent_whoever_calls_it(texts, campaign):
    refused = SelfTestConsent(
        agreed=False, versions={"informed": "2", "sensitive_info": "2"}, given_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        selftest_submit(
            campaign=campaign, resident=None, answers={"phq2": [0, 0]}, idempotency_key="k1", consent=refused
        )
    assert not CampaignResponse.objects.exists() and not Assessment.objects.exists()


def test_the_sitting_records_the_text_versions_the_time_and_that_it_was_anonymous(texts, campaign):
    given_at = timezone.now() - timedelta(minutes=5)
    consent = SelfTestConsent(
        agreed=True, versions={"informed": "2", "sensitive_info": "2"}, given_at=given_at
    )
    result = selftest_submit(
        campaign=campaign, resident=None, answers={"phq2": [0, 0]}, idempotency_key="k2", consent=consent
    )
    sitting = result.response
    assert sitting.consent_versions == {"informed": "2", "sensitive_info": "2"}
    assert sitting.consent_given_at == given_at and sitting.identified is False


def test_consent_to_a_text_that_was_replaced_meanwhile_is_refused(people, texts, campaign):
    stale = SelfTestConsent.now(agreed=True)
    consent_text_publish(
        actor=people.admin, kind=ConsentKind.INFORMED, version="3", title="新版", body="新正文"
    )
    with pytest.raises(ValidationError):
        selftest_submit(
            campaign=campaign, resident=None, answers={"phq2": [0, 0]}, idempotency_key="k3", consent=stale
        )
    assert not CampaignResponse.objects.exists()


def test_the_web_self_test_records_the_consent_given_on_its_first_page(client, texts, campaign):
    client.post(reverse("portal:selftest_start", args=[campaign.token]), {"consent": "on"})
    client.post(reverse("portal:selftest_step", args=[campaign.token]), {"item_1": "0", "item_2": "1"})
    key = client.session["selftest"]["key"]
    client.post(reverse("portal:selftest_finish", args=[campaign.token]), {"key": key})
    sitting = CampaignResponse.objects.get()
    assert sitting.consent_versions == {"informed": "2", "sensitive_info": "2"}
    assert sitting.consent_given_at is not None and sitting.consent_given_at <= sitting.created_at


def test_the_api_records_the_consent_of_its_request(texts, campaign):
    body = {"consent": True, "idempotency_key": "kiosk-0002", "answers": {"phq2": [0, 1]}}
    response = APIClient().post(f"/api/v1/public/selftests/{campaign.token}/", body, format="json")
    assert response.status_code == 201
    assert CampaignResponse.objects.get().consent_versions == {"informed": "2", "sensitive_info": "2"}
