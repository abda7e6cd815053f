"""The API answers with the same policy as the UI: scope, permissions, 404 for what is out of reach.

Also: the OpenAPI schema and the documentation page, which must load nothing from other hosts.
"""

from __future__ import annotations

import json
import re

import pytest
from rest_framework.test import APIClient

from confidentiality.models import AuditEntry
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

ME = "/api/v1/me/"
ORG_UNITS = "/api/v1/org-units/"
USERS = "/api/v1/users/"


def org_unit(pk) -> str:
    return f"{ORG_UNITS}{pk}/"


def user_url(pk) -> str:
    return f"{USERS}{pk}/"


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return _as


def names(response) -> set[str]:
    return {row["name"] for row in response.data["results"]}


# ---------------------------------------------------------------------------------------------
# Who am I


def test_me_tells_the_role_and_its_permissions(api, people):
    response = api(people.admin).get(ME)
    assert response.status_code == 200
    assert response.data["username"] == people.admin.username
    assert response.data["role"] == "admin"
    assert response.data["org_unit"] == people.admin.org_unit_id
    assert {"orgs.manage_tree", "accounts.manage_users"} <= set(response.data["permissions"])


def test_a_counsellor_is_told_it_cannot_manage_the_tree(api, people):
    permissions = api(people.counsellor).get(ME).data["permissions"]
    assert "orgs.view_tree" in permissions
    assert "orgs.manage_tree" not in permissions
    assert "accounts.manage_users" not in permissions


# ---------------------------------------------------------------------------------------------
# Organisation units: scope


def test_a_counsellor_lists_only_its_community_and_below(api, people, tree):
    response = api(people.counsellor).get(ORG_UNITS)
    assert response.status_code == 200
    assert names(response) == {"柳岸社区", "柳岸第1网格"}
    assert "松林社区" not in names(response)
    assert response.data["count"] == 2


def test_the_admin_lists_every_unit(api, people, tree):
    response = api(people.admin).get(ORG_UNITS)
    assert response.status_code == 200
    assert response.data["count"] == OrgUnit.objects.count() == 9
    assert {"测试区", "柳岸社区", "松林社区", "七年级1班"} <= names(response)


def test_a_subdistrict_director_lists_its_subdistrict_only(api, people, tree):
    response = api(people.east_director).get(ORG_UNITS)
    assert names(response) == {"东街道", "柳岸社区", "柳岸第1网格"}


def test_the_parent_is_given_only_when_it_is_in_scope(api, people, tree):
    rows = {row["name"]: row for row in api(people.counsellor).get(ORG_UNITS).data["results"]}
    # The community's own parent (the subdistrict) is out of the counsellor's scope: not revealed.
    assert rows["柳岸社区"]["parent"] is None
    assert rows["柳岸第1网格"]["parent"] == tree.willow.pk


def test_the_admin_sees_each_units_parent(api, people, tree):
    rows = {row["name"]: row for row in api(people.admin).get(ORG_UNITS).data["results"]}
    assert rows["测试区"]["parent"] is None
    assert rows["柳岸社区"]["parent"] == tree.east.pk
    assert rows["七年级1班"]["parent"] == tree.grade.pk


def test_a_unit_in_scope_can_be_read(api, people, tree):
    response = api(people.counsellor).get(org_unit(tree.grid.pk))
    assert response.status_code == 200
    assert response.data["name"] == "柳岸第1网格"
    assert response.data["kind"] == "grid"
    assert response.data["parent"] == tree.willow.pk


def test_the_detail_does_not_reveal_a_parent_out_of_scope(api, people, tree):
    response = api(people.counsellor).get(org_unit(tree.willow.pk))
    assert response.status_code == 200
    assert response.data["parent"] is None


def test_a_unit_out_of_scope_is_a_404_and_the_refusal_is_audited(api, people, tree):
    before = AuditEntry.objects.filter(action="access.refused").count()
    response = api(people.counsellor).get(org_unit(tree.pine.pk))
    assert response.status_code == 404
    refused = AuditEntry.objects.filter(action="access.refused")
    assert refused.count() == before + 1
    entry = refused.first()
    assert entry.actor_id == people.counsellor.pk
    assert entry.object_type == "orgs.orgunit"
    assert entry.object_id == str(tree.pine.pk)


def test_a_missing_unit_is_the_same_404_and_audits_nothing(api, people, tree):
    missing_pk = OrgUnit.objects.order_by("-pk").first().pk + 1000
    out_of_scope = api(people.counsellor).get(org_unit(tree.pine.pk))
    before = AuditEntry.objects.filter(action="access.refused").count()
    missing = api(people.counsellor).get(org_unit(missing_pk))
    assert missing.status_code == out_of_scope.status_code == 404
    assert missing.data == out_of_scope.data
    assert AuditEntry.objects.filter(action="access.refused").count() == before


