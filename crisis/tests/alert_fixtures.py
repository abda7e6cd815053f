"""Fixtures of the alert page, rules page and alert API tests."""

from __future__ import annotations

import pytest
from django.utils import timezone

from crisis.models import Alert, AlertRule
from crisis.tests.alert_support import client_of, make_alert


@pytest.fixture
def alerts(people, tree):
    """张三 (柳岸第1网格, the counsellor's client) with a new red alert; 李四 (松林社区, the
    outsider's) with an acknowledged orange one; an anonymous yellow alert in 柳岸社区; and a
    closed red alert of 王五 in 柳岸社区, overdue long ago but no longer open."""
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    zhang = client_of(people, tree.grid, "张三", responsible=[people.counsellor])
    li = client_of(people, tree.pine, "李四", responsible=[people.outsider])
    wang = client_of(people, tree.willow, "王五")
    return type(
        "Alerts",
        (),
        {
            "zhang": zhang,
            "li": li,
            "red": make_alert(
                level="red",
                org_unit=tree.grid,
                resident=zhang,
                owner=people.counsellor,
                note="说今晚要结束生命",
            ),
            "orange": make_alert(
                level="orange",
                org_unit=tree.pine,
                resident=li,
                owner=people.outsider,
                state=Alert.State.ACKNOWLEDGED,
                minutes_left=200,
                acknowledged_at=timezone.now(),
                acknowledged_by=people.outsider,
            ),
            "anonymous": make_alert(
                level="yellow",
                org_unit=tree.willow,
                subject_note="公园长椅上的中年男子，穿灰色外套",
                minutes_left=-30,
                source="external",
            ),
            "closed": make_alert(
                level="red",
                org_unit=tree.willow,
                resident=wang,
                state=Alert.State.CLOSED,
                minutes_left=-600,
                outcome=Alert.Outcome.STABILISED,
            ),
        },
    )


@pytest.fixture
def external_rules(db):
    """The default rules for external signals (as the data migration ships them)."""
    rows = [
        ("external-immediate-danger", "red", {"immediate_danger": True}),
        ("external-urgent", "orange", {"urgent": True}),
        ("external-signal", "yellow", {}),
    ]
    return [
        AlertRule.objects.update_or_create(
            code=code,
            defaults={
                "source": "external",
                "level": level,
                "condition": condition,
                "name": code,
                "is_active": True,
            },
        )[0]
        for code, level, condition in rows
    ]
