"""Every page of work plans: allowed, forbidden (404, or 403 to create, and nothing written) and
the wrong method; query counts of the lists do not grow with rows."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from conftest import login_fully
from workplans import services
from workplans.models import CalendarFeed, OccurrenceLink, PlanItem, WorkPlan

from .conftest import add_broadcast, held_broadcast, make_plan


def _login(client, user):
    return login_fully(client, user)


# ---------------------------------------------------------------------------------------------
# List and create


def test_the_list_shows_the_plans_in_scope(client, plan, people):
    response = _login(client, people.lead).get(reverse("workplans:list"))
    assert response.status_code == 200
    assert plan.title in response.content.decode()


def test_the_list_shows_an_outsider_nothing(client, plan, people):
    response = _login(client, people.outsider).get(reverse("workplans:list"))
    assert response.status_code == 200
    assert plan.title not in response.content.decode()


def test_the_list_refuses_post(client, people):
    assert _login(client, people.lead).post(reverse("workplans:list")).status_code == 405


def test_the_lists_query_count_does_not_grow_with_plans(
    client, people, tree, clock, django_assert_max_num_queries
):
    for year in range(2020, 2026):
        add_broadcast(
            make_plan(people, tree, year=year, title=f"{year}计划"),
            people,
            starts_on=date(year, 2, 1),
            ends_on=date(year, 6, 30),
        )
    _login(client, people.lead)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("workplans:list"))
    assert response.content.decode().count("计划</a>") >= 6


def test_a_lead_creates_a_plan(client, people, tree, clock):
    response = _login(client, people.lead).post(
        reverse("workplans:create"),
        {"org_unit": tree.school.pk, "year": 2026, "term": "spring", "title": "春季计划", "notes": ""},
    )
    plan = WorkPlan.objects.get()
    assert response.status_code == 302 and response.url == reverse("workplans:detail", args=[plan.pk])


def test_a_counsellor_may_not_create_plans(client, people, tree):
    client = _login(client, people.counsellor)
    assert client.get(reverse("workplans:create")).status_code == 403
    response = client.post(
        reverse("workplans:create"),
        {"org_unit": tree.school.pk, "year": 2026, "term": "spring", "title": "x"},
    )
    assert response.status_code == 403 and not WorkPlan.objects.exists()


def test_a_unit_outside_scope_is_not_offered(client, people, tree):
    response = _login(client, people.east_director).post(
        reverse("workplans:create"),
        {"org_unit": tree.school.pk, "year": 2026, "term": "spring", "title": "x"},
    )
    assert response.status_code == 400 and not WorkPlan.objects.exists()


def test_create_refuses_put(client, people):
    assert _login(client, people.lead).put(reverse("workplans:create")).status_code == 405


# ---------------------------------------------------------------------------------------------
# Detail, edit, states


def test_the_plan_page_shows_the_five_occurrences(client, plan, people):
    response = _login(client, people.lead).get(reverse("workplans:detail", args=[plan.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('data-state="') == 5 and "2026年6月" in body


@pytest.mark.parametrize("who", ["outsider", "volunteer", "east_director"])
def test_the_plan_page_is_missing_for_those_outside(client, plan, people, who):
    assert (
        _login(client, getattr(people, who)).get(reverse("workplans:detail", args=[plan.pk])).status_code
        == 404
    )


def test_the_plan_page_refuses_post(client, plan, people):
    assert _login(client, people.lead).post(reverse("workplans:detail", args=[plan.pk])).status_code == 405


def test_the_plan_page_query_count_does_not_grow_with_items(
    client, plan, people, django_assert_max_num_queries
):
    for n in range(8):
        add_broadcast(plan, people, title=f"事项{n}")
    _login(client, people.lead)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("workplans:detail", args=[plan.pk])).status_code == 200


def test_the_writer_edits_a_draft(client, plan, people):
    url = reverse("workplans:edit", args=[plan.pk])
    client = _login(client, people.lead)
    assert client.get(url).status_code == 200
    assert client.post(url, {"title": "新标题", "notes": ""}).status_code == 302
    plan.refresh_from_db()
    assert plan.title == "新标题"


def test_an_approved_plan_needs_a_reason_to_change(client, approved, people):
    url = reverse("workplans:edit", args=[approved.pk])
    response = _login(client, people.lead).post(url, {"title": "新标题", "notes": ""})
    assert response.status_code == 400 and "修改原因" in response.content.decode()
    approved.refresh_from_db()
    assert approved.title != "新标题" and approved.version == 1


def test_edit_is_missing_for_a_reader_and_nothing_changes(client, plan, people):
    url = reverse("workplans:edit", args=[plan.pk])
    client = _login(client, people.supervisor)
    assert client.get(url).status_code == 404
    assert client.post(url, {"title": "改", "notes": ""}).status_code == 404
    plan.refresh_from_db()
    assert plan.title != "改"


def test_edit_refuses_delete(client, plan, people):
    assert _login(client, people.lead).delete(reverse("workplans:edit", args=[plan.pk])).status_code == 405


def test_submit_then_approve_through_the_pages(client, plan, people):
    _login(client, people.lead)
    assert client.post(reverse("workplans:action", args=[plan.pk, "submit"])).status_code == 302
    _login(client, people.director)
    assert client.post(reverse("workplans:action", args=[plan.pk, "approve"])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.APPROVED


def test_approving_a_draft_says_why_and_changes_nothing(client, plan, people):
    response = _login(client, people.director).post(reverse("workplans:action", args=[plan.pk, "approve"]))
    assert response.status_code == 400 and "只有已提交的计划才能审批" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT


def test_a_counsellor_cannot_approve(client, plan, people):
    services.plan_submit(actor=people.lead, plan=plan)
    response = _login(client, people.counsellor).post(reverse("workplans:action", args=[plan.pk, "approve"]))
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED


def test_returning_needs_a_reason(client, plan, people):
    services.plan_submit(actor=people.lead, plan=plan)
    url = reverse("workplans:action", args=[plan.pk, "return"])
    client = _login(client, people.director)
    assert client.post(url, {"reason": ""}).status_code == 400
    assert client.post(url, {"reason": "请补充"}).status_code == 302
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT


def test_an_unknown_action_is_missing_and_actions_refuse_get(client, plan, people):
    client = _login(client, people.lead)
    assert client.post(reverse("workplans:action", args=[plan.pk, "explode"])).status_code == 404
    assert client.get(reverse("workplans:action", args=[plan.pk, "submit"])).status_code == 405


# ---------------------------------------------------------------------------------------------
# Items


def _item_data(**extra):
    data = {
        "title": "心理健康月相关活动",
        "category": "publicity",
        "recurrence": "once",
        "target": "全体学生",
        "first_month": "2026-05",
        "last_month": "2026-05",
    }
    data.update(extra)
    return data


def test_the_writer_adds_an_item_by_months(client, plan, people):
    url = reverse("workplans:item_create", args=[plan.pk])
    client = _login(client, people.lead)
    assert client.get(url).status_code == 200
    assert client.post(url, _item_data(owner=people.counsellor.pk)).status_code == 302
    item = plan.items.get(title="心理健康月相关活动")
    assert (item.starts_on, item.ends_on) == (date(2026, 5, 1), date(2026, 5, 31))


def test_an_item_outside_the_period_is_refused_in_chinese_and_nothing_written(client, plan, people):
    url = reverse("workplans:item_create", args=[plan.pk])
    response = _login(client, people.lead).post(
        url, _item_data(owner=people.lead.pk, first_month="2026-08", last_month="2026-08")
    )
    assert response.status_code == 400 and "事项须在计划期间内" in response.content.decode()
    assert plan.items.count() == 1


def test_a_nonsense_month_is_a_message_not_an_error(client, plan, people):
    response = _login(client, people.lead).post(
        reverse("workplans:item_create", args=[plan.pk]), _item_data(owner=people.lead.pk, first_month="0-99")
    )
    assert response.status_code == 400 and plan.items.count() == 1


def test_adding_items_is_missing_for_others_and_nothing_written(client, plan, people):
    url = reverse("workplans:item_create", args=[plan.pk])
    client = _login(client, people.counsellor)
    assert client.get(url).status_code == 404
    assert client.post(url, _item_data(owner=people.counsellor.pk)).status_code == 404
    assert plan.items.count() == 1


def test_item_create_refuses_put(client, plan, people):
    assert (
        _login(client, people.lead).put(reverse("workplans:item_create", args=[plan.pk])).status_code == 405
    )


def test_the_writer_edits_and_removes_an_item(client, plan, people):
    item = plan.items.get()
    client = _login(client, people.lead)
    url = reverse("workplans:item_edit", args=[plan.pk, item.pk])
    assert client.get(url).status_code == 200
    data = _item_data(owner=people.lead.pk, title="每月一次心理健康广播讲座", recurrence="monthly")
    data.update(first_month="2026-03", last_month="2026-06")
    assert client.post(url, data).status_code == 302
    item.refresh_from_db()
    assert item.title == "每月一次心理健康广播讲座" and item.starts_on == date(2026, 3, 1)
    assert client.get(reverse("workplans:item_delete", args=[plan.pk, item.pk])).status_code == 405
    assert client.post(reverse("workplans:item_delete", args=[plan.pk, item.pk])).status_code == 302
    assert not plan.items.exists()


def test_editing_an_item_is_missing_for_an_outsider(client, plan, people):
    item = plan.items.get()
    client = _login(client, people.outsider)
    assert client.get(reverse("workplans:item_edit", args=[plan.pk, item.pk])).status_code == 404
    assert client.post(reverse("workplans:item_delete", args=[plan.pk, item.pk])).status_code == 404
    assert plan.items.exists()


# ---------------------------------------------------------------------------------------------
# Occurrences


def test_the_owner_confirms_the_proposed_broadcast(client, approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    url = reverse("workplans:occurrence", args=[approved.pk, item.pk, "2026-03-01"])
    client = _login(client, people.lead)
    response = client.get(url)
    assert response.status_code == 200 and broadcast.title in response.content.decode()
    link_url = reverse("workplans:occurrence_link", args=[approved.pk, item.pk, "2026-03-01"])
    assert client.get(link_url).status_code == 405
    assert (
        client.post(link_url, {"source": "activity", "object_id": broadcast.pk, "confirmed": "1"}).status_code
        == 302
    )
    link = OccurrenceLink.objects.get()
    assert link.occurrence_on == date(2026, 3, 1)
    unlink = reverse("workplans:occurrence_unlink", args=[approved.pk, item.pk, "2026-03-01", link.pk])
    assert client.get(unlink).status_code == 405
    assert client.post(unlink).status_code == 302 and not OccurrenceLink.objects.exists()


def test_a_reader_who_is_not_the_owner_cannot_link(client, approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    link_url = reverse("workplans:occurrence_link", args=[approved.pk, item.pk, "2026-03-01"])
    response = _login(client, people.supervisor).post(
        link_url, {"source": "activity", "object_id": broadcast.pk}
    )
    assert response.status_code == 404 and not OccurrenceLink.objects.exists()


def test_an_unknown_occurrence_is_missing(client, approved, people):
    item = approved.items.get()
    client = _login(client, people.lead)
    assert (
        client.get(reverse("workplans:occurrence", args=[approved.pk, item.pk, "2026-08-01"])).status_code
        == 404
    )
    assert (
        client.get(reverse("workplans:occurrence", args=[approved.pk, item.pk, "nonsense"])).status_code
        == 404
    )


def test_the_occurrence_page_is_missing_for_an_outsider(client, approved, people):
    item = approved.items.get()
    url = reverse("workplans:occurrence", args=[approved.pk, item.pk, "2026-03-01"])
    assert _login(client, people.outsider).get(url).status_code == 404


# ---------------------------------------------------------------------------------------------
# Versions, calendar, year-end


@pytest.mark.parametrize("name", ["versions", "calendar", "year_end"])
def test_the_plans_other_pages_allowed_forbidden_and_wrong_method(client, approved, people, name):
    url = reverse(f"workplans:{name}", args=[approved.pk])
    assert _login(client, people.lead).get(url).status_code == 200
    assert client.post(url).status_code == 405
    assert _login(client, people.outsider).get(url).status_code == 404


def test_the_version_history_shows_the_change_and_its_reason(client, approved, people):
    item = approved.items.get()
    services.item_update(actor=people.lead, item=item, title="每月一次心理健康广播讲座", reason="统一名称")
    body = _login(client, people.lead).get(reverse("workplans:versions", args=[approved.pk])).content.decode()
    assert "统一名称" in body and "<del>每月一次广播讲座</del>" in body


def test_the_calendar_shows_a_month_and_the_semester(client, approved, people):
    body = (
        _login(client, people.lead)
        .get(reverse("workplans:calendar", args=[approved.pk]) + "?month=2026-04")
        .content.decode()
    )
    assert "2026年4月" in body and 'id="semester-calendar"' in body and people.lead.full_name in body


def test_the_year_end_view_links_the_records(client, approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    services.occurrence_link(
        actor=people.lead,
        item=item,
        occurrence_on=date(2026, 3, 1),
        source="activity",
        object_id=broadcast.pk,
    )
    body = _login(client, people.lead).get(reverse("workplans:year_end", args=[approved.pk])).content.decode()
    assert reverse("activities:detail", args=[broadcast.pk]) in body and "1 / 5" in body


# ---------------------------------------------------------------------------------------------
# Calendar feed


def test_the_feed_has_the_persons_own_items_only(client, approved, people):
    services.item_create(
        actor=people.lead,
        plan=approved,
        title="心理委员月汇报",
        category="report",
        owner=people.counsellor,
        starts_on=date(2026, 3, 1),
        ends_on=date(2026, 6, 30),
        recurrence=PlanItem.Recurrence.MONTHLY,
        reason="补充",
    )
    client = _login(client, people.lead)
    assert client.get(reverse("workplans:my_feed")).status_code == 200
    assert client.post(reverse("workplans:my_feed")).status_code == 302
    token = CalendarFeed.objects.get(user=people.lead).token
    client.logout()
    response = client.get(reverse("workplans:feed", args=[token]))
    body = response.content.decode()
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    assert body.count("BEGIN:VEVENT") == 5 and "心理委员月汇报" not in body
    assert "DTSTART;VALUE=DATE:20260301" in body and "\r\n" in body
    assert client.post(reverse("workplans:feed", args=[token])).status_code == 405
    assert client.get(reverse("workplans:feed", args=["wrong"])).status_code == 404


def test_a_new_feed_address_ends_the_old_one(client, people, clock):
    client = _login(client, people.lead)
    client.post(reverse("workplans:my_feed"))
    old = CalendarFeed.objects.get().token
    client.post(reverse("workplans:my_feed"))
    assert client.get(reverse("workplans:feed", args=[old])).status_code == 404


def test_my_feed_needs_a_login_and_refuses_put(client, people):
    assert client.get(reverse("workplans:my_feed")).status_code == 302
    assert _login(client, people.lead).put(reverse("workplans:my_feed")).status_code == 405


# ---------------------------------------------------------------------------------------------
# Public calendar and home card


def test_the_public_calendar_shows_an_approved_plan_without_names(client, approved, people):
    response = client.get(reverse("portal:work_plan_calendar", args=[approved.pk]))
    body = response.content.decode()
    assert response.status_code == 200 and "每月一次广播讲座" in body
    assert people.lead.full_name not in body and people.director.full_name not in body
    assert approved.title in client.get(reverse("portal:work_plans")).content.decode()


def test_the_public_calendar_hides_a_draft(client, plan):
    assert client.get(reverse("portal:work_plan_calendar", args=[plan.pk])).status_code == 404
    assert plan.title not in client.get(reverse("portal:work_plans")).content.decode()


def test_the_public_calendar_refuses_post(client, approved):
    assert client.post(reverse("portal:work_plan_calendar", args=[approved.pk])).status_code == 405
    assert client.post(reverse("portal:work_plans")).status_code == 405


def test_the_owner_home_page_shows_overdue_items(client, approved, people):
    # 20 March: February's broadcast has been overdue since 4 March.
    body = _login(client, people.lead).get(reverse("dashboard:home")).content.decode()
    assert 'id="work-plan-overdue"' in body and "2026年2月" in body
    assert (
        'id="work-plan-overdue"'
        not in _login(client, people.director).get(reverse("dashboard:home")).content.decode()
    )