def test_the_admin_reads_any_unit(api, people, tree):
    assert api(people.admin).get(org_unit(tree.pine.pk)).status_code == 200


# ---------------------------------------------------------------------------------------------
# Organisation units: creating


def test_the_admin_creates_a_unit_under_a_parent(api, people, tree):
    before = OrgUnit.objects.count()
    response = api(people.admin).post(
        ORG_UNITS, {"name": "柳岸第2网格", "kind": "grid", "parent": tree.willow.pk}, format="json"
    )
    assert response.status_code == 201, response.data
    assert OrgUnit.objects.count() == before + 1
    created = OrgUnit.objects.get(pk=response.data["id"])
    assert created.name == "柳岸第2网格"
    assert created.path.startswith(tree.willow.path)
    assert created.depth == tree.willow.depth + 1
    assert response.data["parent"] == tree.willow.pk
    assert response.data["kind"] == "grid"
    assert AuditEntry.objects.filter(action="org_unit.created", object_id=str(created.pk)).exists()


def test_the_admin_creates_a_new_top_level_school(api, people, tree):
    response = api(people.admin).post(ORG_UNITS, {"name": "独立学校", "kind": "school"}, format="json")
    assert response.status_code == 201, response.data
    assert response.data["parent"] is None
    assert OrgUnit.objects.get(pk=response.data["id"]).depth == 1


@pytest.mark.parametrize("who", ["director", "counsellor", "lead", "finance", "worker"])
def test_only_the_admin_may_create_units(api, people, tree, who):
    before = OrgUnit.objects.count()
    response = api(getattr(people, who)).post(
        ORG_UNITS, {"name": "不该有", "kind": "grid", "parent": tree.willow.pk}, format="json"
    )
    assert response.status_code == 403
    assert OrgUnit.objects.count() == before
    assert not OrgUnit.objects.filter(name="不该有").exists()


def test_a_grid_directly_under_the_district_is_refused_with_a_message(api, people, tree):
    before = OrgUnit.objects.count()
    response = api(people.admin).post(
        ORG_UNITS, {"name": "错位网格", "kind": "grid", "parent": tree.district.pk}, format="json"
    )
    assert response.status_code == 400
    assert response.data["kind"]
    assert str(response.data["kind"][0])
    assert OrgUnit.objects.count() == before


def test_a_community_at_the_top_of_the_tree_is_refused(api, people, tree):
    before = OrgUnit.objects.count()
    response = api(people.admin).post(ORG_UNITS, {"name": "无主社区", "kind": "community"}, format="json")
    assert response.status_code == 400
    assert "kind" in response.data
    assert OrgUnit.objects.count() == before


def test_an_unknown_kind_is_a_validation_error(api, people, tree):
    before = OrgUnit.objects.count()
    response = api(people.admin).post(
        ORG_UNITS, {"name": "某单位", "kind": "galaxy", "parent": tree.district.pk}, format="json"
    )
    assert response.status_code == 400
    assert "kind" in response.data
    assert OrgUnit.objects.count() == before


def test_a_blank_name_is_a_validation_error(api, people, tree):
    before = OrgUnit.objects.count()
    response = api(people.admin).post(
        ORG_UNITS, {"name": "", "kind": "grid", "parent": tree.willow.pk}, format="json"
    )
    assert response.status_code == 400
    assert "name" in response.data
    assert OrgUnit.objects.count() == before


def test_a_missing_parent_is_a_404_and_nothing_is_written(api, people, tree):
    before = OrgUnit.objects.count()
    missing_pk = OrgUnit.objects.order_by("-pk").first().pk + 1000
    response = api(people.admin).post(
        ORG_UNITS, {"name": "无父网格", "kind": "grid", "parent": missing_pk}, format="json"
    )
    assert response.status_code == 404
    assert OrgUnit.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Staff accounts


def test_the_admin_lists_staff_accounts(api, people):
    response = api(people.admin).get(USERS)
    assert response.status_code == 200
    usernames = {row["username"] for row in response.data["results"]}
    assert {people.counsellor.username, people.outsider.username, people.admin.username} <= usernames
    assert "password" not in response.data["results"][0]


@pytest.mark.parametrize("who", ["counsellor", "director", "finance", "worker"])
def test_staff_accounts_are_for_the_admin_only(api, people, who):
    assert api(getattr(people, who)).get(USERS).status_code == 403


def test_the_admin_reads_one_account(api, people):
    response = api(people.admin).get(user_url(people.outsider.pk))
    assert response.status_code == 200
    assert response.data["username"] == people.outsider.username


