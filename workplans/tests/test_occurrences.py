"""Occurrences are derived from an item's period and recurrence; their state is computed."""

from __future__ import annotations

from datetime import date

import pytest

from workplans.models import PlanItem, WorkPlan
from workplans.occurrences import Occurrence, State, periods_of, state_of


def _item(start, end, recurrence):
    return PlanItem(starts_on=start, ends_on=end, recurrence=recurrence)


def test_a_monthly_item_from_february_to_june_has_five_occurrences():
    periods = periods_of(_item(date(2026, 2, 1), date(2026, 6, 30), PlanItem.Recurrence.MONTHLY))
    assert [p[0].month for p in periods] == [2, 3, 4, 5, 6]
    assert periods[0] == (date(2026, 2, 1), date(2026, 2, 28))


def test_a_monthly_item_over_a_date_range_is_clipped_to_it():
    periods = periods_of(_item(date(2026, 3, 15), date(2026, 4, 10), PlanItem.Recurrence.MONTHLY))
    assert periods == [(date(2026, 3, 15), date(2026, 3, 31)), (date(2026, 4, 1), date(2026, 4, 10))]


def test_once_is_one_occurrence_over_the_whole_period():
    assert periods_of(_item(date(2026, 2, 1), date(2026, 7, 31), PlanItem.Recurrence.ONCE)) == [
        (date(2026, 2, 1), date(2026, 7, 31))
    ]


def test_weekly_is_one_occurrence_per_calendar_week_touched():
    # 2026-03-04 is a Wednesday; to Sunday 2026-03-22: the weeks of 2, 9 and 16 March.
    periods = periods_of(_item(date(2026, 3, 4), date(2026, 3, 22), PlanItem.Recurrence.WEEKLY))
    assert periods == [
        (date(2026, 3, 4), date(2026, 3, 8)),
        (date(2026, 3, 9), date(2026, 3, 15)),
        (date(2026, 3, 16), date(2026, 3, 22)),
    ]


@pytest.mark.parametrize(
    ("today", "state"),
    [(date(2026, 4, 15), State.DUE), (date(2026, 5, 3), State.DUE), (date(2026, 5, 4), State.OVERDUE)],
)
def test_april_with_nothing_linked_is_overdue_after_the_third_of_may(today, state):
    april = Occurrence(item=None, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30))
    assert state_of(april, today) == state


def test_an_occurrence_with_a_record_is_done_even_late():
    april = Occurrence(item=None, starts_on=date(2026, 4, 1), ends_on=date(2026, 4, 30), links=[object()])
    assert state_of(april, date(2026, 9, 1)) == State.DONE


@pytest.mark.parametrize(
    ("term", "start", "end"),
    [
        (WorkPlan.Term.SPRING, date(2026, 2, 1), date(2026, 7, 31)),
        (WorkPlan.Term.AUTUMN, date(2026, 9, 1), date(2027, 1, 31)),
        (WorkPlan.Term.YEAR, date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_a_plans_period_follows_its_semester(term, start, end):
    plan = WorkPlan(year=2026, term=term)
    assert (plan.starts_on, plan.ends_on) == (start, end)
    assert plan.months()[0] == start and plan.months()[-1] == end.replace(day=1)
