"""CRI-1 and CRI-2 in the browser, as new users would meet them: a student's self-test answer that
they have thought of being better off dead raises a red alert within the same request and the
result page shows the crisis resources; the responsible counsellor meets the red banner on every
page; nobody acknowledges, so the alert escalates to the supervisor and then the director, each
with an outbox message; the supervisor acknowledges it."""

from __future__ import annotations

import re
from datetime import timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from archives.services import archive_set_responsible, resident_register
from confidentiality.models import Disclosure
from conftest import PASSWORD
from core.jobs import run_due_jobs
from crisis.models import Alert, AlertEvent, AlertRule, CrisisCase
from lib.identity import prc_id_check_character
from notifications.models import Notification
from screening.services import campaign_create, campaign_set_status

pytestmark = pytest.mark.browser

FIRST17 = "33010620110505123"
ID_NUMBER = FIRST17 + prc_id_check_character(FIRST17)


def choose(page: Page, values) -> None:
    for number, value in enumerate(values, start=1):
        page.locator(f"input[name=item_{number}][value='{value}']").check()


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))


def log_out(page: Page) -> None:
    page.click(".topbar-tools form[action*='logout'] button")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def test_a_red_self_test_answer_is_seen_at_once_and_escalates_until_acknowledged(
    page: Page, live_server, people, tree, settings
):
    # A browser test runs on a flushed database: put back the rules the data migration installs.
    import_module("crisis.migrations.0002_default_warning_rules").add_default_rules(django_apps, None)
    import_module("crisis.migrations.0007_immediate_danger_is_red_by_default").apply_new_defaults(
        django_apps, None
    )
    settings.DEMO_MODE = True  # clinical demo accounts log in with a password only
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    for user in (people.counsellor, people.supervisor, people.director):
        user.is_demo_account = True
        user.save(update_fields=["is_demo_account"])
    student = resident_register(
        actor=people.teacher,
        name="小明",
        org_unit=tree.klass,
        id_number=ID_NUMBER,
        guardian_name="王芳",
        guardian_relation="母亲",
        guardian_phone="13900003333",
    )
    archive_set_responsible(actor=people.archivist, archive=student.archive, staff=[people.counsellor])
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="八年级心理普查",
        instruments=["phq2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today,
        ends_on=today + timedelta(days=7),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")

    # The student, on a phone: PHQ-2 positive, on to the PHQ-9, item 9 answered "more than half
    # the days".
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(f"{live_server.url}/t/{campaign.token}/")
    page.fill("input[name=name]", "小明")
    page.fill("input[name=id_number]", ID_NUMBER)
    page.check("input[name=consent]")
    page.click("form button.primary")
    choose(page, [2, 2])
    page.click("form button.primary")
    choose(page, [2, 2, 1, 1, 1, 1, 1, 0, 2])
    page.click("form button.primary")
    page.click("form button.primary")
    expect(page).to_have_url(re.compile(r"/result/"))
    expect(page.locator(".crisis")).to_be_visible()

    # Within that same request: a red alert for the student, owned by the responsible counsellor.
    alert = Alert.objects.get(resident=student)
    assert (alert.level, alert.state, alert.owner) == ("red", "new", people.counsellor)
    assert alert.respond_by - alert.opened_at == timedelta(minutes=15)

    # The counsellor cannot miss it: a red banner on every page, the alert at the top of the queue.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, people.counsellor)
    expect(page.locator("a.red-banner")).to_be_visible()
    page.goto(live_server.url + reverse("archives:list"))
    expect(page.locator("a.red-banner")).to_be_visible()
    page.click("a.red-banner")
    expect(page.locator("main")).to_contain_text("小明")
    log_out(page)

    # Nobody acknowledges: past the deadline the job escalates to the supervisor, then the director.
    for stage in (1, 2):
        with time_machine.travel(alert.respond_by + timedelta(minutes=1), tick=False):
            run_due_jobs(only="alerts.escalate", now=timezone.now())
        alert.refresh_from_db()
        assert alert.escalation_stage == stage
    escalated_to = list(
        AlertEvent.objects.filter(alert=alert, kind="escalated")
        .order_by("at")
        .values_list("to_user", flat=True)
    )
    assert escalated_to[0] == people.supervisor.pk and people.director.pk in escalated_to[1:]
    for person in (people.supervisor, people.director):
        assert Notification.objects.filter(recipient_user=person).exists(), person.username

    # The supervisor opens it from the banner and acknowledges it; the banner goes.
    log_in(page, live_server, people.supervisor)
    page.goto(live_server.url + reverse("crisis:alert_detail", args=[alert.pk]))
    page.click("#acknowledge button")
    alert.refresh_from_db()
    assert (alert.state, alert.acknowledged_by) == ("acknowledged", people.supervisor)
    page.goto(live_server.url + reverse("dashboard:home"))
    expect(page.locator("a.red-banner")).to_have_count(0)

    # The supervisor takes it on: a crisis case, a safety plan, the guardian told, a closing asked.
    page.goto(live_server.url + reverse("crisis:alert_detail", args=[alert.pk]))
    page.click("#open-crisis-case button")
    crisis = CrisisCase.objects.get(alert=alert)
    expect(page).to_have_url(re.compile(reverse("crisis:case_detail", args=[crisis.pk]) + "$"))
    plan = page.locator("form#plan")
    plan.locator("textarea[name=warning_signs]").fill("睡不着，不想去学校，反复想到考试失败")
    plan.locator("textarea[name=coping_steps]").fill("听音乐，去操场跑两圈，写日记")
    plan.locator("textarea[name=people_places]").fill("妈妈，班主任马老师，学校图书馆")
    plan.locator("textarea[name=means_restriction]").fill("家中药品由妈妈保管")
    plan.locator("button.primary").click()
    expect(page.locator("#safety-plan")).to_contain_text("跑两圈")
    action = page.locator("form#action")
    action.locator("select[name=kind]").select_option("guardian")
    action.locator("input[name=recipient]").fill("母亲 王芳")
    action.locator("textarea[name=text]").fill("电话告知母亲目前的风险与安全计划，请今晚陪伴")
    action.locator("button.primary").click()
    expect(page.locator("#actions")).to_contain_text("王芳")
    assert Disclosure.objects.filter(resident=student, basis="danger").count() == 1
    # No closing while the follow-up checks are open: the page names them instead of the form.
    expect(page.locator("form#close")).to_have_count(0)
    expect(page.locator("#close-blocked")).to_be_visible()
    for kind in ("24h", "72h"):
        row = page.locator(f"#check-{crisis.checks.get(kind=kind).pk}")
        row.locator("details").first.locator("summary").click()
        row.locator("textarea[name=note]").fill("电话回访，情绪平稳")
        row.locator("details").first.locator("button").click()
    row = page.locator(f"#check-{crisis.checks.get(kind='7d').pk}")
    row.locator("details").nth(1).locator("summary").click()
    row.locator("textarea[name=reason]").fill("已住院，由医院随访")
    row.locator("details").nth(1).locator("button").click()
    expect(page.locator("#checks")).to_contain_text("已住院，由医院随访")
    close = page.locator("form#close")
    close.locator("select[name=outcome]").select_option("stabilised")
    close.locator("textarea[name=summary]").fill("三次回访后情绪稳定，安全计划执行良好")
    close.locator("select[name=risk_level]").select_option("yellow")
    close.locator("textarea[name=risk_reason]").fill("仍有睡眠问题，两周后复查")
    close.locator("button").click()
    crisis.refresh_from_db()
    assert crisis.status == "awaiting_review"
    log_out(page)

    # Closing needs someone else's review: the director confirms it.
    log_in(page, live_server, people.director)
    page.goto(live_server.url + reverse("crisis:case_detail", args=[crisis.pk]))
    page.locator("form#review input[value=approve]").check()
    page.locator("form#review button").click()
    crisis.refresh_from_db()
    alert.refresh_from_db()
    assert (crisis.status, crisis.outcome, crisis.reviewed_by) == ("closed", "stabilised", people.director)
    assert alert.state == "closed"
    # The archive's level is now the one set on closing, and the archive says why.
    page.goto(live_server.url + reverse("archives:detail", args=[student.pk]))
    expect(page.locator("#risk-basis")).to_contain_text(f"#{crisis.pk}")


def test_the_director_adds_a_warning_rule_and_changes_its_condition(
    page: Page, live_server, people, settings
):
    """CRI-4 in the browser: from the menu to a new rule, then a narrower condition for it."""
    import_module("crisis.migrations.0002_default_warning_rules").add_default_rules(django_apps, None)
    import_module("crisis.migrations.0007_immediate_danger_is_red_by_default").apply_new_defaults(
        django_apps, None
    )
    settings.DEMO_MODE = True  # the demo director logs in with a password only
    people.director.is_demo_account = True
    people.director.save(update_fields=["is_demo_account"])
    log_in(page, live_server, people.director)
    # The rules live in the crisis menu of the top bar.
    page.locator("details[data-nav-group=crisis] summary").click()
    page.get_by_role("link", name="预警规则").first.click()
    page.get_by_role("link", name="新建规则").click()
    page.fill("input[name=name]", "GAD-7 中度焦虑")
    page.fill("input[name=code]", "gad7-moderate")
    page.select_option("select[name=level]", "yellow")
    page.select_option("select[name=instrument]", "gad7")
    # The bands narrow to the chosen instrument's (HTMX asks the page again).
    expect(page.locator("select[name=bands] option")).to_have_count(4)
    page.select_option("select[name=bands]", ["gad7:moderate"])
    page.locator("button.primary").click()
    row = page.locator("tr.rule-row", has_text="gad7-moderate")
    expect(row).to_contain_text("GAD-7")
    expect(row).to_contain_text("中度焦虑")
    row.get_by_role("link", name="修改条件").click()
    page.fill("input[name=item]", "9")
    page.fill("input[name=item_min]", "5")
    page.locator("button.primary").click()
    expect(page.locator(".form-errors")).to_contain_text("只有 7 道题")
    page.fill("input[name=item]", "7")
    page.fill("input[name=item_min]", "3")
    page.locator("button.primary").click()
    expect(page.locator("tr.rule-row", has_text="gad7-moderate")).to_contain_text("第 7 题的答案 ≥ 3")
    rule = AlertRule.objects.get(code="gad7-moderate")
    assert rule.condition == {"instrument": "gad7", "band": "moderate", "item": 7, "min": 3}
