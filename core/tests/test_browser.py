"""The main flows walked in a real browser (Debian's chromium), in Simplified Chinese.

Run alone with ``pytest -m browser``; see core/tests/browser.py for when these skip or fail.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from core.services import centre_profile_update
from orgs.models import OrgUnit, UnitKind

LOGIN_PAGE = re.compile(r"/accounts/login/(\?.*)?$")
HOME_PAGE = re.compile(r"/staff/$")


def log_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


@pytest.mark.browser
def test_a_grid_worker_logs_in_and_sees_their_home_page(page: Page, live_server, people):
    page.goto(f"{live_server.url}/accounts/login/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    expect(page.get_by_role("button", name="登录", exact=True)).to_be_visible()

    page.locator("input[name=username]").fill("worker_t")
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()

    expect(page).to_have_url(HOME_PAGE)
    expect(page.get_by_role("heading", level=1)).to_have_text("worker_t 测试，您好")
    expect(page.locator(".page-head .role-chip")).to_have_text("社工 / 网格员")
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()


@pytest.mark.browser
def test_a_wrong_password_shows_one_clear_message_in_chinese(page: Page, live_server, people):
    log_in(page, live_server, "worker_t", password="not-the-password")

    expect(page).to_have_url(LOGIN_PAGE)
    alert = page.get_by_role("alert")
    expect(alert).to_have_count(1)
    expect(alert).to_have_text("用户名或密码不正确。请注意，两者均可能区分大小写。")
    expect(page.get_by_text("用户名或密码不正确")).to_have_count(1)
    expect(page.get_by_text("not correct")).to_have_count(0)
    # The user name is kept for the next try; the password is not.
    expect(page.get_by_label("用户名")).to_have_value("worker_t")
    expect(page.get_by_label("密码")).to_have_value("")


@pytest.mark.browser
def test_the_public_portal_shows_the_hotline_and_a_login_link(page: Page, live_server):
    centre_profile_update(actor=None, name="测试中心", hotline="12356", hotline_hours="每天 8:00-22:00")
    page.set_viewport_size({"width": 375, "height": 740})

    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("测试中心")
    hotline = page.get_by_role("link", name="12356")
    expect(hotline).to_be_visible()
    expect(hotline).to_have_attribute("href", "tel:12356")
    expect(page.get_by_text("心理热线")).to_be_visible()
    # Nothing sticks out sideways on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375

    page.get_by_role("main").get_by_role("link", name="工作人员登录").click()
    expect(page).to_have_url(LOGIN_PAGE)
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()


@pytest.mark.browser
def test_an_administrator_adds_a_unit_to_the_tree_with_htmx(page: Page, live_server, people, tree, settings):
    # Demo accounts skip the TOTP step while demo mode is on; the live server reads the same settings.
    settings.DEMO_MODE = True
    people.admin.is_demo_account = True
    people.admin.save(update_fields=["is_demo_account"])

    log_in(page, live_server, "admin_t")
    expect(page).to_have_url(HOME_PAGE)
    page.goto(f"{live_server.url}/staff/org/")

    willow_node = page.locator(".tree-node").filter(has=page.get_by_text("柳岸社区", exact=True))
    with page.expect_response(
        lambda r: "/staff/org/units/new/" in r.url and r.request.headers.get("hx-request") == "true"
    ):
        willow_node.get_by_role("link", name="添加下级").click()
    form = page.locator(f"#unit-form-{tree.willow.pk} form")
    expect(form.get_by_role("heading")).to_have_text("在柳岸社区下新建单位")
    expect(page).to_have_url(re.compile(r"/staff/org/$"))  # the form came in place, not as a new page

    form.get_by_label("名称").fill("柳岸第2网格")
    form.get_by_label("类型").select_option(label="网格")
    form.get_by_role("button", name="添加", exact=True).click()

    expect(page.get_by_role("status")).to_contain_text("柳岸第2网格 已添加。")
    expect(page).to_have_url(re.compile(r"/staff/org/$"))
    nested = page.locator(
        "xpath=//li[@role='treeitem'][div[contains(@class, 'tree-node')]/span[@class='name'][.='柳岸社区']]"
        "/ul[@role='group']/li[@role='treeitem']/div[contains(@class, 'tree-node')]"
    ).filter(has=page.get_by_text("柳岸第2网格", exact=True))
    expect(nested).to_have_count(1)
    expect(nested.locator(".kind")).to_have_text("网格")
    assert OrgUnit.objects.get(name="柳岸第2网格").kind == UnitKind.GRID


@pytest.mark.browser
def test_logging_out_returns_to_the_login_page_and_the_home_page_is_closed(page: Page, live_server, people):
    log_in(page, live_server, "worker_t")
    expect(page).to_have_url(HOME_PAGE)

    page.locator(".topbar").get_by_role("button", name="退出登录").click()
    expect(page).to_have_url(LOGIN_PAGE)
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()

    page.goto(f"{live_server.url}/staff/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/staff/$"))
    expect(page.get_by_role("button", name="退出登录")).to_have_count(0)
