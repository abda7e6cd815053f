"""ASM-3 in the browser: the responsible counsellor gives a PHQ-9 by keyboard and sees the band."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from archives.services import archive_set_responsible, resident_register
from assessments.models import Assessment
from confidentiality.models import ConsentKind
from confidentiality.services import consent_record, consent_text_publish
from conftest import PASSWORD

pytestmark = pytest.mark.browser


def test_a_counsellor_gives_a_phq9_by_keyboard_and_sees_the_band(
    page: Page, live_server, people, tree, settings
):
    settings.DEMO_MODE = True
    people.counsellor.is_demo_account = True
    people.counsellor.save(update_fields=["is_demo_account"])
    resident = resident_register(actor=people.worker, name="孙八", org_unit=tree.grid)
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=[people.counsellor])
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = consent_text_publish(actor=people.admin, kind=kind, version="1", title=str(kind), body="…")
        consent_record(
            actor=people.worker,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name="孙八",
            channel="paper",
        )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", people.counsellor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.goto(f"{live_server.url}/staff/residents/{resident.pk}/")
    page.click(f"a[href='/staff/assessments/resident/{resident.pk}/new/']")
    page.select_option("select[name=instrument]", "phq9")
    page.click("form button.primary")
    # Keyboard only: focus the first item and type the nine answers.
    page.locator("fieldset[data-item] input[type=radio]").first.focus()
    for key in "222221100":
        page.keyboard.press(key)
    expect(page.locator("#live-result")).to_contain_text("12")
    expect(page.locator("#live-result .band")).to_have_attribute("data-band", "moderate")
    page.click("form.answer-form button.primary")
    expect(page).to_have_url(re.compile(r"/staff/assessments/\d+/$"))
    expect(page.locator("[data-band]")).to_have_attribute("data-band", "moderate")
    assessment = Assessment.objects.get()
    assert (assessment.total, assessment.band) == (12, "moderate")
