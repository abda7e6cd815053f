"""Reads of appointments (SVC-1): lists, the calendar, free portal slots and resident candidates.

Who sees which appointment is decided by ``confidentiality.policy.filter_appointments``; these
functions take the querysets the policy has already narrowed, or say where they do not.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import ClassVar
from urllib.parse import urlencode

from django.conf import settings
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from archives.models import Resident
from confidentiality import policy
from notifications.channels import outbox_only
from orgs.models import DutyException, Room, ServiceSite
from orgs.selectors import DutySlot, duty_between
from workflow.models import TRAVEL_MAX_MINUTES, Appointment, SlotClaim
from workflow.permissions import MANAGE_APPOINTMENTS

PORTAL_BOOKING_DAYS = 14


def slot_minutes() -> int:
    return settings.XINQIAO_APPOINTMENT_SLOT_MINUTES


def portal_session_minutes() -> int:
    """How long a session asked for on the portal lasts (a whole number of slots)."""
    minutes = getattr(settings, "XINQIAO_APPOINTMENT_PORTAL_MINUTES", 60)
    slot = slot_minutes()
    return max(slot, minutes - minutes % slot)


def slot_starts(starts_at: datetime, ends_at: datetime) -> list[datetime]:
    """The start of every grid slot from ``starts_at`` up to ``ends_at``."""
    step = timedelta(minutes=slot_minutes())
    starts, moment = [], starts_at
    while moment < ends_at:
        starts.append(moment)
        moment += step
    return starts


def counsellor_resource(counsellor_id: int) -> str:
    return f"counsellor:{counsellor_id}"


def room_resource(room_id: int) -> str:
    return f"room:{room_id}"


# ---------------------------------------------------------------------------------------------
# Lists


def appointments_for_list(
    *,
    user,
    show: str,
    site: ServiceSite | None = None,
    counsellor=None,
    status: str = "",
    now: datetime | None = None,
) -> QuerySet[Appointment]:
    """The appointments a person sees, for one tab of the list page.

    ``today``: everything starting today; ``upcoming``: from tomorrow on; ``requests``: requests
    waiting to be confirmed (not yet past); ``rearrange``: those a day off falls on
    (``appointments_to_rearrange``); ``past``: before today, most recent first.
    """
    now = now or timezone.now()
    today_start = timezone.make_aware(datetime.combine(timezone.localdate(now), time.min))
    tomorrow_start = today_start + timedelta(days=1)
    queryset = policy.filter_appointments(user, Appointment.objects.all()).select_related(
        "site", "room", "counsellor", "resident"
    )
    if show == "today":
        queryset = queryset.filter(starts_at__gte=today_start, starts_at__lt=tomorrow_start)
    elif show == "upcoming":
        queryset = queryset.filter(starts_at__gte=tomorrow_start)
    elif show == "requests":
        queryset = queryset.filter(status=Appointment.Status.REQUESTED, ends_at__gte=today_start)
    elif show == "rearrange":
        queryset = appointments_to_rearrange(user=user, now=now)
    else:
        queryset = queryset.filter(starts_at__lt=today_start).order_by("-starts_at", "-pk")
    if site is not None:
        queryset = queryset.filter(site=site)
    if counsellor is not None:
        queryset = queryset.filter(counsellor=counsellor)
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _still_to_change() -> tuple[str, ...]:
    """The statuses in which an appointment can still be moved or cancelled (Appointment.ACTIONS)."""
    return Appointment.ACTIONS.states_allowing("reschedule")


def appointments_in_day_off(*, user, exception: DutyException, now: datetime) -> QuerySet[Appointment]:
    """The appointments, not yet over, that a day off (saved or not) takes the counsellor or room
    from: the counsellor's for leave, the room's for a closed room, all of them for a holiday."""
    queryset = policy.filter_appointments(
        user,
        Appointment.objects.filter(
            status__in=_still_to_change(),
            starts_at__gte=_day_start(exception.starts_on),
            starts_at__lt=_day_start(exception.ends_on + timedelta(days=1)),
            ends_at__gt=now,
        ),
    )
    if exception.kind == DutyException.Kind.LEAVE:
        # The second person of a home visit is as much away as its counsellor.
        queryset = queryset.filter(
            Q(counsellor_id=exception.counsellor_id) | Q(companion_id=exception.counsellor_id)
        )
    elif exception.kind == DutyException.Kind.ROOM_CLOSED:
        queryset = queryset.filter(room_id=exception.room_id)
    return queryset.select_related("site", "room", "counsellor", "resident").order_by("starts_at", "pk")


def _day_off_covering(**match) -> Exists:
    """A day off of the given kind and match that covers the outer appointment's local day."""
    return Exists(
        DutyException.objects.filter(
            starts_on__lte=OuterRef("local_day"), ends_on__gte=OuterRef("local_day"), **match
        )
    )


