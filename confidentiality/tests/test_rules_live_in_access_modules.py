"""CONF-2: access decisions are made by named rules in the access modules, not rebuilt at call sites.

Scope (``in_scope(``) is a primitive: only the policy and the domains' ``access.py`` compose it
into decisions. Role constants (``Role.X``, ``*_ROLES``) decide nothing outside the access modules
and the permission declarations; the few modules listed below still do, each for a stated reason.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SKIPPED_DIRS = {".venv", "node_modules", "tests", "migrations", "bench", "var", ".git"}

# Where rules are made: the primitives, the roles themselves, each domain's rules and permissions.
ACCESS_MODULES = re.compile(r"^(confidentiality/(policy|roles)\.py|\w+/(access|permissions)\.py)$")

# Still naming roles, with the reason. Shrink this list; never grow it without a reason.
ROLE_USERS = {
    # The accounts domain gives people their roles: the role field and its choices, the role filter
    # of the staff list, who may supervise whom, the first administrator, two-factor by role.
    "accounts/models.py",
    "accounts/forms.py",
    "accounts/services.py",
    "accounts/security.py",
    "accounts/management/commands/create_admin.py",
    # Demo seeding creates one account per role.
    "demo/seed.py",
    # Alert routing and reminders go to supervisors, then directors, up the tree (CRI-2): who is
    # *told*, not who may see. To move into crisis/access.py as named recipient rules.
    "crisis/routing.py",
    "crisis/services/cases.py",
    "crisis/services/watch.py",
}

IN_SCOPE = re.compile(r"\bin_scope\(")
ROLE = re.compile(r"\bRole\.[A-Z]|\b[A-Z]+(_[A-Z]+)*_ROLES\b")


def _sources():
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if SKIPPED_DIRS & set(relative.parts) or len(relative.parts) == 1:
            continue
        yield relative.as_posix(), path.read_text(encoding="utf-8")


def _code(text: str) -> str:
    # Comments may name roles; only code counts.
    return "\n".join(line.split("#", 1)[0] for line in text.splitlines())


def test_scope_is_composed_into_decisions_only_in_the_access_modules():
    offenders = sorted(
        name for name, text in _sources() if not ACCESS_MODULES.match(name) and IN_SCOPE.search(_code(text))
    )
    assert offenders == []


def test_role_constants_decide_nothing_outside_the_access_modules():
    offenders = {
        name for name, text in _sources() if not ACCESS_MODULES.match(name) and ROLE.search(_code(text))
    }
    assert offenders - ROLE_USERS == set()


def test_every_listed_exception_still_names_a_role_so_the_list_only_shrinks():
    texts = dict(_sources())
    assert {name for name in ROLE_USERS if not ROLE.search(_code(texts[name]))} == set()
