"""Permissions of the crisis domain (CRI). Which alerts a holder sees is decided by the policy."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR

HANDLE_ALERTS = declare(
    "crisis.handle_alerts", _("See and handle alerts: acknowledge, assign, intervene, resolve"), {C, T, S, D}
)
FLAG_RISK = declare("crisis.flag_risk", _("Flag a risk on an archive or a session"), {C, T, S, D})
MANAGE_ALERT_RULES = declare("crisis.manage_rules", _("Change the warning rules"), {D})
REPORT_CONCERN = declare(
    "crisis.report_concern",
    _("Report a concern about someone"),
    {Role.GRID_WORKER, Role.TEACHER, Role.VOLUNTEER, C, T, S, D},
)
RAISE_EXTERNAL_SIGNALS = declare(
    "crisis.raise_external_signals",
    _("Send warning signals from another system (API)"),
    {Role.ADMIN, C, T, S, D},
)
REVIEW_CRISIS_CASES = declare(
    "crisis.review_cases", _("Review and confirm the closing of crisis cases"), {S, D}
)
