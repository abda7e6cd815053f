"""SVC-6: follow-ups after a case closes and from screening, my follow-ups, the team's overdue
ones, completing / handing over / cancelling under the policy, and the daily reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from confidentiality.roles import Role
from conftest import login_fully, make_user
from notifications.models import Notification
from workflow.models import FollowUpTask
from workflow.selectors.followups import (
    my_follow_ups,
    team_overdue_follow_ups,
    team_overdue_summary,
    unassigned_follow_ups,
)
from workflow.services.followups import (
    follow_up_cancel,
    follow_up_complete,
    follow_up_create,
    follow_up_reassign,
    follow_up_reminders_queue,
    follow_ups_create_for_closed_case,
)
from workflow.tests.followup_hotline_support import client_of, make_case, make_task

pytestmark = pytest.mark.django_db


def local(*parts) -> datetime:
    """A time on the centre's clock."""
    return datetime(*parts, tzinfo=timezone.get_current_timezone())


TODAY = date(2025, 3, 12)  # a Wednesday


@pytest.fixture
def team(people, tree):
    """张三 in 柳岸 with the counsellor responsible (supervised by the supervisor); 李四 in 松林 with
    the outsider responsible."""
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    zhang = client_of(people, tree.grid, "张三", responsible=[people.counsellor], phone="13912345678")
    li = client_of(people, tree.pine, "李四", responsible=[people.outsider], phone="13600003333")
    return type("Team", (), {"zhang": zhang, "li": li})


def page(user, name, *args, query: str = "") -> Client:
    return login_fully(Client(), user), reverse(f"workflow:{name}", args=args) + query


def follow_up_audits() -> int:
    return AuditEntry.objects.filter(action__startswith="follow_up.").count()


# ---------------------------------------------------------------------------------------------
# Created automatically


def test_closing_a_case_plans_follow_ups_at_one_and_three_months_once(people, team):
    closed_at = local(2025, 1, 31, 16, 0)
    case = make_case(team.zhang, people.counsellor, "C2025-0001", closed_at=closed_at)

    created = follow_ups_create_for_closed_case(actor=people.counsellor, case=case)
    again = follow_ups_create_for_closed_case(actor=people.counsellor, case=case)

    assert [task.due_on for task in created] == [date(2025, 2, 28), date(2025, 4, 30)]
    assert again == []
    tasks = FollowUpTask.objects.filter(case=case)
    assert tasks.count() == 2
    assert {(t.source, t.assignee, t.resident, t.status) for t in tasks} == {
        ("case_closure", people.counsellor, team.zhang, "open")
    }
    assert "C2025-0001" in tasks.first().reason


def test_the_months_after_closing_are_a_setting(people, team, settings):
    settings.XINQIAO_FOLLOW_UP_MONTHS = [2]
    case = make_case(team.zhang, people.counsellor, "C2025-0002", closed_at=local(2025, 5, 10, 9))
    assert [t.due_on for t in follow_ups_create_for_closed_case(actor=people.counsellor, case=case)] == [
        date(2025, 7, 10)
    ]


def test_a_screening_follow_up_goes_to_the_first_responsible_counsellor_or_to_nobody(people, tree):
    from screening.reports import followups_create_for_positives
    from screening.services import SelfTestConsent, campaign_create, campaign_set_status, selftest_submit

    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="普查",
        instruments=["phq2"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today,
        ends_on=today + timedelta(days=5),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    residents = [
        client_of(people, tree.grid, "居民甲", responsible=[people.counsellor]),
        client_of(people, tree.grid, "居民乙"),
    ]
    for n, resident in enumerate(residents):
        answers = {"phq2": [2, 2], "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 0]}
        selftest_submit(
            campaign=campaign,
            resident=resident,
            answers=answers,
            idempotency_key=f"key-{n}",
            consent=SelfTestConsent.now(agreed=True),
        )

    assert followups_create_for_positives(actor=people.director, campaign=campaign) == 2
    assignees = dict(FollowUpTask.objects.values_list("resident_id", "assignee_id"))
    assert assignees == {residents[0].pk: people.counsellor.pk, residents[1].pk: None}
    # The one nobody has is on the director's "not yet assigned" list, not on a colleague's.
    assert [t.resident for t in unassigned_follow_ups(user=people.director)] == [residents[1]]
    assert not unassigned_follow_ups(user=people.colleague).exists()


# ---------------------------------------------------------------------------------------------
# Planned by hand


def test_a_counsellor_plans_a_follow_up_for_their_client(people, team):
    task = follow_up_create(
        actor=people.counsellor,
        resident=team.zhang,
        reason="  一周后电话回访  ",
        due_on=timezone.localdate() + timedelta(days=7),
        method=FollowUpTask.Method.PHONE,
        assignee=people.colleague,
    )
    assert (task.reason, task.source, task.assignee) == ("一周后电话回访", "manual", people.colleague)
    assert AuditEntry.objects.filter(action="follow_up.created", object_id=str(task.pk)).exists()


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("reason", {"reason": "  "}),
        ("due_on", {"due_on": date(2020, 1, 1)}),
        ("assignee", {"assignee": "outsider"}),
        ("assignee", {"assignee": "worker"}),
    ],
)
def test_a_follow_up_needs_a_reason_a_date_ahead_and_an_assignee_who_works_with_the_client(
    people, team, field, changes
):
    values = {"reason": "回访", "due_on": timezone.localdate(), "assignee": people.counsellor}
    values.update(changes)
    if isinstance(values["assignee"], str):
        values["assignee"] = getattr(people, values["assignee"])
    with pytest.raises(ValidationError) as error:
        follow_up_create(actor=people.counsellor, resident=team.zhang, **values)
    assert field in error.value.message_dict
    assert not FollowUpTask.objects.exists()


