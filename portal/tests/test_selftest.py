"""ASM-4 on the portal: the public self-test with its two-stage funnel, consent first,
idempotent submits, risk signals from results, and identification limits (no login)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.services import resident_register
from assessments.models import Assessment, Campaign, CampaignResponse
from crisis.models import RiskSignal
from screening.services import campaign_coverage, campaign_create, campaign_set_status
from screening.tests.campaign_support import ID_NUMBER, make_campaign, make_student

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(people, tree):
    return make_student(people, tree)


@pytest.fixture
def campaign(people, tree):
    return make_campaign(people, tree)


def start(client, campaign, **data):
    return client.post(
        reverse("portal:selftest_start", args=[campaign.token]),
        {"consent": "on", "name": "小明", "id_number": ID_NUMBER, **data},
    )


def answer(client, campaign, *values):
    return client.post(
        reverse("portal:selftest_step", args=[campaign.token]),
        {f"item_{n}": str(v) for n, v in enumerate(values, 1)},
    )


def test_a_positive_phq2_leads_into_the_phq9_and_a_double_submit_stores_once(client, campaign, student):
    assert start(client, campaign).status_code == 302
    answer(client, campaign, 2, 2)  # PHQ-2 positive
    page = client.get(reverse("portal:selftest_step", args=[campaign.token]))
    assert page.context["instrument"].code == "phq9"  # the funnel, before GAD-2
    assert page.context["form"].initial == {"item_1": "2", "item_2": "2"}
    answer(client, campaign, 2, 2, 2, 2, 1, 1, 1, 1, 1)
    answer(client, campaign, 0, 1)  # GAD-2 negative
    key = client.session["selftest"]["key"]
    finish = reverse("portal:selftest_finish", args=[campaign.token])
    first = client.post(finish, {"key": key})
    second = client.post(finish, {"key": key})
    assert first.status_code == second.status_code == 302 and first.url == second.url
    assert CampaignResponse.objects.count() == 1
    assert sorted(Assessment.objects.values_list("instrument_code", flat=True)) == ["gad2", "phq2", "phq9"]
    signal = RiskSignal.objects.get()
    assert signal.resident == student and "suicidal_ideation" in signal.flags
    result = client.get(first.url)
    assert "110" in result.content.decode()  # crisis resources shown at once
    assert campaign_coverage(campaign)[0]["done"] == 1


def test_consent_is_required_first(client, campaign, student):
    response = client.post(
        reverse("portal:selftest_start", args=[campaign.token]), {"name": "小明", "id_number": ID_NUMBER}
    )
    assert response.status_code == 200
    assert "selftest" not in client.session


def test_a_person_not_on_file_is_told_clearly_and_nothing_starts(client, campaign, student):
    response = start(client, campaign, name="别人")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()


def test_every_item_must_be_answered_on_a_public_form(client, campaign, student):
    start(client, campaign)
    response = answer(client, campaign, 2)
    assert response.status_code == 200 and response.context["form"].non_field_errors()


@pytest.mark.parametrize("status", ["draft", "closed"])
def test_a_closed_or_unopened_campaign_says_so(client, people, campaign, status):
    # A running campaign never goes back to draft: the draft is set directly.
    Campaign.objects.filter(pk=campaign.pk).update(status=status)
    response = client.get(reverse("portal:selftest_start", args=[campaign.token]))
    assert response.status_code == 410


def test_an_expired_campaign_says_so(client, campaign):
    campaign.ends_on = timezone.localdate() - timedelta(days=1)
    campaign.starts_on = campaign.ends_on - timedelta(days=3)
    campaign.save()
    assert client.get(reverse("portal:selftest_start", args=[campaign.token])).status_code == 410


def test_the_result_page_belongs_to_the_sitting_that_made_it(client, campaign, student):
    start(client, campaign)
    answer(client, campaign, 0, 0)
    answer(client, campaign, 0, 0)
    key = client.session["selftest"]["key"]
    client.post(reverse("portal:selftest_finish", args=[campaign.token]), {"key": key})
    other = Client().get(reverse("portal:selftest_result", args=[campaign.token, key]))
    assert other.status_code == 302


def test_repeated_failed_identifications_are_stopped_for_a_while(client, campaign, student):
    from django.core.cache import cache

    from screening.services import IDENTIFY_LIMIT

    cache.clear()
    for _ in range(IDENTIFY_LIMIT):
        start(client, campaign, name="猜测")
    blocked = start(client, campaign)  # even the right name and number are refused now
    assert blocked.status_code == 200 and "selftest" not in client.session
    cache.clear()
    assert start(Client(), campaign).status_code == 302


def test_a_school_screening_identifies_students_by_student_number_and_name(client, people, tree):
    today = timezone.localdate()
    pupil = resident_register(
        actor=people.teacher,
        name="小刚",
        org_unit=tree.klass,
        student_number="2026070101",
        guardian_name="赵军",
        guardian_relation="父亲",
        guardian_phone="13900003333",
        birth_date=today.replace(year=today.year - 13),
    )
    campaign = campaign_create(
        actor=people.director,
        name="学号普查",
        instruments=["gad2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today,
        ends_on=today,
        identification="student_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    url = reverse("portal:selftest_start", args=[campaign.token])
    wrong = client.post(url, {"consent": "on", "name": "小刚", "student_number": "999"})
    assert wrong.status_code == 200 and wrong.context["form"].non_field_errors()
    assert (
        client.post(url, {"consent": "on", "name": "小刚", "student_number": "2026070101"}).status_code == 302
    )
    assert client.session["selftest"]["resident"] == pupil.pk
