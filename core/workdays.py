"""The centre's working-day calendar, for every app that counts deadlines in working days.

Where a year's public holidays and make-up working days (调休) come from, in order:

1. the centre's own table (``CalendarDay``): if it holds any day of a year, it is that year's
   whole calendar, replacing the library's (so a correction is entered once, completely);
2. the ``chinesecalendar`` library (State Council notices, 2004–2026 in the installed version);
3. neither: weekends only, and the administrator's home page asks for the year's holidays
   (``years_missing_holidays``).

The computation itself is ``lib.workdays``; this module only gathers the days.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from lib.workdays import WorkCalendar

from .models import CalendarDay


def _library_days() -> tuple[dict[date, object], dict[date, object]]:
    try:
        from chinese_calendar import constants
    except ImportError:  # pragma: no cover - the library is a dependency; weekends only without it
        return {}, {}
    return constants.holidays, constants.workdays


def library_years() -> set[int]:
    """The years the library knows the holidays of."""
    holidays, _workdays = _library_days()
    return {day.year for day in holidays}


def table_years(years) -> set[int]:
    years = list(years)
    return set(
        CalendarDay.objects.filter(date__year__in=years).values_list("date__year", flat=True).distinct()
    )


def work_calendar(*years: int) -> WorkCalendar:
    """The holidays and make-up days of ``years`` (the table's where it has the year, else the
    library's; a year in neither has none, i.e. weekends only)."""
    years = sorted(set(years))
    holidays: set[date] = set()
    make_up: set[date] = set()
    entered: set[int] = set()
    for day in CalendarDay.objects.filter(date__year__in=years):
        entered.add(day.date.year)
        (holidays if day.kind == CalendarDay.Kind.HOLIDAY else make_up).add(day.date)
    library_holidays, library_workdays = _library_days()
    for year in set(years) - entered:
        holidays.update(day for day in library_holidays if day.year == year)
        make_up.update(day for day in library_workdays if day.year == year)
    return WorkCalendar.of(holidays=holidays, make_up_days=make_up)


def calendar_around(day: date) -> WorkCalendar:
    """A calendar long enough for any deadline counted from ``day`` (this year and the next)."""
    return work_calendar(day.year, day.year + 1)


def add_working_days(start: date, days: int) -> date:
    return calendar_around(start).add_working_days(start, days)


def working_days_between(first: date, last: date) -> int:
    return work_calendar(*range(min(first, last).year, max(first, last).year + 1)).working_days_between(
        first, last
    )


def is_working_day(day: date) -> bool:
    return work_calendar(day.year).is_working_day(day)


def years_missing_holidays(today: date | None = None) -> list[int]:
    """This year and the next, where neither the table nor the library has their holidays:
    deadlines counted into them would count weekends only."""
    today = today or timezone.localdate()
    years = [today.year, today.year + 1]
    known = library_years() | table_years(years)
    return [year for year in years if year not in known]
