"""Every read of work plans a page, the API, the calendar or the feed shows (PRG-3).

One rule decides an occurrence's state (``workplans.occurrences.state_of``); every list, the
calendar, the home card, the feed and the year-end view read the occurrences from
``plan_occurrences`` / ``occurrences_for_items`` below.
"""

from __future__ import annotations

import calendar as month_calendar
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count
from django.utils import timezone
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext

from confidentiality import policy

from .models import OccurrenceLink, PlanItem, PlanVersion, WorkPlan, month_end
from .occurrences import Occurrence, State, occurrences_of
from .records import Record, record_sources, sources_for


def plans_for(user):
    """The plans the person may see, newest period first, with their item counts."""
    return (
        policy.filter_for(user, WorkPlan)
        .select_related("org_unit")
        .annotate(item_count=Count("items", distinct=True))
        .order_by("-year", "-term", "org_unit__name", "pk")
    )


def _describe(links) -> dict[tuple[str, int], Record]:
    """The records behind links, one query per kind of record."""
    wanted: dict[str, set[int]] = defaultdict(set)
    for link in links:
        wanted[link.source].add(link.object_id)
    sources = record_sources()
    described = {}
    for kind, pks in wanted.items():
        source = sources.get(kind)
        if source is None:
            continue
        for pk, record in source.describe(pks).items():
            described[(kind, pk)] = record
    return described


@dataclass
class ItemRow:
    item: PlanItem
    occurrences: list[Occurrence] = field(default_factory=list)

    @property
    def done(self) -> int:
        return sum(1 for o in self.occurrences if o.state == State.DONE)

    @property
    def overdue(self) -> int:
        return sum(1 for o in self.occurrences if o.state == State.OVERDUE)


def occurrences_for_items(items, *, today: date | None = None) -> list[ItemRow]:
    """Items (with owner and plan loaded) and their occurrences, states and linked records: two
    queries for the links, one per kind of record however many rows."""
    today = today or timezone.localdate()
    items = list(items)
    links = list(OccurrenceLink.objects.filter(item__in=items).order_by("occurrence_on", "pk"))
    described = _describe(links)
    by_item: dict[int, list] = defaultdict(list)
    for link in links:
        link.record = described.get((link.source, link.object_id))
        by_item[link.item_id].append(link)
    return [ItemRow(item=item, occurrences=occurrences_of(item, by_item[item.pk], today)) for item in items]


def plan_items(plan: WorkPlan):
    return plan.items.select_related("owner", "plan__org_unit").order_by("starts_on", "pk")


def plan_occurrences(plan: WorkPlan, *, today: date | None = None) -> list[ItemRow]:
    return occurrences_for_items(plan_items(plan), today=today)


def item_occurrences(item: PlanItem, *, today: date | None = None) -> list[Occurrence]:
    return occurrences_for_items([item], today=today)[0].occurrences


def plan_summary(rows: list[ItemRow]) -> dict:
    """Planned against done for the year-end view (and the plan page's header)."""
    planned = sum(len(r.occurrences) for r in rows)
    done = sum(r.done for r in rows)
    overdue = sum(r.overdue for r in rows)
    return {
        "planned": planned,
        "done": done,
        "overdue": overdue,
        "rate": round(done * 100 / planned) if planned else None,
    }


def proposals_for(actor, occurrence: Occurrence) -> list[Record]:
    """Records matched by category, unit and period, not yet counted for this occurrence: the
    owner confirms the ones that are what the item meant."""
    item = occurrence.item
    linked = {(link.source, link.object_id) for link in occurrence.links}
    found = []
    for source in sources_for(item.category):
        for record in source.find(actor, item.plan.org_unit, occurrence.starts_on, occurrence.ends_on):
            if (record.source, record.pk) not in linked:
                found.append(record)
    return found


def find_occurrence(item: PlanItem, key: str, *, today: date | None = None) -> Occurrence | None:
    for occurrence in item_occurrences(item, today=today):
        if occurrence.key == key:
            return occurrence
    return None


# ---------------------------------------------------------------------------------------------
# The owner's own items: home card and iCal feed


def _own_items(user):
    return PlanItem.objects.filter(
        owner=user, plan__status__in=WorkPlan.ACTIONS.states_allowing("remind")
    ).select_related("plan__org_unit", "owner")


def overdue_for_owner(user, *, today: date | None = None) -> list[Occurrence]:
    """The person's overdue occurrences in plans approved or in effect (the home card)."""
    today = today or timezone.localdate()
    # An occurrence can only be overdue once it has ended: items still all ahead are skipped.
    items = _own_items(user).filter(starts_on__lt=today)
    return [
        occurrence
        for row in occurrences_for_items(items, today=today)
        for occurrence in row.occurrences
        if occurrence.state == State.OVERDUE
    ]


