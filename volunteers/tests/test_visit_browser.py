"""PRG-5 on a phone-sized screen (390×844), as the volunteer would meet it: they log a visit with
a worry, an alert exists once the page answers, and they see only "已转交心理老师"; the draft
survives a reload; the resident's archive, opened by URL, is refused."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from crisis.models import Alert
from volunteers.models import Visit

pytestmark = pytest.mark.browser


def test_a_volunteer_logs_a_worrying_visit_on_a_phone_and_sees_only_the_acknowledgement(
    browser, live_server, people, world
):
    import_module("crisis.migrations.0002_default_warning_rules").add_default_rules(django_apps, None)
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page: Page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", people.volunteer.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))

    page.goto(live_server.url + reverse("volunteers:visit_create", args=[world.assignment.pk]))
    page.locator("input[name=mode][value=home]").check()
    page.locator("input[name=contact_made][value=yes]").check()
    page.fill("input[name=duration_minutes]", "40")
    page.locator("input[name=concern]").check()
    page.fill("textarea[name=concern_text]", "老人说活着没意思，最近不吃饭")
    # The connection drops and the page reloads: the draft comes back from the phone.
    page.reload()
    expect(page.locator("#draft-status")).to_be_visible()
    expect(page.locator("textarea[name=concern_text]")).to_have_value("老人说活着没意思，最近不吃饭")
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("button[type=submit].primary").click()

    expect(page.locator("#passed-on")).to_have_text("已转交心理老师")
    assert Visit.objects.count() == 1
    alert = Alert.objects.get(resident=world.resident)
    body = page.content()
    assert reverse("crisis:alert_detail", args=[alert.pk]) not in body
    assert alert.get_level_display() not in body

    # The draft is gone once saved.
    page.goto(live_server.url + reverse("volunteers:visit_create", args=[world.assignment.pk]))
    expect(page.locator("#draft-status")).to_be_hidden()

    # The resident's archive, by URL: refused as if missing.
    response = page.goto(live_server.url + reverse("archives:detail", args=[world.resident.pk]))
    assert response.status == 404
    assert "柳岸路8号3单元" not in page.content()
    context.close()
