"""CONF-2: the consent and disclosure screens take a resident's id; for every role and the two
residents of archives/tests/test_idor.py they answer by the same table. A resident out of reach is
a 404 (never a 403, which would confirm they exist); a page the role may not use is a 403; and a
refused request writes nothing but its audit entry."""

from __future__ import annotations

import pytest

from archives.tests.test_idor import CLINICAL, CORRECTORS, ROLES, SEES, check_every_page
from confidentiality.tests.conftest import url

pytestmark = pytest.mark.django_db

# Who may record and withdraw consents once they see the resident (the permission matrix, by role).
CONSENT_RECORDERS = CORRECTORS | {"worker", "teacher"}


def allowed(role: str, page: str, who: str) -> bool:
    """Whether this role may use this page for this resident: the table, by page."""
    if who not in SEES[role]:
        return False
    if page in ("consent_add", "consent_withdraw"):
        return role in CONSENT_RECORDERS
    if page == "disclosure_add":
        return who in CLINICAL.get(role, set())
    raise AssertionError(page)


def requests_for(world, people, who: str):
    """(page, method, path, data) for every page of confidentiality/urls.py that takes a resident's id."""
    pk = world.residents[who].pk
    yield "consent_add", "get", url("consent_add", pk), None
    yield "disclosure_add", "get", url("disclosure_add", pk), None
    consent = world.consents[who]
    yield "consent_withdraw", "post", url("consent_withdraw", pk, consent.pk), {"reason": "本人要求撤回"}
    yield (
        "disclosure_add",
        "post",
        url("disclosure_add", pk),
        {"recipient": "区精神卫生中心", "items": "姓名,风险等级", "purpose": "转介", "basis": "consent"},
    )


@pytest.mark.parametrize("role", ROLES)
def test_every_consent_and_disclosure_page_answers_each_role_by_the_table(people, world, role):
    check_every_page(people, world, role, requests_for, allowed)
