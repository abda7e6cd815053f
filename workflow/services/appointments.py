"""Writes of appointments (SVC-1): registration by staff, requests from the portal, confirmation,
rescheduling, check-in, completion, cancelling, no-shows, and the reminders the day before.

States: requested → confirmed → checked in → completed, plus cancelled and no-show; any other
move is refused with a message that says why.

Double booking is impossible: every appointment that holds time (``Appointment.HOLDING``) and has
a counsellor and/or a room writes one ``SlotClaim`` per grid slot of each, and the database
refuses a second claim on the same slot. A friendly pre-check names the conflict first; when two
people book at the same moment both may pass it, and the unique constraint then refuses the
second insert, which is turned into the same message.
"""

from __future__ import annotations

import functools
import time
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.models import DocumentType, Sex
from archives.services import PHONE_INDEX_PURPOSE, DuplicateResident, resident_register
from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import require_not_too_far_ahead
from lib.encryption import blind_index
from lib.identity import InvalidPhone, normalise_phone
from lib.ratelimit import RateLimit
from notifications.models import Notification
from notifications.services import notification_queue
from workflow.models import (
    TRAVEL_DEFAULT_MINUTES,
    TRAVEL_MAX_MINUTES,
    Appointment,
    AppointmentChange,
    SlotClaim,
)
from workflow.permissions import MANAGE_APPOINTMENTS
from workflow.room_uses import room_use_clash
from workflow.selectors.appointments import (
    booking_warnings,
    counsellor_resource,
    portal_free_slots,
    room_resource,
    slot_minutes,
    slot_starts,
)

Status = Appointment.Status

MAX_LENGTH = timedelta(hours=8)
STAFF_CHANNELS = (Appointment.Channel.PHONE, Appointment.Channel.ON_SITE, Appointment.Channel.REFERRAL)
PORTAL_REQUEST_LIMIT = 5  # new portal requests per client address …
PORTAL_REQUEST_WINDOW = 60 * 60  # … in this many seconds
LOCK_ATTEMPTS = 8


# ---------------------------------------------------------------------------------------------
# Helpers


def _retry_when_locked(function):
    """Run the service again when SQLite says the database is locked.

    SQLite lets one writer in at a time. A file database makes the second writer wait (the busy
    timeout in settings), but a shared-cache in-memory database, which the test suite uses,
    answers "database table is locked" at once. The transaction has then not started, so the
    whole service can simply run again; by then the first booking is committed and the pre-check
    names it. Inside an outer transaction nothing can be retried: the caller gets a clear message.
    """

    @functools.wraps(function)
    def wrapper(**kwargs):
        for attempt in range(LOCK_ATTEMPTS):
            try:
                return function(**kwargs)
            except OperationalError as exc:
                if "locked" not in str(exc).lower():
                    raise
                if connection.in_atomic_block or attempt == LOCK_ATTEMPTS - 1:
                    raise ValidationError(
                        _("Someone else is booking at this very moment; please try again.")
                    ) from exc
                time.sleep(0.02 * 2**attempt)
        raise AssertionError("unreachable")

    return wrapper


def _local(moment: datetime) -> str:
    return f"{timezone.localtime(moment):%Y-%m-%d %H:%M}"


def _check_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    """Times are timezone-aware, on the slot grid, the end after the start, at most 8 hours."""
    minutes = slot_minutes()
    errors = {}
    for name, value in (("starts_at", starts_at), ("ends_at", ends_at)):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            errors[name] = _("Give a date and a time.")
            continue
        local = timezone.localtime(value)
        if local.second or local.microsecond or local.minute % minutes:
            errors[name] = _(
                "Appointments start and end on the %(minutes)s-minute grid (e.g. 13:30, 13:45)."
            ) % {"minutes": minutes}
    if errors:
        raise ValidationError(errors)
    require_not_too_far_ahead(starts_at, field="starts_at")
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The end must be after the start.")})
    if ends_at - starts_at > MAX_LENGTH:
        raise ValidationError({"ends_at": _("An appointment lasts at most 8 hours.")})


def _clean_phone(value: str, *, required: bool = False) -> str:
    if not value or not value.strip():
        if required:
            raise ValidationError({"contact_phone": _("Give a phone number so that we can call you back.")})
        return ""
    try:
        return normalise_phone(value)
    except InvalidPhone as exc:
        raise ValidationError(
            {"contact_phone": _("Enter a valid phone number, e.g. 13912345678 or 0571-88001234.")}
        ) from exc