def appointments_to_rearrange(*, user, now: datetime | None = None) -> QuerySet[Appointment]:
    """Appointments not yet over whose counsellor is on leave, whose room is closed, or whose day
    is a holiday: work to do until each is moved, handed over or cancelled. Read from the roster
    as it stands, so leave added any way (or taken back) shows here at once."""
    now = now or timezone.now()
    return (
        policy.filter_appointments(user, Appointment.objects.all())
        .filter(status__in=_still_to_change(), ends_at__gt=now)
        .annotate(local_day=TruncDate("starts_at", tzinfo=timezone.get_current_timezone()))
        .filter(
            _day_off_covering(kind=DutyException.Kind.LEAVE, counsellor_id=OuterRef("counsellor_id"))
            | _day_off_covering(kind=DutyException.Kind.LEAVE, counsellor_id=OuterRef("companion_id"))
            | _day_off_covering(kind=DutyException.Kind.ROOM_CLOSED, room_id=OuterRef("room_id"))
            | _day_off_covering(kind=DutyException.Kind.HOLIDAY)
        )
        .select_related("site", "room", "counsellor", "resident")
        .order_by("starts_at", "pk")
    )


def appointment_day_off(*, appointment: Appointment) -> DutyException | None:
    """The leave, closed room or holiday that falls on this appointment, if any (its page says so)."""
    if appointment.status not in _still_to_change():
        return None
    day = timezone.localdate(appointment.starts_at)
    return (
        DutyException.objects.filter(starts_on__lte=day, ends_on__gte=day)
        .filter(
            Q(kind=DutyException.Kind.LEAVE, counsellor_id=appointment.counsellor_id)
            | Q(kind=DutyException.Kind.LEAVE, counsellor_id=appointment.companion_id)
            | Q(kind=DutyException.Kind.ROOM_CLOSED, room_id=appointment.room_id)
            | Q(kind=DutyException.Kind.HOLIDAY)
        )
        .order_by("starts_on", "pk")
        .first()
    )


def booking_warnings(
    *, site: ServiceSite, starts_at: datetime, ends_at: datetime, counsellor=None, now: datetime | None = None
) -> list[str]:
    """What someone booking should know before booking anyway: the time has passed (a walk-in
    recorded afterwards), or the counsellor is not on the duty roster at this site for the whole
    time (not on duty, on leave, or on duty elsewhere). Not refusals: an extra evening session is
    real work; but nobody books one without seeing this."""
    now = now or timezone.now()
    warnings = []
    if starts_at < now:
        warnings.append(
            gettext("This time has already passed (%(when)s).")
            % {"when": f"{timezone.localtime(starts_at):%Y-%m-%d %H:%M}"}
        )
    if counsellor is not None:
        day = timezone.localdate(starts_at)
        theirs = [
            slot
            for slot in duty_between(first_day=day, last_day=day)[day]
            if slot.counsellor.pk == counsellor.pk
        ]
        if not any(
            slot.site.pk == site.pk and slot.starts_at <= starts_at and ends_at <= slot.ends_at
            for slot in theirs
        ):
            duty = "、".join(
                f"{slot.site.name} {slot.starts:%H:%M}–{slot.ends:%H:%M}" for slot in theirs
            ) or gettext("none")
            warnings.append(
                gettext(
                    "%(name)s is not on duty at %(site)s for this whole time (on duty that day: %(duty)s)."
                )
                % {"name": counsellor.full_name or counsellor.username, "site": site.name, "duty": duty}
            )
    return warnings


def confirmation_notice(*, appointment: Appointment) -> str:
    """What the person who confirmed is told about the message to the resident: it goes out by
    itself only when a channel that reaches people is set up; in the outbox-only set-up somebody
    has to phone, and without a phone number nobody is told at all."""
    if not appointment.contact_phone:
        return gettext("The appointment is confirmed. No phone number was given: tell the person yourself.")
    if outbox_only():
        return gettext(
            "The appointment is confirmed. The confirmation waits on the “To relay by phone” list "
            "until someone phones the person."
        )
    return gettext("The appointment is confirmed; the person is sent a confirmation.")


