"""Working days: Monday to Friday, less the year's public holidays, plus its make-up working days
(调休, a Saturday or Sunday worked in exchange for a longer holiday).

Pure computation over the holidays and make-up days it is given; where they come from (the
``chinesecalendar`` library, the centre's own table) is ``core.workdays``'s business. Only the
standard library is imported here: lib/ serves every app and knows none.

``add_working_days(start, n)`` is the n-th working day after ``start`` (the day itself does not
count, as when "within 3 working days" is counted from the day a complaint arrives).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

# A count far beyond any deadline: guards against a loop over a calendar with no working day.
MAX_DAYS_SEARCHED = 3 * 366


@dataclass(frozen=True)
class WorkCalendar:
    """The days off and the make-up working days of some years."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    make_up_days: frozenset[date] = field(default_factory=frozenset)

    @classmethod
    def of(cls, *, holidays: Iterable[date] = (), make_up_days: Iterable[date] = ()) -> WorkCalendar:
        return cls(frozenset(holidays), frozenset(make_up_days))

    def is_working_day(self, day: date) -> bool:
        return is_working_day(day, calendar=self)

    def add_working_days(self, start: date, days: int) -> date:
        return add_working_days(start, days, calendar=self)

    def working_days_between(self, first: date, last: date) -> int:
        return working_days_between(first, last, calendar=self)


WEEKENDS_ONLY = WorkCalendar()


def is_working_day(day: date, *, calendar: WorkCalendar = WEEKENDS_ONLY) -> bool:
    """A make-up day is worked even on a weekend; a holiday is off even on a weekday."""
    if day in calendar.make_up_days:
        return True
    if day in calendar.holidays:
        return False
    return day.weekday() < 5


def add_working_days(start: date, days: int, *, calendar: WorkCalendar = WEEKENDS_ONLY) -> date:
    """The ``days``-th working day after ``start`` (0 gives ``start`` itself); negative counts
    go back."""
    if days == 0:
        return start
    step = timedelta(days=1 if days > 0 else -1)
    remaining, day = abs(days), start
    for _ in range(MAX_DAYS_SEARCHED * max(1, remaining)):
        day += step
        if is_working_day(day, calendar=calendar):
            remaining -= 1
            if remaining == 0:
                return day
    raise ValueError("No working day found: the calendar marks every day as a holiday.")


def working_days_between(first: date, last: date, *, calendar: WorkCalendar = WEEKENDS_ONLY) -> int:
    """Working days after ``first`` up to and including ``last`` (so that
    ``working_days_between(d, add_working_days(d, n)) == n``); negative when ``last`` is earlier."""
    if last < first:
        return -working_days_between(last, first, calendar=calendar)
    count, day = 0, first
    while day < last:
        day += timedelta(days=1)
        if is_working_day(day, calendar=calendar):
            count += 1
    return count
