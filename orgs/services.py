"""Writes of the organisation domain (ORG-1, ORG-2). Every change is audited."""

from __future__ import annotations

from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import AHEAD_DAYS_LONG, require_not_too_far_ahead

from .models import DutyException, DutyShift, OpeningHours, OrgUnit, Room, ServiceSite
from .roster_clashes import CANCEL, REASSIGN, RESCHEDULE, resolve_roster_clashes, roster_clashes


@transaction.atomic
def org_unit_create(*, actor, name: str, kind: str, parent: OrgUnit | None, code: str = "") -> OrgUnit:
    """Add a unit to the tree. Kinds nest as the tree allows (a grid sits in a community…)."""
    unit = OrgUnit(name=name.strip(), kind=kind, code=code.strip())
    unit.clean_parent_kind(parent)
    # Treebeard fills path/depth on insert; validate the rest of the fields first.
    unit.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        unit = OrgUnit.objects.add_root(instance=unit)
    else:
        parent = OrgUnit.objects.get(pk=parent.pk)  # fresh numchild/path for treebeard
        unit = OrgUnit.objects.add_child(parent, instance=unit)
    audit_record(
        actor=actor, action="org_unit.created", obj=unit, details={"parent": parent.pk if parent else None}
    )
    return unit


@transaction.atomic
def org_unit_update(*, actor, unit: OrgUnit, name: str, code: str = "", is_active: bool = True) -> OrgUnit:
    """Rename or (de)activate a unit. A unit with active staff in it cannot be deactivated."""
    if not is_active and unit.is_active:
        from django.contrib.auth import get_user_model

        scoped = get_user_model().objects.filter(org_unit__path__startswith=unit.path, is_active=True)
        if scoped.exists():
            raise ValidationError(_("Staff still work in this unit or below it; move them first."))
    unit.name = name.strip()
    unit.code = code.strip()
    unit.is_active = is_active
    unit.full_clean(exclude=["path", "depth", "numchild"])
    unit.save(update_fields=["name", "code", "is_active"])
    audit_record(actor=actor, action="org_unit.updated", obj=unit, details={"is_active": is_active})
    return unit


@transaction.atomic
def service_site_create(
    *, actor, name: str, org_unit: OrgUnit, address: str = "", phone: str = ""
) -> ServiceSite:
    site = ServiceSite(name=name.strip(), org_unit=org_unit, address=address.strip(), phone=phone.strip())
    site.full_clean()
    site.save()
    audit_record(actor=actor, action="service_site.created", obj=site)
    return site


@transaction.atomic
def service_site_update(
    *,
    actor,
    site: ServiceSite,
    name: str,
    org_unit: OrgUnit,
    address: str = "",
    phone: str = "",
    is_active: bool = True,
) -> ServiceSite:
    site.name = name.strip()
    site.org_unit = org_unit
    site.address = address.strip()
    site.phone = phone.strip()
    site.is_active = is_active
    site.full_clean()
    site.save(update_fields=["name", "org_unit", "address", "phone", "is_active"])
    audit_record(actor=actor, action="service_site.updated", obj=site)
    return site


@transaction.atomic
def room_create(*, actor, site: ServiceSite, name: str, kind: str, capacity: int) -> Room:
    room = Room(site=site, name=name.strip(), kind=kind, capacity=capacity)
    room.full_clean()
    room.save()
    audit_record(actor=actor, action="room.created", obj=room, details={"site": site.pk})
    return room


@transaction.atomic
def room_update(*, actor, room: Room, name: str, kind: str, capacity: int, is_active: bool = True) -> Room:
    room.name = name.strip()
    room.kind = kind
    room.capacity = capacity
    room.is_active = is_active
    room.full_clean()
    room.save(update_fields=["name", "kind", "capacity", "is_active"])
    audit_record(actor=actor, action="room.updated", obj=room)
    return room


