"""What every write of activities shares: the seat count, the offer's expiry, locking, phones, and
telling a registrant through the outbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    Registration,
)
from confidentiality import policy
from lib.identity import InvalidPhone, normalise_phone
from lib.ratelimit import RateLimit
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue

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
