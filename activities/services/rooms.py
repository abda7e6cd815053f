"""Rooms: never two uses of a room at once, not against another activity, not against an
appointment (the workflow's slot claims)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
)
from workflow.models import SlotClaim
from workflow.selectors.appointments import room_resource, slot_minutes

from .common import (
    Status,
    _local,
)


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
