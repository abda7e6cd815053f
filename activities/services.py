"""Writes of activities, registrations, attendance and the parent school (PRG-1, PRG-7).

An activity moves draft → published → registration closed → held → summarised, or is cancelled
before it is held (with a reason; everyone registered is told through the outbox). Its room is
never double booked: not against another activity, not against an appointment (the workflow's
slot claims), and appointments see activities through ``workflow.room_uses``.

Seats = capacity − counted registrations (approved, registered, offered, attended, late). When a
seat frees, the oldest waiting person is offered it with an expiry (``offer_expiry``); the
periodic job expires unanswered offers and offers the next. Every refusal is a sentence, and a
refused write writes nothing.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from core.selectors import centre_profile
from lib.dates import require_not_too_far_ahead
from lib.encryption import blind_index
from lib.identity import InvalidPhone, normalise_phone
from lib.ratelimit import RateLimit
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue
from workflow.models import SlotClaim
from workflow.selectors.appointments import room_resource, slot_minutes

from .models import (
    PHONE_INDEX_PURPOSE,
    Activity,
    AudienceGroup,
    CreditEntry,
    Family,
    Headcount,
    Registration,
    SchoolTarget,
)

Status = Activity.Status
RStatus = Registration.Status

OFFER_HOURS = 24  # an offer waits this long, or half the time left before the start if shorter
LATE_AFTER = timedelta(minutes=15)  # checked in later than this after the start: "late"
DOOR_OPENS_BEFORE = timedelta(hours=1)  # the door's QR check-in works from then until the end
DOOR_CHECKINS = RateLimit("activity-door-checkin", limit=30, window=600)
PORTAL_SIGNUPS = RateLimit("activity-portal-signup", limit=10, window=3600)


# ---------------------------------------------------------------------------------------------
# Helpers


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")


def _require_manage(actor, activity: Activity) -> None:
    if not policy.can_manage_activity(actor, activity):
        raise PermissionDenied


def _lock(activity: Activity) -> Activity:
    """Lock the activity's row: seats are counted and given under this lock."""
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _clean_phone(value: str, *, required: bool) -> str:
    if not (value or "").strip():
        if required:
            raise ValidationError({"phone": _("Give a phone number so that we can reach you.")})
        return ""
    try:
        return normalise_phone(value)
    except InvalidPhone as exc:
        raise ValidationError({"phone": _("Enter a valid phone number, e.g. 13912345678.")}) from exc


def _name_key(name: str) -> str:
    return "".join(name.split()).lower()[:50]


def counted(activity: Activity) -> int:
    return activity.registrations.filter(status__in=Registration.COUNTED).count()


def seats_left(activity: Activity) -> int | None:
    """Free seats (None: no limit)."""
    if activity.capacity is None:
        return None
    return max(0, activity.capacity - counted(activity))


def offer_expiry(activity: Activity, now: datetime) -> datetime:
    """An offer waits 24 hours, or half the time left before the start when that is shorter, so
    that a refused seat can still be offered to the next person in time."""
    left = activity.starts_at - now
    return now + min(timedelta(hours=OFFER_HOURS), left / 2)


def _tell(registration: Registration, *, key: str, subject: str, body: str) -> None:
    if not registration.phone:
        return
    notification_queue(
        kind=Notification.Kind.OTHER,
        dedupe_key=f"activity_registration:{registration.pk}:{key}",
        subject=subject,
        body=body,
        recipient_name=registration.guardian_name or registration.name,
        recipient_address=registration.phone,
        related=registration,
    )


def registration_link(registration: Registration) -> str:
    """The registrant's own page (see, cancel, accept an offer), as their phone reaches it."""
    return absolute_reverse("portal:activity_registration", registration.token)


def _when_where(activity: Activity) -> dict:
    return {
        "title": activity.title,
        "when": _local(activity.starts_at),
        "where": activity.room.name if activity.room_id else (activity.place or activity.site.name),
    }


