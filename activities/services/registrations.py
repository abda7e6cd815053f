"""Writes of registrations: sign-up (portal, phone, door), cancelling, the waiting list and its
offers, approval, and the organiser's moves."""

from __future__ import annotations

import secrets
from datetime import datetime
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import (
    PHONE_INDEX_PURPOSE,
    Activity,
    AudienceGroup,
    Family,
    Registration,
)
from confidentiality.services import audit_record
from lib.encryption import blind_index

from .common import (
    LATE_AFTER,
    PORTAL_SIGNUPS,
    RStatus,
    Status,
    _clean_phone,
    _local,
    _lock,
    _name_key,
    _require_manage,
    _tell,
    _tell_status,
    _when_where,
    offer_expiry,
    registration_link,
    seats_left,
)
from .parent_school import _credit


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
