"""Writes of the organisation domain (ORG-1, ORG-2). Every change is audited."""

from __future__ import annotations

from datetime import time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from confidentiality.services import audit_record

from .models import OpeningHours, OrgUnit, Room, ServiceSite


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
