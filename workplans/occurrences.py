"""The occurrences of a plan item, derived from its period and recurrence (never stored), and
the one rule of an occurrence's state.

"每月一次广播讲座" from February to June is five occurrences, one per month; "once" is one
occurrence over the whole period (a per-semester item); "weekly" is one per calendar week
(Monday to Sunday) that the period touches.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils.translation import gettext_lazy as _

from .models import PlanItem, month_end

# An occurrence with nothing linked becomes overdue this many days after it ends: April's is
# overdue from 4 May (after 3 May), leaving a few days to link what was done at the month's end.
GRACE_DAYS = 3


class State:
    DONE = "done"
    DUE = "due"
    OVERDUE = "overdue"

    LABELS = {DONE: _("Done"), DUE: _("To do"), OVERDUE: _("Overdue")}
    # The layout's badge colours: green, amber, red.
    BADGES = {DONE: "status-confirmed", DUE: "status-requested", OVERDUE: "status-no_show"}


@dataclass
class Occurrence:
    item: PlanItem
    starts_on: date
    ends_on: date
    links: list = field(default_factory=list)
    state: str = State.DUE

    @property
    def key(self) -> str:
        return self.starts_on.isoformat()

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def badge(self) -> str:
        return State.BADGES[self.state]

    @property
    def overdue_from(self) -> date:
        return self.ends_on + timedelta(days=GRACE_DAYS + 1)

    def label(self) -> str:
        if self.starts_on.day == 1 and self.ends_on == month_end(self.starts_on):
            return f"{self.starts_on.year}年{self.starts_on.month}月"
        if self.starts_on == self.ends_on:
            return self.starts_on.isoformat()
        return f"{self.starts_on.isoformat()} – {self.ends_on.isoformat()}"


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def periods_of(item: PlanItem) -> list[tuple[date, date]]:
    """The (first day, last day) of each occurrence, in order, clipped to the item's period."""
    start, end = item.starts_on, item.ends_on
    if item.recurrence == PlanItem.Recurrence.MONTHLY:
        periods, month = [], start.replace(day=1)
        while month <= end:
            periods.append((max(month, start), min(month_end(month), end)))
            month = _next_month(month)
        return periods
    if item.recurrence == PlanItem.Recurrence.WEEKLY:
        periods, monday = [], start - timedelta(days=start.weekday())
        while monday <= end:
            periods.append((max(monday, start), min(monday + timedelta(days=6), end)))
            monday += timedelta(days=7)
        return periods
    return [(start, end)]


def state_of(occurrence: Occurrence, today: date) -> str:
    """Done when a record is linked to it; overdue when it ended more than GRACE_DAYS ago with
    nothing linked; otherwise still to do."""
    if occurrence.links:
        return State.DONE
    if today > occurrence.ends_on + timedelta(days=GRACE_DAYS):
        return State.OVERDUE
    return State.DUE


def occurrences_of(item: PlanItem, links, today: date) -> list[Occurrence]:
    """The item's occurrences with their links (of this item, any order) and states."""
    by_day: dict[date, list] = {}
    for link in links:
        by_day.setdefault(link.occurrence_on, []).append(link)
    rows = []
    for start, end in periods_of(item):
        occurrence = Occurrence(item=item, starts_on=start, ends_on=end, links=by_day.get(start, []))
        occurrence.state = state_of(occurrence, today)
        rows.append(occurrence)
    return rows
