"""CONF-2: every screen of the archives that takes a resident's id, for every role and two residents
in different subdistricts (confidentiality/tests/test_idor.py runs the consent and disclosure
screens through the same table). A resident out of reach is a 404 (never a 403, which would
confirm they exist); a page the role may not use is a 403; and a refused request writes nothing
but its audit entry."""

from __future__ import annotations

import pytest

from archives.models import Archive, ArchiveStatusChange, Correction, Resident, ResidentTag, RiskLevelChange
from archives.tests.conftest import PINE, WILLOW, client_for, correction_data, url
from confidentiality.models import AccessGrant, AuditEntry, Consent, Disclosure

pytestmark = pytest.mark.django_db

ROLES = [
    "admin",
    "director",
    "east_director",
    "lead",
    "counsellor",
    "colleague",
    "outsider",
    "therapist",
    "supervisor",
    "archivist",
    "finance",
    "worker",
    "teacher",
    "volunteer",
]

# WILLOW: 张三 in 柳岸第1网格 (柳岸社区, 东街道); the counsellor is responsible and supervised by the
# supervisor. PINE: 李四 in 松林社区 (西街道), nobody responsible.

# Who sees each resident's basic information: VIEW_RESIDENTS roles with the resident in scope
# (district-wide: director, supervisor, archivist; 东街道: east_director; 柳岸社区: counsellor,
# colleague, therapist; the grid: worker; 松林社区: outsider). The teacher's scope is a school
# class; admin, lead, finance and volunteer see no resident at all.
SEES = {
    "admin": set(),
    "director": {WILLOW, PINE},
    "east_director": {WILLOW},
    "lead": set(),
    "counsellor": {WILLOW},
    "colleague": {WILLOW},
    "outsider": {PINE},
    "therapist": {WILLOW},
    "supervisor": {WILLOW, PINE},
    "archivist": {WILLOW, PINE},
    "finance": set(),
    "worker": {WILLOW},
    "teacher": set(),
    "volunteer": set(),
}

# Who sees clinical content: the responsible counsellor, their supervisor, directors in scope.
CLINICAL = {
    "director": {WILLOW, PINE},
    "east_director": {WILLOW},
    "counsellor": {WILLOW},
    "supervisor": {WILLOW},
}

# Who may use each page once they see the resident (the permission matrix, by role).
CORRECTORS = {"director", "east_director", "counsellor", "colleague", "outsider", "therapist", "archivist"}
MANAGERS = {"director", "east_director", "archivist"}


def allowed(role: str, page: str, who: str) -> bool:
    """Whether this role may use this page for this resident: the table above, by page."""
    if who not in SEES[role]:
        return False
    if page in ("detail", "print"):
        return True
    if page == "correct":
        return role in CORRECTORS
    if page in ("access_list", "responsible", "paper_location", "status"):
        return role in MANAGERS
    if page == "risk":
        return who in CLINICAL.get(role, set())
    raise AssertionError(page)


def snapshot() -> dict:
    """Every row a request on these pages could write, with the fields they would change."""
    return {
        "residents": list(
            Resident.objects.order_by("pk").values_list("pk", "updated_at", "phone_index", "org_unit")
        ),
        "archives": list(
            Archive.objects.order_by("pk").values_list(
                "pk", "status", "risk_level", "paper_location", "last_activity_at"
            )
        ),
        "responsible": sorted(Archive.responsible.through.objects.values_list("archive_id", "user_id")),
        "consents": list(
            Consent.objects.order_by("pk").values_list("pk", "withdrawn_at", "withdrawn_reason")
        ),
        "tags": ResidentTag.objects.count(),
        "disclosures": Disclosure.objects.count(),
        "risk_changes": RiskLevelChange.objects.count(),
        "corrections": Correction.objects.count(),
        "status_changes": ArchiveStatusChange.objects.count(),
        "grants": AccessGrant.objects.count(),
    }


def requests_for(world, people, who: str):
    """(page, method, path, data) for every page of archives/urls.py that takes a resident's id."""
    resident = world.residents[who]
    pk = resident.pk
    phone = {WILLOW: "13800138000", PINE: "13800139000"}[who]
    staff = {WILLOW: [people.counsellor.pk], PINE: [people.outsider.pk]}[who]
    yield "detail", "get", url("detail", pk), None
    yield "print", "get", url("print", pk), None
    yield "correct", "get", url("correct", pk), None
    yield "access_list", "get", url("access_list", pk), None
    yield "responsible", "post", url("responsible", pk), {"staff": staff}
    yield "paper_location", "post", url("paper_location", pk), {"paper_location": "A柜3层12盒"}
    yield "status", "post", url("status", pk), {"to_status": "archived", "reason": "服务结束"}
    yield "risk", "post", url("risk", pk), {"level": "orange", "reason": "评估提示中高风险"}
    resident.refresh_from_db()
    yield "correct", "post", url("correct", pk), correction_data(resident, phone=phone, reason="更换手机号")


def check_every_page(people, world, role: str, requests_for, allowed) -> None:
    """Each page answers this role by the table: 404 out of reach (with only its audit entry),
    403 where the role may not use it, and a refusal changes nothing."""
    client = client_for(getattr(people, role))
    outcomes = []
    for who in (WILLOW, PINE):
        for page, method, path, data in requests_for(world, people, who):
            before, last_seq = (
                snapshot(),
                AuditEntry.objects.order_by("-seq").values_list("seq", flat=True)[0],
            )
            response = getattr(client, method)(path, data)
            new_actions = list(AuditEntry.objects.filter(seq__gt=last_seq).values_list("action", flat=True))
            if who not in SEES[role]:
                expected = 404
            elif not allowed(role, page, who):
                expected = 403
            else:
                expected = 200 if method == "get" else 302
            outcomes.append((who, page, method, response.status_code, expected))
            if expected == 404:
                assert new_actions == ["access.refused"], (who, page, method)
            if expected in (403, 404):
                assert snapshot() == before, (who, page, method)
                assert set(new_actions) <= {"access.refused"}, (who, page, method)
    assert [o for o in outcomes if o[3] != o[4]] == []


@pytest.mark.parametrize("role", ROLES)
def test_every_resident_page_answers_each_role_by_the_table_and_a_refusal_writes_nothing(people, world, role):
    check_every_page(people, world, role, requests_for, allowed)


@pytest.mark.parametrize("role", ["outsider", "worker", "finance"])
def test_an_unknown_id_is_the_same_404_without_an_audit_entry(people, world, role):
    client = client_for(getattr(people, role))
    missing = Resident.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
    entries = AuditEntry.objects.count()
    for path in (url("detail", missing), url("print", missing), url("access_list", missing)):
        assert client.get(path).status_code == 404
    assert client.post(url("status", missing), {"to_status": "archived"}).status_code == 404
    assert AuditEntry.objects.count() == entries


def test_the_table_matches_what_the_policy_says(people, world):
    """The hand-written table and the policy agree, so the test above tests the policy."""
    from confidentiality import policy

    for role in ROLES:
        user = getattr(people, role)
        seen = {
            who
            for who, r in world.residents.items()
            if policy.filter_residents(user, Resident.objects.filter(pk=r.pk)).exists()
        }
        clinical = {who for who, r in world.residents.items() if policy.can_see_clinical(user, r.archive)}
        assert (seen, clinical) == (SEES[role], CLINICAL.get(role, set())), role