def appointment_history(*, appointment: Appointment):
    return appointment.changes.select_related(
        "by",
        "from_counsellor",
        "to_counsellor",
        "from_room__site",
        "to_room__site",
        "from_companion",
        "to_companion",
    )


# ---------------------------------------------------------------------------------------------
# Whom and where one may book


def bookable_sites(*, user) -> QuerySet[ServiceSite]:
    """Active sites where the person may book (their scope), for the forms."""
    if not policy.has_permission(user, MANAGE_APPOINTMENTS) or user.org_unit_id is None:
        return ServiceSite.objects.none()
    return (
        ServiceSite.objects.filter(is_active=True, org_unit__path__startswith=user.org_unit.path)
        .select_related("org_unit")
        .order_by("name")
    )


def bookable_rooms(*, user) -> QuerySet[Room]:
    return (
        Room.objects.filter(is_active=True, site__in=bookable_sites(user=user))
        .select_related("site")
        .order_by("site__name", "name")
    )


def bookable_counsellors(*, user) -> QuerySet[User]:
    """Counselling staff one may book: those in one's scope, those on the roster of a site in one's
    scope, and oneself. Only names are shown of them."""
    roles = MANAGE_APPOINTMENTS.roles
    if not policy.has_permission(user, MANAGE_APPOINTMENTS) or user.org_unit_id is None:
        return User.objects.none()
    on_roster = Q(duty_shifts__room__site__org_unit__path__startswith=user.org_unit.path)
    in_scope = Q(org_unit__path__startswith=user.org_unit.path)
    return (
        User.objects.filter(Q(pk=user.pk) | ((in_scope | on_roster) & Q(role__in=roles)), is_active=True)
        .distinct()
        .order_by("full_name", "pk")
    )


def calendar_counsellors(*, user) -> QuerySet[User]:
    """Whose calendar a person may open: the counsellors they may book, and for a supervisor the
    counsellors they supervise."""
    base = bookable_counsellors(user=user)
    if policy.is_supervisor(user):
        supervised = User.objects.filter(supervisor=user, is_active=True)
        return (
            User.objects.filter(Q(pk__in=base.values("pk")) | Q(pk__in=supervised.values("pk")))
            .distinct()
            .order_by("full_name", "pk")
        )
    return base


# ---------------------------------------------------------------------------------------------
# The calendar: one counsellor's or one room's days


@dataclass
class CalendarBlock:
    starts_at: datetime
    ends_at: datetime
    appointment: Appointment | None  # None: busy, and the viewer may not see why
    # A home visit holds the time from leaving to coming back (travel included).
    busy_from: datetime | None = None
    busy_until: datetime | None = None
    is_free: ClassVar[bool] = False

    @property
    def is_home_visit(self) -> bool:
        return self.appointment is not None and self.appointment.is_home_visit

    @property
    def has_travel(self) -> bool:
        return (self.busy_from, self.busy_until) != (self.starts_at, self.ends_at)


@dataclass(frozen=True)
class OpenSlot:
    """A session-long stretch of a duty slot where the counsellor and the room are both free:
    what a click on the calendar books."""

    starts_at: datetime
    ends_at: datetime
    counsellor: User
    room: Room
    is_free: ClassVar[bool] = True

    @property
    def booking_query(self) -> str:
        """The query string that opens the booking form filled with this slot."""
        local_start, local_end = timezone.localtime(self.starts_at), timezone.localtime(self.ends_at)
        return urlencode(
            {
                "site": self.room.site_id,
                "day": local_start.date().isoformat(),
                "starts_at": local_start.strftime("%H:%M"),
                "ends_at": local_end.strftime("%H:%M"),
                "counsellor": self.counsellor.pk,
                "room": self.room.pk,
            }
        )


@dataclass
class CalendarDay:
    day: date
    duty: list[DutySlot] = field(default_factory=list)
    blocks: list[CalendarBlock] = field(default_factory=list)
    free: list[OpenSlot] = field(default_factory=list)

    @property
    def timeline(self) -> list[CalendarBlock | OpenSlot]:
        """Bookings and free slots in the order of the day."""
        return sorted([*self.blocks, *self.free], key=lambda item: item.starts_at)


