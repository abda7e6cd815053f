"""SVC-1 in the browser, walked as a new user would: a resident asks for an appointment on the
portal on a phone, the counsellor confirms it, checks the person in (registering them) and sees
the week in the calendar; the outbox holds the confirmation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from notifications.models import Notification
from workflow.models import Appointment

from .appointment_support import clinic

pytestmark = pytest.mark.browser


def log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))


def test_a_portal_request_is_confirmed_and_checked_in(page: Page, live_server, people, tree, settings):
    settings.DEMO_MODE = True  # a demo account logs in without a second factor
    people.counsellor.is_demo_account = True
    people.counsellor.full_name = "陈老师"
    people.counsellor.save(update_fields=["is_demo_account", "full_name"])
    place = clinic(tree, people)
    place.pine_site.is_active = False
    place.pine_site.save(update_fields=["is_active"])

    # A resident, on a phone, finds the request page from the portal home.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    page.click("#ask-for-an-appointment a.button")
    expect(page.locator("select[name=slot]")).to_be_visible()
    page.select_option("select[name=slot]", index=1)
    page.fill("input[name=contact_name]", "赵六")
    page.fill("input[name=contact_phone]", "13700001111")
    page.fill("textarea[name=reason]", "和家人吵架，睡不好")
    page.check("input[name=consent]")
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/appointments/requested/$"))
    appointment = Appointment.objects.get()
    assert appointment.channel == Appointment.Channel.PORTAL

    # The counsellor finds the request waiting, confirms it with the suggested counsellor and room.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, people.counsellor.username)
    page.goto(f"{live_server.url}/staff/service/appointments/?show=requests")
    page.click(f"a[href='/staff/service/appointments/{appointment.pk}/']")
    expect(page.locator("#confirm-form")).to_be_visible()
    page.click("#confirm-form button.primary")
    expect(page.locator(".messages")).to_be_visible()
    assert Notification.objects.filter(
        kind=Notification.Kind.APPOINTMENT_CONFIRMATION, related_id=str(appointment.pk)
    ).exists()
    appointment.refresh_from_db()
    if timezone.localdate(appointment.starts_at) > timezone.localdate():
        # Days ahead, check-in is not offered yet: the page says when it opens.
        expect(page.locator("#check-in-opens")).to_contain_text("签到在预约当天开放")
        expect(page.locator("#check-in-form")).to_have_count(0)

    # At the door, on the day: nobody is registered with this phone, so the person is registered now.
    traveller = time_machine.travel(appointment.starts_at - timedelta(minutes=10), tick=True)
    traveller.start()
    try:
        log_in(page, live_server, people.counsellor.username)
        page.goto(f"{live_server.url}/staff/service/appointments/{appointment.pk}/")
        page.select_option("#check-in-form select[name=who]", "new")
        page.click("#check-in-form button.primary")
        expect(page.locator(".messages")).to_contain_text("赵六")
    finally:
        traveller.stop()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CHECKED_IN and appointment.resident.name == "赵六"

    # The week in the counsellor's calendar.
    day = timezone.localtime(appointment.starts_at).date().isoformat()
    page.goto(f"{live_server.url}/staff/service/appointments/calendar/?day={day}")
    expect(page.locator("table.calendar")).to_contain_text("赵六")