def _tell_status(registration: Registration) -> None:
    """Tell the registrant what their registration now is: time and place, and their own link."""
    activity = registration.activity
    with translation.override(settings.LANGUAGE_CODE):
        facts = {**_when_where(activity), "link": registration_link(registration)}
        texts = {
            RStatus.REGISTERED: _(
                "You are registered for “%(title)s”, %(when)s at %(where)s. To cancel: %(link)s"
            ),
            RStatus.WAITLISTED: _(
                "“%(title)s” (%(when)s) is full; you are on the waiting list. We will tell you when a "
                "seat frees. To leave the list: %(link)s"
            ),
            RStatus.REQUESTED: _(
                "We received your registration for “%(title)s” (%(when)s); it needs approval. %(link)s"
            ),
            RStatus.APPROVED: _(
                "Your registration for “%(title)s”, %(when)s at %(where)s, is approved. %(link)s"
            ),
            RStatus.REJECTED: _("Sorry, your registration for “%(title)s” (%(when)s) could not be accepted."),
        }
        text = texts.get(registration.status)
        if text is None:
            return
        _tell(
            registration,
            key=f"status:{registration.status}",
            subject=_("Activity registration: %(title)s") % facts,
            body=text % facts,
        )


# ---------------------------------------------------------------------------------------------
# Rooms: never two uses of a room at once


def room_use_of_activities(room_id: int, starts_at: datetime, ends_at: datetime, *, exclude=None) -> str:
    """The first activity (not cancelled) holding the room during the time, in words, or ""."""
    clash = (
        Activity.objects.filter(room_id=room_id, starts_at__lt=ends_at, ends_at__gt=starts_at)
        .exclude(status=Status.CANCELLED)
        .exclude(pk=exclude)
        .order_by("starts_at")
        .first()
    )
    if clash is None:
        return ""
    return _("The room holds the activity “%(title)s” from %(start)s to %(end)s.") % {
        "title": clash.title,
        "start": _local(clash.starts_at),
        "end": f"{timezone.localtime(clash.ends_at):%H:%M}",
    }


def _check_room(activity: Activity) -> None:
    if activity.room_id is None:
        return
    if activity.room.site_id != activity.site_id or not activity.room.is_active:
        raise ValidationError({"room": _("Choose an open room at this site.")})
    used = room_use_of_activities(activity.room_id, activity.starts_at, activity.ends_at, exclude=activity.pk)
    if used:
        raise ValidationError({"room": used})
    # Appointments hold rooms slot by slot: any claimed slot that overlaps the activity clashes.
    slot = timedelta(minutes=slot_minutes())
    claim = (
        SlotClaim.objects.filter(
            resource=room_resource(activity.room_id),
            slot_start__lt=activity.ends_at,
            slot_start__gt=activity.starts_at - slot,
        )
        .order_by("slot_start")
        .first()
    )
    if claim is not None:
        raise ValidationError(
            {
                "room": _("The room is booked for an appointment at %(start)s.")
                % {"start": _local(claim.slot_start)}
            }
        )


# ---------------------------------------------------------------------------------------------
# Activities


EDITABLE = (
    "title",
    "kind",
    "description",
    "audience_groups",
    "site",
    "room",
    "place",
    "starts_at",
    "ends_at",
    "speaker",
    "speaker_external",
    "capacity",
    "waitlist",
    "registration_mode",
    "registration_opens_at",
    "registration_closes_at",
    "credit_hours",
)


def _check_activity(activity: Activity, *, actor) -> None:
    errors = {}
    if not policy.can_hold_activity_at(actor, activity.site):
        errors["site"] = _("Choose a site in your area.")
    if activity.starts_at and activity.ends_at and activity.ends_at <= activity.starts_at:
        errors["ends_at"] = _("The end must be after the start.")
    if activity.starts_at and activity.ends_at and activity.ends_at - activity.starts_at > timedelta(days=31):
        errors["ends_at"] = _(
            "An activity lasts at most a month; enter longer publicity as several activities."
        )
    unknown = [g for g in activity.audience_groups if g not in AudienceGroup.values]
    if unknown:
        errors["audience_groups"] = _("Choose the audience groups from the list.")
    opens, closes = activity.registration_opens_at, activity.registration_closes_at
    if opens and closes and closes <= opens:
        errors["registration_closes_at"] = _("Registration must close after it opens.")
    if closes and activity.ends_at and closes > activity.ends_at:
        errors["registration_closes_at"] = _("Registration must close by the end of the activity.")
    if activity.speaker_id and activity.speaker_external:
        errors["speaker_external"] = _("Give either a staff speaker or an external one, not both.")
    if activity.capacity == 0:
        errors["capacity"] = _("Give at least one seat, or leave the capacity empty for no limit.")
    if errors:
        raise ValidationError(errors)
    require_not_too_far_ahead(activity.starts_at, field="starts_at")
    _check_room(activity)


