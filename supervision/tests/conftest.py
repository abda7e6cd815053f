"""The supervision world: 张三's case held by ``counsellor`` (whose supervisor is ``supervisor``),
and ``colleague``, also supervised by ``supervisor``, who is not on that case's team (the
demo's counsellor2)."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from supervision import services


@pytest.fixture
def team(people, case):
    people.colleague.supervisor = people.supervisor
    people.colleague.save(update_fields=["supervisor"])
    return SimpleNamespace(case=case, counsellor=people.counsellor, counsellor2=people.colleague)


def record_group(people, team, *, days_ago=3, **overrides):
    values = dict(
        actor=people.supervisor,
        kind="group",
        held_on=timezone.localdate() - timedelta(days=days_ago),
        duration_minutes=90,
        supervisor=people.supervisor,
        attendees=[team.counsellor, team.counsellor2],
        cases=[team.case],
        summary="讨论来访者的睡眠问题与工作压力的关系",
    )
    values.update(overrides)
    return services.supervision_session_record(**values)


@pytest.fixture
def group_session(people, team):
    return record_group(people, team)


@pytest.fixture
def api():
    def _as(user) -> APIClient:
        client = APIClient()
        client.force_authenticate(user=user)
        return client

    return _as
