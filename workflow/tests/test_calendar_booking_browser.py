"""Issue 18 #9 in the browser: a counsellor opens the calendar from the service menu, clicks a
free slot, finds a registered resident in the form and books, confirmed at once."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from archives.services import resident_register
from conftest import PASSWORD
from workflow.models import Appointment

from .appointment_support import at, clinic, next_weekday

pytestmark = pytest.mark.browser


def test_a_counsellor_books_by_clicking_a_free_slot(page: Page, live_server, people, tree, settings):
    settings.DEMO_MODE = True  # a demo account logs in without a second factor
    people.counsellor.is_demo_account = True
    people.counsellor.save(update_fields=["is_demo_account"])
    place = clinic(tree, people)
    resident = resident_register(actor=people.worker, name="张三", org_unit=tree.grid, phone="13600001234")
    monday = next_weekday(0)

    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", people.counsellor.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))

    page.locator("details[data-nav-group=service] summary").click()
    page.get_by_role("link", name="预约日历", exact=True).click()
    page.fill("input[name=day]", monday.isoformat())
    page.get_by_role("button", name="查看").click()
    free = page.locator("a.free-slot", has_text="14:30–15:30").first
    expect(free).to_be_visible()
    free.click()

    expect(page.locator("input[name=starts_at]")).to_have_value("14:30")
    expect(page.locator("input[name=ends_at]")).to_have_value("15:30")
    page.fill("input[name=q]", "zs")
    page.get_by_label(re.compile("张三")).check()
    page.check("input[name=confirm_now]")
    page.get_by_role("button", name="登记").click()

    expect(page).to_have_url(re.compile(r"/appointments/\d+/$"))
    appointment = Appointment.objects.get()
    assert appointment.resident == resident
    assert appointment.status == Appointment.Status.CONFIRMED
    assert (appointment.counsellor, appointment.room, appointment.starts_at) == (
        people.counsellor,
        place.room1,
        at(monday, 14, 30),
    )
