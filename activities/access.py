"""Who works on which activities (PRG-1, PRG-7).

An organiser works on the activities held at sites in their unit's scope, and on those they
organise. A registration (a name and a phone) is seen with its activity; the parent school's
families with their school in scope.
"""

from __future__ import annotations

from django.db import models

from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, register_filters

from .models import Activity, Family, Headcount, Registration
from .permissions import MANAGE_ACTIVITIES, VIEW_ACTIVITY_STATISTICS


@policy.rule
def filter_activities(user, queryset):
    if not has_permission(user, MANAGE_ACTIVITIES) or user.org_unit_id is None:
        return queryset.none()
    return queryset.filter(
        models.Q(site__org_unit__path__startswith=user.org_unit.path) | models.Q(organiser=user)
    )


@policy.rule
def can_organise_activities(user) -> bool:
    """Create activities at all (the site must still be in scope: ``can_hold_activity_at``)."""
    return has_permission(user, MANAGE_ACTIVITIES)


@policy.rule
def can_hold_activity_at(user, site) -> bool:
    return has_permission(user, MANAGE_ACTIVITIES) and in_scope(user, site.org_unit)


@policy.rule
def can_manage_activity(user, activity) -> bool:
    """Edit, publish, cancel, keep the roster and check people in: the organiser, and anyone who
    organises activities at the activity's site's unit."""
    if not has_permission(user, MANAGE_ACTIVITIES):
        return False
    return activity.organiser_id == user.pk or in_scope(user, activity.site.org_unit)


@policy.rule
def filter_activity_rows(user, queryset):
    """Registrations and headcounts: seen with their activity."""
    return queryset.filter(activity__in=filter_activities(user, Activity.objects.all()))


@policy.rule
def can_see_activity_statistics(user) -> bool:
    return has_permission(user, VIEW_ACTIVITY_STATISTICS)


@policy.rule
def filter_statistics_activities(user, queryset):
    """The activities the statistics count: those at sites in the person's scope."""
    if not can_see_activity_statistics(user) or user.org_unit_id is None:
        return queryset.none()
    return queryset.filter(site__org_unit__path__startswith=user.org_unit.path)


@policy.rule
def filter_families(user, queryset):
    if not has_permission(user, MANAGE_ACTIVITIES) or user.org_unit_id is None:
        return queryset.none()
    return queryset.filter(school__path__startswith=user.org_unit.path)


@policy.rule
def can_manage_family(user, family) -> bool:
    return has_permission(user, MANAGE_ACTIVITIES) and in_scope(user, family.school)


@policy.rule
def can_set_school_target(user, school) -> bool:
    """A school's yearly parent-school target: those who run the parent school of that school."""
    return has_permission(user, MANAGE_ACTIVITIES) and in_scope(user, school)


register_filters(
    {
        Activity: filter_activities,
        Registration: filter_activity_rows,
        Headcount: filter_activity_rows,
        Family: filter_families,
    }
)
