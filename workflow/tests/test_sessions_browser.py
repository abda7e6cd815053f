"""In the browser: the counsellor records a session with a private note, opens the note in place
(HTMX) and edits it; the supervisor sees the case and the session, never the note."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from workflow.models import PrivateNote, SessionRecord

pytest_plugins = ["workflow.tests.case_fixtures"]
pytestmark = pytest.mark.browser

NOTE = "我对来访者的沉默感到不安"


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))


def log_out(page: Page) -> None:
    page.click(".topbar-tools form[action*='logout'] button")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def demo_people(people, settings):
    """Clinical roles need TOTP; as demo accounts in demo mode they log in with a password."""
    settings.DEMO_MODE = True
    for user in (people.counsellor, people.supervisor):
        user.is_demo_account = True
        user.save(update_fields=["is_demo_account"])
    return people


def test_the_private_note_opens_in_place_for_its_author_alone(page: Page, live_server, demo_people, case):
    people = demo_people
    log_in(page, live_server, people.counsellor)
    page.goto(live_server.url + reverse("workflow:case_detail", args=[case.pk]))
    page.click(f"a[href='{reverse('workflow:session_create', args=[case.pk])}']")
    page.fill("textarea[name=content]", "讨论睡眠日记")
    page.fill("textarea[name=private_note]", NOTE)
    page.click("form button.primary")
    session = SessionRecord.objects.get()
    expect(page).to_have_url(re.compile(reverse("workflow:session_detail", args=[session.pk]) + "$"))
    expect(page.locator("body")).not_to_contain_text(NOTE)

    page.click("#private-note a.button")
    note = page.locator("#private-note textarea[name=text]")
    expect(note).to_have_value(NOTE)
    note.fill(NOTE + "，下次督导讨论")
    page.click("#private-note button.primary")
    expect(page.locator("#private-note [role=status]")).to_be_visible()
    assert PrivateNote.objects.get().text == NOTE + "，下次督导讨论"
    log_out(page)

    log_in(page, live_server, people.supervisor)
    page.goto(live_server.url + reverse("workflow:session_detail", args=[session.pk]))
    expect(page.locator("body")).to_contain_text("讨论睡眠日记")
    expect(page.locator("#private-note")).to_have_count(0)
    expect(page.locator("body")).not_to_contain_text(NOTE)
