"""Issue 18 #9: the navigation is grouped by area, shows only what the role may use, counts the
work waiting with the home page's own selectors, and folds behind a menu button on a phone."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from playwright.sync_api import Page, expect

from conftest import PASSWORD, login_fully
from dashboard.navigation import Navigation
from lib.queries import count_many
from workflow.models import Appointment
from workflow.tests.appointment_support import at, book, clinic, next_weekday

pytestmark = pytest.mark.django_db


def _groups(user) -> dict[str, list[str]]:
    drawn = Navigation(user, "/staff/").drawn()
    return {group["key"]: [entry["url"] for entry in group["entries"]] for group in drawn["groups"]}


def test_a_counsellor_sees_service_crisis_archives_and_assessment_groups_but_no_administration_of_accounts(
    people,
):
    groups = _groups(people.counsellor)
    assert {"service", "crisis", "archives"} <= set(groups)
    assert reverse("workflow:appointment_list") in groups["service"]
    assert reverse("crisis:alert_list") in groups["crisis"]
    assert reverse("accounts:user_list") not in [url for urls in groups.values() for url in urls]


def test_the_administrator_finds_accounts_and_the_audit_log_under_administration(people):
    admin = _groups(people.admin)["admin"]
    assert reverse("accounts:user_list") in admin and reverse("confidentiality:audit_log") in admin


def test_a_group_with_one_entry_is_drawn_as_a_plain_link(people):
    body = login_fully(Client(), people.teacher).get(reverse("dashboard:home")).content.decode()
    nav = re.search(r'<nav class="mainnav".*?</nav>', body, re.S).group(0)
    assert f'href="{reverse("crisis:concern_create")}"' in nav
    assert 'data-nav-group="crisis"' not in nav


def test_groups_hold_every_entry_once_and_a_page_marks_its_group(people):
    drawn = Navigation(people.director, reverse("workflow:case_list")).drawn()
    urls = [entry["url"] for group in drawn["groups"] for entry in group["entries"]]
    assert len(urls) == len(set(urls))
    active = [group["key"] for group in drawn["groups"] if group["active"]]
    assert active == ["service"]


def test_requests_waiting_are_counted_on_appointments_and_its_group_as_on_the_home_page(tree, people):
    place = clinic(tree, people)
    day = next_weekday(1)
    book(people.counsellor, place.site, at(day, 13, 30))
    book(people.counsellor, place.site, at(day, 14, 30))
    response = login_fully(Client(), people.counsellor).get(reverse("dashboard:home"))
    assert response.context["requests_waiting"] == 2
    drawn = response.context["navigation"].drawn()
    service = next(group for group in drawn["groups"] if group["key"] == "service")
    appointments = next(e for e in service["entries"] if e["url"] == reverse("workflow:appointment_list"))
    assert appointments["count"] == 2 and service["count"] >= 2
    body = response.content.decode()
    assert '2<span class="visually-hidden"> 条预约待确认或需改约</span>' in body


def test_a_confirmed_or_cancelled_request_is_no_longer_counted(tree, people):
    place = clinic(tree, people)
    appointment = book(people.counsellor, place.site, at(next_weekday(1), 13, 30))
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
    assert Navigation(people.counsellor, "/staff/").counts().get("workflow:appointment_list", 0) == 0


def test_the_counts_of_the_whole_navigation_cost_one_query(tree, people):
    clinic(tree, people)
    navigation = Navigation(people.director, "/staff/")
    with CaptureQueriesContext(connection) as queries:
        navigation.drawn()
        navigation.drawn()
    assert len(queries) == 1


def test_a_role_with_nothing_waiting_anywhere_reads_no_count(people):
    navigation = Navigation(people.finance, "/staff/")
    with CaptureQueriesContext(connection) as queries:
        drawn = navigation.drawn()
    assert all(group["count"] == 0 for group in drawn["groups"])
    assert len(queries) == 0


def test_count_many_counts_each_queryset_as_count_does(tree, people):
    place = clinic(tree, people)
    book(people.counsellor, place.site, at(next_weekday(1), 13, 30))
    querysets = {
        "all": Appointment.objects.all(),
        "none": Appointment.objects.filter(counsellor__isnull=False),
        "requested": Appointment.objects.filter(status=Appointment.Status.REQUESTED).select_related("site"),
    }
    assert count_many(querysets) == {name: queryset.count() for name, queryset in querysets.items()}
    assert count_many({}) == {}


def test_an_htmx_partial_reads_no_navigation_count(people, django_assert_max_num_queries):
    client = login_fully(Client(), people.counsellor)
    full = CaptureQueriesContext(connection)
    with full:
        client.get(reverse("workflow:appointment_list"))
    with CaptureQueriesContext(connection) as partial:
        client.get(reverse("workflow:appointment_list"), headers={"HX-Request": "true"})
    assert not any("COUNT(*) FROM (SELECT" in q["sql"] for q in partial.captured_queries)
    assert any("COUNT(*) FROM (SELECT" in q["sql"] for q in full.captured_queries)


# ---------------------------------------------------------------------------------------------
# In the browser


def _log_in(page: Page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))


@pytest.mark.browser
def test_at_1366_pixels_the_groups_fit_one_row_and_open_as_menus(page: Page, live_server, people, settings):
    # The administrator needs a second factor; as a demo account in demo mode a password does.
    settings.DEMO_MODE = True
    people.admin.is_demo_account = True
    people.admin.save(update_fields=["is_demo_account"])
    page.set_viewport_size({"width": 1366, "height": 800})
    _log_in(page, live_server, people.admin.username)
    nav = page.locator("#mainnav")
    expect(page.locator(".nav-toggle")).to_be_hidden()
    tops = {
        round(box["y"])
        for box in (el.bounding_box() for el in nav.locator(":scope > a, :scope > details > summary").all())
    }
    assert len(tops) == 1, tops
    page.get_by_text("管理", exact=True).click()
    expect(page.locator("#mainnav").get_by_role("link", name="审计日志", exact=True)).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#mainnav").get_by_role("link", name="审计日志", exact=True)).to_be_hidden()


@pytest.mark.browser
def test_on_a_phone_the_navigation_folds_behind_the_menu_button(page: Page, live_server, people):
    page.set_viewport_size({"width": 390, "height": 844})
    _log_in(page, live_server, people.worker.username)
    menu = page.get_by_role("button", name=re.compile("菜单"))
    expect(menu).to_be_visible()
    expect(page.locator("#mainnav")).to_be_hidden()
    menu.click()
    expect(menu).to_have_attribute("aria-expanded", "true")
    expect(page.locator("#mainnav").get_by_role("link", name="首页")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