def feed_occurrences(user, *, today: date | None = None) -> list[Occurrence]:
    """The person's own occurrences for the iCal feed: their items only."""
    return [o for row in occurrences_for_items(_own_items(user), today=today) for o in row.occurrences]


# ---------------------------------------------------------------------------------------------
# Calendars


def semester_grid(plan: WorkPlan, rows: list[ItemRow]) -> list[dict]:
    """One row per item, one cell per month of the plan: the occurrences falling in that month."""
    months = plan.months()
    grid = []
    for row in rows:
        cells = []
        for month in months:
            end = month_end(month)
            cells.append([o for o in row.occurrences if o.starts_on <= end and o.ends_on >= month])
        grid.append({"item": row.item, "cells": cells})
    return grid


def month_weeks(rows: list[ItemRow], month: date) -> dict:
    """A month as weeks of days: occurrences of up to a week sit on their first day; longer ones
    (a whole month, a once-in-the-semester item) are listed for the month as a whole."""
    whole, by_day = [], defaultdict(list)
    end = month_end(month)
    for row in rows:
        for o in row.occurrences:
            if o.starts_on > end or o.ends_on < month:
                continue
            if (o.ends_on - o.starts_on).days >= 7:
                whole.append(o)
            else:
                by_day[max(o.starts_on, month)].append(o)
    weeks = []
    for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(month.year, month.month):
        weeks.append(
            [{"day": day, "in_month": day.month == month.month, "items": by_day.get(day, [])} for day in week]
        )
    names = [WEEKDAYS_ABBR[i] for i in range(7)]
    return {"month": month, "whole": whole, "weeks": weeks, "weekday_names": names}


def month_of(plan: WorkPlan, raw: str | None) -> date:
    """The month asked for (YYYY-MM) if inside the plan, else the current month if inside, else
    the plan's first month."""
    months = plan.months()
    if raw:
        try:
            year, month = (int(part) for part in raw.split("-", 1))
            asked = date(year, month, 1)
        except (ValueError, TypeError):
            asked = None
        if asked in months:
            return asked
    this = timezone.localdate().replace(day=1)
    return this if this in months else months[0]


def neighbours(plan: WorkPlan, month: date) -> tuple[date | None, date | None]:
    months = plan.months()
    index = months.index(month)
    before = months[index - 1] if index > 0 else None
    after = months[index + 1] if index + 1 < len(months) else None
    return before, after


def public_plans():
    """Plans shown on the portal's calendar (approved, in effect or closed): no names on it."""
    return (
        WorkPlan.objects.filter(status__in=WorkPlan.ACTIONS.states_allowing("publish"))
        .select_related("org_unit")
        .order_by("-year", "-term", "org_unit__name", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Versions


def versions_with_changes(plan: WorkPlan) -> list[dict]:
    """Each kept version, newest first, with what changed from the one before."""
    versions = list(PlanVersion.objects.filter(plan=plan).select_related("created_by").order_by("number"))
    shown, previous = [], None
    for version in versions:
        shown.append({"version": version, "changes": diff(previous, version.snapshot) if previous else []})
        previous = version.snapshot
    return list(reversed(shown))


FIELD_LABELS = {
    "title": "title",
    "notes": "focus of the period",
    "category": "category",
    "owner": "owner",
    "target": "target",
    "starts_on": "from",
    "ends_on": "until",
    "recurrence": "recurrence",
}


def diff(before: dict, after: dict) -> list[dict]:
    """What changed between two snapshots: the plan's fields, items added, removed and changed."""
    changes = []
    for name in ("title", "notes"):
        if before.get(name) != after.get(name):
            changes.append(
                {
                    "kind": "plan",
                    "field": gettext(FIELD_LABELS[name]),
                    "old": before.get(name),
                    "new": after.get(name),
                }
            )
    old_items, new_items = before.get("items", {}), after.get("items", {})
    for pk, item in new_items.items():
        if pk not in old_items:
            changes.append({"kind": "added", "item": item["title"]})
            continue
        for name, value in item.items():
            if old_items[pk].get(name) != value:
                changes.append(
                    {
                        "kind": "changed",
                        "item": item["title"],
                        "field": gettext(FIELD_LABELS.get(name, name)),
                        "old": old_items[pk].get(name),
                        "new": value,
                    }
                )
    for pk, item in old_items.items():
        if pk not in new_items:
            changes.append({"kind": "removed", "item": item["title"]})
    return changes
