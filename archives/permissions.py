"""Permissions of the residents-and-archives domain (ARC) and its confidentiality rules (CONF)."""

from django.utils.translation import gettext_lazy as _

from confidentiality.permissions import declare
from confidentiality.roles import Role

C, T, S, D, R = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR, Role.ARCHIVIST
G, H = Role.GRID_WORKER, Role.TEACHER

VIEW_RESIDENTS = declare(
    "archives.view_residents", _("See residents' basic information in scope"), {C, T, S, D, R, G, H}
)
REGISTER_RESIDENTS = declare("archives.register_residents", _("Register residents"), {C, T, D, R, G, H})
CORRECT_RESIDENTS = declare("archives.correct_residents", _("Correct residents' details"), {C, T, D, R})
MANAGE_ARCHIVES = declare(
    "archives.manage_archives", _("Assign responsible staff, keep paper archives, close and reopen"), {D, R}
)
SET_RISK_LEVEL = declare("archives.set_risk_level", _("Set an archive's risk level"), {C, T, S, D})
EXPORT_ARCHIVE = declare("archives.export_archive", _("Export a resident's archive (PDF, JSON)"), {D, R})
ANONYMISE_RESIDENTS = declare(
    "archives.anonymise_residents", _("Delete or anonymise a resident on request"), {D}
)
