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

from accounts.roles import Role

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
