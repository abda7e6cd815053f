"""lib.workdays: weekends, holidays and make-up working days (调休), counted both ways."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from lib.workdays import WEEKENDS_ONLY, WorkCalendar, add_working_days, is_working_day, working_days_between

NATIONAL_DAY_2026 = WorkCalendar.of(
    holidays=[date(2026, 10, d) for d in range(1, 8)], make_up_days=[date(2026, 9, 20), date(2026, 10, 10)]
)


def test_a_weekday_works_a_weekend_rests_unless_a_holiday_or_a_make_up_day_says_otherwise():
    assert is_working_day(date(2026, 9, 30))
    assert not is_working_day(date(2026, 10, 3))
    assert not is_working_day(date(2026, 10, 1), calendar=NATIONAL_DAY_2026)
    assert is_working_day(date(2026, 10, 10), calendar=NATIONAL_DAY_2026)  # a Saturday worked


def test_three_working_days_after_the_last_day_of_september_fall_on_the_make_up_saturday():
    assert NATIONAL_DAY_2026.add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 10)
    # Weekends only, the same count lands on the Monday.
    assert add_working_days(date(2026, 9, 30), 3) == date(2026, 10, 5)


def test_counting_back_and_zero_days():
    assert add_working_days(date(2026, 10, 12), -1, calendar=NATIONAL_DAY_2026) == date(2026, 10, 10)
    assert add_working_days(date(2026, 10, 3), 0) == date(2026, 10, 3)


@pytest.mark.parametrize("days", [1, 3, 15, 60])
def test_days_between_undoes_adding(days):
    start = date(2026, 9, 28)
    assert (
        working_days_between(
            start, NATIONAL_DAY_2026.add_working_days(start, days), calendar=NATIONAL_DAY_2026
        )
        == days
    )
    assert (
        working_days_between(
            NATIONAL_DAY_2026.add_working_days(start, days), start, calendar=NATIONAL_DAY_2026
        )
        == -days
    )


def test_a_calendar_without_any_working_day_is_an_error_not_a_hang():
    every_day = WorkCalendar.of(holidays=[date(2026, 1, 1) + timedelta(days=n) for n in range(1, 1200)])
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 1), 1, calendar=every_day)
    assert WEEKENDS_ONLY.is_working_day(date(2026, 1, 5))
