"""Fixtures of the monthly reports: the class of the shared tree with its reporter (``teacher``),
a homeroom teacher as first level, ``counsellor`` as second level, and one student."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from archives.services import resident_register
from confidentiality.roles import Role
from conftest import make_user
from monthlyreports.services import assignment_save

SHANGHAI = ZoneInfo("Asia/Shanghai")
# A Wednesday; November 2026 is due on Monday 30 November, on time until 3 December, locks on 15.
TODAY = datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)


@pytest.fixture
def clock():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def homeroom(tree):
    return make_user("homeroom_t", Role.TEACHER, tree.klass)


@pytest.fixture
def assignment(people, tree, homeroom):
    return assignment_save(
        actor=people.director,
        org_unit=tree.klass,
        reporter=people.teacher,
        first_approver=homeroom,
        second_approver=people.counsellor,
        months_off=[2, 8],
    )


@pytest.fixture
def student(people, tree):
    return resident_register(actor=people.teacher, name="李小红", org_unit=tree.klass)


ANSWERS = {"climate": 4, "activities_held": 2, "talks_held": 5, "notes": "本月开展了一次主题班会。"}