@transaction.atomic
def opening_hours_add(*, actor, site: ServiceSite, weekday: int, opens: time, closes: time) -> OpeningHours:
    """Add an opening period; periods of one site on one day may not overlap."""
    hours = OpeningHours(site=site, weekday=weekday, opens=opens, closes=closes)
    hours.full_clean()
    overlapping = OpeningHours.objects.filter(site=site, weekday=weekday, opens__lt=closes, closes__gt=opens)
    if overlapping.exists():
        raise ValidationError(_("This period overlaps another opening period on the same day."))
    hours.save()
    audit_record(actor=actor, action="opening_hours.added", obj=site, details={"weekday": weekday})
    return hours


@transaction.atomic
def opening_hours_remove(*, actor, hours: OpeningHours) -> None:
    site = hours.site
    detail = {"weekday": hours.weekday, "opens": hours.opens.isoformat(), "closes": hours.closes.isoformat()}
    hours.delete()
    audit_record(actor=actor, action="opening_hours.removed", obj=site, details=detail)


# ---------------------------------------------------------------------------------------------
# Duty roster (ORG-3). Callers check MANAGE_ROSTER and the site's scope (confidentiality.policy);
# these functions keep the roster consistent and audited, so that seeding can call them too.


def _periods_overlap(first_from, first_until, second_from, second_until) -> bool:
    """Whether two validity periods share a day (``None`` as the end means open-ended)."""
    return (second_until is None or second_until >= first_from) and (
        first_until is None or first_until >= second_from
    )


def _overlapping_shift(shift: DutyShift, **same) -> DutyShift | None:
    candidates = DutyShift.objects.filter(
        weekday=shift.weekday, starts__lt=shift.ends, ends__gt=shift.starts, **same
    ).select_related("counsellor", "room__site")
    for other in candidates:
        if _periods_overlap(shift.valid_from, shift.valid_until, other.valid_from, other.valid_until):
            return other
    return None


@transaction.atomic
def duty_shift_add(
    *,
    actor,
    counsellor,
    room: Room,
    weekday: int,
    starts: time,
    ends: time,
    valid_from: date,
    valid_until: date | None = None,
) -> DutyShift:
    """Put a counsellor on duty in a room every week on ``weekday`` from ``starts`` to ``ends``.

    The counsellor must be active staff in a counselling role and the room open. Neither the
    counsellor nor the room may be on two overlapping shifts in the same weeks.
    """
    shift = DutyShift(
        counsellor=counsellor,
        room=room,
        weekday=weekday,
        starts=starts,
        ends=ends,
        valid_from=valid_from,
        valid_until=valid_until,
    )
    shift.full_clean()
    require_not_too_far_ahead(valid_from, field="valid_from")
    require_not_too_far_ahead(valid_until, field="valid_until", days=AHEAD_DAYS_LONG)
    if not policy.can_be_on_duty(counsellor):
        raise ValidationError({"counsellor": _("Only active counselling staff can be put on duty.")})
    if not room.is_active or not room.site.is_active:
        raise ValidationError({"room": _("This room is closed; choose an open room.")})
    clash = _overlapping_shift(shift, counsellor=counsellor)
    if clash is not None:
        raise ValidationError(
            {
                "starts": _("%(name)s is already on duty then: %(shift)s in %(room)s.")
                % {"name": counsellor, "shift": clash, "room": clash.room}
            }
        )
    clash = _overlapping_shift(shift, room=room)
    if clash is not None:
        raise ValidationError(
            {
                "room": _("%(room)s is already taken then: %(shift)s by %(name)s.")
                % {"room": room, "shift": clash, "name": clash.counsellor}
            }
        )
    shift.save()
    audit_record(
        actor=actor,
        action="duty_shift.added",
        obj=shift,
        details={"counsellor": counsellor.pk, "room": room.pk, "weekday": weekday},
    )
    return shift