@transaction.atomic
def activity_create(*, actor, audience_units=(), **fields) -> Activity:
    """Create a draft activity at a site in the organiser's scope. The room (if any) must be free
    of other activities and appointments for the whole time."""
    if not policy.can_organise_activities(actor):
        raise PermissionDenied
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not activity fields: {sorted(unknown)}")
    activity = Activity(**fields, organiser=actor, checkin_token=secrets.token_urlsafe(24))
    activity.audience_groups = list(activity.audience_groups or [])
    _check_activity(activity, actor=actor)
    activity.full_clean()
    activity.save()
    activity.audience_units.set(audience_units)
    audit_record(actor=actor, action="activity.created", obj=activity)
    return activity


@transaction.atomic
def activity_update(*, actor, activity: Activity, audience_units=None, **fields) -> Activity:
    """Change an activity before it is held. More seats offer them to those waiting."""
    _require_manage(actor, activity)
    activity = _lock(activity)
    Activity.ACTIONS.require(activity, "edit")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"Not activity fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(activity, name, value)
    _check_activity(activity, actor=actor)
    if activity.capacity is not None and activity.capacity < counted(activity):
        raise ValidationError(
            {
                "capacity": _("%(n)s people already hold seats; move some to the waiting list first.")
                % {"n": counted(activity)}
            }
        )
    activity.full_clean()
    activity.save()
    if audience_units is not None:
        activity.audience_units.set(audience_units)
    audit_record(actor=actor, action="activity.updated", obj=activity, details={"fields": sorted(fields)})
    _offer_free_seats(activity, now=timezone.now())
    return activity


def _transition(*, actor, activity: Activity, action: str, to: str, **extra) -> Activity:
    _require_manage(actor, activity)
    activity = _lock(activity)
    Activity.ACTIONS.require(activity, action)
    activity.status = to
    for name, value in extra.items():
        setattr(activity, name, value)
    activity.full_clean()
    activity.save()
    return activity


@transaction.atomic
def activity_publish(*, actor, activity: Activity) -> Activity:
    """Publish a draft: it appears on the portal and takes registrations in its window."""
    activity = _transition(
        actor=actor,
        activity=activity,
        action="publish",
        to=Status.PUBLISHED,
    )
    audit_record(actor=actor, action="activity.published", obj=activity)
    return activity


@transaction.atomic
def activity_close_registration(*, actor, activity: Activity) -> Activity:
    activity = _transition(
        actor=actor,
        activity=activity,
        action="close_registration",
        to=Status.REGISTRATION_CLOSED,
    )
    audit_record(actor=actor, action="activity.registration_closed", obj=activity)
    return activity


@transaction.atomic
def activity_reopen_registration(*, actor, activity: Activity) -> Activity:
    activity = _transition(
        actor=actor,
        activity=activity,
        action="reopen_registration",
        to=Status.PUBLISHED,
    )
    audit_record(actor=actor, action="activity.registration_reopened", obj=activity)
    return activity


@transaction.atomic
def activity_hold(*, actor, activity: Activity, now: datetime | None = None) -> Activity:
    """Mark the activity held once it has started. Those holding a seat who were not checked in
    are recorded as not having come; offers still open lapse."""
    now = now or timezone.now()
    if activity.starts_at > now:
        raise ValidationError(_("An activity can be marked held only once it has started."))
    activity = _transition(
        actor=actor,
        activity=activity,
        action="hold",
        to=Status.HELD,
    )
    audit_record(actor=actor, action="activity.held", obj=activity)
    activity.registrations.filter(status__in=(RStatus.REGISTERED, RStatus.APPROVED)).update(
        status=RStatus.NO_SHOW
    )
    activity.registrations.filter(status=RStatus.OFFERED).update(status=RStatus.EXPIRED)
    return activity


