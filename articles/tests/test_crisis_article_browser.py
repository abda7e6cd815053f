"""In the browser: a counsellor writes an article on crisis and submits it; the supervisor cannot
publish it before ticking the safe-messaging checklist; once published it shows on the portal,
on a phone-sized screen, with the hotline box."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from articles.checklist import safe_messaging_checklist
from articles.models import Article
from conftest import PASSWORD
from core.models import CentreProfile

pytestmark = pytest.mark.browser


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


def test_a_crisis_article_publishes_only_after_its_checklist_and_shows_the_hotline_box(
    page: Page, live_server, demo_people, crisis_topic
):
    people = demo_people
    CentreProfile.objects.create(name="测试中心", hotline="400-161-9995", hotline_hours="24小时")

    log_in(page, live_server, people.counsellor)
    page.goto(live_server.url + reverse("articles:article_new"))
    page.fill("input[name=title]", "当你感到撑不下去的时候")
    page.fill("textarea[name=body]", "## 你并不孤单\n\n可以随时拨打热线**求助**。")
    page.click("#article-form button[hx-post]")
    expect(page.locator("#preview strong")).to_have_text("求助")
    page.check(f"input[name=topics][value='{crisis_topic.pk}']")
    page.click("#article-form button.primary")
    article = Article.objects.get()
    expect(page).to_have_url(re.compile(reverse("articles:article", args=[article.pk]) + "$"))
    page.click(f"form[action='{reverse('articles:article_submit', args=[article.pk])}'] button")
    expect(page.locator("[data-status]")).to_have_text("审核中")
    log_out(page)

    log_in(page, live_server, people.supervisor)
    page.goto(live_server.url + reverse("articles:articles"))
    page.click(f"#awaiting-review a[href='{reverse('articles:article_review', args=[article.pk])}']")
    page.check("input[name=decision][value=approve]")
    page.click("#review-form button.primary")
    expect(page.locator("#review-form .error")).to_contain_text("安全报道核查清单")
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW
    response = page.request.get(live_server.url + reverse("portal:article", args=[article.pk]))
    assert response.status == 404

    page.check("input[name=decision][value=approve]")
    for item in safe_messaging_checklist().items:
        page.check(f"input[name=checklist][value='{item.key}']")
    page.click("#review-form button.primary")
    expect(page).to_have_url(re.compile(reverse("articles:article", args=[article.pk]) + "$"))
    expect(page.locator("[data-status]")).to_have_text("已发布")
    log_out(page)

    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(live_server.url + reverse("portal:articles"))
    page.click(f"a[href='{reverse('portal:article', args=[article.pk])}']")
    expect(page.locator("h1")).to_have_text("当你感到撑不下去的时候")
    box = page.locator("#hotline-box")
    expect(box).to_be_visible()
    expect(box).to_contain_text("400-161-9995")
    expect(box).to_contain_text("12356")
    article.refresh_from_db()
    assert article.read_count == 1