@transaction.atomic
def duty_shift_end(*, actor, shift: DutyShift, last_day: date) -> DutyShift | None:
    """End a weekly shift after ``last_day``; earlier weeks stay in the roster as they were.

    A shift that would end before it starts never applied: it is removed (returns ``None``).
    """
    if shift.valid_until is not None and last_day >= shift.valid_until:
        raise ValidationError(
            {"last_day": _("This shift already ends on %(day)s.") % {"day": shift.valid_until}}
        )
    if last_day < shift.valid_from:
        details = {"counsellor": shift.counsellor_id, "room": shift.room_id, "weekday": shift.weekday}
        audit_record(actor=actor, action="duty_shift.removed", obj=shift, details=details)
        shift.delete()
        return None
    shift.valid_until = last_day
    shift.full_clean()
    shift.save(update_fields=["valid_until"])
    audit_record(
        actor=actor, action="duty_shift.ended", obj=shift, details={"last_day": last_day.isoformat()}
    )
    return shift


@transaction.atomic
def duty_exception_add(
    *,
    actor,
    kind: str,
    starts_on: date,
    ends_on: date,
    counsellor=None,
    room: Room | None = None,
    note: str = "",
    decision: str = "",
    reassign_to=None,
) -> DutyException:
    """Take days off the weekly pattern: a counsellor's leave, a closed room, or a holiday.

    An exception applies to every shift it matches: leave to the counsellor's shifts, a closed
    room to the room's, a holiday with neither to all of them. When it falls on booked
    appointments (``roster_clashes``), it is refused until a decision is taken for them: hand them
    to another counsellor (leave only), keep them as work to reschedule, or cancel them with a
    message to each resident. The decision is carried out in the same transaction, so a booking
    that cannot be handed over leaves neither the leave nor half the changes behind.
    """
    exception = DutyException(
        kind=kind,
        starts_on=starts_on,
        ends_on=ends_on,
        counsellor=counsellor,
        room=room,
        note=note.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    exception.full_clean(exclude=["created_by"])
    require_not_too_far_ahead(starts_on, field="starts_on")
    require_not_too_far_ahead(ends_on, field="ends_on", days=AHEAD_DAYS_LONG)
    clashes = roster_clashes(actor=actor, exception=exception)
    if clashes:
        _require_clash_decision(exception, clashes, decision=decision, reassign_to=reassign_to)
    exception.save()
    audit_record(
        actor=actor,
        action="duty_exception.added",
        obj=exception,
        details={
            "kind": kind,
            "counsellor": exception.counsellor_id,
            "room": exception.room_id,
            "clashes": len(clashes),
            "decision": decision if clashes else "",
        },
    )
    if clashes:
        resolve_roster_clashes(
            actor=actor, exception=exception, decision=decision, clashes=clashes, reassign_to=reassign_to
        )
    return exception


def _require_clash_decision(exception: DutyException, clashes, *, decision: str, reassign_to) -> None:
    if decision not in {REASSIGN, RESCHEDULE, CANCEL}:
        raise ValidationError(
            {
                "decision": ngettext(
                    "%(count)d booked appointment falls in this period: choose what happens to it.",
                    "%(count)d booked appointments fall in this period: choose what happens to them.",
                    len(clashes),
                )
                % {"count": len(clashes)}
            }
        )
    if decision != REASSIGN:
        return
    if exception.kind != DutyException.Kind.LEAVE:
        raise ValidationError(
            {"decision": _("Only a counsellor's leave can be handed over; reschedule or cancel these.")}
        )
    if reassign_to is None:
        raise ValidationError({"reassign_to": _("Choose the counsellor who takes them over.")})
    if reassign_to.pk == exception.counsellor_id:
        raise ValidationError({"reassign_to": _("Choose someone other than the counsellor on leave.")})


@transaction.atomic
def duty_exception_remove(*, actor, exception: DutyException) -> None:
    details = {
        "kind": exception.kind,
        "starts_on": exception.starts_on.isoformat(),
        "ends_on": exception.ends_on.isoformat(),
    }
    audit_record(actor=actor, action="duty_exception.removed", obj=exception, details=details)
    exception.delete()
