"""Permissions of the assessments domain."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

ADMINISTER_ASSESSMENTS = declare(
    "assessments.administer",
    _("Give assessments to residents on the team's caseload"),
    {Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR},
)

MANAGE_CAMPAIGNS = declare(
    "assessments.manage_campaigns",
    _("Run screening campaigns"),
    {Role.DIRECTOR, Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.PROJECT_LEAD},
)

# Teachers and community staff see their own units' screening results in aggregate, with small
# cells suppressed and no names.
VIEW_SCREENING_SUMMARY = declare(
    "assessments.view_screening_summary",
    _("See screening results of one's own units in aggregate"),
    {Role.TEACHER, Role.GRID_WORKER},
)

MANAGE_INSTRUMENTS = declare(
    "assessments.manage_instruments",
    _("Upload licensed instruments"),
    {Role.ADMIN, Role.DIRECTOR},
)
