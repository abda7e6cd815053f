"""SCR-2 in the browser: an XLSX with one bad row is refused as a whole, with a report naming that
row; a good 1 000-row file imports."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from archives.services import resident_register
from assessments.models import Assessment
from conftest import PASSWORD
from screening.services import campaign_create, campaign_set_status
from screening.tests.test_import import HEADER, as_csv, as_xlsx, id_number

pytestmark = pytest.mark.browser

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(page: Page, live_server, campaign, name: str, content: bytes, mime: str) -> None:
    page.goto(f"{live_server.url}/staff/assessments/campaigns/{campaign.pk}/import/")
    page.select_option("select[name=instrument]", "phq9")
    page.set_input_files("input[name=file]", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.click("form button.primary")
    expect(page).to_have_url(re.compile(r"/import/\d+/$"))


def test_a_bad_row_refuses_the_file_and_a_thousand_good_rows_import(
    page: Page, live_server, people, tree, settings
):
    settings.DEMO_MODE = True
    people.director.is_demo_account = True
    people.director.save(update_fields=["is_demo_account"])
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="柳岸社区抑郁筛查",
        instruments=["phq9"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=14),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    for n in range(100):
        resident_register(
            actor=people.counsellor, name=f"居民{n}", org_unit=tree.willow, id_number=id_number(n)
        )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", people.director.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")

    rows = [
        [f"居民{n}", id_number(n), (today - timedelta(days=2)).isoformat(), *[1] * 9] for n in range(1, 6)
    ]
    rows[2][HEADER.index("item_3")] = 7  # spreadsheet row 4
    upload(page, live_server, campaign, "bad.xlsx", as_xlsx(rows), XLSX)
    expect(page.locator("#import-status")).to_have_attribute("data-status", "rejected")
    expect(page.locator("#import-errors tbody tr").first).to_contain_text("4")
    expect(page.locator("#import-errors")).to_contain_text("item_3")
    assert not Assessment.objects.exists()

    good = [
        [
            f"居民{n}",
            id_number(n),
            (today - timedelta(days=day)).isoformat(),
            *[(n + day + i) % 4 for i in range(9)],
        ]
        for n in range(100)
        for day in range(10)
    ]
    upload(page, live_server, campaign, "good.csv", as_csv(good), "text/csv")
    expect(page.locator("#import-status")).to_have_attribute("data-status", "done", timeout=30_000)
    assert Assessment.objects.filter(context="import").count() == 1000
