"""Who sees and works on volunteers, their assignments and visits (PRG-5).

Coordinators (MANAGE_VOLUNTEERS) see the volunteers they coordinate and those whose account is
in their scope, and the assignments and visits of residents in their scope. A volunteer
(LOG_VISITS) sees their own profile, their active assignments and the visits they wrote: of the
resident, only what a visit needs (name, address, phone, emergency contact), through the
assignment page, never the resident's archive. Nothing here opens clinical content to anyone:
the archives, assessments, cases, sessions and alerts keep their own rules, under which a
volunteer sees none of them (confidentiality/tests/test_object_matrix.py).
"""

from __future__ import annotations

from django.db import models

from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, register_filters

from .models import StarLevelChange, TrainingRecord, Visit, VisitAssignment, VolunteerProfile
from .permissions import LOG_VISITS, MANAGE_VOLUNTEERS


def _unit_path(user) -> str | None:
    return user.org_unit.path if user.org_unit_id else None


@policy.rule
def filter_volunteer_profiles(user, queryset):
    if has_permission(user, MANAGE_VOLUNTEERS):
        path = _unit_path(user)
        visible = models.Q(coordinator=user)
        if path:
            visible |= models.Q(user__org_unit__path__startswith=path)
        return queryset.filter(visible)
    if has_permission(user, LOG_VISITS):
        return queryset.filter(user=user)
    return queryset.none()


@policy.rule
def can_coordinate_volunteer(user, profile) -> bool:
    """Change a profile, record training and the agreement, assign, approve hours: its
    coordinator, or a coordinator whose scope holds the volunteer's account."""
    if not has_permission(user, MANAGE_VOLUNTEERS):
        return False
    return profile.coordinator_id == user.pk or in_scope(user, profile.user.org_unit)


@policy.rule
def can_be_coordinator(user) -> bool:
    return has_permission(user, MANAGE_VOLUNTEERS)


@policy.rule
def can_be_volunteer(user) -> bool:
    """The account a profile is for: a volunteer's (they log visits under it)."""
    return has_permission(user, LOG_VISITS)


@policy.rule
def filter_visit_assignments(user, queryset):
    if has_permission(user, MANAGE_VOLUNTEERS):
        path = _unit_path(user)
        visible = models.Q(volunteer__coordinator=user)
        if path:
            visible |= models.Q(resident__org_unit__path__startswith=path)
        return queryset.filter(visible)
    if has_permission(user, LOG_VISITS):
        # Only while the visits go on: an ended assignment no longer opens the address.
        return queryset.filter(volunteer__user=user, status=VisitAssignment.Status.ACTIVE)
    return queryset.none()


@policy.rule
def can_manage_assignment(user, assignment) -> bool:
    return has_permission(user, MANAGE_VOLUNTEERS) and (
        assignment.volunteer.coordinator_id == user.pk or in_scope(user, assignment.resident.org_unit)
    )


@policy.rule
def can_log_visit(user, assignment) -> bool:
    """Only the assigned volunteer logs visits of an assignment."""
    return has_permission(user, LOG_VISITS) and assignment.volunteer.user_id == user.pk


@policy.rule
def filter_visits(user, queryset):
    if has_permission(user, MANAGE_VOLUNTEERS):
        path = _unit_path(user)
        visible = models.Q(assignment__volunteer__coordinator=user)
        if path:
            visible |= models.Q(assignment__resident__org_unit__path__startswith=path)
        return queryset.filter(visible)
    if has_permission(user, LOG_VISITS):
        return queryset.filter(created_by=user)
    return queryset.none()


@policy.rule
def sees_visit_follow_up(user) -> bool:
    """Whether a page may say more about a passed-on worry than "passed on to the counsellors"
    (the coordinator may know a signal was raised; the volunteer sees only the acknowledgement)."""
    return has_permission(user, MANAGE_VOLUNTEERS)


@policy.rule
def filter_volunteer_trainings(user, queryset):
    return queryset.filter(profile__in=filter_volunteer_profiles(user, VolunteerProfile.objects.all()))


@policy.rule
def filter_level_changes(user, queryset):
    return queryset.filter(profile__in=filter_volunteer_profiles(user, VolunteerProfile.objects.all()))


register_filters(
    {
        VolunteerProfile: filter_volunteer_profiles,
        VisitAssignment: filter_visit_assignments,
        Visit: filter_visits,
        TrainingRecord: filter_volunteer_trainings,
        StarLevelChange: filter_level_changes,
    }
)


@policy.rule
def volunteer_account_choices(user, queryset):
    """Accounts a coordinator may make a profile for: volunteers in their scope without one."""
    path = _unit_path(user)
    if not has_permission(user, MANAGE_VOLUNTEERS) or not path:
        return queryset.none()
    return queryset.filter(
        is_active=True,
        role__in=LOG_VISITS.roles,
        org_unit__path__startswith=path,
        volunteer_profile__isnull=True,
    )


@policy.rule
def coordinator_choices(user, queryset):
    """Who may coordinate: active holders of MANAGE_VOLUNTEERS in the person's scope."""
    path = _unit_path(user)
    if not has_permission(user, MANAGE_VOLUNTEERS) or not path:
        return queryset.none()
    return queryset.filter(is_active=True, role__in=MANAGE_VOLUNTEERS.roles, org_unit__path__startswith=path)
