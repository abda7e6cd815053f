"""SCR-1 / ASM-4: campaigns, the public self-test with its two-stage funnel, idempotent submits,
risk signals from results, and coverage per unit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.services import resident_register
from assessments.models import Assessment, CampaignResponse
from conftest import login_fully
from crisis.models import RiskSignal
from lib.identity import prc_id_check_character
from screening.services import (
    SelfTestConsent,
    campaign_coverage,
    campaign_create,
    campaign_set_status,
    selftest_submit,
)

pytestmark = pytest.mark.django_db

FIRST17 = "33010620100901123"
ID_NUMBER = FIRST17 + prc_id_check_character(FIRST17)


@pytest.fixture
def student(people, tree):
    return resident_register(
        actor=people.teacher,
        name="小明",
        org_unit=tree.klass,
        id_number=ID_NUMBER,
        guardian_name="王芳",
        guardian_relation="母亲",
        guardian_phone="13900001111",
    )


@pytest.fixture
def campaign(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="七年级心理普查",
        instruments=["phq2", "gad2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=14),
        identification="id_number",
        guardian_consent_method="家长会书面签署知情同意书",
    )
    return campaign_set_status(actor=people.director, campaign=campaign, status="running")


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
    campaign_set_status(actor=people.director, campaign=campaign, status=status)
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