@pytest.mark.parametrize("who", ["colleague", "outsider", "worker", "archivist"])
def test_only_the_clients_team_plans_follow_ups(people, team, who):
    with pytest.raises(PermissionDenied):
        follow_up_create(
            actor=getattr(people, who),
            resident=team.zhang,
            reason="回访",
            due_on=timezone.localdate(),
            assignee=people.counsellor,
        )
    assert not FollowUpTask.objects.exists()


# ---------------------------------------------------------------------------------------------
# Completing, handing over, cancelling


def test_the_assignee_completes_a_follow_up_with_its_outcome_and_method(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    done = follow_up_complete(
        actor=people.counsellor, task=task, outcome=" 情绪稳定，睡眠改善 ", method=FollowUpTask.Method.VISIT
    )
    task.refresh_from_db()
    assert (task.status, task.outcome, task.method, task.completed_by) == (
        "done",
        "情绪稳定，睡眠改善",
        "visit",
        people.counsellor,
    )
    assert done.completed_at is not None
    entry = AuditEntry.objects.get(action="follow_up.completed")
    assert "情绪" not in str(entry.details)  # the outcome is never copied into the log


@pytest.mark.parametrize(
    ("outcome", "completed_at", "field"),
    [("", None, "outcome"), ("   ", None, "outcome"), ("好", "tomorrow", "completed_at")],
)
def test_completing_needs_an_outcome_and_a_time_not_in_the_future(people, team, outcome, completed_at, field):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    when = timezone.now() + timedelta(days=1) if completed_at else None
    with pytest.raises(ValidationError) as error:
        follow_up_complete(actor=people.counsellor, task=task, outcome=outcome, completed_at=when)
    assert field in error.value.message_dict
    task.refresh_from_db()
    assert task.status == "open" and task.outcome == ""


def test_a_follow_up_is_completed_once(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    follow_up_complete(actor=people.counsellor, task=task, outcome="好")
    with pytest.raises(ValidationError):
        follow_up_complete(actor=people.counsellor, task=task, outcome="再一次")
    task.refresh_from_db()
    assert task.outcome == "好"


@pytest.mark.parametrize("who", ["counsellor", "supervisor", "director"])
def test_the_assignee_their_supervisor_and_the_director_may_complete(people, team, who):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.colleague)
    people.colleague.supervisor = people.supervisor
    people.colleague.save(update_fields=["supervisor"])
    # The counsellor is responsible for the archive: the archive's team works on its follow-ups.
    follow_up_complete(actor=getattr(people, who), task=task, outcome="已联系")
    task.refresh_from_db()
    assert task.status == "done"


@pytest.mark.parametrize("who", ["colleague", "outsider", "west_director", "archivist", "worker"])
def test_nobody_else_may_complete_and_nothing_is_written(people, tree, team, who):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    people.west_director = make_user("west_director_t", Role.DIRECTOR, tree.west)
    audits = follow_up_audits()
    with pytest.raises(PermissionDenied):
        follow_up_complete(actor=getattr(people, who), task=task, outcome="已联系")
    task.refresh_from_db()
    assert task.status == "open" and follow_up_audits() == audits


def test_handing_over_needs_a_reason_and_an_eligible_colleague(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    with pytest.raises(ValidationError) as no_reason:
        follow_up_reassign(actor=people.counsellor, task=task, assignee=people.colleague, reason="")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as elsewhere:
        follow_up_reassign(actor=people.counsellor, task=task, assignee=people.outsider, reason="休假")
    assert "assignee" in elsewhere.value.message_dict

    follow_up_reassign(actor=people.counsellor, task=task, assignee=people.colleague, reason="休假")
    task.refresh_from_db()
    assert task.assignee == people.colleague
    entry = AuditEntry.objects.get(action="follow_up.reassigned")
    assert entry.details == {"from": people.counsellor.pk, "to": people.colleague.pk}
    assert entry.reason == "休假"


def test_taking_a_follow_up_nobody_had_needs_no_reason(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), source=FollowUpTask.Source.SCREENING)
    follow_up_reassign(actor=people.counsellor, task=task, assignee=people.counsellor)
    task.refresh_from_db()
    assert task.assignee == people.counsellor


def test_cancelling_needs_a_reason_which_is_kept(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    with pytest.raises(ValidationError):
        follow_up_cancel(actor=people.counsellor, task=task, reason=" ")
    follow_up_cancel(actor=people.counsellor, task=task, reason="已搬离本区")
    task.refresh_from_db()
    assert (task.status, task.outcome) == ("cancelled", "已搬离本区")
    with pytest.raises(ValidationError):
        follow_up_cancel(actor=people.counsellor, task=task, reason="再次")


# ---------------------------------------------------------------------------------------------
# My follow-ups, the team's overdue ones


def test_my_follow_ups_are_split_into_due_today_overdue_upcoming_and_later(people, team):
    mine = {
        "today": make_task(team.zhang, due_on=TODAY, assignee=people.counsellor),
        "late": make_task(team.zhang, due_on=TODAY - timedelta(days=3), assignee=people.counsellor),
        "soon": make_task(team.zhang, due_on=TODAY + timedelta(days=14), assignee=people.counsellor),
    }
    later = make_task(team.zhang, due_on=TODAY + timedelta(days=15), assignee=people.counsellor)
    make_task(team.zhang, due_on=TODAY, assignee=people.colleague)  # someone else's
    make_task(team.zhang, due_on=TODAY - timedelta(days=1), assignee=people.counsellor, status="done")

    sections = my_follow_ups(user=people.counsellor, today=TODAY)

    assert list(sections["due_today"]) == [mine["today"]]
    assert list(sections["overdue"]) == [mine["late"]]
    assert list(sections["upcoming"]) == [mine["soon"]]
    # Planned further ahead is still listed, not lost (issue 18 #8).
    assert list(sections["later"]) == [later]


def test_the_supervisor_sees_the_overdue_follow_ups_of_their_supervisees_only(people, team):
    late = make_task(team.zhang, due_on=TODAY - timedelta(days=2), assignee=people.counsellor)
    make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)  # due today: not overdue yet
    make_task(team.zhang, due_on=TODAY - timedelta(days=2), assignee=people.colleague)  # not supervised
    pine_late = make_task(team.li, due_on=TODAY - timedelta(days=9), assignee=people.outsider)

    assert list(team_overdue_follow_ups(user=people.supervisor, today=TODAY)) == [late]
    # The director sees every overdue one about clients in scope; a counsellor has no team list.
    assert len(team_overdue_follow_ups(user=people.director, today=TODAY)) == 3
    assert list(team_overdue_follow_ups(user=people.east_director, today=TODAY)) == [
        t for t in team_overdue_follow_ups(user=people.director, today=TODAY) if t.resident == team.zhang
    ]
    assert pine_late not in team_overdue_follow_ups(user=people.east_director, today=TODAY)
    assert not team_overdue_follow_ups(user=people.counsellor, today=TODAY).exists()


def test_the_home_page_summary_of_the_teams_overdue_costs_two_queries(
    people, team, django_assert_max_num_queries
):
    for days in range(1, 9):
        make_task(team.zhang, due_on=TODAY - timedelta(days=days), assignee=people.counsellor)
    with django_assert_max_num_queries(2):
        summary = team_overdue_summary(user=people.supervisor, today=TODAY, limit=3)
        names = [(t.resident.name, t.assignee.full_name) for t in summary["items"]]
    assert summary["count"] == 8 and len(names) == 3
    assert summary["items"][0].due_on == TODAY - timedelta(days=8)  # the oldest first


# ---------------------------------------------------------------------------------------------
# Reminders


def test_a_reminder_is_queued_once_per_task_due_today_even_if_the_job_runs_twice(people, team):
    due = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor, reason="筛查阳性：PHQ-9 重度")
    make_task(team.zhang, due_on=TODAY + timedelta(days=1), assignee=people.counsellor)
    make_task(team.zhang, due_on=TODAY, source=FollowUpTask.Source.SCREENING)  # nobody to remind
    make_task(team.zhang, due_on=TODAY, assignee=people.colleague, status="done")
    now = local(2025, 3, 12, 12, 0)

    with time_machine.travel(now, tick=False):
        assert follow_up_reminders_queue() == 1
        assert follow_up_reminders_queue(now=now) == 0

    message = Notification.objects.get()
    assert (message.kind, message.recipient_user, message.dedupe_key) == (
        "follow_up_due",
        people.counsellor,
        f"follow_up:{due.pk}:due",
    )
    assert (message.related_type, message.related_id) == ("workflow.followuptask", str(due.pk))
    # No name and nothing clinical: the outbox has readers other than the assignee.
    assert "张三" not in message.body + message.subject
    assert "PHQ" not in message.body and "筛查" not in message.body
    assert reverse("workflow:followup_detail", args=[due.pk]) in message.body


