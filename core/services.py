"""Writes of the platform domain."""

from __future__ import annotations

from django.db import transaction

from confidentiality.services import audit_record

from .models import CentreProfile


@transaction.atomic
def centre_profile_update(*, actor, **fields) -> CentreProfile:
    """Save the centre's public profile (one row, created on first save)."""
    profile = CentreProfile.objects.select_for_update().order_by("pk").first() or CentreProfile()
    for name, value in fields.items():
        setattr(profile, name, value)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action="centre_profile.updated", obj=profile)
    return profile


@transaction.atomic
def calendar_days_save(*, actor, first, last=None, kind: str, name: str = "") -> list:
    """Enter a holiday (or a run of them, ``first`` to ``last``) or a make-up working day in the
    centre's calendar; a day already entered takes the new kind and name. Only those who manage
    the calendar may; a run is at most 31 days, so a typo in the year cannot fill a decade."""
    from datetime import timedelta

    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.translation import gettext as _

    from confidentiality import policy

    from .models import CalendarDay
    from .permissions import MANAGE_CALENDAR

    if not policy.has_permission(actor, MANAGE_CALENDAR):
        raise PermissionDenied
    last = last or first
    if last < first:
        raise ValidationError({"last": _("The last day cannot be before the first.")})
    if (last - first).days > 30:
        raise ValidationError({"last": _("Enter at most 31 days at once.")})
    saved = []
    day = first
    while day <= last:
        row = CalendarDay.objects.filter(date=day).first() or CalendarDay(date=day)
        row.kind, row.name = kind, name.strip()
        row.full_clean()
        row.save()
        saved.append(row)
        day += timedelta(days=1)
    audit_record(
        actor=actor,
        action="calendar_day.saved",
        object_type="core.calendarday",
        object_id=saved[0].pk,
        details={"first": first.isoformat(), "last": last.isoformat(), "kind": kind},
    )
    return saved


@transaction.atomic
def calendar_day_delete(*, actor, day) -> None:
    """Remove a day from the centre's calendar (those who manage the calendar)."""
    from django.core.exceptions import PermissionDenied

    from confidentiality import policy

    from .permissions import MANAGE_CALENDAR

    if not policy.has_permission(actor, MANAGE_CALENDAR):
        raise PermissionDenied
    audit_record(
        actor=actor,
        action="calendar_day.deleted",
        object_type="core.calendarday",
        object_id=day.pk,
        details={"date": day.date.isoformat()},
    )
    day.delete()
