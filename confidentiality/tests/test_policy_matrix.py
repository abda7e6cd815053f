"""CONF-2: the role × permission matrix, scope filters and the fetch-or-404 rule."""

from __future__ import annotations

import pytest
from django.http import Http404

from accounts.models import User
from confidentiality import policy
from confidentiality.models import AuditEntry
from confidentiality.permissions import REGISTRY
from confidentiality.roles import Role
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

A, D, L, C, T, S, R, F, G, H, V = (
    Role.ADMIN,
    Role.DIRECTOR,
    Role.PROJECT_LEAD,
    Role.COUNSELLOR,
    Role.THERAPIST,
    Role.SUPERVISOR,
    Role.ARCHIVIST,
    Role.FINANCE,
    Role.GRID_WORKER,
    Role.TEACHER,
    Role.VOLUNTEER,
)
EVERYONE = {A, D, L, C, T, S, R, F, G, H, V}

# The matrix written out by hand: a change to who holds what must change this table too.
EXPECTED = {
    "accounts.manage_users": {A},
    "accounts.view_staff": {A, D},
    "orgs.view_tree": EVERYONE,
    "orgs.manage_tree": {A},
    "orgs.manage_sites": {A, D},
    "confidentiality.view_audit_log": {A, D},
    "confidentiality.verify_audit_chain": {A, D},
    "core.use_staff_home": EVERYONE,
    "core.manage_centre_profile": {A, D},
    "archives.view_residents": {C, T, S, D, R, G, H},
    "archives.register_residents": {C, T, D, R, G, H},
    "archives.correct_residents": {C, T, D, R},
    "archives.record_consent": {C, T, D, R, G, H},
    "archives.manage_archives": {D, R},
    "archives.set_risk_level": {C, T, S, D},
    "archives.request_access": {C, T, S},
    "archives.break_glass": {C, T, S},
    "archives.decide_access": {D, R},
    "archives.review_break_glass": {D},
    "archives.record_disclosure": {C, T, S, D},
    "archives.view_access_list": {D, R},
    "archives.manage_consent_texts": {A},
    "archives.export_archive": {D, R},
    "archives.anonymise_residents": {D},
    "assessments.administer": {C, T, S, D},
    "assessments.manage_campaigns": {C, T, S, D, L},
    "assessments.view_screening_summary": {H, G},
    "orgs.view_roster": EVERYONE,
    "orgs.manage_roster": {A, D},
    "workflow.manage_appointments": {C, T, S, D},
    "workflow.manage_cases": {C, T, S, D},
    "workflow.transfer_cases": {C, T, S, D},
    "workflow.log_hotline": {C, T, S, D},
    "workflow.manage_institutions": {D, A},
    "workflow.view_service_quality": {S, D},
    "groupcounselling.run_groups": {C, T, S, D},
    "groupcounselling.view_group_reports": {L, S, D},
    "activities.manage_activities": {L, D, C, T, S},
    "activities.view_statistics": {L, D, S},
    "notifications.view_outbox": {D},
    "notifications.relay_messages": {C, T, S, D},
    "notifications.see_delivery_setup": {D, A},
    "crisis.handle_alerts": {C, T, S, D},
    "crisis.flag_risk": {C, T, S, D},
    "crisis.manage_rules": {D},
    "crisis.report_concern": {G, H, V, C, T, S, D},
    "articles.write_articles": {C, T, S, D, L},
    "articles.review_articles": {S, D, L},
    "articles.edit_newsletters": {D, L},
    "volunteers.manage": {C, S, D, G},
    "volunteers.log_visits": {V},
    "monthlyreports.write": {H, G, V, C, T},
    "monthlyreports.review": {H, G, L, C, T, S, D},
    "monthlyreports.manage": {L, C, S, D},
    "monthlyreports.review_flagged": {C, T, S, D},
    "crisis.raise_external_signals": {A, C, T, S, D},
    "crisis.review_cases": {S, D},
    "assessments.manage_instruments": {A, D},
    "core.manage_calendar": {A, D},
    "workplans.view": {L, D, C, T, S},
    "workplans.manage": {L, D},
    "workplans.approve": {D, L},
    "supervision.record": {C, T, S, D},
    "supervision.view_hour_ledgers": {C, T, S, D},
}


def test_every_declared_permission_is_in_the_expected_matrix():
    assert set(REGISTRY) == set(EXPECTED)


@pytest.mark.parametrize("role", sorted(Role))
@pytest.mark.parametrize("code", sorted(EXPECTED))
def test_each_role_holds_exactly_the_permissions_of_the_matrix(role, code, tree):
    user = User(username=f"m_{role}", role=role, org_unit=tree.district, is_active=True)
    assert policy.has_permission(user, code) is (role in EXPECTED[code])


def test_the_administrator_sees_no_clinical_content_by_default(people):
    assert not policy.sees_clinical_content(people.admin)
    assert policy.sees_clinical_content(people.counsellor)
    assert policy.sees_clinical_content(people.director)
    for role in ("worker", "teacher", "volunteer", "finance", "lead", "archivist"):
        assert not policy.sees_clinical_content(getattr(people, role))


def test_a_deactivated_person_holds_no_permission(people):
    people.director.is_active = False
    assert policy.permissions_of(people.director) == set()


def test_anonymous_visitors_hold_no_permission():
    from django.contrib.auth.models import AnonymousUser

    assert policy.permissions_of(AnonymousUser()) == set()


def test_scope_is_the_persons_unit_and_everything_below_it(people, tree):
    visible = set(policy.filter_org_units(people.counsellor, OrgUnit.objects.all()))
    assert visible == {tree.willow, tree.grid}
    east = set(policy.filter_org_units(people.east_director, OrgUnit.objects.all()))
    assert tree.pine not in east and tree.willow in east


def test_the_administrator_sees_the_whole_tree(people):
    assert policy.filter_org_units(people.admin, OrgUnit.objects.all()).count() == OrgUnit.objects.count()


def test_a_director_sees_staff_in_scope_and_others_only_themselves(people):
    east_staff = set(policy.filter_users(people.east_director, User.objects.all()))
    assert people.counsellor in east_staff and people.outsider not in east_staff
    assert set(policy.filter_users(people.counsellor, User.objects.all())) == {people.counsellor}


def test_fetching_an_object_out_of_scope_looks_exactly_like_a_missing_one(people, tree):
    with pytest.raises(Http404) as hidden:
        policy.fetch_or_404(people.counsellor, OrgUnit, pk=tree.pine.pk)
    with pytest.raises(Http404) as missing:
        policy.fetch_or_404(people.counsellor, OrgUnit, pk=999_999)
    assert str(hidden.value) == str(missing.value)


def test_a_refused_fetch_is_audited_and_a_missing_one_is_not(people, tree):
    before = AuditEntry.objects.filter(action="access.refused").count()
    with pytest.raises(Http404):
        policy.fetch_or_404(people.counsellor, OrgUnit, pk=tree.pine.pk)
    refused = AuditEntry.objects.filter(action="access.refused").latest("seq")
    assert refused.actor == people.counsellor
    assert refused.object_type == "orgs.orgunit" and refused.object_id == str(tree.pine.pk)
    with pytest.raises(Http404):
        policy.fetch_or_404(people.counsellor, OrgUnit, pk=999_999)
    assert AuditEntry.objects.filter(action="access.refused").count() == before + 1


def test_a_model_without_a_policy_filter_is_refused_entirely(people):
    from core.models import JobRun

    JobRun.objects.create(name="x")
    assert policy.filter_for(people.admin, JobRun).count() == 0
