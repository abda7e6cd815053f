"""Permissions of the group counselling domain (PRG-2). Which groups a holder sees is still decided
by the policy (leaders, scope); these only say what a role may do at all."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR

# Who can lead a group, and so create one: the counselling staff.
LEADER_ROLES = (C, T, S, D)

RUN_GROUPS = declare(
    "groupcounselling.run_groups",
    _("Run group counselling programmes: members, sessions, attendance, pre/post scores"),
    LEADER_ROLES,
)
VIEW_GROUP_REPORTS = declare(
    "groupcounselling.view_group_reports",
    _("See the outcome reports of group programmes in scope (aggregates)"),
    {Role.PROJECT_LEAD, S, D},
)