@transaction.atomic
def activity_summarise(*, actor, activity: Activity, summary: str) -> Activity:
    summary = (summary or "").strip()
    if not summary:
        raise ValidationError({"summary": _("Write a short summary of the activity.")})
    activity = _transition(
        actor=actor,
        activity=activity,
        action="summarise",
        to=Status.SUMMARISED,
        summary=summary[:5000],
    )
    audit_record(actor=actor, action="activity.summarised", obj=activity)
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str) -> Activity:
    """Cancel an activity before it is held, with a reason; everyone registered, approved,
    offered, requested or waiting is told through the outbox."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the activity is cancelled.")})
    activity = _transition(
        actor=actor,
        activity=activity,
        action="cancel",
        to=Status.CANCELLED,
        cancel_reason=reason[:200],
    )
    audit_record(actor=actor, action="activity.cancelled", obj=activity)
    told = activity.registrations.filter(
        status__in=(*Registration.COUNTED, RStatus.REQUESTED, RStatus.WAITLISTED)
    ).select_related("activity__site", "activity__room")
    with translation.override(settings.LANGUAGE_CODE):
        for registration in told:
            facts = _when_where(activity)
            _tell(
                registration,
                key="activity_cancelled",
                subject=_("Activity cancelled: %(title)s") % facts,
                body=_("Sorry: “%(title)s” (%(when)s) will not take place.") % facts
                + " "
                + _("Reason: %(reason)s") % {"reason": activity.cancel_reason},
            )
    return activity


# ---------------------------------------------------------------------------------------------
# Registrations


def _match_resident(name: str, phone_index: str):
    """The one resident with this name and phone, if exactly one: attendance then appears on
    their timeline. Anything less certain stays unlinked."""
    from archives.models import Resident

    if not phone_index:
        return None
    matches = list(Resident.objects.filter(phone_index=phone_index, name=name, is_anonymised=False)[:2])
    return matches[0] if len(matches) == 1 else None


def _match_family(activity: Activity, phone_index: str):
    if activity.kind != Activity.Kind.PARENT_SCHOOL or not phone_index:
        return None
    unit_path = activity.site.org_unit.path
    for family in Family.objects.filter(guardian_phone_index=phone_index).select_related("school"):
        if unit_path.startswith(family.school.path) or family.school.path.startswith(unit_path):
            return family
    return None


def _window_problem(activity: Activity, now: datetime) -> str:
    if activity.status == Status.CANCELLED:
        return _("This activity has been cancelled; it takes no registrations.")
    if not activity.takes_names:
        return _("This activity takes no registration: just come.")
    if not Activity.ACTIONS.allows(activity, "register"):
        return _("Registration for this activity is closed.")
    opens = activity.registration_opens_at
    closes = activity.registration_closes_at or activity.starts_at
    if opens and now < opens:
        return _("Registration opens on %(when)s.") % {"when": _local(opens)}
    if now >= closes:
        return _("Registration closed on %(when)s.") % {"when": _local(closes)}
    return ""


@transaction.atomic
def registration_create(
    *,
    actor=None,
    activity: Activity,
    name: str,
    phone: str = "",
    guardian_name: str = "",
    audience_group: str = "",
    channel: str,
    request_key: UUID | str | None = None,
    client_ip: str | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register a person for an activity: on the portal (``actor=None``), by phone or at the door
    by staff who manage the activity.

    Refused: a cancelled activity, one that takes no names, outside the registration window
    (portal and phone), an invitation-only activity on the portal, the same person (name and
    phone) twice, and a full activity without a waiting list. With a free seat the person is
    registered (or, where registration needs approval, asks for it); when full, they wait.
    A walk-in is checked in at once.
    """
    now = now or timezone.now()
    if request_key:
        existing = Registration.objects.filter(request_key=request_key).first()
        if existing is not None:
            return existing  # a double submit of the same form
    if channel == Registration.Channel.PORTAL:
        if actor is not None:
            raise ValueError("A portal registration has no staff actor.")
        if client_ip is not None and PORTAL_SIGNUPS.exceeded(client_ip):
            raise ValidationError(
                _("We have received many registrations from this connection. Please call us instead.")
            )
    else:
        _require_manage(actor, activity)
    activity = _lock(activity)
    walk_in = channel == Registration.Channel.WALK_IN
    if walk_in:
        if activity.status == Status.CANCELLED:
            raise ValidationError(_("This activity has been cancelled; it takes no registrations."))
        Activity.ACTIONS.require(
            activity, "walk_in", _("People can be added at the door only before the activity is marked held.")
        )
    else:
        problem = _window_problem(activity, now)
        if problem:
            raise ValidationError(problem)
        if channel == Registration.Channel.PORTAL and activity.registration_mode == Activity.Mode.INVITE:
            raise ValidationError(_("This activity is by invitation only."))
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("Give the name of the person who will come.")})
    if len(name) > 50:
        raise ValidationError({"name": _("Keep the name under 50 characters.")})
    phone = _clean_phone(phone, required=not walk_in)
    index = blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone else ""
    if activity.audience_groups:
        audience_group = audience_group or activity.audience_groups[0]
        if audience_group not in activity.audience_groups:
            raise ValidationError({"audience_group": _("Choose one of this activity's audience groups.")})
    elif audience_group and audience_group not in AudienceGroup.values:
        raise ValidationError({"audience_group": _("Choose the audience groups from the list.")})
    key = _name_key(name)
    if (
        index
        and activity.registrations.filter(
            name_key=key, phone_index=index, status__in=Registration.LIVE
        ).exists()
    ):
        raise ValidationError(
            _("%(name)s is already registered for this activity with this phone.") % {"name": name}
        )
    free = seats_left(activity)
    if walk_in:
        if free == 0:
            raise ValidationError(_("The activity is full: nobody more can be admitted."))
        status = RStatus.ATTENDED if now <= activity.starts_at + LATE_AFTER else RStatus.LATE
    elif free == 0:
        if not activity.waitlist:
            raise ValidationError(_("The activity is full and keeps no waiting list."))
        status = RStatus.WAITLISTED
    elif activity.registration_mode == Activity.Mode.APPROVAL and channel == Registration.Channel.PORTAL:
        status = RStatus.REQUESTED
    else:
        status = RStatus.REGISTERED
    registration = Registration(
        activity=activity,
        name=name,
        name_key=key,
        guardian_name=(guardian_name or "").strip()[:50],
        phone=phone,
        phone_index=index,
        audience_group=audience_group or AudienceGroup.RESIDENTS,
        channel=channel,
        status=status,
        waitlisted_at=now if status == RStatus.WAITLISTED else None,
        checked_in_at=now if walk_in else None,
        token=secrets.token_urlsafe(24),
        request_key=request_key or None,
        created_by=actor if actor is not None else None,
        resident=_match_resident(name, index),
        family=_match_family(activity, index),
    )
    registration.full_clean(exclude=["request_key", "token", "phone_index"])
    try:
        with transaction.atomic():
            registration.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("%(name)s is already registered for this activity with this phone.") % {"name": name}
        ) from exc
    audit_record(
        actor=actor,
        action="activity_registration.created",
        obj=registration,
        details={"activity": activity.pk, "channel": channel, "status": status},
        client_ip=client_ip,
    )
    if channel == Registration.Channel.PORTAL and client_ip is not None:
        PORTAL_SIGNUPS.hit(client_ip)
    if walk_in:
        _credit(registration)
    else:
        _tell_status(registration)
    return registration


