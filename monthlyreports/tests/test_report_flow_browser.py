"""PRG-6 in the browser, as new users would meet it: ``teacher`` fills the class's monthly report
on a phone-sized screen with one person marked urgent (紧急) → a signal exists at once; submits;
the first level accepts, the second approves; after that the form is gone and an edit is refused."""

from __future__ import annotations

import re
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.test import Client
from playwright.sync_api import Page, expect

from archives.services import resident_register
from conftest import PASSWORD, login_fully
from crisis.models import Alert, RiskSignal
from monthlyreports.models import MonthlyReport
from monthlyreports.services import assignment_save

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


def test_teacher_reports_an_urgent_person_then_two_levels_approve_and_an_edit_is_refused(
    page: Page, live_server, people, tree, settings
):
    import_module("crisis.migrations.0002_default_warning_rules").add_default_rules(django_apps, None)
    settings.DEMO_MODE = True  # the clinical second level logs in with a password only
    people.counsellor.is_demo_account = True
    people.counsellor.save(update_fields=["is_demo_account"])
    from confidentiality.roles import Role
    from conftest import make_user

    homeroom = make_user("homeroom_t", Role.TEACHER, tree.klass)
    assignment_save(
        actor=people.director,
        org_unit=tree.klass,
        reporter=people.teacher,
        first_approver=homeroom,
        second_approver=people.counsellor,
    )
    student = resident_register(actor=people.teacher, name="李小红", org_unit=tree.klass)

    # The teacher, on a phone.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, people.teacher)
    page.goto(f"{live_server.url}/staff/monthly-reports/")
    page.locator("#to-write button.primary").first.click()
    expect(page.locator("#report-state")).to_have_text("草稿")
    page.fill("#id_q", "李小红")
    page.click("#resident-search button")
    page.check(f"#concern-form input[name=resident][value='{student.pk}']")
    page.select_option("#concern-form select[name=category]", "emotion")
    page.fill("#concern-form textarea[name=signs]", "周记里写“活着没意思”，常独自流泪。")
    page.fill("#concern-form input[name=days]", "10")
    page.select_option("#concern-form select[name=urgency]", "urgent")
    page.click("#concern-form button[type=submit]")
    expect(page.locator("#concerns")).to_contain_text("已收到")
    # At once, while the report is still a draft: a signal and its alert for the student.
    assert RiskSignal.objects.filter(resident=student, urgent=True).count() == 1
    assert Alert.objects.filter(resident=student).exists()
    expect(page.locator("#concerns")).not_to_contain_text("预警")
    page.select_option("#id_climate", "3")
    page.fill("#id_activities_held", "1")
    page.fill("#id_talks_held", "4")
    page.click("#answers button[name=submit]")
    expect(page.locator("#report-state")).to_have_text("已提交")
    report = MonthlyReport.objects.get()
    log_out(page)

    # The first level accepts.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, homeroom)
    page.goto(f"{live_server.url}/staff/monthly-reports/{report.pk}/")
    page.click("#review form[action$='/accept/'] button")
    expect(page.locator("#report-state")).to_have_text("已确认")
    log_out(page)

    # The second level approves.
    log_in(page, live_server, people.counsellor)
    page.goto(f"{live_server.url}/staff/monthly-reports/{report.pk}/")
    page.click("#review form[action$='/approve/'] button")
    expect(page.locator("#report-state")).to_have_text("已审核")
    log_out(page)

    # The teacher sees the report without a form to change it, and an edit sent anyway is refused.
    log_in(page, live_server, people.teacher)
    page.goto(f"{live_server.url}/staff/monthly-reports/{report.pk}/")
    expect(page.locator("#answers button[name=submit]")).to_have_count(0)
    client = login_fully(Client(), people.teacher)
    response = client.post(f"/staff/monthly-reports/{report.pk}/save/", {"climate": 1}, follow=True)
    assert "已审核锁定，如需修改请先退回" in response.content.decode()
    report.refresh_from_db()
    assert report.state == "approved" and report.answers["climate"] == 3