def _check_contact(*, contact_name: str, contact_sex: str, contact_age) -> None:
    errors = {}
    if not contact_name.strip():
        errors["contact_name"] = _("Give the name of the person the appointment is for.")
    if len(contact_name.strip()) > 50:
        errors["contact_name"] = _("A name has at most 50 characters.")
    if contact_sex not in ("", *Sex.values):
        errors["contact_sex"] = _("Choose a sex from the list, or leave it empty.")
    if contact_age is not None and not 0 <= contact_age <= 120:
        errors["contact_age"] = _("Give an age between 0 and 120, or leave it empty.")
    if errors:
        raise ValidationError(errors)


def _check_counsellor(counsellor) -> None:
    if counsellor is not None and (
        not counsellor.is_active or counsellor.role not in MANAGE_APPOINTMENTS.roles
    ):
        raise ValidationError({"counsellor": _("Choose an active member of the counselling staff.")})


def _check_room(room, site) -> None:
    if room is not None and (not room.is_active or room.site_id != site.pk):
        raise ValidationError({"room": _("Choose an open room at this site.")})


def _check_home_visit(appointment: Appointment, *, confirming: bool) -> None:
    """A home visit (SVC-10) takes no room; it needs the address visited, and, once confirmed (or
    whenever one is named), a second staff member: the two-person rule of home visits
    (XINQIAO_HOME_VISIT_MIN_PEOPLE, the same rule the session record enforces), a different
    active member of the counselling staff who counts towards it. Travel before and after lies on
    the slot grid, at most TRAVEL_MAX_MINUTES each."""
    errors = {}
    if appointment.room_id:
        errors["room"] = _("A home visit takes place at the person's home: it takes no room.")
    if confirming and not appointment.address.strip():
        errors["address"] = _("Give the address of the home visit.")
    companion = appointment.companion
    needed = settings.XINQIAO_HOME_VISIT_MIN_PEOPLE
    if companion is None:
        if confirming and needed >= 2:
            errors["companion"] = _("A home visit is made by two people: choose the second staff member.")
    elif (
        not companion.is_active
        or companion.role not in MANAGE_APPOINTMENTS.roles
        or not policy.counts_toward_home_visit(companion)
    ):
        errors["companion"] = _("Choose an active member of the counselling staff as the second person.")
    elif companion.pk == appointment.counsellor_id:
        errors["companion"] = _("The second staff member must be someone other than the counsellor.")
    slot = slot_minutes()
    for name in ("travel_before_minutes", "travel_after_minutes"):
        value = getattr(appointment, name)
        if not isinstance(value, int) or not 0 <= value <= TRAVEL_MAX_MINUTES or value % slot:
            errors[name] = _(
                "Give the travel time in steps of %(slot)s minutes, from 0 to %(max)s minutes."
            ) % {"slot": slot, "max": TRAVEL_MAX_MINUTES}
    if errors:
        raise ValidationError(errors)


def _home_visit_fields(appointment: Appointment, *, companion, address, travel_before, travel_after) -> None:
    """Set what a home visit carries; any other appointment has no companion and no travel."""
    if not appointment.is_home_visit:
        appointment.companion, appointment.travel_before_minutes, appointment.travel_after_minutes = (
            None,
            0,
            0,
        )
        return
    if companion is not None:
        appointment.companion = companion
    if address is not None and address.strip():
        appointment.address = address.strip()
    if not appointment.address and appointment.resident_id and appointment.resident.address:
        # The resident's own address from the archive, unless another one was given.
        appointment.address = appointment.resident.address
    if travel_before is not None:
        appointment.travel_before_minutes = travel_before
    if travel_after is not None:
        appointment.travel_after_minutes = travel_after


def _require_may_handle(actor, appointment: Appointment) -> None:
    """Staff act on an appointment they may see (the policy's rule for appointments)."""
    visible = policy.filter_appointments(actor, Appointment.objects.filter(pk=appointment.pk))
    if not visible.exists():
        raise PermissionDenied


def _lock(appointment: Appointment) -> Appointment:
    """Lock the row and reload it, so that two people acting on one appointment at once take
    turns and the second sees the first one's change."""
    Appointment.objects.select_for_update().filter(pk=appointment.pk).values_list("pk").first()
    appointment.refresh_from_db()
    return appointment


# Which states each move starts from is Appointment.ACTIONS; these say why this one cannot.
REFUSALS = {
    "confirm": gettext_lazy("Only a requested appointment can be confirmed; this one is %(status)s."),
    "reschedule": gettext_lazy(
        "Only a requested or confirmed appointment can be rescheduled; this one is %(status)s."
    ),
    "check_in": gettext_lazy("Only a confirmed appointment can be checked in; this one is %(status)s."),
    "complete": gettext_lazy("Only a checked-in appointment can be completed; this one is %(status)s."),
    "cancel": gettext_lazy(
        "Only a requested or confirmed appointment can be cancelled; this one is %(status)s."
    ),
    "no_show": gettext_lazy(
        "Only a confirmed appointment can be marked as a no-show; this one is %(status)s."
    ),
}