def calendar_days(
    *,
    user,
    first_day: date,
    days: int,
    counsellor=None,
    room: Room | None = None,
    now: datetime | None = None,
):
    """The days from ``first_day`` for one counsellor or one room: duty hours, every appointment
    holding their time, and the free slots the person may book with a click.

    Appointments the person may not see are returned as busy blocks only. A counsellor's days
    include the home visits they go along to as the second person, and a home visit's block holds
    its travel before and after (shown as busy for those who may not see it). A slot is free when it
    lies inside a duty slot, has not started, and neither the counsellor nor the room has a claim
    on any part of it; free slots are offered only at sites where the person may book.
    """
    last_day = first_day + timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first_day, time.min))
    end = timezone.make_aware(datetime.combine(last_day + timedelta(days=1), time.min))
    travel = timedelta(minutes=TRAVEL_MAX_MINUTES)
    holding = Appointment.objects.filter(
        status__in=Appointment.HOLDING, starts_at__lt=end + travel, ends_at__gt=start - travel
    ).order_by("starts_at", "pk")
    if counsellor is not None:
        holding = holding.filter(Q(counsellor=counsellor) | Q(companion=counsellor))
        sites = None
    else:
        holding = holding.filter(room=room)
        sites = [room.site_id]
    rows = []
    for pk, starts_at, ends_at, before, after in holding.values_list(
        "pk", "starts_at", "ends_at", "travel_before_minutes", "travel_after_minutes"
    ):
        busy_from = starts_at - timedelta(minutes=before)
        busy_until = ends_at + timedelta(minutes=after)
        if busy_from < end and busy_until > start:
            rows.append((pk, starts_at, ends_at, busy_from, busy_until))
    visible = {
        appointment.pk: appointment
        for appointment in policy.filter_appointments(
            user, Appointment.objects.filter(pk__in=[row[0] for row in rows])
        ).select_related("room__site", "counsellor", "companion", "resident")
    }
    duty = duty_between(first_day=first_day, last_day=last_day, sites=sites)
    calendar = []
    for offset in range(days):
        day = first_day + timedelta(days=offset)
        slots = [
            slot
            for slot in duty[day]
            if (counsellor is not None and slot.counsellor.pk == counsellor.pk)
            or (room is not None and slot.room.pk == room.pk)
        ]
        calendar.append(CalendarDay(day=day, duty=slots))
    by_day = {entry.day: entry for entry in calendar}
    for pk, starts_at, ends_at, busy_from, busy_until in rows:
        entry = by_day.get(timezone.localdate(starts_at))
        if entry is None:
            continue
        appointment = visible.get(pk)
        if appointment is None:
            # Busy, and why is not the viewer's to know: the whole held span, travel included.
            entry.blocks.append(CalendarBlock(busy_from, busy_until, None, busy_from, busy_until))
        else:
            entry.blocks.append(CalendarBlock(starts_at, ends_at, appointment, busy_from, busy_until))
    _add_open_slots(user=user, calendar=calendar, start=start, end=end, now=now or timezone.now())
    return calendar


def _add_open_slots(*, user, calendar: list[CalendarDay], start: datetime, end: datetime, now) -> None:
    """Fill each day's ``free`` from its duty slots, in two queries for the whole range."""
    bookable = set(bookable_sites(user=user).values_list("pk", flat=True))
    slots = [slot for entry in calendar for slot in entry.duty if slot.room.site_id in bookable]
    if not slots:
        return
    resources = set()
    for slot in slots:
        resources.update({counsellor_resource(slot.counsellor.pk), room_resource(slot.room.pk)})
    claimed = set(
        SlotClaim.objects.filter(
            resource__in=resources, slot_start__gte=start, slot_start__lt=end
        ).values_list("resource", "slot_start")
    )
    length = timedelta(minutes=portal_session_minutes())
    by_day = {entry.day: entry for entry in calendar}
    for slot in slots:
        moment = _ceil_to_grid(slot.starts_at)
        # A slot that has begun is not offered: staff booking for right now type the time.
        while moment < now:
            moment += timedelta(minutes=slot_minutes())
        resources_of_slot = (counsellor_resource(slot.counsellor.pk), room_resource(slot.room.pk))
        while moment + length <= slot.ends_at:
            grid = slot_starts(moment, moment + length)
            busy = [t for t in grid if any((resource, t) in claimed for resource in resources_of_slot)]
            if busy:
                # Start again right after the last busy slot of this stretch, on the grid.
                moment = busy[-1] + timedelta(minutes=slot_minutes())
                continue
            by_day[slot.day].free.append(OpenSlot(moment, moment + length, slot.counsellor, slot.room))
            moment += length
    for entry in calendar:
        entry.free.sort(key=lambda open_slot: (open_slot.starts_at, open_slot.room.pk))


