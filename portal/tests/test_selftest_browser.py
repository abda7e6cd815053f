"""ASM-4 in the browser, on a phone-sized screen: a student opens the campaign link, consents,
answers a PHQ-2 that turns positive, is taken on to the PHQ-9, and submits twice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from archives.services import resident_register
from assessments.models import Assessment, CampaignResponse
from crisis.models import RiskSignal
from lib.identity import prc_id_check_character
from screening.services import campaign_coverage, campaign_create, campaign_set_status

pytestmark = pytest.mark.browser

FIRST17 = "33010620110505123"
ID_NUMBER = FIRST17 + prc_id_check_character(FIRST17)


def choose(page: Page, values) -> None:
    for number, value in enumerate(values, start=1):
        page.locator(f"input[name=item_{number}][value='{value}']").check()


def test_a_student_takes_the_screening_on_a_phone(page: Page, live_server, people, tree):
    student = resident_register(
        actor=people.teacher,
        name="小红",
        org_unit=tree.klass,
        id_number=ID_NUMBER,
        guardian_name="李梅",
        guardian_relation="母亲",
        guardian_phone="13900002222",
    )
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="七年级心理普查",
        instruments=["phq2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today,
        ends_on=today + timedelta(days=7),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    assert campaign_coverage(campaign)[0]["done"] == 0

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/t/{campaign.token}/")
    expect(page.locator("h1")).to_have_text("七年级心理普查")
    page.fill("input[name=name]", "小红")
    page.fill("input[name=id_number]", ID_NUMBER)
    page.check("input[name=consent]")
    page.click("form button.primary")

    expect(page).to_have_url(re.compile(r"/questions/$"))
    choose(page, [2, 2])  # positive
    page.reload()  # a reload loses nothing: the answers come back from the browser's storage
    expect(page.locator("input[name=item_1][value='2']")).to_be_checked()
    page.click("form button.primary")

    expect(page.locator("h1")).to_contain_text("PHQ-9")
    choose(page, [2, 2, 1, 1, 1, 1, 1, 0, 1])
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.click("form button.primary")

    expect(page).to_have_url(re.compile(r"/finish/$"))
    # Submitting twice (a double tap, or the back button and submit again) stores one sitting.
    page.click("form button.primary")
    expect(page).to_have_url(re.compile(r"/result/"))
    page.go_back()
    page.click("form button.primary")
    expect(page).to_have_url(re.compile(r"/result/"))
    expect(page.locator(".crisis")).to_be_visible()

    assert CampaignResponse.objects.count() == 1
    assert sorted(Assessment.objects.values_list("instrument_code", flat=True)) == ["phq2", "phq9"]
    assert RiskSignal.objects.filter(resident=student).exists()
    assert campaign_coverage(campaign)[0]["done"] == 1
