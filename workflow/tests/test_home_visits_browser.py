"""SVC-10 in the browser: a counsellor books a home visit by phone for an elderly resident, then
confirms it with a colleague as the second person, without a room; the calendar marks it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Notification
from workflow.models import Appointment

from .appointment_support import clinic, next_weekday
from .test_appointments_browser import log_in

pytestmark = pytest.mark.browser

HOME = "柳岸路8号3单元502室"


def test_a_counsellor_books_and_confirms_a_home_visit(page: Page, live_server, people, tree, settings):
    settings.DEMO_MODE = True  # a demo account logs in without a second factor
    people.counsellor.is_demo_account = True
    people.counsellor.save(update_fields=["is_demo_account"])
    place = clinic(tree, people)
    day = next_weekday(0).isoformat()
    log_in(page, live_server, people.counsellor.username)

    page.goto(f"{live_server.url}/staff/service/appointments/new/")
    page.select_option("select[name=site]", str(place.site.pk))
    page.fill("input[name=day]", day)
    page.fill("input[name=starts_at]", "10:00")
    page.fill("input[name=ends_at]", "11:00")
    page.select_option("select[name=service]", "home_visit")
    page.fill("input[name=contact_name]", "周奶奶")
    page.fill("input[name=contact_phone]", "13800002222")
    page.fill("input[name=address]", HOME)
    page.click('button.primary:has-text("登记"), button.primary:has-text("Register")')
    expect(page.locator("#confirm-form")).to_be_visible()
    appointment = Appointment.objects.get()
    assert appointment.is_home_visit and appointment.room is None

    # Confirming offers no room: the second person, the address and the travel instead.
    expect(page.locator("#confirm-form select[name=room]")).to_have_count(0)
    expect(page.locator("#confirm-form input[name=address]")).to_have_value(HOME)
    page.select_option("#confirm-form select[name=companion]", str(people.colleague.pk))
    page.click("#confirm-form button.primary")
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("#companion")).to_contain_text(people.colleague.full_name)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED and appointment.companion == people.colleague
    body = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_CONFIRMATION).body
    assert HOME in body and "咨询室" not in body

    page.goto(f"{live_server.url}/staff/service/appointments/calendar/?day={day}")
    expect(page.locator("table.calendar .home-visit")).to_contain_text("周奶奶")
    expect(page.locator("table.calendar")).not_to_contain_text(HOME)
    assert re.search("09:30", page.locator("table.calendar .home-visit").inner_text())
