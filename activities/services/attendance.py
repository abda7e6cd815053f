"""Attendance: check-in by the roster or the door's QR code (idempotent), headcounts where names
are not taken, and feedback links after the event."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import (
    PHONE_INDEX_PURPOSE,
    Activity,
    AudienceGroup,
    Headcount,
    Registration,
)
from confidentiality.services import audit_record
from core.selectors import centre_profile
from lib.encryption import blind_index

from .common import (
    DOOR_CHECKINS,
    DOOR_OPENS_BEFORE,
    LATE_AFTER,
    RStatus,
    _clean_phone,
    _lock,
    _require_manage,
    _tell,
)
from .parent_school import _credit
from .registrations import _locked_registration


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
