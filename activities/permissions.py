"""Permissions of activities and the parent school (PRG-1, PRG-7). Which activities a holder
works on is still decided by the policy (their unit's scope, or being the organiser)."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

MANAGE_ACTIVITIES = declare(
    "activities.manage_activities",
    _("Organise activities: publish, registrations, rosters, check-in, headcounts, the parent school"),
    {Role.PROJECT_LEAD, Role.DIRECTOR, Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR},
)
VIEW_ACTIVITY_STATISTICS = declare(
    "activities.view_statistics",
    _("See activity statistics and export them"),
    {Role.PROJECT_LEAD, Role.DIRECTOR, Role.SUPERVISOR},
)