def _may_act_for(actor, registration: Registration, token: str | None) -> None:
    """The registrant (with their own link's token) or staff who manage the activity."""
    if token is not None:
        if not secrets.compare_digest(token, registration.token):
            raise PermissionDenied
        return
    _require_manage(actor, registration.activity)


def _locked_registration(registration: Registration) -> tuple[Activity, Registration]:
    activity = _lock(registration.activity)
    return activity, Registration.objects.select_for_update().get(pk=registration.pk)


@transaction.atomic
def registration_cancel(
    *, actor=None, registration: Registration, token: str | None = None, now: datetime | None = None
) -> Registration:
    """Cancel a registration (the registrant with their link, or staff), before the activity is
    held. A seat it held is offered to the oldest waiting person."""
    now = now or timezone.now()
    _may_act_for(actor, registration, token)
    activity, registration = _locked_registration(registration)
    if activity.status in (Status.HELD, Status.SUMMARISED, Status.CANCELLED):
        raise ValidationError(
            _("This activity is over or cancelled: the registration can no longer be changed.")
        )
    Registration.ACTIONS.require(registration, "cancel", _("This registration can no longer be cancelled."))
    held_seat = registration.status in Registration.COUNTED
    registration.status = RStatus.CANCELLED
    registration.cancelled_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "offer_expires_at"])
    audit_record(actor=actor, action="activity_registration.cancelled", obj=registration)
    if held_seat:
        _offer_free_seats(activity, now=now)
    return registration


def _offer(registration: Registration, *, now: datetime) -> None:
    activity = registration.activity
    registration.status = RStatus.OFFERED
    registration.offered_at = now
    registration.offer_expires_at = offer_expiry(activity, now)
    registration.save(update_fields=["status", "offered_at", "offer_expires_at"])
    audit_record(
        actor=None,
        action="activity_registration.offered",
        obj=registration,
        details={"until": registration.offer_expires_at.isoformat()},
    )
    with translation.override(settings.LANGUAGE_CODE):
        facts = {
            **_when_where(activity),
            "until": _local(registration.offer_expires_at),
            "link": registration_link(registration),
        }
        _tell(
            registration,
            key=f"offer:{registration.offered_at.isoformat()}",
            subject=_("A seat is free: %(title)s") % facts,
            body=_(
                "A seat is free for “%(title)s”, %(when)s at %(where)s. Accept it by %(until)s, "
                "or it goes to the next person: %(link)s"
            )
            % facts,
        )


