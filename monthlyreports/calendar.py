"""The dates of a reporting month (PRG-6): the period, its due day, the end of its timely window
and the day it locks. Computed when read, so nothing depends on a job having run.

The due day defaults to the last working day of the month: a working day of the shared calendar
(``core.workdays``: public holidays and make-up working days, 调休), less the centre-wide closures
of the duty roster (``orgs.DutyException`` of kind holiday with neither a counsellor nor a room),
so a month ending in a holiday is due on the working day before it.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.workdays import work_calendar
from lib.dates import in_range
from orgs.models import DutyException

PERIOD_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_period(value: str | date | None) -> date:
    """``2026-11`` (or a date in that month) as the month's first day; a clear message otherwise."""
    if isinstance(value, date):
        return value.replace(day=1)
    match = PERIOD_RE.match((value or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValidationError({"period": _("Give the month as YYYY-MM, e.g. 2026-11.")})
    year = int(match.group(1))
    if not in_range(date(max(year, 1), 1, 1)) or year < 1:
        raise ValidationError({"period": _("Give a date between the years 2000 and 2100.")})
    return date(year, int(match.group(2)), 1)


def period_label(period: date) -> str:
    return f"{period:%Y-%m}"


def month_end(period: date) -> date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def previous_period(period: date, months: int = 1) -> date:
    index = period.year * 12 + period.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def current_period(today: date | None = None) -> date:
    return (today or timezone.localdate()).replace(day=1)


def holidays_between(first: date, last: date) -> set[date]:
    days: set[date] = set()
    rows = DutyException.objects.filter(
        kind=DutyException.Kind.HOLIDAY,
        counsellor__isnull=True,
        room__isnull=True,
        starts_on__lte=last,
        ends_on__gte=first,
    ).values_list("starts_on", "ends_on")
    for starts, ends in rows:
        day = max(starts, first)
        while day <= min(ends, last):
            days.add(day)
            day += timedelta(days=1)
    return days


def last_working_day(period: date) -> date:
    last = month_end(period)
    holidays = holidays_between(period, last)
    calendar = work_calendar(period.year)
    day = last
    while day >= period:
        if calendar.is_working_day(day) and day not in holidays:
            return day
        day -= timedelta(days=1)
    return last  # a month without a working day: its last day


def due_on(period: date, *, due_day: int | None = None) -> date:
    """The due day: a set day of the month (capped at the month's last day), else its last
    working day."""
    if due_day:
        return period.replace(day=min(due_day, month_end(period).day))
    return last_working_day(period)


def on_time_until(period: date, *, due_day: int | None = None, timely_days: int = 3) -> date:
    """The last day a first submission counts as on time: the due day plus the timely window."""
    return due_on(period, due_day=due_day) + timedelta(days=timely_days)


def locks_on(period: date, *, lock_days: int = 15) -> date:
    """The first day the month is locked: ``lock_days`` days after the period's last day."""
    return month_end(period) + timedelta(days=lock_days)


def period_is_locked(period: date, *, lock_days: int = 15, today: date | None = None) -> bool:
    return (today or timezone.localdate()) >= locks_on(period, lock_days=lock_days)
