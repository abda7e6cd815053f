"""Writes of an activity: create, edit, and its states draft → published → registration closed →
held → summarised, or cancelled before it is held (registrants told through the outbox)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import (
    Activity,
    AudienceGroup,
    Registration,
)
from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import require_not_too_far_ahead

from .common import (
    RStatus,
    Status,
    _lock,
    _require_manage,
    _tell,
    _when_where,
    counted,
)
from .registrations import _offer_free_seats
from .rooms import _check_room

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