def _offer_free_seats(activity: Activity, *, now: datetime) -> int:
    """Offer every free seat to the oldest waiting people (none once the activity has started)."""
    if activity.status not in (Status.PUBLISHED, Status.REGISTRATION_CLOSED) or activity.starts_at <= now:
        return 0
    free = seats_left(activity)
    waiting = activity.registrations.filter(status=RStatus.WAITLISTED).order_by("waitlisted_at", "pk")
    if free is not None:
        waiting = waiting[:free]
    offered = 0
    for registration in waiting.select_related("activity__site", "activity__room"):
        _offer(registration, now=now)
        offered += 1
    return offered


def _expire(registration: Registration) -> None:
    registration.status = RStatus.EXPIRED
    registration.save(update_fields=["status"])
    audit_record(actor=None, action="activity_registration.expired", obj=registration)


@transaction.atomic
def registration_accept_offer(
    *, registration: Registration, token: str, now: datetime | None = None
) -> Registration:
    """The person offered a seat takes it, with their own link, before the offer expires."""
    now = now or timezone.now()
    _may_act_for(None, registration, token)
    activity, registration = _locked_registration(registration)
    Registration.ACTIONS.require(registration, "accept", _("There is no open offer on this registration."))
    if registration.offer_expires_at is not None and registration.offer_expires_at <= now:
        _expire(registration)
        _offer_free_seats(activity, now=now)
        raise ValidationError(
            _("Sorry: the offer expired on %(when)s.") % {"when": _local(registration.offer_expires_at)}
        )
    registration.status = RStatus.REGISTERED
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "offer_expires_at"])
    audit_record(actor=None, action="activity_registration.accepted", obj=registration)
    _tell_status(registration)
    return registration


def registration_offers_expire(*, now: datetime | None = None) -> int:
    """The periodic job: offers past their expiry lapse and the seat goes to the next waiting
    person; seats freed any other way (a move, more capacity) are offered too. Returns the
    number of offers made."""
    now = now or timezone.now()
    made = 0
    due = (
        Activity.objects.filter(status__in=(Status.PUBLISHED, Status.REGISTRATION_CLOSED), starts_at__gt=now)
        .filter(registrations__status__in=(RStatus.OFFERED, RStatus.WAITLISTED))
        .distinct()
    )
    for activity_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            activity = Activity.objects.select_for_update().get(pk=activity_id)
            for registration in activity.registrations.filter(
                status=RStatus.OFFERED, offer_expires_at__lte=now
            ):
                _expire(registration)
            made += _offer_free_seats(activity, now=now)
    return made


@transaction.atomic
def registration_decide(*, actor, registration: Registration, approve: bool) -> Registration:
    """Approve or reject a request (registration needing approval). An approval needs a free
    seat; when the activity is full the person waits instead (or, without a waiting list, the
    approval is refused)."""
    _require_manage(actor, registration.activity)
    activity, registration = _locked_registration(registration)
    Registration.ACTIONS.require(
        registration, "approve", _("This registration is not waiting for a decision.")
    )
    if not approve:
        registration.status = RStatus.REJECTED
    elif seats_left(activity) == 0:
        if not activity.waitlist:
            raise ValidationError(_("The activity is full and keeps no waiting list."))
        registration.status = RStatus.WAITLISTED
        registration.waitlisted_at = timezone.now()
    else:
        registration.status = RStatus.APPROVED
    registration.save(update_fields=["status", "waitlisted_at"])
    audit_record(
        actor=actor,
        action="activity_registration.approved" if approve else "activity_registration.rejected",
        obj=registration,
    )
    _tell_status(registration)
    return registration