def appointment_actions(appointment: Appointment, *, now: datetime | None = None) -> set[str]:
    """The actions the appointment's status (Appointment.ACTIONS) and the clock allow now: no
    no-show before the start, no check-in before the appointment's day, no confirmation of a time
    gone by. The page offers these, and the services below refuse the others."""
    now = now or timezone.now()
    actions = set(Appointment.ACTIONS.actions(appointment))
    if "no_show" in actions and now < appointment.starts_at:
        actions.discard("no_show")
    if "check_in" in actions and not _check_in_open(appointment, now):
        actions.discard("check_in")
    # A time gone by cannot be confirmed (appointment_confirm refuses it): reschedule or cancel.
    if "confirm" in actions and appointment.starts_at <= now:
        actions.discard("confirm")
    return actions


def _check_in_open(appointment: Appointment, now: datetime) -> bool:
    """Check-in opens on the appointment's own day: the person is at the desk, not on the phone
    days ahead (a check-in ties them to a resident and opens the way to a case)."""
    return timezone.localdate(now) >= timezone.localdate(appointment.starts_at)


def _require_status(appointment: Appointment, action: str) -> None:
    """Refuse a move the appointment's status does not allow (Appointment.ACTIONS), saying why."""
    message = str(REFUSALS[action]) % {"status": appointment.get_status_display()}
    Appointment.ACTIONS.require(appointment, action, message)


def _travel(appointment: Appointment) -> str:
    """A home visit's travel there and back as the history shows it ("30/30"); empty otherwise."""
    if not appointment.is_home_visit:
        return ""
    return f"{appointment.travel_before_minutes}/{appointment.travel_after_minutes}"


def _change(appointment: Appointment, kind: str, *, actor=None, note: str = "", **fields) -> None:
    AppointmentChange.objects.create(
        appointment=appointment,
        kind=kind,
        by=actor if getattr(actor, "is_authenticated", False) else None,
        note=note[:200],
        **fields,
    )


# ---------------------------------------------------------------------------------------------
# Slot claims: what makes double booking impossible


def _resources(appointment: Appointment) -> list[str]:
    resources = []
    if appointment.counsellor_id:
        resources.append(counsellor_resource(appointment.counsellor_id))
    if appointment.companion_id:
        # The second person of a home visit is held like the counsellor.
        resources.append(counsellor_resource(appointment.companion_id))
    if appointment.room_id:
        resources.append(room_resource(appointment.room_id))
    return resources


def _first_clash(appointment: Appointment, resources: list[str], slots: list[datetime]) -> SlotClaim | None:
    return (
        SlotClaim.objects.filter(resource__in=resources, slot_start__in=slots)
        .exclude(appointment_id=appointment.pk)
        .select_related("appointment__counsellor", "appointment__companion", "appointment__room__site")
        .order_by("slot_start", "resource")
        .first()
    )


def _clash_error(claim: SlotClaim | None, appointment: Appointment | None = None) -> ValidationError:
    """Name what is already booked and when (with a home visit's travel), and nothing about the
    other appointment's client."""
    if claim is None:
        return ValidationError(_("This time has just been booked by someone else; please choose another."))
    other = claim.appointment
    span = {"start": _local(other.busy_from), "end": f"{timezone.localtime(other.busy_until):%H:%M}"}
    if claim.resource.startswith("counsellor:"):
        person_id = int(claim.resource.split(":", 1)[1])
        person = other.counsellor if other.counsellor_id == person_id else other.companion
        field = (
            "companion" if appointment is not None and appointment.companion_id == person_id else "counsellor"
        )
        return ValidationError(
            {field: _("%(name)s is already booked from %(start)s to %(end)s.") % {"name": person, **span}}
        )
    return ValidationError(
        {"room": _("%(room)s is already booked from %(start)s to %(end)s.") % {"room": other.room, **span}}
    )


def _claim_slots(appointment: Appointment) -> None:
    """Hold the appointment's counsellor and room on every slot of its time, or refuse. A home
    visit holds its counsellor and second staff member from the travel there to the travel back."""
    resources = _resources(appointment)
    if not resources or appointment.status not in Appointment.HOLDING:
        return
    if appointment.room_id:
        # Activities (and any other domain that books rooms) hold rooms outside the slot claims.
        used = room_use_clash(appointment.room_id, appointment.starts_at, appointment.ends_at)
        if used:
            raise ValidationError({"room": used})
    slots = slot_starts(appointment.busy_from, appointment.busy_until)
    clash = _first_clash(appointment, resources, slots)
    if clash is not None:
        raise _clash_error(clash, appointment)
    claims = [
        SlotClaim(appointment=appointment, resource=resource, slot_start=slot)
        for resource in resources
        for slot in slots
    ]
    try:
        with transaction.atomic():
            SlotClaim.objects.bulk_create(claims)
    except IntegrityError as exc:
        # Another booking of the same slot committed between the pre-check and this insert.
        raise _clash_error(_first_clash(appointment, resources, slots), appointment) from exc


