"""Issue 18 #7 in the browser: with nothing but the outbox set up, the director's home page says no
resident is told by the system, leads to the list of calls to make, and a cancelled appointment's
notice is phoned through and marked as relayed, which takes it off the list."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from notifications.models import Notification
from workflow.services.appointments import appointment_cancel
from workflow.tests.appointment_support import at, clinic, confirmed, next_weekday
from workflow.tests.test_appointments_browser import log_in

pytestmark = pytest.mark.browser


def test_the_director_phones_a_cancellation_through_and_marks_it_relayed(
    page: Page, live_server, people, tree, settings
):
    settings.DEMO_MODE = True  # a demo account logs in without a second factor
    settings.XINQIAO_NOTIFICATION_CHANNEL = "outbox"
    people.director.is_demo_account = True
    people.director.save(update_fields=["is_demo_account"])
    place = clinic(tree, people)
    appointment = confirmed(
        people.counsellor, place.site, at(next_weekday(1), 14), counsellor=people.counsellor, room=place.room1
    )
    appointment_cancel(actor=people.counsellor, appointment=appointment, reason="咨询师当天请假")
    notice = Notification.objects.get(kind=Notification.Kind.APPOINTMENT_CANCELLATION)
    assert notice.status == Notification.Status.TO_RELAY

    log_in(page, live_server, people.director.username)
    banner = page.locator("#outbox-only-banner")
    expect(banner).to_contain_text("系统不会自行通知")
    banner.locator("a").click()
    row = page.locator(f"#relay-{notice.pk}")
    expect(row).to_contain_text("王五")
    expect(row).to_contain_text("已取消")
    expect(row).not_to_contain_text("请假")  # the reason never goes to the resident
    expect(row.locator("a.tel")).to_have_attribute("href", "tel:+8613912345678")
    row.locator("button.primary").click()
    expect(page.locator(".messages")).to_contain_text("已登记为电话转达")
    expect(page.locator(f"#relay-{notice.pk}")).to_have_count(0)
    notice.refresh_from_db()
    assert notice.status == Notification.Status.RELAYED and notice.relayed_by == people.director