def test_the_periodic_job_queues_the_reminders(people, team):
    from lib.jobs import job_named

    make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    job = job_named("follow_ups.remind_due")
    assert job.run() == "1 follow-up reminders queued"
    assert job.run() == "0 follow-up reminders queued"
    assert Notification.objects.count() == 1


# ---------------------------------------------------------------------------------------------
# Pages: my follow-ups


def test_my_follow_ups_page_shows_the_four_sections(people, team):
    make_task(team.zhang, due_on=TODAY, assignee=people.counsellor, reason="今天回访")
    make_task(team.zhang, due_on=TODAY - timedelta(days=1), assignee=people.counsellor, reason="昨天就该回访")
    make_task(team.zhang, due_on=TODAY + timedelta(days=2), assignee=people.counsellor, reason="后天回访")
    make_task(
        team.zhang, due_on=TODAY + timedelta(days=60), assignee=people.counsellor, reason="两个月后回访"
    )
    client, url = page(people.counsellor, "followup_list")
    with time_machine.travel(local(2025, 3, 12, 12, 0), tick=False):
        response = client.get(url)
    assert response.status_code == 200
    sections = {key: [t.reason for t in tasks] for key, _title, tasks in response.context["sections"]}
    assert sections == {
        "due-today": ["今天回访"],
        "overdue": ["昨天就该回访"],
        "upcoming": ["后天回访"],
        "later": ["两个月后回访"],
    }
    assert "两个月后回访" in response.content.decode()
    assert not response.context["can_see_team"]


