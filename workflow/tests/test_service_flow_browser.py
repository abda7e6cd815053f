"""Issue 5's acceptance walk, in the browser, as new users would do it (SPEC SVC-1 … SVC-7):

a resident asks for an appointment on the portal; the counsellor confirms it, checks the person in,
records their consent, opens a case with an intake and a plan the client agrees to, records two
sessions (one from the appointment, one with a private note) and closes the case as resolved.
Follow-ups are planned, the satisfaction link works once, the supervisor sees the case but not
the note, and a counsellor from another team sees nothing of it.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from confidentiality.models import ConsentText
from confidentiality.services import consent_text_publish
from conftest import PASSWORD
from core.jobs import run_due_jobs
from notifications.models import Notification
from workflow.models import Appointment, Case, FollowUpTask, PrivateNote, SatisfactionSurvey, SessionRecord

from .appointment_support import clinic

pytestmark = pytest.mark.browser

NOTE = "来访者提到母亲时停顿很久，我自己也有些紧张"
PROBLEM = "和家人争吵后持续失眠，情绪低落"


def log_in(page: Page, live_server, user) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/staff/$"))


def log_out(page: Page) -> None:
    page.click(".topbar-tools form[action*='logout'] button")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))


def go(page: Page, live_server, name: str, *args, query: str = "") -> None:
    page.goto(live_server.url + reverse(name, args=args) + query)


@pytest.fixture
def centre(people, tree, settings):
    """The counsellor on duty Monday to Thursday, her supervisor, and the consent texts in force.
    Clinical roles log in with a password only as demo accounts in demo mode."""
    settings.DEMO_MODE = True
    people.counsellor.supervisor = people.supervisor
    people.counsellor.full_name = "陈静"
    people.counsellor.save(update_fields=["supervisor", "full_name"])
    for user in (people.counsellor, people.supervisor, people.outsider, people.colleague):
        user.is_demo_account = True
        user.save(update_fields=["is_demo_account"])
    for kind, title in (
        ("informed", "知情同意书"),
        ("confidentiality", "保密协议"),
        ("sensitive_info", "敏感信息处理同意"),
    ):
        consent_text_publish(actor=people.admin, kind=kind, version="1", title=title, body=f"{title}正文")
    place = clinic(tree, people)
    # One open site, so the portal goes straight to the choice of a time.
    place.pine_site.is_active = False
    place.pine_site.save(update_fields=["is_active"])
    return place


def test_a_portal_request_becomes_a_closed_case_with_follow_ups_and_one_time_feedback(
    page: Page, live_server, people, centre
):
    # 1. A resident asks for an appointment on the portal, on a phone, without logging in.
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/")
    page.click("#ask-for-an-appointment a.button")
    page.select_option("select[name=slot]", index=1)
    page.fill("input[name=contact_name]", "赵敏")
    page.fill("input[name=contact_phone]", "13700002222")
    page.fill("textarea[name=reason]", PROBLEM)
    page.check("input[name=consent]")
    page.click("button.primary")
    expect(page).to_have_url(re.compile(r"/appointments/requested/$"))
    appointment = Appointment.objects.get()
    assert appointment.status == Appointment.Status.REQUESTED

    # 2. The counsellor confirms it; the outbox holds the confirmation.
    page.set_viewport_size({"width": 1280, "height": 900})
    log_in(page, live_server, people.counsellor)
    go(page, live_server, "workflow:appointment_list", query="?show=requests")
    page.click(f"a[href='{reverse('workflow:appointment_detail', args=[appointment.pk])}']")
    page.click("#confirm-form button.primary")
    expect(page.locator(".messages")).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED
    assert Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_CONFIRMATION).count() == 1

    # The day before, the periodic job queues the reminder (once, however often it runs).
    appointment.refresh_from_db()
    eve = timezone.localtime(appointment.starts_at) - timedelta(days=1)
    with time_machine.travel(eve.replace(hour=9, minute=0), tick=False):
        run_due_jobs(only="appointments.remind")
        run_due_jobs(only="appointments.remind", now=timezone.now() + timedelta(hours=1))
    reminders = Notification.objects.filter(kind=Notification.Kind.APPOINTMENT_REMINDER)
    assert reminders.count() == 1 and reminders.get().related_id == str(appointment.pk)

    # 3. On the day, the client arrives: the clock moves to the appointment, so everyone logs in again.
    traveller = time_machine.travel(appointment.starts_at + timedelta(minutes=5), tick=True)
    traveller.start()
    try:
        log_in(page, live_server, people.counsellor)
        go(page, live_server, "workflow:appointment_detail", appointment.pk)
        page.select_option("#check-in-form select[name=who]", "new")
        page.click("#check-in-form button.primary")
        expect(page.locator(".messages")).to_contain_text("赵敏")
        appointment.refresh_from_db()
        resident = appointment.resident
        assert appointment.status == Appointment.Status.CHECKED_IN

        # Opening a case needs consent: the page says so and leads to the consent form.
        page.click(f"a.button[href^='{reverse('workflow:case_open')}']")
        expect(page.locator("p.notice")).to_be_visible()
        for title in ("知情同意书", "敏感信息处理同意"):
            go(page, live_server, "confidentiality:consent_add", resident.pk)
            page.select_option("select[name=text]", str(ConsentText.objects.get(title=title).pk))
            page.select_option("select[name=signer]", "self")
            page.fill("input[name=signer_name]", "赵敏")
            page.select_option("select[name=channel]", "paper")
            page.click("form button.primary")
            expect(page).to_have_url(re.compile(reverse("archives:detail", args=[resident.pk]) + "$"))

        go(page, live_server, "workflow:case_open", query=f"?appointment={appointment.pk}")
        page.fill("textarea[name=presenting_problem]", PROBLEM)
        page.click("form button.primary")
        case = Case.objects.get()
        expect(page).to_have_url(re.compile(reverse("workflow:case_detail", args=[case.pk]) + "$"))

        # Intake, then a plan, then the client's agreement to it.
        page.click(f"a[href='{reverse('workflow:intake_edit', args=[case.pk])}']")
        page.fill("textarea[name=chief_complaint]", PROBLEM)
        page.fill("textarea[name=impression]", "适应性困难，轻度抑郁情绪")
        page.click("form button.primary")
        page.click(f"a[href='{reverse('workflow:plan_create', args=[case.pk])}']")
        page.fill("textarea[name=goals]", "改善睡眠，学会表达情绪")
        page.fill("textarea[name=content]", "认知行为疗法，每周一次")
        page.fill("input[name=frequency]", "每周一次")
        today = timezone.localdate()
        page.fill("input[name=period_start]", today.isoformat())
        page.fill("input[name=period_end]", (today + timedelta(weeks=8)).isoformat())
        page.click("form button.primary")
        expect(page.locator("#plan ~ dl")).to_contain_text("改善睡眠")
        # Nothing is filled in beforehand: the counsellor gives the day and the way (issue 18 #8).
        page.fill("form[action*='agreement'] input[name=agreed_on]", today.isoformat())
        page.select_option("form[action*='agreement'] select[name=agreement]", "written")
        page.click("form[action*='agreement'] button")
        expect(page.locator("#plan ~ dl").first).not_to_contain_text("Not agreed yet")
        assert case.plans.get().agreed_on == today

        # Session 1 completes the appointment in one step.
        go(page, live_server, "workflow:appointment_detail", appointment.pk)
        page.click(f"a.button[href^='{reverse('workflow:session_create', args=[case.pk])}']")
        page.fill("textarea[name=content]", "第一次会谈：梳理失眠与家庭冲突的关系")
        page.click("form button.primary")
        appointment.refresh_from_db()
        assert appointment.status == Appointment.Status.COMPLETED
        assert SessionRecord.objects.get(case=case).appointment == appointment
    finally:
        traveller.stop()

    # A week later: session 2, with a private process note; then the case closes as resolved.
    with time_machine.travel(appointment.starts_at + timedelta(days=7), tick=True):
        log_in(page, live_server, people.counsellor)
        go(page, live_server, "workflow:session_create", case.pk)
        page.fill("textarea[name=content]", "第二次会谈：练习情绪记录，睡眠改善")
        page.fill("textarea[name=private_note]", NOTE)
        page.click("form button.primary")
        expect(page.locator("body")).not_to_contain_text(NOTE)
        assert PrivateNote.objects.get().text == NOTE
        go(page, live_server, "workflow:case_close", case.pk)
        page.select_option("select[name=outcome]", "resolved")
        page.fill("textarea[name=summary]", "睡眠恢复，家庭沟通改善，问题解决")
        page.click("form button.primary")
        case.refresh_from_db()
        assert case.status == Case.Status.CLOSED and case.outcome == Case.Outcome.RESOLVED
        log_out(page)

        # 4. Follow-ups at one and three months are planned for the counsellor.
        tasks = FollowUpTask.objects.filter(case=case, source="case_closure").order_by("due_on")
        assert tasks.count() == 2 and {t.assignee for t in tasks} == {people.counsellor}

        # The satisfaction link went to the client's phone; it works once.
        survey = SatisfactionSurvey.objects.get(case=case)
        assert Notification.objects.filter(
            kind=Notification.Kind.SATISFACTION_LINK, related_id=str(survey.pk)
        ).exists()
        page.set_viewport_size({"width": 390, "height": 844})
        go(page, live_server, "portal:satisfaction", survey.token)
        page.check("input[name=rating][value='5']")
        page.fill("textarea[name=comment]", "很有帮助，谢谢")
        page.click("button.primary")
        expect(page.locator("body")).to_contain_text(re.compile("感谢|谢谢|Thank"))
        go(page, live_server, "portal:satisfaction", survey.token)
        expect(page.locator("input[name=rating]")).to_have_count(0)
        survey.refresh_from_db()
        assert survey.rating == 5
        page.set_viewport_size({"width": 1280, "height": 900})

        # 5. The supervisor sees the case and both sessions, never the private note.
        log_in(page, live_server, people.supervisor)
        go(page, live_server, "workflow:case_detail", case.pk)
        expect(page.locator("body")).to_contain_text(PROBLEM)
        for session in SessionRecord.objects.filter(case=case):
            go(page, live_server, "workflow:session_detail", session.pk)
            expect(page.locator("body")).to_contain_text("会谈")
            expect(page.locator("body")).not_to_contain_text(NOTE)
            expect(page.locator("#private-note")).to_have_count(0)
            go(page, live_server, "workflow:private_note", session.pk)
            expect(page.locator("body")).not_to_contain_text(NOTE)
        log_out(page)

        # 6. Counsellors of other teams see nothing of it: not the case, its sessions, the
        # appointment or the client's clinical timeline; the lists do not mention it.
        for other in (people.outsider, people.colleague):
            log_in(page, live_server, other)
            for name, pk in [
                ("workflow:case_detail", case.pk),
                ("workflow:appointment_detail", appointment.pk),
                *[("workflow:session_detail", s.pk) for s in SessionRecord.objects.filter(case=case)],
            ]:
                response = page.goto(live_server.url + reverse(name, args=[pk]))
                assert response.status == 404, (other.username, name)
            for name in ("workflow:case_list", "workflow:appointment_list", "workflow:followup_list"):
                go(page, live_server, name)
                expect(page.locator("main")).not_to_contain_text("赵敏")
                expect(page.locator("main")).not_to_contain_text(case.number)
            log_out(page)
