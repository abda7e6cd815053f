"""Who owns a new alert, and who an unanswered one escalates to (CRI-2).

Owner, first that exists (active staff who may handle alerts only):

1. the counsellor of the person's open case (the newest, if there are several);
2. the first responsible staff member of the person's archive;
3. a counsellor on duty right now at a site whose organisation unit holds the person's unit (the
   nearest site first);
4. any counsellor on duty right now;
5. a supervisor whose scope holds the alert's unit (the nearest first);
6. a director whose scope holds the alert's unit.

An anonymous alert (no registered person) starts at step 3. Escalation: stage 1 goes to the duty
supervisor (the owner's supervisor, else a supervisor in scope), stage 2 to every director in
scope. docs/crisis.md says the same in words.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from confidentiality import policy
from confidentiality.roles import Role
from crisis.permissions import HANDLE_ALERTS
from orgs.models import OrgUnit
from orgs.selectors import on_duty


def ancestor_paths(unit: OrgUnit) -> list[str]:
    """The paths of the unit and of every unit above it, nearest first."""
    step = unit.steplen
    return [unit.path[:end] for end in range(len(unit.path), 0, -step)]


def _can_handle(user) -> bool:
    return user is not None and policy.has_permission(user, HANDLE_ALERTS)


def _staff_in_scope(role: str, unit: OrgUnit) -> list:
    """Active staff of ``role`` whose scope holds ``unit``, nearest scope first."""
    paths = ancestor_paths(unit)
    staff = get_user_model().objects.filter(role=role, is_active=True, org_unit__path__in=paths)
    return sorted(staff.select_related("org_unit"), key=lambda user: (-len(user.org_unit.path), user.pk))


def case_counsellor(resident) -> object | None:
    from workflow.models import Case

    case = (
        Case.objects.filter(resident=resident, status=Case.Status.OPEN, counsellor__is_active=True)
        .select_related("counsellor")
        .order_by("-opened_at", "-pk")
        .first()
    )
    return case.counsellor if case and _can_handle(case.counsellor) else None


def responsible_staff(resident) -> object | None:
    from archives.models import Archive

    archive = Archive.objects.filter(resident=resident).first()
    if archive is None:
        return None
    for user in archive.responsible.filter(is_active=True).order_by("pk"):
        if _can_handle(user):
            return user
    return None


def counsellors_on_duty(*, now: datetime) -> list:
    """The duty slots running at ``now`` whose counsellor may handle alerts."""
    local = timezone.localtime(now)
    return [
        slot
        for slot in on_duty(day=local.date())
        if slot.starts_at <= now < slot.ends_at and _can_handle(slot.counsellor)
    ]


def on_duty_owner(*, unit: OrgUnit, now: datetime, slots: list | None = None) -> object | None:
    """The on-duty counsellor nearest to ``unit``; ``slots`` (counsellors_on_duty at ``now``)
    spares a bulk caller reading the roster once per alert."""
    slots = counsellors_on_duty(now=now) if slots is None else slots
    if not slots:
        return None
    near = [slot for slot in slots if unit.path.startswith(slot.site.org_unit.path)]
    if near:
        # The deepest site unit is the nearest to the person.
        return max(near, key=lambda slot: (len(slot.site.org_unit.path), -slot.shift_id)).counsellor
    return slots[0].counsellor


def alert_owner(*, resident, unit: OrgUnit, now: datetime | None = None, duty_slots: list | None = None):
    """The owner of a new alert, by the order in the module docstring; None if nobody at all.
    ``duty_slots``: the counsellors on duty at ``now``, when the caller has read them already."""
    now = now or timezone.now()
    if resident is not None:
        owner = case_counsellor(resident) or responsible_staff(resident)
        if owner is not None:
            return owner
    owner = on_duty_owner(unit=unit, now=now, slots=duty_slots)
    if owner is not None:
        return owner
    for role in (Role.SUPERVISOR, Role.DIRECTOR):
        for user in _staff_in_scope(role, unit):
            if _can_handle(user):
                return user
    return None


def duty_supervisor(*, owner, unit: OrgUnit):
    """Stage 1 of escalation: the owner's supervisor, else the nearest supervisor in scope."""
    if owner is not None and owner.supervisor_id:
        supervisor = owner.supervisor
        if supervisor.role == Role.SUPERVISOR and _can_handle(supervisor):
            return supervisor
    for user in _staff_in_scope(Role.SUPERVISOR, unit):
        if _can_handle(user) and (owner is None or user.pk != owner.pk):
            return user
    return None


def directors_in_scope(*, unit: OrgUnit) -> list:
    """Stage 2 of escalation: every active director whose scope holds the unit."""
    return [user for user in _staff_in_scope(Role.DIRECTOR, unit) if _can_handle(user)]


def first_unit_of(*units) -> OrgUnit | None:
    """The first unit given, else the root of the tree (an alert must belong somewhere)."""
    for unit in units:
        if unit is not None:
            return unit
    return OrgUnit.objects.filter(Q(depth=1)).order_by("path").first()
