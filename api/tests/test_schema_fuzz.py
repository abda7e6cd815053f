"""Property-based run of every documented API operation: no generated input makes the server fail.

Schemathesis reads the OpenAPI document the application serves, generates requests from it (valid
ones and edge cases) and sends them to the WSGI application in-process, inside the test's
transaction. Requests carry a real token obtained from POST /api/v1/auth/token/, for an
administrator (sees and may change the organisation, sees no resident), a finance officer (mostly
refused), a grid worker (sees and registers residents, corrects none) and a counsellor responsible
for one archive (registers, corrects, sees that archive's clinical content), all scoped to the
whole district, or, anonymously, whatever Authorization header and session cookie the generator
made up. A few residents exist, so that the generated requests also reach real records.

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
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis import GenerationMode

from archives.models import Resident
from archives.services import archive_set_responsible, resident_register
from confidentiality.roles import Role
from conftest import PASSWORD, make_user
from lib.identity import prc_id_check_character
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


def _valid_id(first17: str) -> str:
    return first17 + prc_id_check_character(first17)


@pytest.fixture
def residents(tree):
    """Residents for the generated requests to find: in and out of a grid, one a minor."""
    registrar = make_user("fuzz_registrar", Role.ARCHIVIST, tree.district)
    return [
        resident_register(
            actor=registrar,
            name="张三",
            org_unit=tree.grid,
            id_number=_valid_id("11010119900307123"),
            phone="13912345678",
            address="柳岸路8号",
            tags=["elderly"],
        ),
        resident_register(actor=registrar, name="李四", org_unit=tree.pine, phone="13812345678"),
        resident_register(
            actor=registrar,
            name="小明",
            org_unit=tree.klass,
            id_number=_valid_id("11010120150601246"),
            guardian_name="王芳",
            guardian_relation="母亲",
            guardian_phone="13712345678",
        ),
    ]


@pytest.fixture(params=[Role.ADMIN, Role.FINANCE, Role.GRID_WORKER, Role.COUNSELLOR, "anonymous"])
def api_user(request, tree, api_schema, residents):
    if request.param == "anonymous":
        return None
    user = make_user(f"fuzz_{request.param}", request.param, tree.district, is_demo_account=True)
    if request.param == Role.COUNSELLOR:
        archivist = make_user("fuzz_archivist", Role.ARCHIVIST, tree.district)
        archive_set_responsible(actor=archivist, archive=residents[0].archive, staff=[user])
    return user


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
    if path.startswith("/api/v1/residents/"):
        return list(Resident.objects.values_list("pk", flat=True))
    return []


def with_real_unit(case, unit_pk: int):
    """The case, with any generated ``org_unit`` (body field or query parameter) made a real unit,
    so that registrations, corrections and the unit filter get past "no such unit"."""
    for part in ("body", "query"):
        values = getattr(case, part)
        if isinstance(values, dict) and "org_unit" in values:
            setattr(case, part, {**values, "org_unit": unit_pk})
    return case


def strategy_for(operation, mode: GenerationMode):
    strategy = operation.as_strategy(generation_mode=mode)
    ids = existing_ids(operation.path) if "id" in operation.path_parameters else []
    if mode.is_positive and ids:
        with_real_id = st.sampled_from(ids).flatmap(
            lambda pk: operation.as_strategy(generation_mode=mode, path_parameters={"id": pk})
        )
        strategy = st.one_of(strategy, with_real_id)
    if mode.is_positive:
        units = list(OrgUnit.objects.values_list("pk", flat=True))
        strategy = st.one_of(
            strategy, st.tuples(strategy, st.sampled_from(units)).map(lambda pair: with_real_unit(*pair))
        )
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
        "GET /api/v1/residents/",
        "POST /api/v1/residents/",
        "GET /api/v1/residents/{id}/",
        "PATCH /api/v1/residents/{id}/",
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

        try:
            fuzz()
        except Unsatisfiable:
            # Negative mode finds nothing to break when every input the schema allows is a plain
            # string (e.g. an instrument code in the path); that is not a failure of the server.
            if not mode.is_negative:
                raise
