"""Permissions of case supervision (STF-3). Which sessions, recommendations and ledgers a holder
sees is decided by ``supervision.access``; these only say what a role may do at all."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR

# Counsellors record peer supervision and sessions with an external supervisor themselves.
RECORD_SUPERVISION = declare(
    "supervision.record",
    _("Record case supervision sessions and their recommendations"),
    {C, T, S, D},
)
VIEW_HOUR_LEDGERS = declare(
    "supervision.view_hour_ledgers",
    _("See counsellors' practice and supervision hours"),
    {C, T, S, D},
)
