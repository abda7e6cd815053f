"""Permissions of the residents-and-archives domain (ARC) and its confidentiality rules (CONF)."""

from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from confidentiality.permissions import declare

C, T, S, D, R = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR, Role.ARCHIVIST
G, H = Role.GRID_WORKER, Role.TEACHER

VIEW_RESIDENTS = declare(
    "archives.view_residents", _("See residents' basic information in scope"), {C, T, S, D, R, G, H}
)
REGISTER_RESIDENTS = declare("archives.register_residents", _("Register residents"), {C, T, D, R, G, H})
CORRECT_RESIDENTS = declare("archives.correct_residents", _("Correct residents' details"), {C, T, D, R})
RECORD_CONSENT = declare("archives.record_consent", _("Record and withdraw consents"), {C, T, D, R, G, H})
MANAGE_ARCHIVES = declare(
    "archives.manage_archives", _("Assign responsible staff, keep paper archives, close and reopen"), {D, R}
)
SET_RISK_LEVEL = declare("archives.set_risk_level", _("Set an archive's risk level"), {C, T, S, D})
REQUEST_ACCESS = declare("archives.request_access", _("Ask for access to an archive"), {C, T, S})
BREAK_GLASS = declare("archives.break_glass", _("Open an archive in an emergency"), {C, T, S})
DECIDE_ACCESS = declare("archives.decide_access", _("Approve or deny access requests"), {D, R})
REVIEW_BREAK_GLASS = declare("archives.review_break_glass", _("Review emergency access"), {D})
RECORD_DISCLOSURE = declare("archives.record_disclosure", _("Record a disclosure"), {C, T, S, D})
VIEW_ACCESS_LIST = declare("archives.view_access_list", _("See who opened an archive"), {D, R})
MANAGE_CONSENT_TEXTS = declare("archives.manage_consent_texts", _("Manage consent texts"), {Role.ADMIN})
EXPORT_ARCHIVE = declare("archives.export_archive", _("Export a resident's archive (PDF, JSON)"), {D, R})
ANONYMISE_RESIDENTS = declare(
    "archives.anonymise_residents", _("Delete or anonymise a resident on request"), {D}
)