@pytest.mark.parametrize("who", ["worker", "teacher", "volunteer", "archivist", "admin"])
def test_roles_without_clinical_work_get_no_follow_up_list(people, who):
    client, url = page(getattr(people, who), "followup_list")
    assert client.get(url).status_code == 403


def test_the_follow_up_list_refuses_post(people):
    client, url = page(people.counsellor, "followup_list")
    assert client.post(url).status_code == 405


def test_the_team_tab_is_for_supervisors_and_directors(people, team):
    make_task(team.zhang, due_on=timezone.localdate() - timedelta(days=5), assignee=people.counsellor)
    client, url = page(people.supervisor, "followup_list", query="?tab=team")
    response = client.get(url)
    assert response.status_code == 200 and response.context["page"].paginator.count == 1
    # Who saw which follow-ups is audited, by id only.
    entry = AuditEntry.objects.get(action="list.viewed", object_type="workflow.followuptask")
    assert entry.actor == people.supervisor and entry.details["page"] == "follow_ups_team"
    assert entry.details["ids"] == [str(task.pk) for task in response.context["page"]]
    client, url = page(people.counsellor, "followup_list", query="?tab=team")
    assert client.get(url).status_code == 403


def test_the_unassigned_tab_offers_to_take_a_screening_follow_up(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), source=FollowUpTask.Source.SCREENING)
    client, url = page(people.counsellor, "followup_list", query="?tab=unassigned")
    response = client.get(url)
    assert list(response.context["page"]) == [task]
    assert reverse("workflow:followup_reassign", args=[task.pk]) in response.content.decode()
    taken = client.post(
        reverse("workflow:followup_reassign", args=[task.pk]), {"assignee": people.counsellor.pk}
    )
    assert taken.status_code == 302
    task.refresh_from_db()
    assert task.assignee == people.counsellor