def test_a_counsellor_cannot_read_an_account(api, people):
    assert api(people.counsellor).get(user_url(people.counsellor.pk)).status_code == 403
    assert api(people.counsellor).get(user_url(people.colleague.pk)).status_code == 403


def test_a_missing_account_is_a_404(api, people):
    assert api(people.admin).get(user_url(10**6)).status_code == 404


# ---------------------------------------------------------------------------------------------
# Unauthenticated, inactive, wrong method


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", ME),
        ("get", ORG_UNITS),
        ("post", ORG_UNITS),
        ("get", "/api/v1/org-units/1/"),
        ("get", USERS),
        ("get", "/api/v1/users/1/"),
        ("post", "/api/v1/auth/token/revoke/"),
    ],
)
def test_an_unauthenticated_request_is_a_401(tree, method, url):
    before = OrgUnit.objects.count()
    response = getattr(APIClient(), method)(url, {"name": "x", "kind": "school"}, format="json")
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Token")
    assert OrgUnit.objects.count() == before


def test_an_inactive_users_session_sees_nothing(api, people, tree):
    people.counsellor.is_active = False
    people.counsellor.save(update_fields=["is_active"])
    # A session (force_authenticate) skips the token check; the policy still refuses the inactive.
    assert api(people.counsellor).get(ORG_UNITS).status_code == 403
    assert api(people.counsellor).get(org_unit(tree.willow.pk)).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("delete", ME),
        ("post", ME),
        ("put", ME),
        ("delete", ORG_UNITS),
        ("post", USERS),
        ("get", "/api/v1/auth/token/"),
    ],
)
def test_a_wrong_method_is_a_405(api, people, method, url):
    response = getattr(api(people.admin), method)(url)
    assert response.status_code == 405


def test_a_wrong_method_on_a_unit_is_a_405_and_changes_nothing(api, people, tree):
    before = OrgUnit.objects.count()
    assert api(people.admin).delete(org_unit(tree.pine.pk)).status_code == 405
    assert OrgUnit.objects.count() == before


# ---------------------------------------------------------------------------------------------
# Schema and documentation


def test_the_schema_is_an_openapi_document(client):
    response = client.get("/api/schema/")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("openapi:")
    assert "/api/v1/auth/token/:" in body
    assert "/api/v1/org-units/:" in body


@pytest.mark.parametrize(
    "how",
    [
        {"path": "/api/schema/?format=json"},
        {"path": "/api/schema/", "HTTP_ACCEPT": "application/vnd.oai.openapi+json"},
    ],
)
def test_the_schema_is_available_as_json(client, how):
    how = dict(how)
    response = client.get(how.pop("path"), **how)
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    paths = document["paths"]
    for path in (
        "/api/v1/auth/token/",
        "/api/v1/auth/token/revoke/",
        "/api/v1/me/",
        "/api/v1/org-units/",
        "/api/v1/org-units/{id}/",
        "/api/v1/users/",
        "/api/v1/users/{id}/",
    ):
        assert path in paths
    assert "post" in paths["/api/v1/auth/token/"]
    assert {"get", "post"} <= set(paths["/api/v1/org-units/"])
    assert "tokenAuth" in document["components"]["securitySchemes"]


def test_the_token_request_is_documented_with_its_otp_field(client):
    document = json.loads(client.get("/api/schema/?format=json").content)
    schemas = document["components"]["schemas"]
    request = next(schema for name, schema in schemas.items() if name.startswith("TokenRequest"))
    assert {"username", "password", "otp"} <= set(request["properties"])
    assert set(request["required"]) == {"username", "password"}


def test_the_docs_page_loads_only_local_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert "swagger-ui" in html.lower()
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html, flags=re.IGNORECASE)
    assert references, "the page should load its script and styles"
    for reference in references:
        assert not re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", reference, flags=re.IGNORECASE), reference
    assert not re.search(r"""(?:src|href)\s*=\s*["']\s*(?:https?:)?//""", html, flags=re.IGNORECASE)
    assert "cdn.jsdelivr" not in html
    assert "unpkg.com" not in html


def test_the_docs_page_points_at_the_local_schema(client):
    html = client.get("/api/docs/").content.decode()
    assert "/api/schema/" in html


def test_the_files_the_docs_page_loads_are_shipped_with_the_app(client, settings):
    from django.contrib.staticfiles import finders

    html = client.get("/api/docs/").content.decode()
    references = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", html, flags=re.IGNORECASE)
    for reference in references:
        assert reference.startswith(settings.STATIC_URL), reference
        assert finders.find(reference.removeprefix(settings.STATIC_URL)), reference
