"""Property-based run of every documented API operation: no generated input makes the server fail.

Schemathesis reads the OpenAPI document the application serves, generates requests from it (valid
ones and edge cases) and sends them to the WSGI application in-process, inside the test's
transaction. Requests carry a real token obtained from POST /api/v1/auth/token/, for an
administrator (sees and may change everything) and for a finance officer (mostly refused), or,
anonymously, whatever Authorization header and session cookie the generator made up.

Each operation gets its own bounded Hypothesis run (``operation.as_strategy``), in positive mode
(inputs the schema allows) and negative mode (inputs it forbids). Schemathesis's own pytest
integration (``schemathesis.pytest.from_fixture``) is not used: in 4.32.5 it writes
``request.node._nodeid``, which pytest 9 no longer has.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.core.wsgi import get_wsgi_application
from django.db.backends.base.base import BaseDatabaseWrapper
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis import GenerationMode

from accounts.roles import Role
from conftest import PASSWORD, make_user
from orgs.models import OrgUnit

pytestmark = pytest.mark.django_db

SCHEMA_URL = "/api/schema/?format=json"


@pytest.fixture
def _keep_the_test_connection(monkeypatch):
    """Requests go through the real WSGI handler, whose request signals close "obsolete" database
    connections; on PostgreSQL that closes the test's own connection mid-transaction. Django's
    test client avoids this by unhooking the receiver around each request (and hooking it back
    afterwards, so unhooking it once here would not last); here the check itself stands still."""
    monkeypatch.setattr(BaseDatabaseWrapper, "close_if_unusable_or_obsolete", lambda self: None)


@pytest.fixture
def api_schema(_keep_the_test_connection, db, tree, settings):
    # A demo administrator may obtain a token without a second factor while demo mode is on.
    settings.DEMO_MODE = True
    return schemathesis.openapi.from_wsgi(SCHEMA_URL, get_wsgi_application())


@pytest.fixture(params=[Role.ADMIN, Role.FINANCE, "anonymous"])
def api_user(request, tree, api_schema):
    if request.param == "anonymous":
        return None
    return make_user(f"fuzz_{request.param}", request.param, tree.district, is_demo_account=True)


@pytest.fixture
def auth_header(api_user):
    """The Authorization header of a real token, issued again if a fuzzed call revoked it.

    Anonymous requests send whatever Authorization header and session cookie were generated.
    """
    key = None

    def current() -> dict[str, str]:
        nonlocal key
        if api_user is None:
            return {}
        if key is None or not Token.objects.filter(key=key).exists():
            response = APIClient().post(
                "/api/v1/auth/token/", {"username": api_user.username, "password": PASSWORD}, format="json"
            )
            assert response.status_code == 200, response.content
            key = response.data["token"]
        return {"Authorization": f"Token {key}"}

    return current


FUZZ_SETTINGS = hypothesis_settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.filter_too_much,
    ],
)


def has_inputs(operation) -> bool:
    """A body, or a path or query parameter (the headers and cookies are the security schemes)."""
    return bool(operation.body) or any(p.location in ("path", "query") for p in operation.iter_parameters())


def existing_ids(path: str) -> list[int]:
    """Real primary keys for ``{id}``, so that generated requests also reach objects that exist."""
    if path.startswith("/api/v1/org-units/"):
        return list(OrgUnit.objects.values_list("pk", flat=True))
    if path.startswith("/api/v1/users/"):
        return list(get_user_model().objects.values_list("pk", flat=True))
    return []


def strategy_for(operation, mode: GenerationMode):
    strategy = operation.as_strategy(generation_mode=mode)
    ids = existing_ids(operation.path) if "id" in operation.path_parameters else []
    if mode.is_positive and ids:
        with_real_id = st.sampled_from(ids).flatmap(
            lambda pk: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
        )
        strategy = st.one_of(strategy, with_real_id)
    return strategy


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_no_generated_request_gets_a_server_error(api_schema, api_user, auth_header, mode):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {operation.label for operation in operations} >= {
        "POST /api/v1/auth/token/",
        "POST /api/v1/auth/token/revoke/",
        "GET /api/v1/me/",
        "GET /api/v1/org-units/",
        "POST /api/v1/org-units/",
        "GET /api/v1/org-units/{id}/",
        "GET /api/v1/users/",
        "GET /api/v1/users/{id}/",
    }
    for operation in operations:
        if mode.is_negative and not has_inputs(operation):
            continue  # nothing to make invalid

        @FUZZ_SETTINGS
        @given(case=strategy_for(operation, mode))
        def fuzz(case):
            response = case.call(headers=auth_header())
            assert response.status_code < 500, (
                f"{case.method} {case.formatted_path} -> {response.status_code}\n"
                f"query={case.query!r} body={case.body!r}\n{response.text[:2000]}"
            )

        fuzz()
