"""Permissions of work plans (PRG-3). Which plans a holder works on is still decided by the
policy (their unit's scope); the owner of an item sees its plan without any of these."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

VIEW_PLANS = declare(
    "workplans.view",
    _("See the work plans of the units in one's scope"),
    {Role.PROJECT_LEAD, Role.DIRECTOR, Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR},
)
MANAGE_PLANS = declare(
    "workplans.manage",
    _("Write work plans and their items, submit them and keep them up to date"),
    {Role.PROJECT_LEAD, Role.DIRECTOR},
)
APPROVE_PLANS = declare(
    "workplans.approve",
    _("Approve, activate and close work plans"),
    {Role.DIRECTOR, Role.PROJECT_LEAD},
)