def _release_slots(appointment: Appointment) -> None:
    SlotClaim.objects.filter(appointment=appointment).delete()


# ---------------------------------------------------------------------------------------------
# Messages to the person who asked: time and place only, never why they come. A home visit's
# place is the person's own home (their own address is sent to their own phone), never a room.


def _place_lines(appointment: Appointment) -> list[str]:
    site = appointment.site
    lines = []
    if appointment.is_home_visit:
        if appointment.address:
            lines.append(_("We come to your home: %(address)s.") % {"address": appointment.address})
    else:
        if appointment.room_id:
            lines.append(_("Room: %(room)s.") % {"room": appointment.room.name})
        if site.address:
            lines.append(_("Address: %(address)s.") % {"address": site.address})
    if site.phone:
        lines.append(_("To change or cancel it, please call %(phone)s.") % {"phone": site.phone})
    return lines


def _queue_confirmation(appointment: Appointment, *, changed: bool) -> None:
    if not appointment.contact_phone:
        return
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Appointment changed") if changed else _("Appointment confirmed")
        if appointment.is_home_visit:
            first = _("Your home visit from %(site)s is confirmed for %(when)s.")
        else:
            first = _("Your appointment at %(site)s is confirmed for %(when)s.")
        first = first % {"site": appointment.site.name, "when": _local(appointment.starts_at)}
        body = "\n".join([first, *_place_lines(appointment)])
    stamp = f"{timezone.localtime(appointment.starts_at):%Y%m%d%H%M}"
    notification_queue(
        kind=Notification.Kind.APPOINTMENT_CONFIRMATION,
        dedupe_key=f"appointment:{appointment.pk}:confirmation:{stamp}",
        subject=subject,
        body=body,
        recipient_name=appointment.contact_name,
        recipient_address=appointment.contact_phone,
        related=appointment,
    )


def _queue_cancellation(appointment: Appointment) -> None:
    """Tell the person who asked that the appointment will not take place (time and place only,
    never the reason given, which may concern someone else's absence or the person's case)."""
    if not appointment.contact_phone:
        return
    with translation.override(settings.LANGUAGE_CODE):
        if appointment.is_home_visit:
            first = _("The home visit from %(site)s on %(when)s has been cancelled.")
        else:
            first = _("Your appointment at %(site)s on %(when)s has been cancelled.")
        lines = [first % {"site": appointment.site.name, "when": _local(appointment.starts_at)}]
        if appointment.is_home_visit and appointment.address:
            # Which home: the person's own address, sent to their own phone.
            lines.append(_("We were to come to your home: %(address)s.") % {"address": appointment.address})
        if appointment.site.phone:
            lines.append(
                _("To make a new appointment, please call %(phone)s.") % {"phone": appointment.site.phone}
            )
        body = "\n".join(lines)
        subject = _("Appointment cancelled")
    notification_queue(
        kind=Notification.Kind.APPOINTMENT_CANCELLATION,
        dedupe_key=f"appointment:{appointment.pk}:cancellation",
        subject=subject,
        body=body,
        recipient_name=appointment.contact_name,
        recipient_address=appointment.contact_phone,
        related=appointment,
    )


def _queue_reminder(appointment: Appointment) -> bool:
    """Queue the reminder for the day before; False when it was queued already."""
    day = timezone.localdate(appointment.starts_at)
    key = f"appointment:{appointment.pk}:reminder:{day.isoformat()}"
    if not appointment.contact_phone or Notification.objects.filter(dedupe_key=key).exists():
        return False
    with translation.override(settings.LANGUAGE_CODE):
        if appointment.is_home_visit:
            first = _("Reminder: your home visit from %(site)s is tomorrow, %(when)s.")
        else:
            first = _("Reminder: your appointment at %(site)s is tomorrow, %(when)s.")
        first = first % {"site": appointment.site.name, "when": _local(appointment.starts_at)}
        body = "\n".join([first, *_place_lines(appointment)])
        subject = _("Appointment reminder")
    notification_queue(
        kind=Notification.Kind.APPOINTMENT_REMINDER,
        dedupe_key=key,
        subject=subject,
        body=body,
        recipient_name=appointment.contact_name,
        recipient_address=appointment.contact_phone,
        related=appointment,
    )
    return True


# ---------------------------------------------------------------------------------------------
# Registration and requests


