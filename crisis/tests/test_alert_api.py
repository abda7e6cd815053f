"""/api/v1/alerts/ and /api/v1/signals/: the same policy, selectors and services as the alert pages."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from confidentiality.models import AuditEntry
from crisis.models import Alert, AlertRule, RiskSignal
from crisis.tests.alert_support import client_of, make_alert

pytestmark = pytest.mark.django_db
pytest_plugins = ["crisis.tests.alert_fixtures"]

ALERTS = "/api/v1/alerts/"
SIGNALS = "/api/v1/signals/"


def detail(alert) -> str:
    return f"{ALERTS}{alert.pk}/"


def acknowledge(alert) -> str:
    return f"{ALERTS}{alert.pk}/acknowledge/"


def assign(alert) -> str:
    return f"{ALERTS}{alert.pk}/assign/"


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_authenticate(user=user)
    return client


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def snapshot(alert) -> tuple:
    alert = Alert.objects.get(pk=alert.pk)
    writes = AuditEntry.objects.filter(action__startswith="alert.").exclude(action="alert.viewed")
    return (
        (alert.state, alert.owner_id, alert.acknowledged_at),
        alert.events.count(),
        writes.count(),
    )


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_is_the_queue_open_first_red_on_top(people, alerts):
    response = api(people.counsellor).get(ALERTS)
    assert response.status_code == 200
    assert ids(response) == [alerts.red.pk, alerts.anonymous.pk, alerts.closed.pk]
    first = response.json()["results"][0]
    assert (
        first["level"] == "red"
        and first["resident_name"] == "张三"
        and first["owner"] == people.counsellor.pk
    )
    anonymous = response.json()["results"][1]
    assert anonymous["resident"] is None and anonymous["resident_name"] == ""
    assert "subject_note" not in anonymous


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=open", ["red", "anonymous"]),
        ("?state=closed", ["closed"]),
        ("?level=red", ["red", "closed"]),
        ("?state=new&level=red", ["red"]),
    ],
)
def test_the_list_filters_by_state_and_level(people, alerts, query, expected):
    assert ids(api(people.counsellor).get(ALERTS + query)) == [getattr(alerts, n).pk for n in expected]


@pytest.mark.parametrize("query", ["?state=lost", "?level=purple"])
def test_an_unknown_filter_is_a_400_with_its_reason(people, alerts, query):
    response = api(people.counsellor).get(ALERTS + query)
    assert response.status_code == 400 and set(response.json()) <= {"state", "level"}


def test_each_caller_sees_only_the_alerts_in_reach_and_other_roles_are_refused(people, alerts):
    assert ids(api(people.outsider).get(ALERTS)) == [alerts.orange.pk]
    assert api(people.worker).get(ALERTS).status_code == 403
    assert api(people.admin).get(ALERTS).status_code == 403
    assert APIClient().get(ALERTS).status_code in (401, 403)


def test_reading_the_list_is_audited_with_the_ids(people, alerts):
    api(people.outsider).get(ALERTS)
    entry = AuditEntry.objects.get(action="list.viewed", object_type="crisis.alert")
    assert entry.actor == people.outsider and entry.details["ids"] == [str(alerts.orange.pk)]
    assert entry.details["page"] == "api"


def test_the_list_costs_a_fixed_number_of_queries(people, tree, alerts, django_assert_max_num_queries):
    for index in range(20):
        resident = client_of(people, tree.grid, f"居民{index}") if index < 8 else None
        make_alert(level="orange", org_unit=tree.grid, resident=resident, owner=people.colleague)
    with django_assert_max_num_queries(10):
        response = api(people.director).get(ALERTS)
    assert response.json()["count"] == 24


# ---------------------------------------------------------------------------------------------
# One alert


def test_one_alert_has_its_history_and_the_reading_is_audited(people, alerts):
    response = api(people.counsellor).get(detail(alerts.anonymous))
    assert response.status_code == 200
    body = response.json()
    assert body["subject_note"] == "公园长椅上的中年男子，穿灰色外套"
    assert [event["kind"] for event in body["events"]] == ["raised"]
    entry = AuditEntry.objects.get(action="alert.viewed")
    assert (entry.actor, entry.object_id) == (people.counsellor, str(alerts.anonymous.pk))


def test_an_alert_out_of_reach_is_a_404_and_the_refusal_is_audited(people, alerts):
    assert api(people.outsider).get(detail(alerts.red)).status_code == 404
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(alerts.red.pk)).exists()
    assert not AuditEntry.objects.filter(action="alert.viewed").exists()


def test_a_missing_alert_is_a_404(people, alerts):
    assert api(people.counsellor).get(f"{ALERTS}999999/").status_code == 404


def test_a_role_that_does_not_handle_alerts_is_refused_one(people, alerts):
    assert api(people.worker).get(detail(alerts.red)).status_code == 403
    assert api(people.counsellor).post(detail(alerts.red)).status_code == 405


# ---------------------------------------------------------------------------------------------
# Acknowledge and assign


def test_the_counsellor_acknowledges_a_red_alert(people, alerts):
    response = api(people.counsellor).post(acknowledge(alerts.red))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "acknowledged" and body["acknowledged_by"] == people.counsellor.pk
    assert [event["kind"] for event in body["events"]] == ["raised", "acknowledged"]


def test_acknowledging_twice_is_a_400_and_writes_nothing(people, alerts):
    api(people.counsellor).post(acknowledge(alerts.red))
    before = snapshot(alerts.red)
    response = api(people.counsellor).post(acknowledge(alerts.red))
    assert response.status_code == 400
    assert "already been acknowledged" in str(response.json())
    assert snapshot(alerts.red) == before


def test_the_alert_is_given_to_a_colleague(people, alerts):
    response = api(people.counsellor).post(
        assign(alerts.red), {"owner": people.colleague.pk, "note": "请接手"}
    )
    assert response.status_code == 200 and response.json()["owner"] == people.colleague.pk
    assert Alert.objects.get(pk=alerts.red.pk).events.get(kind="assigned").note == "请接手"


@pytest.mark.parametrize("owner", ["outsider", "worker", "missing", "none"])
def test_the_alert_is_not_given_to_someone_who_could_not_handle_it(people, alerts, owner):
    before = snapshot(alerts.red)
    special = {"missing": {"owner": 999999}, "none": {}}
    data = special[owner] if owner in special else {"owner": getattr(people, owner).pk}
    response = api(people.counsellor).post(assign(alerts.red), data, format="json")
    assert response.status_code == 400 and "owner" in response.json()
    assert snapshot(alerts.red) == before


@pytest.mark.parametrize("url", [acknowledge, assign])
@pytest.mark.parametrize("who", ["outsider", "worker"])
def test_someone_who_cannot_handle_the_alert_cannot_act_on_it_and_nothing_is_written(
    people, alerts, url, who
):
    before = snapshot(alerts.red)
    response = api(getattr(people, who)).post(url(alerts.red), {"owner": getattr(people, who).pk})
    # The worker may not handle alerts at all (403); the outsider may, but not this one (404).
    assert response.status_code == (404 if who == "outsider" else 403)
    assert snapshot(alerts.red) == before


@pytest.mark.parametrize("url", [acknowledge, assign])
def test_actions_answer_only_post(people, alerts, url):
    assert api(people.counsellor).get(url(alerts.red)).status_code == 405


# ---------------------------------------------------------------------------------------------
# Signals from other systems


def test_a_signal_about_a_visible_resident_raises_an_alert_shown_to_a_caller_who_handles_it(
    people, tree, external_rules
):
    resident = client_of(people, tree.grid, "赵六")
    response = api(people.counsellor).post(
        SIGNALS,
        {"resident": resident.pk, "immediate_danger": True, "flags": ["kiosk_sos"], "note": "自助机求助按钮"},
        format="json",
    )
    assert response.status_code == 201
    body = response.json()
    signal = RiskSignal.objects.get(pk=body["signal"])
    assert (signal.source, signal.resident, signal.reported_by) == ("external", resident, people.counsellor)
    assert (signal.flags, signal.immediate_danger, signal.note) == (["kiosk_sos"], True, "自助机求助按钮")
    assert body["alert_raised"] is True
    assert body["alert"]["level"] == "red" and body["alert"]["resident"] == resident.pk


def test_a_second_signal_for_the_same_person_joins_the_open_alert(people, tree, external_rules):
    resident = client_of(people, tree.grid, "赵六")
    first = api(people.counsellor).post(SIGNALS, {"resident": resident.pk}, format="json").json()
    second = (
        api(people.counsellor).post(SIGNALS, {"resident": resident.pk, "urgent": True}, format="json").json()
    )
    assert first["alert"]["id"] == second["alert"]["id"]
    assert (first["alert"]["level"], second["alert"]["level"]) == ("yellow", "orange")
    assert Alert.objects.filter(resident=resident).count() == 1


def test_a_kiosk_account_learns_only_that_an_alert_was_raised(people, external_rules):
    response = api(people.admin).post(
        SIGNALS, {"subject_note": "社区服务站自助机：匿名求助", "immediate_danger": True}, format="json"
    )
    assert response.status_code == 201
    body = response.json()
    assert body["alert_raised"] is True and body["alert"] is None
    alert = Alert.objects.get()
    assert (alert.level, alert.resident, alert.subject_note) == ("red", None, "社区服务站自助机：匿名求助")


def test_a_signal_no_rule_matches_raises_no_alert(people, external_rules):
    AlertRule.objects.filter(source="external").update(is_active=False)
    response = api(people.counsellor).post(SIGNALS, {"subject_note": "路人"}, format="json")
    assert response.status_code == 201
    assert response.json()["alert_raised"] is False and response.json()["alert"] is None
    assert RiskSignal.objects.filter(pk=response.json()["signal"]).exists()
    assert not Alert.objects.exists()


def test_a_resident_out_of_the_callers_reach_is_a_404_and_nothing_is_written(people, tree, external_rules):
    li = client_of(people, tree.pine, "李四")
    response = api(people.counsellor).post(
        SIGNALS, {"resident": li.pk, "immediate_danger": True}, format="json"
    )
    assert response.status_code == 404
    assert not RiskSignal.objects.exists() and not Alert.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"subject_note": "   "},
        {"subject_note": "x", "flags": "not-a-list"},
        {"subject_note": "x", "band": "b" * 41},
        {"resident": 0},
        {"resident": "abc"},
    ],
)
def test_a_bad_signal_is_a_400_and_nothing_is_written(people, external_rules, data):
    response = api(people.counsellor).post(SIGNALS, data, format="json")
    assert response.status_code == 400
    assert not RiskSignal.objects.exists()


@pytest.mark.parametrize("who", ["worker", "teacher", "finance", "archivist"])
def test_roles_without_the_permission_may_not_send_signals(people, external_rules, who):
    response = api(getattr(people, who)).post(SIGNALS, {"subject_note": "x"}, format="json")
    assert response.status_code == 403
    assert not RiskSignal.objects.exists()


def test_signals_answer_only_post_and_need_authentication(people, external_rules):
    assert api(people.counsellor).get(SIGNALS).status_code == 405
    assert APIClient().post(SIGNALS, {"subject_note": "x"}, format="json").status_code in (401, 403)
    assert not RiskSignal.objects.exists()
