"""SCR-1 / ASM-4: campaigns (the staff screens, submits to a closed campaign, scope) and coverage
per unit; the public self-test pages are tested in portal/tests/test_selftest.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.services import resident_register
from assessments.models import CampaignResponse
from conftest import login_fully
from screening.services import (
    SelfTestConsent,
    campaign_coverage,
    campaign_create,
    campaign_set_status,
    selftest_submit,
)
from screening.tests.campaign_support import make_campaign, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(people, tree):
    return make_student(people, tree)


@pytest.fixture
def campaign(people, tree):
    return make_campaign(people, tree)


def test_a_running_campaign_is_closed_and_a_closed_one_opened_again(people, campaign):
    campaign_set_status(actor=people.director, campaign=campaign, status="closed")
    assert campaign_set_status(actor=people.director, campaign=campaign, status="running").status == "running"


@pytest.mark.parametrize("status", ["running", "draft"])
def test_a_running_campaign_is_neither_opened_again_nor_sent_back_to_draft(people, campaign, status):
    with pytest.raises(ValidationError):
        campaign_set_status(actor=people.director, campaign=campaign, status=status)
    campaign.refresh_from_db()
    assert campaign.status == "running"


def test_the_campaign_page_offers_only_what_its_status_allows(people, campaign):
    client = login_fully(Client(), people.director)
    page = client.get(reverse("screening:campaign", args=[campaign.pk])).content.decode()
    assert 'value="closed"' in page and 'value="running"' not in page


def test_submitting_to_a_closed_campaign_is_refused(people, campaign, student):
    campaign_set_status(actor=people.director, campaign=campaign, status="closed")
    with pytest.raises(ValidationError):
        selftest_submit(
            campaign=campaign,
            resident=student,
            answers={"phq2": [0, 0]},
            idempotency_key="k",
            consent=SelfTestConsent.now(agreed=True),
        )


def test_staff_screens_show_coverage_and_a_qr_code(people, campaign, student):
    client = login_fully(Client(), people.director)
    detail = client.get(reverse("screening:campaign", args=[campaign.pk]))
    assert detail.status_code == 200 and campaign.token in detail.content.decode()
    qr = client.get(reverse("screening:campaign_qr", args=[campaign.pk]))
    assert qr["Content-Type"] == "image/png" and qr.content[:4] == b"\x89PNG"


def test_the_self_test_link_uses_the_address_the_page_was_served_at(people, campaign, settings):
    """Issue 18 #8: served on another port, the link and its QR code still said :8000."""
    settings.XINQIAO_PUBLIC_BASE_URL = ""
    client = login_fully(Client(), people.director)
    html = client.get(
        reverse("screening:campaign", args=[campaign.pk]), HTTP_HOST="localhost:9000"
    ).content.decode()
    assert (
        f"http://localhost:9000/s/{campaign.token}" in html
        or f"http://localhost:9000{reverse('portal:selftest_start', args=[campaign.token])}" in html
    )
    assert "127.0.0.1:8000" not in html


def test_campaign_screens_are_for_campaign_managers(people, campaign):
    for role, status in (("worker", 403), ("finance", 403), ("outsider", 404)):
        client = login_fully(Client(), getattr(people, role))
        assert client.get(reverse("screening:campaign", args=[campaign.pk])).status_code == status
    assert login_fully(Client(), people.worker).post(reverse("screening:campaign_new"), {}).status_code == 403


def test_a_campaign_outside_scope_cannot_be_created(people, tree):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        campaign_create(
            actor=people.counsellor,
            name="x",
            instruments=["phq2"],
            target_units=[tree.pine],
            target_tags=[],
            starts_on=today,
            ends_on=today,
            identification="anonymous",
        )


def test_coverage_counts_each_unit_in_two_queries_whatever_the_number_of_units(
    people, tree, django_assert_num_queries
):
    campaign = campaign_create(
        actor=people.director,
        name="全区普查",
        instruments=["phq2"],
        target_units=[tree.willow, tree.pine, tree.grid],
        target_tags=[],
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate() + timedelta(days=30),
        identification="id_number",
    )
    people_in = {
        unit: [
            resident_register(actor=people.director, name=f"居民{unit.pk}{n}", org_unit=unit)
            for n in range(3)
        ]
        for unit in (tree.grid, tree.willow, tree.pine)
    }
    for n, resident in enumerate([*people_in[tree.grid][:2], people_in[tree.pine][0]]):
        CampaignResponse.objects.create(campaign=campaign, resident=resident, idempotency_key=f"k{n}")
    with django_assert_num_queries(2):
        rows = campaign_coverage(campaign)
    # The grid lies inside the willow community: its people count there too.
    assert [(row["unit"], row["target"], row["done"]) for row in rows] == sorted(
        [(tree.willow, 6, 2), (tree.grid, 3, 2), (tree.pine, 3, 1)], key=lambda row: row[0].path
    )