@_retry_when_locked
@transaction.atomic
def appointment_register(
    *,
    actor,
    site,
    starts_at: datetime,
    ends_at: datetime,
    service: str,
    channel: str,
    contact_name: str = "",
    contact_phone: str = "",
    contact_sex: str = "",
    contact_age: int | None = None,
    reason: str = "",
    address: str = "",
    counsellor=None,
    room=None,
    resident=None,
    companion=None,
    travel_before_minutes: int | None = None,
    travel_after_minutes: int | None = None,
    confirm_now: bool = False,
    acknowledged: bool = False,
) -> Appointment:
    """Register an appointment taken by staff (by phone, on site or from a referral).

    The person must keep appointments at the site (its unit in their scope). Times lie on the slot
    grid; the counsellor and room, when given, must be free for the whole time. A time already
    past, or a counsellor not on the duty roster there for the whole time (``booking_warnings``),
    is refused until the person says they book it anyway (``acknowledged``). A known resident's
    name and phone are used when none are given. The appointment starts as requested; with
    ``confirm_now`` it is confirmed at once by the rules of ``appointment_confirm`` (a counsellor
    and a room are then required), and a refused confirmation registers nothing.
    """
    if not policy.can_book_at_site(actor, site):
        raise PermissionDenied
    if channel not in STAFF_CHANNELS:
        raise ValidationError({"channel": _("Choose phone, on site or referral.")})
    if resident is not None:
        contact_name = contact_name.strip() or resident.name
        contact_phone = contact_phone.strip() or resident.phone
    _check_times(starts_at, ends_at)
    _check_contact(contact_name=contact_name, contact_sex=contact_sex, contact_age=contact_age)
    _check_counsellor(counsellor)
    _check_room(room, site)
    warnings = booking_warnings(site=site, starts_at=starts_at, ends_at=ends_at, counsellor=counsellor)
    if warnings and not acknowledged:
        raise ValidationError({"acknowledged": warnings})
    phone = _clean_phone(contact_phone)
    appointment = Appointment(
        site=site,
        room=room,
        counsellor=counsellor,
        starts_at=starts_at,
        ends_at=ends_at,
        service=service,
        channel=channel,
        status=Status.REQUESTED,
        resident=resident,
        contact_name=contact_name.strip(),
        contact_phone=phone,
        contact_phone_index=blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone else "",
        contact_sex=contact_sex,
        contact_age=contact_age,
        reason=reason.strip(),
        address=address.strip(),
        created_by=actor,
    )
    _home_visit_fields(
        appointment,
        companion=companion,
        address=None,
        travel_before=TRAVEL_DEFAULT_MINUTES if travel_before_minutes is None else travel_before_minutes,
        travel_after=TRAVEL_DEFAULT_MINUTES if travel_after_minutes is None else travel_after_minutes,
    )
    if appointment.is_home_visit:
        _check_home_visit(appointment, confirming=False)
    appointment.full_clean()
    appointment.save()
    _claim_slots(appointment)
    _change(
        appointment,
        AppointmentChange.Kind.CREATED,
        actor=actor,
        to_starts_at=starts_at,
        to_counsellor=counsellor,
        to_room=room,
    )
    audit_record(
        actor=actor,
        action="appointment.registered",
        obj=appointment,
        details={"channel": channel, "site": site.pk, "resident": resident.pk if resident else None},
    )
    if confirm_now:
        if starts_at > timezone.now():
            return appointment_confirm(
                actor=actor, appointment=appointment, counsellor=counsellor, room=room, companion=companion
            )
        # A past time the person acknowledged is a session entered as history: confirmed without a
        # message telling anyone to come to a time gone by.
        return _confirm(
            actor=actor,
            appointment=appointment,
            counsellor=counsellor,
            room=room,
            companion=companion,
            address=None,
            travel_before_minutes=None,
            travel_after_minutes=None,
            notify=False,
        )
    return appointment


PORTAL_REQUESTS = RateLimit("appointment-request", limit=PORTAL_REQUEST_LIMIT, window=PORTAL_REQUEST_WINDOW)


def portal_requests_exhausted(*, client_ip: str) -> bool:
    return PORTAL_REQUESTS.exceeded(client_ip)


