"""Reads of the organisation domain."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from confidentiality import policy

from .models import DutyException, DutyShift, OpeningHours, OrgUnit, Room, ServiceSite, Weekday
from .roster_clashes import RosterClash, roster_clashes


def org_tree_for(*, units: QuerySet[OrgUnit]) -> list[tuple[OrgUnit, dict]]:
    """The visible units in tree order, annotated for nested lists (treebeard), in one query.

    ``units`` is a whole branch (the policy hands out a scope root and everything below it).
    """
    return OrgUnit.objects.get_annotated_list_qs(units.order_by("path"))


def sites_with_rooms_and_hours(*, sites: QuerySet[ServiceSite]) -> QuerySet[ServiceSite]:
    return sites.select_related("org_unit").prefetch_related(
        Prefetch("rooms", queryset=Room.objects.order_by("name")),
        Prefetch("opening_hours", queryset=OpeningHours.objects.order_by("weekday", "opens")),
    )


def opening_hours_summary(*, sites: QuerySet[ServiceSite]) -> list[ServiceSite]:
    """Active sites with their hours, for the portal."""
    return list(sites_with_rooms_and_hours(sites=sites.filter(is_active=True)).order_by("name"))


# ---------------------------------------------------------------------------------------------
# Duty roster (ORG-3)


@dataclass(frozen=True)
class DutySlot:
    """One counsellor on duty in one room on one day, from ``starts`` to ``ends`` (local time)."""

    day: date
    starts: time
    ends: time
    counsellor: Any
    room: Room
    shift_id: int

    @property
    def site(self) -> ServiceSite:
        return self.room.site

    @property
    def starts_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.day, self.starts))

    @property
    def ends_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.day, self.ends))


def _exception_applies(exception: DutyException, shift: DutyShift, day: date) -> bool:
    if not exception.starts_on <= day <= exception.ends_on:
        return False
    if exception.counsellor_id is not None and exception.counsellor_id != shift.counsellor_id:
        return False
    return exception.room_id is None or exception.room_id == shift.room_id


def duty_between(*, first_day: date, last_day: date, sites=None) -> dict[date, list[DutySlot]]:
    """Who is on duty where and when on each day from ``first_day`` to ``last_day``, with leave,
    closed rooms and holidays taken out. Inactive staff, rooms and sites are never on duty.

    ``sites`` (a queryset or list of sites) narrows the answer. Two queries, whatever the range.
    """
    shifts = (
        DutyShift.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=first_day),
            valid_from__lte=last_day,
            counsellor__is_active=True,
            room__is_active=True,
            room__site__is_active=True,
        )
        .select_related("counsellor", "room__site")
        .order_by("starts", "room__site__name", "room__name", "pk")
    )
    if sites is not None:
        shifts = shifts.filter(room__site__in=sites)
    shifts = list(shifts)
    exceptions = list(DutyException.objects.filter(starts_on__lte=last_day, ends_on__gte=first_day))
    days: dict[date, list[DutySlot]] = {}
    day = first_day
    while day <= last_day:
        days[day] = [
            DutySlot(
                day=day,
                starts=shift.starts,
                ends=shift.ends,
                counsellor=shift.counsellor,
                room=shift.room,
                shift_id=shift.pk,
            )
            for shift in shifts
            if shift.weekday == day.weekday()
            and shift.valid_from <= day
            and (shift.valid_until is None or day <= shift.valid_until)
            and not any(_exception_applies(exception, shift, day) for exception in exceptions)
        ]
        day += timedelta(days=1)
    return days


def on_duty(*, day: date, sites=None) -> list[DutySlot]:
    """Who is on duty where and when on ``day``, with exceptions applied."""
    return duty_between(first_day=day, last_day=day, sites=sites)[day]


def roster_shifts(*, shifts: QuerySet[DutyShift], today: date) -> list[tuple[str, list[DutyShift]]]:
    """Current and future weekly shifts grouped by weekday (Monday first), for the roster page.

    ``shifts`` is what the policy lets the person see.
    """
    current = (
        shifts.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .select_related("counsellor", "room__site")
        .order_by("weekday", "starts", "room__site__name", "room__name", "pk")
    )
    grouped: dict[int, list[DutyShift]] = {}
    for shift in current:
        grouped.setdefault(shift.weekday, []).append(shift)
    return [(label, grouped.get(value, [])) for value, label in Weekday.choices]


def roster_exceptions(*, exceptions: QuerySet[DutyException], today: date) -> QuerySet[DutyException]:
    """Exceptions not yet over, soonest first."""
    return (
        exceptions.filter(ends_on__gte=today)
        .select_related("counsellor", "room__site")
        .order_by("starts_on", "pk")
    )


def public_duty_today(*, sites) -> dict[int, list[dict]]:
    """Who is on duty today at each site, for the public portal: a display name, the room and the
    hours only. Staff without a display name are shown as "counsellor on duty", never by their
    login name."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    duty: dict[int, list[dict]] = {}
    for slot in on_duty(day=timezone.localdate(), sites=[site.pk for site in sites]):
        duty.setdefault(slot.room.site_id, []).append(
            {
                "name": slot.counsellor.full_name or _("Counsellor on duty"),
                "room": slot.room.name,
                "starts": slot.starts,
                "ends": slot.ends,
            }
        )
    return duty


def roster_staff(*, user) -> QuerySet:
    """Counselling staff a roster manager may put on duty: active, among the staff they see.

    The user model comes through ``get_user_model``: accounts sit above the organisation tree.
    """
    return policy.filter_duty_staff(user, get_user_model().objects.order_by("full_name", "pk"))


def duty_exception_clashes(
    *, actor, kind: str, starts_on, ends_on, counsellor=None, room=None, **_decision
) -> list[RosterClash]:
    """The booked appointments (and whatever else registers) a day off not yet added would hit."""
    exception = DutyException(
        kind=kind, starts_on=starts_on, ends_on=ends_on, counsellor=counsellor, room=room
    )
    return roster_clashes(actor=actor, exception=exception)