# ---------------------------------------------------------------------------------------------
# Free slots for the portal


@dataclass(frozen=True)
class FreeSlot:
    starts_at: datetime
    ends_at: datetime

    @property
    def value(self) -> str:
        """How the portal form names the slot: the local start, to the minute."""
        return timezone.localtime(self.starts_at).strftime("%Y-%m-%dT%H:%M")


def _ceil_to_grid(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    step = slot_minutes()
    minutes = local.hour * 60 + local.minute
    extra = (-minutes) % step
    if local.second or local.microsecond:
        extra = extra or step
    return (local.replace(second=0, microsecond=0) + timedelta(minutes=extra)).astimezone(moment.tzinfo)


def portal_free_slots(*, site: ServiceSite, now: datetime | None = None) -> list[FreeSlot]:
    """Sessions a resident may ask for at ``site`` over the next 14 days (from tomorrow).

    A session is offered while, at that time, more counsellor-and-room pairs on duty there are
    free (neither has a claim on any of its slots) than requests nobody has been assigned to yet.
    Four queries, whatever the number of days.
    """
    now = now or timezone.now()
    first_day = timezone.localdate(now) + timedelta(days=1)
    last_day = first_day + timedelta(days=PORTAL_BOOKING_DAYS - 1)
    duty = duty_between(first_day=first_day, last_day=last_day, sites=[site.pk])
    length = timedelta(minutes=portal_session_minutes())
    pairs_by_window: dict[tuple[datetime, datetime], list[DutySlot]] = {}
    for slots in duty.values():
        for slot in slots:
            moment = _ceil_to_grid(slot.starts_at)
            while moment + length <= slot.ends_at:
                pairs_by_window.setdefault((moment, moment + length), []).append(slot)
                moment += length
    if not pairs_by_window:
        return []
    range_start = min(start for start, _end in pairs_by_window)
    range_end = max(end for _start, end in pairs_by_window)
    resources = set()
    for slots in pairs_by_window.values():
        for slot in slots:
            resources.update({counsellor_resource(slot.counsellor.pk), room_resource(slot.room.pk)})
    claimed = set(
        SlotClaim.objects.filter(
            resource__in=resources, slot_start__gte=range_start, slot_start__lt=range_end
        ).values_list("resource", "slot_start")
    )
    waiting = list(
        Appointment.objects.filter(
            site=site,
            status__in=Appointment.HOLDING,
            counsellor__isnull=True,
            room__isnull=True,
            starts_at__lt=range_end,
            ends_at__gt=range_start,
        ).values_list("starts_at", "ends_at")
    )
    free = []
    for (start, end), slots in sorted(pairs_by_window.items()):
        if start <= now:
            continue
        grid = slot_starts(start, end)
        free_pairs = {
            (slot.counsellor.pk, slot.room.pk)
            for slot in slots
            if not any(
                (counsellor_resource(slot.counsellor.pk), moment) in claimed
                or (room_resource(slot.room.pk), moment) in claimed
                for moment in grid
            )
        }
        unassigned = sum(1 for starts_at, ends_at in waiting if starts_at < end and ends_at > start)
        if len(free_pairs) > unassigned:
            free.append(FreeSlot(start, end))
    return free


# ---------------------------------------------------------------------------------------------
# Check-in: who the person who asked might be


def resident_candidates(*, user, appointment: Appointment, limit: int = 10) -> list[Resident]:
    """Residents the person sees who have the phone number given with the appointment (through
    the blind index) or exactly the name given."""
    match = Q()
    if appointment.contact_phone_index:
        match |= Q(phone_index=appointment.contact_phone_index)
    name = (appointment.contact_name or "").strip()
    if name:
        match |= Q(name=name)
    if not match:
        return []
    candidates = policy.filter_residents(user, Resident.objects.filter(match, is_anonymised=False))
    return list(candidates.select_related("org_unit", "archive").order_by("name_pinyin", "pk")[:limit])


def portal_request_by_key(key) -> Appointment | None:
    """The request already stored under this form key, if any (a double submit)."""
    try:
        key = uuid.UUID(str(key))
    except ValueError:
        return None
    return Appointment.objects.filter(request_key=key).select_related("site").first()