@transaction.atomic
def registration_move(*, actor, registration: Registration, to: str, reason: str) -> Registration:
    """The organiser moves a person between a seat and the waiting list, with a reason (audited).
    A move to a seat needs a free one: move someone else to the waiting list first. A person
    moved to the waiting list joins its end."""
    _require_manage(actor, registration.activity)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the person is moved.")})
    activity, registration = _locked_registration(registration)
    Activity.ACTIONS.require(activity, "move", _("People can be moved only before the activity is held."))
    before = registration.status
    if to == "seat":
        Registration.ACTIONS.require(registration, "move_to_seat", _("This person does not wait for a seat."))
        if seats_left(activity) == 0:
            raise ValidationError(_("There is no free seat: move someone to the waiting list first."))
        registration.status = RStatus.REGISTERED
        registration.offer_expires_at = None
    elif to == "waitlist":
        Registration.ACTIONS.require(registration, "move_to_waitlist", _("This person holds no seat."))
        registration.status = RStatus.WAITLISTED
        registration.waitlisted_at = timezone.now()
        registration.offer_expires_at = None
    else:
        raise ValidationError({"to": _("Choose where to move the person.")})
    registration.save(update_fields=["status", "waitlisted_at", "offer_expires_at"])
    audit_record(
        actor=actor,
        action="activity_registration.moved",
        obj=registration,
        reason=reason[:200],
        details={"from": before, "to": registration.status},
    )
    _tell_status(registration)
    return registration


def _credit(registration: Registration) -> None:
    """An attended parent-school session adds its hours to the family's ledger, once."""
    activity = registration.activity
    if activity.kind != Activity.Kind.PARENT_SCHOOL or registration.family_id is None:
        return
    CreditEntry.objects.get_or_create(
        registration=registration,
        defaults={
            "family_id": registration.family_id,
            "activity": activity,
            "hours": activity.hours,
            "year": timezone.localtime(activity.starts_at).year,
        },
    )


def _check_in(registration: Registration, *, actor, now: datetime, via: str) -> Registration:
    activity = registration.activity
    Activity.ACTIONS.require(
        activity, "attendance", _("Attendance is recorded only for an activity that is on or held.")
    )
    if registration.status in Registration.PRESENT:
        return registration  # scanned or ticked twice: one attendance
    Registration.ACTIONS.require(
        registration, "check_in", _("%(name)s has no seat for this activity.") % {"name": registration.name}
    )
    if now < activity.starts_at - DOOR_OPENS_BEFORE:
        raise ValidationError(_("Check-in opens an hour before the start."))
    registration.status = RStatus.ATTENDED if now <= activity.starts_at + LATE_AFTER else RStatus.LATE
    registration.checked_in_at = now
    registration.offer_expires_at = None
    registration.save(update_fields=["status", "checked_in_at", "offer_expires_at"])
    audit_record(
        actor=actor, action="activity_registration.checked_in", obj=registration, details={"via": via}
    )
    _credit(registration)
    return registration


@transaction.atomic
def registration_check_in(
    *, actor, registration: Registration, now: datetime | None = None, via: str = "roster"
) -> Registration:
    """Record that a registered person came (ticking the roster, or staff scanning). Idempotent:
    checking in twice is one attendance. Late when more than 15 minutes after the start."""
    _require_manage(actor, registration.activity)
    _activity, registration = _locked_registration(registration)
    return _check_in(registration, actor=actor, now=now or timezone.now(), via=via)


@transaction.atomic
def registration_check_in_at_door(
    *, checkin_token: str, phone: str, client_ip: str | None = None, now: datetime | None = None
) -> list[Registration]:
    """The door's QR code: a registrant scans it and gives the phone they registered with; every
    seat held with that phone is checked in. Idempotent (scanning twice is one attendance), open
    from an hour before the start to the end, and limited per client address."""
    now = now or timezone.now()
    if client_ip is not None and DOOR_CHECKINS.exceeded(client_ip):
        raise ValidationError(_("Too many attempts from this connection; please ask at the door."))
    activity = Activity.objects.filter(checkin_token=checkin_token).first()
    if activity is None:
        raise ValidationError(_("This check-in code is not valid."))
    if not (activity.starts_at - DOOR_OPENS_BEFORE <= now <= activity.ends_at):
        raise ValidationError(_("Check-in is open from an hour before the start until the end."))
    phone = _clean_phone(phone, required=True)
    if client_ip is not None:
        DOOR_CHECKINS.hit(client_ip)
    activity = _lock(activity)
    index = blind_index(phone, purpose=PHONE_INDEX_PURPOSE)
    rows = list(
        activity.registrations.select_for_update()
        .filter(phone_index=index, status__in=(*Registration.COUNTED, RStatus.NO_SHOW))
        .order_by("pk")
    )
    if not rows:
        raise ValidationError({"phone": _("No registration with this phone; please ask at the door.")})
    return [_check_in(row, actor=None, now=now, via="qr") for row in rows]


