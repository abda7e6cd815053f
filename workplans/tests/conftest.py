"""Fixtures of the work-plan tests: the school's spring 2026 plan with the seeds' monthly
broadcast lecture ("每月一次广播讲座", February to June), and held activities to count for it."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from activities.models import Activity
from activities.services import activity_create, activity_hold, activity_publish
from orgs.services import service_site_create
from workplans.models import PlanItem, WorkPlan
from workplans.services import item_create, plan_approve, plan_create, plan_submit

# Inside the spring semester, in March.
SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = datetime(2026, 3, 20, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def school_site(tree):
    return service_site_create(actor=None, name="心灵驿站（实验中学）", org_unit=tree.school)


def make_plan(people, tree, **fields) -> WorkPlan:
    values = dict(
        org_unit=tree.school, year=2026, term=WorkPlan.Term.SPRING, title="2026年春季心理健康教育工作计划"
    )
    values.update(fields)
    return plan_create(actor=people.lead, **values)


def add_broadcast(plan, people, **fields) -> PlanItem:
    values = dict(
        title="每月一次广播讲座",
        category="lecture",
        owner=people.lead,
        target="全体学生",
        starts_on=date(2026, 2, 1),
        ends_on=date(2026, 6, 30),
        recurrence=PlanItem.Recurrence.MONTHLY,
    )
    values.update(fields)
    return item_create(actor=people.lead, plan=plan, **values)


@pytest.fixture
def plan(people, tree, clock):
    plan = make_plan(people, tree)
    add_broadcast(plan, people)
    return plan


@pytest.fixture
def approved(plan, people):
    plan = plan_submit(actor=people.lead, plan=plan)
    return plan_approve(actor=people.director, plan=plan)


def held_broadcast(actor, site, day: date, title="心理健康广播：认识压力") -> Activity:
    """A broadcast held on ``day`` at the school's site (made then, as it would have been)."""
    starts = timezone.make_aware(datetime.combine(day, time(12, 10)))
    with time_machine.travel(starts - timedelta(days=1), tick=False):
        activity = activity_create(
            actor=actor,
            title=title,
            kind=Activity.Kind.BROADCAST,
            site=site,
            starts_at=starts,
            ends_at=starts + timedelta(minutes=20),
            registration_mode=Activity.Mode.NONE,
        )
        activity = activity_publish(actor=actor, activity=activity)
    return activity_hold(actor=actor, activity=activity, now=starts + timedelta(hours=1))