@_retry_when_locked
@transaction.atomic
def appointment_request_from_portal(
    *,
    request_key: UUID | str,
    site,
    starts_at: datetime,
    ends_at: datetime,
    service: str,
    contact_name: str,
    contact_phone: str,
    contact_sex: str = "",
    contact_age: int | None = None,
    reason: str = "",
    client_ip: str | None = None,
) -> Appointment:
    """Store a request made on the portal, without login.

    The same ``request_key`` (made by the form when it is shown) always gives the same row, so a
    double submit stores one request. The time must be one the portal offers at the site (on duty,
    free, within the next 14 days). New requests are limited per client address, so the page
    cannot be used to flood the diary.
    """
    existing = Appointment.objects.filter(request_key=request_key).first()
    if existing is not None:
        return existing
    # Requests from the web page are counted per client address; code (e.g. demo data) passes none.
    if client_ip is not None and portal_requests_exhausted(client_ip=client_ip):
        raise ValidationError(
            _("We have received several requests from this connection. Please call us instead.")
        )
    if not site.is_active:
        raise ValidationError({"site": _("This site is closed; please choose another.")})
    if service not in Appointment.Service.values:
        raise ValidationError({"service": _("Choose a service from the list.")})
    _check_times(starts_at, ends_at)
    offered = {(slot.starts_at, slot.ends_at) for slot in portal_free_slots(site=site)}
    if (starts_at, ends_at) not in offered:
        raise ValidationError({"slot": _("This time is no longer free; please choose another.")})
    _check_contact(contact_name=contact_name, contact_sex=contact_sex, contact_age=contact_age)
    phone = _clean_phone(contact_phone, required=True)
    appointment = Appointment(
        site=site,
        starts_at=starts_at,
        ends_at=ends_at,
        service=service,
        channel=Appointment.Channel.PORTAL,
        status=Status.REQUESTED,
        contact_name=contact_name.strip(),
        contact_phone=phone,
        contact_phone_index=blind_index(phone, purpose=PHONE_INDEX_PURPOSE),
        contact_sex=contact_sex,
        contact_age=contact_age,
        reason=reason.strip()[:1000],
        request_key=request_key,
    )
    if appointment.is_home_visit:
        # Nobody's time is held until it is confirmed; the travel then holds both people's.
        appointment.travel_before_minutes = appointment.travel_after_minutes = TRAVEL_DEFAULT_MINUTES
    appointment.full_clean(exclude=["request_key"])
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError:
        # The same form was submitted twice at once; the other submit stored it.
        return Appointment.objects.get(request_key=request_key)
    _change(appointment, AppointmentChange.Kind.CREATED, to_starts_at=starts_at)
    audit_record(
        actor=None,
        action="appointment.requested",
        obj=appointment,
        details={"site": site.pk},
        client_ip=client_ip,
    )
    if client_ip is not None:
        PORTAL_REQUESTS.hit(client_ip)
    return appointment


# ---------------------------------------------------------------------------------------------
# Moving through the states


@_retry_when_locked
@transaction.atomic
def appointment_confirm(
    *,
    actor,
    appointment: Appointment,
    counsellor,
    room=None,
    companion=None,
    address: str | None = None,
    travel_before_minutes: int | None = None,
    travel_after_minutes: int | None = None,
    now: datetime | None = None,
) -> Appointment:
    """Confirm a request with a counsellor and a room, both free for its whole time, and queue a
    confirmation (time and place only) to the phone given with it.

    A home visit takes no room: it is confirmed with its address (by default the resident's own),
    a second staff member (the two-person rule) and the travel before and after, and holds both
    people's time from leaving to coming back.

    A request whose time has already passed cannot be confirmed: the person would be told to come
    to a time gone by. (``now`` lets the demo seed record a past visit as confirmed before it took
    place.)"""
    _require_may_handle(actor, appointment)
    _lock(appointment)
    _require_status(appointment, "confirm")
    if appointment.starts_at <= (now or timezone.now()):
        raise ValidationError(
            _("This appointment's time (%(when)s) has already passed; reschedule it or cancel it instead.")
            % {"when": _local(appointment.starts_at)}
        )
    return _confirm(
        actor=actor,
        appointment=appointment,
        counsellor=counsellor,
        room=room,
        companion=companion,
        address=address,
        travel_before_minutes=travel_before_minutes,
        travel_after_minutes=travel_after_minutes,
        notify=True,
    )


def _confirm(
    *,
    actor,
    appointment: Appointment,
    counsellor,
    room,
    companion,
    address,
    travel_before_minutes,
    travel_after_minutes,
    notify: bool,
) -> Appointment:
    """The confirmation itself, once the request and the time were checked (the caller holds the
    lock): ``notify`` is False for a session entered as history, which nobody needs to be told of."""
    if appointment.is_home_visit:
        if counsellor is None:
            raise ValidationError({"counsellor": _("Choose the counsellor who makes the home visit.")})
    elif counsellor is None or room is None:
        missing = {}
        if counsellor is None:
            missing["counsellor"] = _("Choose the counsellor who sees the person.")
        if room is None:
            missing["room"] = _("Choose the room.")
        raise ValidationError(missing)
    _check_counsellor(counsellor)
    if not appointment.is_home_visit:
        _check_room(room, appointment.site)
    before_counsellor, before_room = appointment.counsellor, appointment.room
    _release_slots(appointment)
    appointment.counsellor, appointment.room = counsellor, room
    _home_visit_fields(
        appointment,
        companion=companion,
        address=address,
        travel_before=travel_before_minutes,
        travel_after=travel_after_minutes,
    )
    if appointment.is_home_visit:
        _check_home_visit(appointment, confirming=True)
    appointment.status = Status.CONFIRMED
    appointment.full_clean()
    appointment.save(
        update_fields=[
            "counsellor",
            "room",
            "status",
            "companion",
            "address",
            "travel_before_minutes",
            "travel_after_minutes",
        ]
    )
    _claim_slots(appointment)
    _change(
        appointment,
        AppointmentChange.Kind.CONFIRMED,
        actor=actor,
        from_counsellor=before_counsellor,
        to_counsellor=counsellor,
        from_room=before_room,
        to_room=room,
        to_companion=appointment.companion,
        to_travel=_travel(appointment),
    )
    audit_record(
        actor=actor,
        action="appointment.confirmed",
        obj=appointment,
        details={
            "counsellor": counsellor.pk,
            "room": room.pk if room else None,
            "companion": appointment.companion_id,
        },
    )
    if notify:
        _queue_confirmation(appointment, changed=False)
    return appointment