@pytest.mark.parametrize("tab", ["mine", "team", "unassigned"])
def test_the_follow_up_list_costs_a_fixed_number_of_queries(people, team, tab, django_assert_max_num_queries):
    for days in range(-6, 7):
        make_task(team.zhang, due_on=timezone.localdate() + timedelta(days=days), assignee=people.counsellor)
        make_task(team.li, due_on=timezone.localdate() + timedelta(days=days), source="screening")
    client, url = page(
        people.director if tab != "mine" else people.counsellor, "followup_list", query=f"?tab={tab}"
    )
    # +2: the red-alert banner of every staff page (the user's unit and one count); +4: the listing
    # audit (one more on PostgreSQL).
    with django_assert_max_num_queries(
        19
    ):  # incl. the navigation's waiting counts (1) and PostgreSQL's audit lock (1)
        response = client.get(url)
    assert response.status_code == 200


# ---------------------------------------------------------------------------------------------
# Pages: one follow-up and its actions


def test_the_assignee_opens_a_follow_up_and_reading_the_outcome_is_audited(people, team):
    task = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)
    client, url = page(people.counsellor, "followup_detail", task.pk)
    open_page = client.get(url)
    assert open_page.status_code == 200 and open_page.context["can_work"]
    assert not AuditEntry.objects.filter(action="follow_up.outcome_viewed").exists()  # nothing to read yet

    follow_up_complete(actor=people.counsellor, task=task, outcome="情况稳定")
    done_page = client.get(url)
    assert "情况稳定" in done_page.content.decode() and not done_page.context["can_work"]
    entry = AuditEntry.objects.get(action="follow_up.outcome_viewed")
    assert (entry.actor, entry.object_id) == (people.counsellor, str(task.pk))


@pytest.mark.parametrize("who", ["outsider", "colleague", "worker"])
def test_a_follow_up_out_of_reach_is_not_found_and_the_refusal_is_audited(people, team, who):
    task = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)
    client, url = page(getattr(people, who), "followup_detail", task.pk)
    assert client.get(url).status_code == 404
    refusal = AuditEntry.objects.filter(action="access.refused").latest("seq")
    assert refusal.object_id == str(task.pk)


def test_the_follow_up_page_refuses_post(people, team):
    task = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)
    client, url = page(people.counsellor, "followup_detail", task.pk)
    assert client.post(url).status_code == 405


def test_completing_from_the_page(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    client, url = page(people.counsellor, "followup_complete", task.pk)
    response = client.post(url, {"method": "visit", "outcome": "上门回访，情况良好", "completed_at": ""})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.status, task.method, task.outcome) == ("done", "visit", "上门回访，情况良好")


