"""The rules of work plans: states in order, items inside the period, versions after approval,
and fulfilment computed from linked records (the issue's acceptance for work plans)."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from workplans import selectors, services
from workplans.models import OccurrenceLink, PlanItem, PlanVersion, WorkPlan
from workplans.occurrences import State

from .conftest import SHANGHAI, add_broadcast, held_broadcast, make_plan


def _states(plan, today=None):
    (row,) = selectors.plan_occurrences(plan, today=today)
    return {o.starts_on.month: o.state for o in row.occurrences}


def test_the_monthly_broadcast_from_february_to_june_shows_five_occurrences(plan):
    (row,) = selectors.plan_occurrences(plan)
    assert [o.label() for o in row.occurrences] == [
        "2026年2月",
        "2026年3月",
        "2026年4月",
        "2026年5月",
        "2026年6月",
    ]


def test_the_march_broadcast_marks_march_done_and_april_is_overdue_after_the_third_of_may(
    approved, people, school_site, clock
):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    services.occurrence_link(
        actor=people.lead,
        item=item,
        occurrence_on=date(2026, 3, 1),
        source="activity",
        object_id=broadcast.pk,
    )
    states = _states(approved)
    assert states[3] == State.DONE
    # February ended on the 28th; with nothing linked it has been overdue since 4 March.
    assert states[2] == State.OVERDUE
    assert _states(approved, today=date(2026, 5, 3))[4] == State.DUE
    with time_machine.travel(datetime(2026, 5, 4, 8, tzinfo=SHANGHAI), tick=False):
        assert _states(approved)[4] == State.OVERDUE
        overdue = selectors.overdue_for_owner(people.lead)
        assert [o.starts_on for o in overdue] == [date(2026, 2, 1), date(2026, 4, 1)]


def test_a_matching_record_is_proposed_and_counts_once_the_owner_confirms_it(approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    march = selectors.find_occurrence(item, "2026-03-01")
    assert [r.pk for r in selectors.proposals_for(people.lead, march)] == [broadcast.pk]
    assert selectors.proposals_for(people.lead, selectors.find_occurrence(item, "2026-04-01")) == []
    services.occurrence_link(
        actor=people.lead,
        item=item,
        occurrence_on=march.starts_on,
        source="activity",
        object_id=broadcast.pk,
        confirmed=True,
    )
    march = selectors.find_occurrence(item, "2026-03-01")
    assert march.state == State.DONE and selectors.proposals_for(people.lead, march) == []
    assert march.links[0].how == OccurrenceLink.How.CONFIRMED


def test_a_record_of_another_month_is_refused_and_nothing_is_written(approved, people, school_site):
    item = approved.items.get()
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    with pytest.raises(ValidationError):
        services.occurrence_link(
            actor=people.lead,
            item=item,
            occurrence_on=date(2026, 4, 1),
            source="activity",
            object_id=broadcast.pk,
        )
    assert not OccurrenceLink.objects.exists()


def test_a_record_cannot_be_counted_while_the_plan_is_a_draft(plan, people, school_site):
    broadcast = held_broadcast(people.lead, school_site, date(2026, 3, 10))
    with pytest.raises(ValidationError):
        services.occurrence_link(
            actor=people.lead,
            item=plan.items.get(),
            occurrence_on=date(2026, 3, 1),
            source="activity",
            object_id=broadcast.pk,
        )
    assert not OccurrenceLink.objects.exists()


def test_an_item_outside_the_plans_period_is_refused_with_a_chinese_message(plan, people):
    with pytest.raises(ValidationError) as refused:
        add_broadcast(plan, people, title="暑期活动", starts_on=date(2026, 8, 1), ends_on=date(2026, 8, 31))
    assert "计划期间" in str(refused.value)
    assert plan.items.count() == 1


def test_approval_out_of_order_is_refused_and_nothing_changes(plan, people):
    with pytest.raises(ValidationError) as refused:
        services.plan_approve(actor=people.director, plan=plan)
    assert "只有已提交的计划才能审批" in str(refused.value)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.DRAFT and not PlanVersion.objects.exists()
    with pytest.raises(ValidationError):
        services.plan_activate(actor=people.director, plan=plan)


def test_the_submitter_cannot_approve_their_own_plan(plan, people):
    services.plan_submit(actor=people.lead, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_approve(actor=people.lead, plan=plan)
    plan.refresh_from_db()
    assert plan.status == WorkPlan.Status.SUBMITTED


def test_an_empty_plan_cannot_be_submitted(people, tree, clock):
    plan = make_plan(people, tree)
    with pytest.raises(ValidationError):
        services.plan_submit(actor=people.lead, plan=plan)


def test_a_returned_plan_goes_back_to_draft_with_the_reason(plan, people):
    services.plan_submit(actor=people.lead, plan=plan)
    with pytest.raises(ValidationError):
        services.plan_return(actor=people.director, plan=plan, reason=" ")
    plan = services.plan_return(actor=people.director, plan=plan, reason="请补充五月心理健康月活动")
    assert plan.status == WorkPlan.Status.DRAFT and plan.return_reason


def test_the_full_life_of_a_plan(approved, people):
    plan = services.plan_activate(actor=people.director, plan=approved)
    plan = services.plan_close(actor=people.director, plan=plan)
    assert plan.status == WorkPlan.Status.CLOSED
    with pytest.raises(ValidationError):
        services.plan_update(actor=people.lead, plan=plan, title="改", reason="改")


def test_a_change_after_approval_needs_a_reason_and_makes_a_new_version_with_a_diff(approved, people):
    item = approved.items.get()
    with pytest.raises(ValidationError):
        services.item_update(actor=people.lead, item=item, title="每月一次心理健康广播讲座")
    assert PlanVersion.objects.count() == 1
    services.item_update(
        actor=people.lead, item=item, title="每月一次心理健康广播讲座", reason="学校要求统一名称"
    )
    add_broadcast(
        approved,
        people,
        title="心语报第二期出版",
        category="newsletter",
        starts_on=date(2026, 6, 1),
        ends_on=date(2026, 6, 30),
        recurrence=PlanItem.Recurrence.ONCE,
        reason="补充心语报",
    )
    approved.refresh_from_db()
    assert approved.version == 3
    versions = selectors.versions_with_changes(approved)
    assert [v["version"].number for v in versions] == [3, 2, 1]
    # Version 1 is kept as approved.
    first = PlanVersion.objects.get(plan=approved, number=1)
    assert [i["title"] for i in first.snapshot["items"].values()] == ["每月一次广播讲座"]
    second = versions[1]["changes"]
    assert second[0]["kind"] == "changed" and second[0]["old"] == "每月一次广播讲座"
    assert versions[0]["changes"] == [{"kind": "added", "item": "心语报第二期出版"}]


def test_only_writers_in_scope_create_plans_and_nothing_is_written_otherwise(people, tree, clock):
    for outsider in (people.counsellor, people.east_director, people.teacher):
        with pytest.raises(PermissionDenied):
            services.plan_create(actor=outsider, org_unit=tree.school, year=2026, term="spring", title="x")
    assert not WorkPlan.objects.exists()


def test_one_plan_per_unit_and_period(plan, people, tree):
    with pytest.raises(ValidationError):
        make_plan(people, tree)


def test_the_owner_sees_the_plan_and_an_outsider_does_not(approved, people, tree):
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
    assert list(selectors.plans_for(people.counsellor)) == [approved]
    assert list(selectors.plans_for(people.outsider)) == []
    assert list(selectors.plans_for(people.volunteer)) == []
