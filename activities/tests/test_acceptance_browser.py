"""Issue 12's acceptance walk in the browser: lead publishes a lecture with capacity 2 and a
waiting list; residents sign up on the portal (the third and fourth wait); one cancels and the
third is offered the seat through the outbox; the offer expires (the clock moved, the due job
run) and the next is offered; at the door the lecture's QR check-in marks attendance once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from playwright.sync_api import Page, expect

from activities.jobs import expire_offers
from activities.models import Activity, Registration
from activities.tests.support import PHONES, make_place
from confidentiality.models import AuditEntry
from conftest import PASSWORD
from notifications.models import Notification

pytestmark = pytest.mark.browser

S = Registration.Status


def offers_to(registration) -> int:
    return sum(
        "空位" in n.subject
        for n in Notification.objects.filter(
            related_type="activities.registration", related_id=str(registration.pk)
        )
    )


def test_publish_sign_up_wait_offer_expire_and_check_in_at_the_door(
    page: Page, live_server, people, tree, settings
):
    settings.DEMO_MODE = True  # a demo account logs in without a second factor
    people.lead.is_demo_account = True
    people.lead.save(update_fields=["is_demo_account"])
    place = make_place(tree)
    starts = timezone.localtime(timezone.now() + timedelta(minutes=50)).replace(second=0, microsecond=0)

    # lead creates and publishes the lecture.
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", people.lead.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))
    page.click("#activities-card a[href='/staff/activities/']")
    page.click("text=新建活动")
    page.fill("input[name=title]", "情绪与压力讲座")
    page.select_option("select[name=kind]", "lecture")
    page.check("input[name=audience_groups][value=residents]")
    page.select_option("select[name=site]", str(place.site.pk))
    page.select_option("select[name=room]", str(place.hall.pk))
    page.fill("input[name=starts_at]", starts.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ends_at]", (starts + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=capacity]", "2")
    page.click("button.primary")
    expect(page.locator("h1")).to_contain_text("草稿")
    page.click("button:has-text('发布')")
    expect(page.locator("h1")).to_contain_text("已发布")
    activity = Activity.objects.get()

    # Four residents sign up on the portal, on a phone; the third and fourth wait.
    page.set_viewport_size({"width": 390, "height": 844})
    for index, name in enumerate(["张一", "张二", "张三", "张四"]):
        page.goto(f"{live_server.url}/activities/")
        page.click(f"a:has-text('{activity.title}')")
        page.fill("input[name=name]", name)
        page.fill("input[name=phone]", PHONES[index])
        page.click("button.primary")
        expect(page.locator("#registration")).to_contain_text("候补中" if index >= 2 else "已报名")
    first, second, third, fourth = Registration.objects.order_by("pk")
    page.goto(f"{live_server.url}/activities/{activity.pk}/")
    expect(page.locator("#seats")).to_contain_text("2/2 已确认 + 2 候补")

    # The first cancels with their own link; the third is offered the seat, in the outbox.
    page.goto(f"{live_server.url}/activities/r/{first.token}/")
    page.click("button:has-text('取消报名')")
    expect(page.locator("[data-status]")).to_have_text("已取消")
    third.refresh_from_db()
    assert third.status == S.OFFERED and offers_to(third) == 1

    # Nobody answers: the clock passes the offer's expiry and the due job runs.
    with time_machine.travel(third.offer_expires_at + timedelta(minutes=1), tick=False):
        expire_offers()
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == S.EXPIRED and fourth.status == S.OFFERED and offers_to(fourth) == 1

    # At the door: the QR code of the door sign opens the check-in page; scanning twice is once.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/staff/activities/{activity.pk}/door/")
    door = page.locator(".door-sign .mono").inner_text().strip()
    expect(page.locator(".door-sign img")).to_be_visible()
    for _ in range(2):
        page.goto(door)
        page.fill("input[name=phone]", PHONES[1])
        page.click("button.primary")
        expect(page.locator("#checked-in")).to_contain_text("签到成功")
    second.refresh_from_db()
    assert second.status == S.ATTENDED
    assert AuditEntry.objects.filter(action="activity_registration.checked_in").count() == 1
    page.goto(f"{live_server.url}/staff/activities/{activity.pk}/")
    expect(page.locator("#roster h2")).to_contain_text("1 人到场")
