"""Property-based run of every documented API operation: no generated input makes the server fail.

Schemathesis reads the OpenAPI document the application serves, generates requests from it (valid
ones and edge cases) and sends them to the WSGI application in-process, inside the test's
transaction. Every request carries a real token obtained from POST /api/v1/auth/token/, for an
administrator (sees and may change everything) and for a finance officer (mostly refused).
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.roles import Role
from conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"


@pytest.fixture
def api_schema(db, tree, settings):
    # A demo administrator may obtain a token without a second factor while demo mode is on.
    settings.DEMO_MODE = True
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())


@pytest.fixture(params=[Role.ADMIN, Role.FINANCE])
def api_user(request, tree, api_schema):
    return make_user(f"fuzz_{request.param}", request.param, tree.district, is_demo_account=True)


@pytest.fixture
def auth_header(api_user):
    """The Authorization header of a real token, issued again if a fuzzed call revoked it."""
    key = None

    def current() -> dict[str, str]:
        nonlocal key
        if key is None or not Token.objects.filter(key=key).exists():
            response = APIClient().post(
                "/api/v1/auth/token/", {"username": api_user.username, "password": PASSWORD}, format="json"
            )
            assert response.status_code == 200, response.content
            key = response.data["token"]
        return {"Authorization": f"Token {key}"}

    return current


schema = schemathesis.pytest.from_fixture("api_schema")


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much],
)
@schema.parametrize()
@pytest.mark.usefixtures("api_user")
def test_no_generated_request_gets_a_server_error(case, auth_header):
    response = case.call(headers=auth_header())
    assert response.status_code < 500, (
        f"{case.method} {case.formatted_path} -> {response.status_code}\n"
        f"query={case.query!r} body={case.body!r}\n{response.text[:2000]}"
    )
