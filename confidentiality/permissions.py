"""The permission registry, and the permissions of the confidentiality domain itself.

Each domain app declares its permissions in its own ``permissions.py`` with ``declare()``, naming
the roles that hold them. ``confidentiality.policy`` is the only place that answers "may this
person do this": views, the API and templates ask it, never the roles directly.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from confidentiality.roles import Role

REGISTRY: dict[str, Permission] = {}


@dataclass(frozen=True)
class Permission:
    code: str
    label: str | Promise
    roles: frozenset[str]

    def __str__(self) -> str:
        return self.code


def declare(code: str, label: str | Promise, roles: Iterable[str]) -> Permission:
    if code in REGISTRY:
        return REGISTRY[code]
    permission = Permission(code=code, label=label, roles=frozenset(str(role) for role in roles))
    REGISTRY[code] = permission
    return permission


VIEW_AUDIT_LOG = declare(
    "confidentiality.view_audit_log", _("Read the audit log"), {Role.ADMIN, Role.DIRECTOR}
)
VERIFY_AUDIT_CHAIN = declare(
    "confidentiality.verify_audit_chain", _("Verify the audit chain"), {Role.ADMIN, Role.DIRECTOR}
)


# The confidentiality domain's own decisions (CONF-1, CONF-4, CONF-5). Their codes keep the
# ``archives.`` prefix they were first declared with, so that nothing stored or shown changes.
C, T, S, D, R = Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR, Role.ARCHIVIST
G, H = Role.GRID_WORKER, Role.TEACHER

RECORD_CONSENT = declare("archives.record_consent", _("Record and withdraw consents"), {C, T, D, R, G, H})
REQUEST_ACCESS = declare("archives.request_access", _("Ask for access to an archive"), {C, T, S})
BREAK_GLASS = declare("archives.break_glass", _("Open an archive in an emergency"), {C, T, S})
DECIDE_ACCESS = declare("archives.decide_access", _("Approve or deny access requests"), {D, R})
REVIEW_BREAK_GLASS = declare("archives.review_break_glass", _("Review emergency access"), {D})
RECORD_DISCLOSURE = declare("archives.record_disclosure", _("Record a disclosure"), {C, T, S, D})
VIEW_ACCESS_LIST = declare("archives.view_access_list", _("See who opened an archive"), {D, R})
MANAGE_CONSENT_TEXTS = declare("archives.manage_consent_texts", _("Manage consent texts"), {Role.ADMIN})