@_retry_when_locked
@transaction.atomic
def appointment_reschedule(
    *,
    actor,
    appointment: Appointment,
    starts_at: datetime,
    ends_at: datetime,
    counsellor=None,
    room=None,
    companion=None,
    travel_before_minutes: int | None = None,
    travel_after_minutes: int | None = None,
    reason: str,
) -> Appointment:
    """Move an appointment (and, if given, to another counsellor or room; a home visit to another
    second person or other travel times), with a reason.

    The history keeps where it was and who went; the new time must be free for everyone it holds.
    A confirmed appointment's contact is told the new time.
    """
    _require_may_handle(actor, appointment)
    _lock(appointment)
    _require_status(appointment, "reschedule")
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the appointment is moved.")})
    _check_times(starts_at, ends_at)
    counsellor = counsellor or appointment.counsellor
    room = room or appointment.room
    companion = companion or appointment.companion
    _check_counsellor(counsellor)
    _check_room(room, appointment.site)
    before = {
        "from_starts_at": appointment.starts_at,
        "from_counsellor": appointment.counsellor,
        "from_room": appointment.room,
        "from_companion": appointment.companion,
        "from_travel": _travel(appointment),
    }
    old_ends_at = appointment.ends_at
    _release_slots(appointment)
    appointment.starts_at, appointment.ends_at = starts_at, ends_at
    appointment.counsellor, appointment.room = counsellor, room
    _home_visit_fields(
        appointment,
        companion=companion,
        address=None,
        travel_before=travel_before_minutes,
        travel_after=travel_after_minutes,
    )
    unchanged = (
        starts_at == before["from_starts_at"]
        and ends_at == old_ends_at
        and counsellor == before["from_counsellor"]
        and room == before["from_room"]
        and appointment.companion == before["from_companion"]
        and _travel(appointment) == before["from_travel"]
    )
    if unchanged:
        raise ValidationError(_("This is the time, counsellor and room it already has."))
    if appointment.is_home_visit:
        _check_home_visit(appointment, confirming=appointment.status == Status.CONFIRMED)
    appointment.full_clean()
    appointment.save(
        update_fields=[
            "starts_at",
            "ends_at",
            "counsellor",
            "room",
            "companion",
            "travel_before_minutes",
            "travel_after_minutes",
        ]
    )
    _claim_slots(appointment)
    _change(
        appointment,
        AppointmentChange.Kind.RESCHEDULED,
        actor=actor,
        note=reason.strip(),
        to_starts_at=starts_at,
        to_counsellor=counsellor,
        to_room=room,
        to_companion=appointment.companion,
        to_travel=_travel(appointment),
        **before,
    )
    audit_record(
        actor=actor,
        action="appointment.rescheduled",
        obj=appointment,
        details={"from": before["from_starts_at"].isoformat(), "to": starts_at.isoformat()},
    )
    if appointment.status == Status.CONFIRMED:
        _queue_confirmation(appointment, changed=True)
    return appointment


def _register_resident_for(actor, appointment: Appointment, org_unit):
    """Create the resident for a request made without a record, through the archives' own
    registration (its checks, its duplicate rule, its audit)."""
    unit = org_unit or appointment.site.org_unit
    try:
        return resident_register(
            actor=actor,
            name=appointment.contact_name,
            org_unit=unit,
            document_type=DocumentType.NONE,
            sex=appointment.contact_sex,
            phone=appointment.contact_phone,
        )
    except DuplicateResident as duplicate:
        raise ValidationError(
            {
                "resident": _(
                    "Someone with this phone number is already registered: choose them from the list "
                    "instead of registering them again."
                )
            }
        ) from duplicate
    except PermissionDenied as exc:
        raise ValidationError(
            {
                "resident": _(
                    "You may not register residents in %(unit)s: choose an existing resident, or ask "
                    "a colleague who registers residents there."
                )
                % {"unit": unit}
            }
        ) from exc


