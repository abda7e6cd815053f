"""Fixtures of the case and session tests, loaded with ``pytest_plugins``: two clients (one with
consent), a case opened through the services, and a service site."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from archives.services import resident_register
from lib.identity import prc_id_check_character
from orgs.services import service_site_create
from workflow.services.cases import case_open

from .case_support import LI_17, PROBLEM, ZHANG_17, consent_everything


@pytest.fixture
def clients(people, tree):
    """张三 in 柳岸第1网格 with both consents; 李四 in 松林社区 without. Nobody is responsible
    for either yet. The counsellor's supervisor is ``supervisor``."""
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    zhang = resident_register(
        actor=people.worker,
        name="张三",
        org_unit=tree.grid,
        id_number=ZHANG_17 + prc_id_check_character(ZHANG_17),
        phone="13912345678",
    )
    consent_everything(people, zhang)
    li = resident_register(
        actor=people.outsider,
        name="李四",
        org_unit=tree.pine,
        id_number=LI_17 + prc_id_check_character(LI_17),
        phone="13600003333",
    )
    return SimpleNamespace(zhang=zhang, li=li)


@pytest.fixture
def case(people, clients):
    """Case of 张三, opened by the counsellor for themself a week ago (so that a session held an
    hour ago is never before the opening day, whatever the time of the run)."""
    return case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem=PROBLEM,
        opened_at=timezone.now() - timedelta(days=7),
    )


@pytest.fixture
def site(tree):
    return service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)
