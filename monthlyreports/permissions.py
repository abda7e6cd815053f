"""Permissions of the monthly reports (PRG-6). Which reports a holder sees is still decided by
the policy (the assignment naming them, and scope); these say what a role may do at all."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR

WRITE_MONTHLY_REPORTS = declare(
    "monthlyreports.write",
    _("Write the monthly reports of the units one is named for"),
    {Role.TEACHER, Role.GRID_WORKER, Role.VOLUNTEER, C, T},
)
REVIEW_MONTHLY_REPORTS = declare(
    "monthlyreports.review",
    _("Accept or approve the monthly reports one is named approver of"),
    {Role.TEACHER, Role.GRID_WORKER, Role.PROJECT_LEAD, C, T, S, D},
)
MANAGE_REPORTING = declare(
    "monthlyreports.manage",
    _("Say who reports for which unit; see the completeness of monthly reports in scope"),
    {Role.PROJECT_LEAD, C, S, D},
)
REVIEW_FLAGGED_PEOPLE = declare(
    "monthlyreports.review_flagged",
    _("Review people flagged on monthly reports three months running"),
    {C, T, S, D},
)