@transaction.atomic
def headcount_record(*, actor, activity: Activity, audience_group: str, count: int, method: str) -> Headcount:
    """Record (or correct) how many people of one audience group came where names are not
    taken, counted or estimated. It is never added to the named attendance."""
    _require_manage(actor, activity)
    activity = _lock(activity)
    Activity.ACTIONS.require(
        activity, "attendance", _("Headcounts are recorded only for an activity that is on or held.")
    )
    if audience_group not in AudienceGroup.values or (
        activity.audience_groups and audience_group not in activity.audience_groups
    ):
        raise ValidationError({"audience_group": _("Choose one of this activity's audience groups.")})
    if method not in Headcount.Method.values:
        raise ValidationError({"method": _("Say whether the number was counted or estimated.")})
    try:
        count = int(count)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= 100000:
        raise ValidationError({"count": _("Give a number of people from 0 to 100000.")})
    headcount, _created = Headcount.objects.update_or_create(
        activity=activity,
        audience_group=audience_group,
        defaults={"count": count, "method": method, "recorded_by": actor},
    )
    audit_record(
        actor=actor,
        action="activity.headcount_recorded",
        obj=activity,
        details={"group": audience_group, "count": count, "method": method},
    )
    return headcount


@transaction.atomic
def activity_feedback_issue(*, actor, activity: Activity) -> int:
    """After the event, give each person who came (with a phone) a one-time link of the existing
    satisfaction survey, queued to their phone. Issuing again gives nobody a second link."""
    from workflow.services.satisfaction import satisfaction_link, satisfaction_survey_issue_for_subject

    _require_manage(actor, activity)
    activity = _lock(activity)
    Activity.ACTIONS.require(activity, "feedback", _("Feedback is asked for after the activity is held."))
    issued = 0
    present = activity.registrations.filter(status__in=Registration.PRESENT).exclude(phone_index="")
    for registration in present.select_related("resident"):
        survey, created = satisfaction_survey_issue_for_subject(
            actor=actor, subject=registration, label=activity.title, resident=registration.resident
        )
        if not created:
            continue
        issued += 1
        with translation.override(settings.LANGUAGE_CODE):
            centre = centre_profile().name
            _tell(
                registration,
                key="feedback",
                subject=_("How was “%(title)s”?") % {"title": activity.title},
                body=_(
                    "Thank you for coming to “%(title)s” at %(centre)s. "
                    "Please tell us how it was (1 to 5 stars): %(link)s"
                )
                % {"title": activity.title, "centre": centre, "link": satisfaction_link(survey)},
            )
    audit_record(actor=actor, action="activity.feedback_issued", obj=activity, details={"issued": issued})
    return issued


# ---------------------------------------------------------------------------------------------
# The parent school


@transaction.atomic
def family_create(*, actor, school, guardian_name: str, guardian_phone: str, students=()) -> Family:
    """A parent-school family: a guardian of students of a school in the person's scope. The
    guardian's phone links their registrations to the family's ledger."""
    family = Family(school=school, guardian_name=(guardian_name or "").strip())
    if not policy.can_manage_family(actor, family):
        raise PermissionDenied
    if not school.is_school_branch:
        raise ValidationError({"school": _("Choose a school.")})
    if not family.guardian_name:
        raise ValidationError({"guardian_name": _("Give the guardian's name.")})
    phone = _clean_phone(guardian_phone, required=True)
    family.guardian_phone = phone
    family.guardian_phone_index = blind_index(phone, purpose=PHONE_INDEX_PURPOSE)
    family.full_clean(exclude=["guardian_phone_index"])
    family.save()
    family.students.set(students)
    audit_record(actor=actor, action="family.created", obj=family)
    return family


@transaction.atomic
def school_target_save(
    *, actor, school, sessions: int, hours: Decimal, attendance_percent: int, satisfaction_percent: int
) -> SchoolTarget:
    """A school's yearly parent-school target."""
    if not policy.can_manage_family(actor, Family(school=school)):
        raise PermissionDenied
    target, _created = SchoolTarget.objects.get_or_create(school=school)
    target.sessions, target.hours = sessions, hours
    target.attendance_percent, target.satisfaction_percent = attendance_percent, satisfaction_percent
    target.full_clean()
    target.save()
    audit_record(actor=actor, action="school_target.saved", obj=target)
    return target
