"""Who sees and runs group counselling programmes (PRG-2).

- A group's leaders run it: members, sessions, attendance, the leaders' group note, pre/post
  scores. While someone is a member (enrolled, attending or completed), the group's leaders are on
  that member's archive team (registered with the archives' team sources), because entering the
  pre/post assessments and reading them is clinical work on that person.
- Individual scores in the outcome report: for the group's leaders, and for whoever is on a
  member's care team anyway (their case counsellor, supervisor, the director in scope).
- A project lead (or a supervisor / director) with the group's unit in scope sees the
  programme's aggregates only, with small cells suppressed; never names, notes or attendance.
"""

from __future__ import annotations

from django.db import models

from archives.access import register_team_source, team_archive_ids
from archives.models import Resident
from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, is_active_staff, register_filters

from .models import Attendance, GroupMember, GroupProgramme, GroupSession
from .permissions import RUN_GROUPS, VIEW_GROUP_REPORTS

# A count below this (and above zero) is shown as "< 5" to those who see aggregates only.
SMALL_CELL = 5


def _led_by(user) -> models.Q:
    return models.Q(leaders=user)


def _leader_team(user) -> models.Q:
    if not has_permission(user, RUN_GROUPS):
        return models.Q(pk__in=[])
    members = GroupMember.objects.filter(
        programme__leaders=user, status__in=GroupMember.ENROLLED_STATES
    ).values("resident_id")
    return models.Q(resident__in=members)


def _leader_basis(user, archive) -> str:
    led = GroupMember.objects.filter(
        programme__leaders=user, resident_id=archive.resident_id, status__in=GroupMember.ENROLLED_STATES
    )
    return "group_leader" if has_permission(user, RUN_GROUPS) and led.exists() else ""


register_team_source(_leader_team, _leader_basis)


@policy.rule
def filter_group_programmes(user, queryset):
    """Groups the person leads, and for report readers the groups of units in their scope."""
    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(pk__in=GroupProgramme.objects.filter(_led_by(user)).values("pk"))
    if has_permission(user, VIEW_GROUP_REPORTS) and user.org_unit_id:
        visible |= models.Q(org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


@policy.rule
def can_create_group(user) -> bool:
    return has_permission(user, RUN_GROUPS)


@policy.rule
def can_place_group_in(user, unit) -> bool:
    """A group belongs to a unit in its creator's scope."""
    return has_permission(user, RUN_GROUPS) and in_scope(user, unit)


@policy.rule
def filter_group_units(user, queryset):
    """Units a group can be placed in: those in the person's scope."""
    if not has_permission(user, RUN_GROUPS) or user.org_unit_id is None:
        return queryset.none()
    return queryset.filter(path__startswith=user.org_unit.path)


@policy.rule
def can_lead_group(user, programme) -> bool:
    """Run the group (members, sessions, attendance, notes, scores): one of its leaders."""
    return has_permission(user, RUN_GROUPS) and programme.leaders.filter(pk=user.pk).exists()


@policy.rule
def can_view_group_report(user, programme) -> bool:
    return can_lead_group(user, programme) or (
        has_permission(user, VIEW_GROUP_REPORTS) and in_scope(user, programme.org_unit)
    )


@policy.rule
def filter_group_leader_choices(actor, queryset):
    """Staff who can be made leaders of a group: active counselling staff in the actor's scope."""
    if not is_active_staff(actor) or actor.org_unit_id is None:
        return queryset.none()
    return queryset.filter(
        is_active=True, role__in=RUN_GROUPS.roles, org_unit__path__startswith=actor.org_unit.path
    )


@policy.rule
def filter_group_members(user, queryset):
    """Members (names, status, attendance) are for the group's leaders only."""
    if not has_permission(user, RUN_GROUPS):
        return queryset.none()
    return queryset.filter(programme__leaders=user)


@policy.rule
def filter_group_sessions(user, queryset):
    """Sessions, their plans and the group note: the group's leaders."""
    if not has_permission(user, RUN_GROUPS):
        return queryset.none()
    return queryset.filter(programme__leaders=user)


@policy.rule
def filter_attendances(user, queryset):
    if not has_permission(user, RUN_GROUPS):
        return queryset.none()
    return queryset.filter(session__programme__leaders=user)


@policy.rule
def score_visible_member_ids(user, programme, members) -> set[int]:
    """The members whose individual scores this person may see in the programme's report: all of
    them for a leader; otherwise those whose archive the person is on the care team of. One query."""
    if can_lead_group(user, programme):
        return {member.pk for member in members}
    if not policy.sees_clinical_content(user):
        return set()
    resident_ids = {member.resident_id for member in members}
    on_team = set(
        Resident.objects.filter(pk__in=resident_ids, archive__pk__in=team_archive_ids(user)).values_list(
            "pk", flat=True
        )
    )
    return {member.pk for member in members if member.resident_id in on_team}


register_filters(
    {
        GroupProgramme: filter_group_programmes,
        GroupMember: filter_group_members,
        GroupSession: filter_group_sessions,
        Attendance: filter_attendances,
    }
)
