"""Permissions of the volunteers domain (PRG-5). Which profiles, assignments and visits a holder
sees is decided by ``volunteers.access``; these only say what a role may do at all."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

# Who coordinates volunteers: the counselling staff and the community (grid) workers who know
# the residents; they see the residents of their scope already.
COORDINATOR_ROLES = {Role.COUNSELLOR, Role.SUPERVISOR, Role.DIRECTOR, Role.GRID_WORKER}

MANAGE_VOLUNTEERS = declare(
    "volunteers.manage",
    _("Coordinate volunteers: profiles, training, visit assignments and their hours"),
    COORDINATOR_ROLES,
)
LOG_VISITS = declare(
    "volunteers.log_visits",
    _("Visit the residents one is assigned to and log the visits"),
    {Role.VOLUNTEER},
)
