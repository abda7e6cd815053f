"""Shared fixtures: a small org tree and a base set of named staff.

The names follow one story: ``counsellor`` (the owner of work in 柳岸社区), ``colleague`` (another
counsellor in the same community), ``outsider`` (a counsellor in another subdistrict), plus one
account for each remaining role.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.services import user_create
from confidentiality.roles import Role
from orgs.models import UnitKind
from orgs.services import org_unit_create

# The browser and page fixtures (Playwright on Debian's chromium), defined once for every module:
# a session fixture imported into two modules would start two Playwright loops in one thread.
# The case fixtures (clients, case, site) are shared by workflow, crisis and supervision: only the
# root conftest may load a plugin, so a lower conftest cannot.
pytest_plugins = ["core.tests.browser", "workflow.tests.case_fixtures"]

PASSWORD = "correct-horse-battery"


@pytest.fixture(autouse=True, scope="session")
def _tasks_run_inline():
    # Tasks run inline (in memory) in tests; nothing waits on a worker.
    from huey.contrib.djhuey import HUEY

    HUEY.immediate = True


PRODUCTION_HASHERS = None


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate-limit counters live in the cache; each test starts without any."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the site's language (Simplified Chinese). A request leaves its
    language active in the thread, so without this a service's message would be in whatever
    language the previous test's last request asked for."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is deliberately slow; tests that are not about hashing use a fast hasher."""
    global PRODUCTION_HASHERS
    PRODUCTION_HASHERS = PRODUCTION_HASHERS or list(settings.PASSWORD_HASHERS)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def production_hashers(settings):
    settings.PASSWORD_HASHERS = PRODUCTION_HASHERS
    return PRODUCTION_HASHERS


@pytest.fixture
def tree(db):
    """district → 2 subdistricts → communities → grids, and a school → grade → class."""

    def unit(name, kind, parent=None):
        return org_unit_create(actor=None, name=name, kind=kind, parent=parent)

    district = unit("测试区", UnitKind.DISTRICT)
    east = unit("东街道", UnitKind.SUBDISTRICT, district)
    west = unit("西街道", UnitKind.SUBDISTRICT, district)
    willow = unit("柳岸社区", UnitKind.COMMUNITY, east)
    pine = unit("松林社区", UnitKind.COMMUNITY, west)
    grid = unit("柳岸第1网格", UnitKind.GRID, willow)
    school = unit("实验中学", UnitKind.SCHOOL, district)
    grade = unit("七年级", UnitKind.GRADE, school)
    klass = unit("七年级1班", UnitKind.CLASS, grade)
    return type(
        "Tree",
        (),
        dict(
            district=district,
            east=east,
            west=west,
            willow=willow,
            pine=pine,
            grid=grid,
            school=school,
            grade=grade,
            klass=klass,
        ),
    )


def make_user(username: str, role: str, unit, **extra):
    user, _ = user_create(
        actor=None,
        username=username,
        full_name=f"{username} 测试",
        role=role,
        org_unit=unit,
        password=PASSWORD,
        **extra,
    )
    return user


@pytest.fixture
def people(tree):
    """One person per role, plus a colleague and an outsider counsellor."""
    return type(
        "People",
        (),
        {
            "admin": make_user("admin_t", Role.ADMIN, tree.district),
            "director": make_user("director_t", Role.DIRECTOR, tree.district),
            "east_director": make_user("east_director_t", Role.DIRECTOR, tree.east),
            "lead": make_user("lead_t", Role.PROJECT_LEAD, tree.district),
            "counsellor": make_user("counsellor_t", Role.COUNSELLOR, tree.willow),
            "colleague": make_user("colleague_t", Role.COUNSELLOR, tree.willow),
            "outsider": make_user("outsider_t", Role.COUNSELLOR, tree.pine),
            "therapist": make_user("therapist_t", Role.THERAPIST, tree.willow),
            "supervisor": make_user("supervisor_t", Role.SUPERVISOR, tree.district),
            "archivist": make_user("archivist_t", Role.ARCHIVIST, tree.district),
            "finance": make_user("finance_t", Role.FINANCE, tree.district),
            "worker": make_user("worker_t", Role.GRID_WORKER, tree.grid),
            "teacher": make_user("teacher_t", Role.TEACHER, tree.klass),
            "volunteer": make_user("volunteer_t", Role.VOLUNTEER, tree.willow),
        },
    )


def login_fully(client: Client, user) -> Client:
    """Log in as ``user`` with the second factor already passed, as after a real TOTP check."""
    client.force_login(user)
    if user.role_requires_two_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="test", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


@pytest.fixture
def as_user(client):
    def _login(user) -> Client:
        return login_fully(client, user)

    return _login