@_retry_when_locked
@transaction.atomic
def appointment_check_in(
    *, actor, appointment: Appointment, resident=None, org_unit=None, now: datetime | None = None
) -> Appointment:
    """Check the person in for a confirmed appointment, on its day (not before).

    The appointment ends up tied to a resident: the one given (matched, e.g. from the candidates
    found by phone), the one it already has, or, failing both, a resident registered now in
    ``org_unit`` (by default the site's unit) through the archives' registration service.
    """
    _require_may_handle(actor, appointment)
    _lock(appointment)
    _require_status(appointment, "check_in")
    if not _check_in_open(appointment, now or timezone.now()):
        raise ValidationError(
            _("Check-in opens on the day of the appointment (%(day)s).")
            % {"day": f"{timezone.localdate(appointment.starts_at):%Y-%m-%d}"}
        )
    matched = False
    if resident is not None and resident.pk != appointment.resident_id:
        matched = True
    elif resident is None and appointment.resident_id is None:
        resident = _register_resident_for(actor, appointment, org_unit)
        matched = True
    else:
        resident = appointment.resident
    appointment.resident = resident
    appointment.status = Status.CHECKED_IN
    appointment.save(update_fields=["resident", "status"])
    if matched:
        _change(appointment, AppointmentChange.Kind.MATCHED, actor=actor)
    _change(appointment, AppointmentChange.Kind.CHECKED_IN, actor=actor)
    audit_record(
        actor=actor, action="appointment.checked_in", obj=appointment, details={"resident": resident.pk}
    )
    return appointment


@_retry_when_locked
@transaction.atomic
def appointment_complete(*, actor, appointment: Appointment) -> Appointment:
    """Mark a checked-in appointment as held (called when its session is recorded)."""
    _require_may_handle(actor, appointment)
    _lock(appointment)
    _require_status(appointment, "complete")
    appointment.status = Status.COMPLETED
    appointment.save(update_fields=["status"])
    _change(appointment, AppointmentChange.Kind.COMPLETED, actor=actor)
    audit_record(actor=actor, action="appointment.completed", obj=appointment)
    return appointment


@_retry_when_locked
@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment, reason: str) -> Appointment:
    """Cancel a requested or confirmed appointment, with a reason; its time is freed."""
    _require_may_handle(actor, appointment)
    _lock(appointment)
    _require_status(appointment, "cancel")
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Say why the appointment is cancelled.")})
    appointment.status = Status.CANCELLED
    appointment.cancel_reason = reason.strip()[:200]
    appointment.save(update_fields=["status", "cancel_reason"])
    _release_slots(appointment)
    _change(appointment, AppointmentChange.Kind.CANCELLED, actor=actor, note=appointment.cancel_reason)
    audit_record(actor=actor, action="appointment.cancelled", obj=appointment)
    # Told of every cancellation, a request too: the person waits for a call that will not come.
    _queue_cancellation(appointment)
    return appointment


@_retry_when_locked
@transaction.atomic
def appointment_mark_no_show(*, actor, appointment: Appointment, now: datetime | None = None) -> Appointment:
    """Record that nobody came to a confirmed appointment; possible once it has started. Its time
    is freed."""
    _require_may_handle(actor, appointment)
    _lock(appointment)
    _require_status(appointment, "no_show")
    if (now or timezone.now()) < appointment.starts_at:
        raise ValidationError(_("An appointment can be marked as a no-show only once it has started."))
    appointment.status = Status.NO_SHOW
    appointment.save(update_fields=["status"])
    _release_slots(appointment)
    _change(appointment, AppointmentChange.Kind.NO_SHOW, actor=actor)
    audit_record(actor=actor, action="appointment.no_show", obj=appointment)
    return appointment


def appointment_record_view(*, actor, appointment: Appointment) -> None:
    """Opening an appointment shows who asked for help and why: that read is audited."""
    audit_record(actor=actor, action="appointment.viewed", obj=appointment)


# ---------------------------------------------------------------------------------------------
# Reminders (a periodic job, workflow.jobs "appointments.remind")


def appointment_reminders_queue(*, now: datetime | None = None) -> int:
    """Queue one reminder for each confirmed appointment starting tomorrow (local date); return
    how many were queued now. Running it again queues nothing new."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(tomorrow, datetime.min.time()))
    end = start + timedelta(days=1)
    due = Appointment.objects.filter(
        status=Status.CONFIRMED, starts_at__gte=start, starts_at__lt=end
    ).select_related("site", "room", "resident")
    queued = 0
    for appointment in due:
        with transaction.atomic():
            queued += _queue_reminder(appointment)
    return queued
