"""Permissions of the service-workflow domain (SVC). Which rows a holder sees is still decided by
the policy (scope, case team); these only say what a role may do at all."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR

# Who can be given a case (its counsellor).
CASE_HOLDER_ROLES = (C, T, S, D)

MANAGE_APPOINTMENTS = declare(
    "workflow.manage_appointments",
    _("Register, confirm, reschedule and check in appointments at sites in scope"),
    {C, T, S, D},
)
MANAGE_CASES = declare(
    "workflow.manage_cases",
    _("Open and work cases: intake, plans, sessions, follow-ups, referrals"),
    {C, T, S, D},
)
TRANSFER_CASES = declare("workflow.transfer_cases", _("Transfer a case to another counsellor"), {C, T, S, D})
LOG_HOTLINE = declare("workflow.log_hotline", _("Keep the hotline and online-consultation log"), {C, T, S, D})
MANAGE_INSTITUTIONS = declare(
    "workflow.manage_institutions", _("Keep the directory of referral institutions"), {D, Role.ADMIN}
)
VIEW_SERVICE_QUALITY = declare(
    "workflow.view_service_quality",
    _("See satisfaction results and overdue follow-ups of the team"),
    {S, D},
)
