"""In the browser: the counsellor enrols a member into a running open group, records their
attendance (the member's timeline shows the group session), enters their pre and post PHQ-9, and
the outcome report shows the reference figures; the project lead sees aggregates only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import PASSWORD
from groupcounselling.models import GroupMember
from groupcounselling.services import attendance_record, member_score_enter, programme_create

from .conftest import POST, PRE, enrol, phq9_answers, register

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
def running(people, tree, group_agreement, settings):
    """An open 8-session group that ended a week ago; nine members with the first nine reference
    pairs; the tenth person is not a member yet."""
    settings.DEMO_MODE = True
    people.counsellor.is_demo_account = True
    people.counsellor.save(update_fields=["is_demo_account"])
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=56)
    programme = programme_create(
        actor=people.counsellor, name="情绪调适成长小组", kind="open", org_unit=tree.willow, leaders=[],
        first_session_at=start, session_count=8, instruments=["phq9"], primary_instrument="phq9",
    )  # fmt: skip
    members = [enrol(people.counsellor, programme, register(people, tree, 200 + n)) for n in range(9)]
    last = programme.sessions.order_by("-number").first()
    for member, pre, post in zip(members, PRE[:9], POST[:9], strict=True):
        member_score_enter(
            actor=people.counsellor, member=member, instrument_code="phq9", answers=phq9_answers(pre),
            administered_at=start - timedelta(days=2),
        )  # fmt: skip
        member_score_enter(
            actor=people.counsellor, member=member, instrument_code="phq9", answers=phq9_answers(post),
            administered_at=last.starts_at + timedelta(hours=3),
        )  # fmt: skip
    for session in programme.sessions.order_by("number"):
        attendance_record(actor=people.counsellor, session=session, marks={m.pk: "attended" for m in members})
    newcomer = register(people, tree, 299)
    return programme, newcomer, start, last


def enter_phq9(page: Page, total: int, when) -> None:
    page.fill("input[name=administered_at]", timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"))
    for number, answer in enumerate(phq9_answers(total), start=1):
        page.select_option(f"select[name=item_{number}]", str(answer))
    page.click("form button.primary")


def test_a_counsellor_runs_a_group_to_its_outcome_report(page: Page, live_server, people, running):
    programme, newcomer, start, last = running
    log_in(page, live_server, people.counsellor)
    page.locator("details[data-nav-group=programmes] summary").click()
    page.locator("details[data-nav-group=programmes] a[href='/staff/groups/']").click()
    page.click(f"text={programme.name}")
    page.fill("input[name=q]", newcomer.name)
    page.click("form[method=get] button")
    page.click("#matches button")
    expect(page.locator("body")).to_contain_text("已将")
    member = GroupMember.objects.get(resident=newcomer)
    row = page.locator(f"#member-{member.pk}")
    row.locator("input[name=note]").fill("符合入组标准")
    row.locator("button").first.click()
    page.locator(f"#member-{member.pk} a", has_text="入组").click()
    expect(page.locator("body")).to_contain_text("分享的内容保密")
    page.click("form button.primary")
    expect(page.locator(f"#member-{member.pk}")).to_contain_text("已入组")

    page.goto(live_server.url + reverse("groupcounselling:session", args=[programme.pk, last.number]))
    page.check(f"input[name=mark_{member.pk}][value=attended]")
    page.click("button[name=save_attendance]")
    expect(page.locator("body")).to_contain_text("出勤已保存")
    page.goto(live_server.url + reverse("archives:detail", args=[newcomer.pk]))
    expect(page.locator("body")).to_contain_text(f"团体辅导“{programme.name}”第 8 次活动")

    score = reverse("groupcounselling:member_score", args=[programme.pk, member.pk]) + "?instrument=phq9"
    page.goto(live_server.url + score)
    enter_phq9(page, PRE[9], start - timedelta(days=1))
    expect(page.locator("body")).to_contain_text("分数已作为")
    page.goto(live_server.url + score)
    enter_phq9(page, POST[9], last.starts_at + timedelta(hours=4))
    expect(page.locator("body")).to_contain_text("分数已作为")

    page.goto(live_server.url + reverse("groupcounselling:report", args=[programme.pk]))
    figures = page.locator("#figures")
    for figure in (
        "3.300",
        "2.359",
        "0.629",
        "1.399",
        "1.279",
        "t(9) = 4.423",
        "0.0017",
        "[0.49, 2.27]",
        "0.0020",
    ):
        expect(figures).to_contain_text(figure)
    expect(page.locator("#member-scores")).to_contain_text(newcomer.name)
    log_out(page)

    people.lead.is_demo_account = True
    people.lead.save(update_fields=["is_demo_account"])
    log_in(page, live_server, people.lead)
    page.goto(live_server.url + reverse("groupcounselling:report", args=[programme.pk]))
    expect(page.locator("#figures")).to_contain_text("1.399")
    expect(page.locator("#aggregates-only")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text(newcomer.name)