def test_completing_without_an_outcome_shows_the_form_again(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    client, url = page(people.counsellor, "followup_complete", task.pk)
    response = client.post(url, {"method": "phone", "outcome": ""})
    assert response.status_code == 400
    assert response.context["complete_form"].errors["outcome"]
    task.refresh_from_db()
    assert task.status == "open"


def test_completing_a_task_already_done_says_so(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor, status="done")
    client, url = page(people.counsellor, "followup_complete", task.pk)
    response = client.post(url, {"method": "phone", "outcome": "再次"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflow:followup_detail", args=[task.pk])
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    task.refresh_from_db()
    assert task.outcome == ""


def test_handing_over_and_cancelling_from_the_page(people, team):
    task = make_task(team.zhang, due_on=timezone.localdate(), assignee=people.counsellor)
    client, url = page(people.counsellor, "followup_reassign", task.pk)
    assert client.post(url, {"assignee": people.colleague.pk, "reason": "出差"}).status_code == 302
    refused = client.post(url, {"assignee": people.outsider.pk, "reason": "出差"})
    assert refused.status_code == 400 and refused.context["reassign_form"].errors["assignee"]
    cancel = reverse("workflow:followup_cancel", args=[task.pk])
    assert client.post(cancel, {"reason": ""}).status_code == 400
    assert client.post(cancel, {"reason": "来访者已重新开案"}).status_code == 302
    task.refresh_from_db()
    assert (task.assignee, task.status) == (people.colleague, "cancelled")


@pytest.mark.parametrize("action", ["followup_complete", "followup_reassign", "followup_cancel"])
def test_the_actions_refuse_get(people, team, action):
    task = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)
    client, url = page(people.counsellor, action, task.pk)
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("action", ["followup_complete", "followup_reassign", "followup_cancel"])
@pytest.mark.parametrize(("who", "status"), [("outsider", 404), ("colleague", 404), ("worker", 404)])
def test_forbidden_actions_write_nothing(people, team, action, who, status):
    task = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)
    audits = follow_up_audits()
    client, url = page(getattr(people, who), action, task.pk)
    data = {"method": "phone", "outcome": "篡改", "assignee": getattr(people, who).pk, "reason": "篡改"}
    assert client.post(url, data).status_code == status
    task.refresh_from_db()
    assert (task.status, task.outcome, task.assignee) == ("open", "", people.counsellor)
    assert follow_up_audits() == audits


def test_someone_who_only_reads_the_client_may_not_act(people, team):
    """An access grant lets one read the archive, and with it the follow-up, but not act on it."""
    from confidentiality.models import AccessGrant

    task = make_task(team.zhang, due_on=TODAY, assignee=people.counsellor)
    AccessGrant.objects.create(
        requester=people.colleague,
        archive=team.zhang.archive,
        kind=AccessGrant.Kind.REQUEST,
        status=AccessGrant.Status.APPROVED,
        reason="会诊",
        expires_at=timezone.now() + timedelta(hours=4),
    )
    client, url = page(people.colleague, "followup_detail", task.pk)
    response = client.get(url)
    assert response.status_code == 200 and not response.context["can_work"]
    complete = reverse("workflow:followup_complete", args=[task.pk])
    assert client.post(complete, {"method": "phone", "outcome": "x"}).status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


# ---------------------------------------------------------------------------------------------
# Pages: planning a follow-up


def test_the_counsellor_plans_a_follow_up_from_the_clients_archive(people, team):
    client, url = page(people.counsellor, "followup_create", query=f"?resident={team.zhang.pk}")
    form_page = client.get(url)
    assert form_page.status_code == 200
    assert people.outsider not in form_page.context["form"].fields["assignee"].queryset
    due = (timezone.localdate() + timedelta(days=3)).isoformat()
    response = client.post(
        url, {"reason": "复诊后回访", "due_on": due, "method": "phone", "assignee": people.counsellor.pk}
    )
    task = FollowUpTask.objects.get()
    assert response.status_code == 302 and response.url == reverse("workflow:followup_detail", args=[task.pk])
    assert (task.resident, task.source, task.case) == (team.zhang, "manual", None)


def test_a_follow_up_planned_from_a_case_belongs_to_it(people, team):
    case = make_case(team.zhang, people.counsellor, "C2025-0009")
    client, url = page(people.counsellor, "followup_create", query=f"?case={case.pk}")
    due = timezone.localdate().isoformat()
    client.post(url, {"reason": "回访", "due_on": due, "method": "online", "assignee": people.counsellor.pk})
    assert FollowUpTask.objects.get().case == case


def test_a_date_in_the_past_is_refused_on_the_form(people, team):
    client, url = page(people.counsellor, "followup_create", query=f"?resident={team.zhang.pk}")
    response = client.post(
        url, {"reason": "回访", "due_on": "2020-01-01", "method": "phone", "assignee": people.counsellor.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors["due_on"]
    assert not FollowUpTask.objects.exists()


def test_planning_without_a_client_explains_where_to_start(people):
    client, url = page(people.counsellor, "followup_create")
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0] == reverse("workflow:followup_list")
    assert [str(m) for m in response.context["messages"]]


@pytest.mark.parametrize(("who", "status"), [("colleague", 403), ("outsider", 404), ("worker", 403)])
def test_planning_for_someone_elses_client_is_refused_and_nothing_is_written(people, team, who, status):
    client, url = page(getattr(people, who), "followup_create", query=f"?resident={team.zhang.pk}")
    assert client.get(url).status_code == status
    data = {"reason": "回访", "due_on": timezone.localdate().isoformat(), "method": "phone"}
    assert client.post(url, {**data, "assignee": getattr(people, who).pk}).status_code == status
    assert not FollowUpTask.objects.exists()


def test_the_planning_page_refuses_other_methods(people, team):
    client, url = page(people.counsellor, "followup_create", query=f"?resident={team.zhang.pk}")
    assert client.put(url).status_code == 405
