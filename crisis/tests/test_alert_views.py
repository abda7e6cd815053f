"""The alert queue, one alert's page and its actions, the red banner and the home-page card (CRI-2).

Who sees an alert is policy.filter_alerts: the counsellor sees the alerts of 柳岸社区 and below,
the outsider those of 松林社区; a grid worker sees none and may not open the queue at all.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from conftest import login_fully
from crisis.context_processors import red_alerts
from crisis.models import Alert, AlertEvent
from crisis.tests.alert_support import client_of, make_alert

pytestmark = pytest.mark.django_db
pytest_plugins = ["crisis.tests.alert_fixtures"]

QUEUE = reverse("crisis:alert_list")
ACTIONS = ["acknowledge", "assign", "intervene", "resolve", "close", "add_note"]


def detail(alert) -> str:
    return reverse("crisis:alert_detail", args=[alert.pk])


def action(name: str, alert) -> str:
    return reverse(f"crisis:alert_{name}", args=[alert.pk])


def client_for(user) -> Client:
    # Pages in English, so that the assertions hold before and after the lead's translations.
    return login_fully(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def row_ids(response) -> list[int]:
    return [alert.pk for alert in response.context["page"]]


def snapshot(alert) -> tuple:
    """What an action could change: the alert's row, its history and the audit log's writes."""
    alert = Alert.objects.get(pk=alert.pk)
    writes = AuditEntry.objects.filter(action__startswith="alert.").exclude(action="alert.viewed")
    return (
        (alert.state, alert.owner_id, alert.level, alert.acknowledged_at, alert.outcome, alert.outcome_note),
        list(alert.events.values_list("pk", flat=True)),
        writes.count(),
    )


# ---------------------------------------------------------------------------------------------
# The queue


def test_the_queue_puts_open_alerts_first_red_on_top_then_by_deadline(people, alerts):
    response = client_for(people.counsellor).get(QUEUE)
    assert response.status_code == 200
    assert row_ids(response) == [alerts.red.pk, alerts.anonymous.pk, alerts.closed.pk]


def test_within_a_level_the_nearest_deadline_comes_first(people, tree, alerts):
    later = make_alert(level="red", org_unit=tree.willow, minutes_left=60)
    sooner = make_alert(level="red", org_unit=tree.willow, minutes_left=-5)
    response = client_for(people.counsellor).get(QUEUE + "?state=open")
    assert row_ids(response) == [sooner.pk, alerts.red.pk, later.pk, alerts.anonymous.pk]


def test_the_queue_shows_level_person_source_owner_time_left_and_escalation(people, alerts):
    alerts.red.escalation_stage = 1
    alerts.red.save(update_fields=["escalation_stage"])
    html = client_for(people.counsellor).get(QUEUE).content.decode()
    assert "risk-red" in html and "张三" in html and "counsellor_t 测试" in html
    assert "to the duty supervisor" in html
    assert "left" in html  # the red alert's deadline is ahead
    assert "overdue by" in html  # the anonymous alert's has passed


def test_an_anonymous_alert_is_listed_as_anonymous_without_its_subject_note(people, alerts):
    html = client_for(people.counsellor).get(QUEUE).content.decode()
    assert "Anonymous" in html
    assert "公园长椅" not in html


def test_others_see_only_the_alerts_in_their_reach(people, alerts):
    assert row_ids(client_for(people.outsider).get(QUEUE)) == [alerts.orange.pk]
    director = row_ids(client_for(people.director).get(QUEUE))
    assert director == [alerts.red.pk, alerts.orange.pk, alerts.anonymous.pk, alerts.closed.pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?state=open", ["red", "anonymous"]),
        ("?state=closed", ["closed"]),
        ("?level=red", ["red", "closed"]),
        ("?state=open&level=yellow", ["anonymous"]),
        ("?state=acknowledged", []),
        ("?state=nonsense&level=purple", ["red", "anonymous", "closed"]),
    ],
)
def test_the_queue_filters_by_state_and_level(people, alerts, query, expected):
    response = client_for(people.counsellor).get(QUEUE + query)
    assert response.status_code == 200
    assert row_ids(response) == [getattr(alerts, name).pk for name in expected]


def test_reading_the_queue_is_audited_with_the_ids_shown_and_no_names(people, alerts):
    client_for(people.counsellor).get(QUEUE + "?level=red")
    entry = AuditEntry.objects.get(action="list.viewed", object_type="crisis.alert")
    assert entry.actor == people.counsellor
    assert entry.details["ids"] == [str(alerts.red.pk), str(alerts.closed.pk)]
    assert entry.details["level"] == "red"
    assert "张三" not in str(entry.details)


def test_an_htmx_filter_gets_only_the_rows(people, alerts):
    response = client_for(people.counsellor).get(QUEUE + "?level=red", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<table" in html and "<html" not in html


@pytest.mark.parametrize("who", ["worker", "teacher", "volunteer", "archivist", "admin", "finance"])
def test_roles_that_do_not_handle_alerts_may_not_open_the_queue(people, alerts, who):
    assert client_for(getattr(people, who)).get(QUEUE).status_code == 403


def test_the_queue_needs_a_login_and_answers_only_get(people, alerts):
    assert Client().get(QUEUE).status_code == 302
    assert client_for(people.counsellor).post(QUEUE).status_code == 405


def test_the_queue_costs_a_fixed_number_of_queries(people, tree, alerts, django_assert_max_num_queries):
    for index in range(30):
        make_alert(
            level=["red", "orange", "yellow"][index % 3],
            org_unit=tree.grid,
            resident=client_of(people, tree.grid, f"居民{index}") if index < 12 else None,
            owner=[people.colleague, people.therapist, None][index % 3],
            minutes_left=index - 10,
        )
    client = client_for(people.director)
    client.get(QUEUE)  # warm the session and the user's caches
    with django_assert_max_num_queries(
        17
    ):  # +1 on PostgreSQL: the audit chain lock; the navigation's counts: 1
        response = client.get(QUEUE)
    assert len(response.context["page"]) == 25


# ---------------------------------------------------------------------------------------------
# One alert


def test_an_alert_shows_its_person_signals_and_history_and_the_opening_is_audited(people, alerts):
    response = client_for(people.counsellor).get(detail(alerts.red))
    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("archives:detail", args=[alerts.zhang.pk]) in html
    assert "说今晚要结束生命" in html  # the signal's note: clinical, and the viewer may see it
    assert [e.kind for e in response.context["events"]] == ["raised"]
    assert {"acknowledge_form", "assign_form", "note_form"} <= set(response.context.keys())
    assert "resolve_form" not in response.context
    entry = AuditEntry.objects.get(action="alert.viewed")
    assert (entry.actor, entry.object_id) == (people.counsellor, str(alerts.red.pk))


def test_an_anonymous_alert_shows_what_is_known_of_the_person_on_its_page(people, alerts):
    html = client_for(people.counsellor).get(detail(alerts.anonymous)).content.decode()
    assert "公园长椅上的中年男子" in html


@pytest.mark.parametrize("who", ["outsider", "worker"])
def test_an_alert_out_of_reach_is_a_404_and_the_refusal_is_audited(people, alerts, who):
    user = getattr(people, who)
    assert client_for(user).get(detail(alerts.red)).status_code == 404
    refusal = AuditEntry.objects.get(action="access.refused")
    assert (refusal.actor, refusal.object_type, refusal.object_id) == (
        user,
        "crisis.alert",
        str(alerts.red.pk),
    )
    assert not AuditEntry.objects.filter(action="alert.viewed").exists()


def test_a_missing_alert_is_a_404_and_its_page_answers_only_get(people, alerts):
    client = client_for(people.counsellor)
    assert client.get(reverse("crisis:alert_detail", args=[999999])).status_code == 404
    assert client.post(detail(alerts.red)).status_code == 405


# ---------------------------------------------------------------------------------------------
# Actions


def test_the_counsellor_acknowledges_a_new_red_alert(people, alerts):
    client = client_for(people.counsellor)
    response = client.post(action("acknowledge", alerts.red))
    assert response.status_code == 302 and response["Location"] == detail(alerts.red)
    alert = Alert.objects.get(pk=alerts.red.pk)
    assert alert.state == "acknowledged" and alert.acknowledged_by == people.counsellor
    assert alert.events.filter(kind="acknowledged", by=people.counsellor).exists()
    assert AuditEntry.objects.filter(action="alert.acknowledged", actor=people.counsellor).exists()
    page = client.get(detail(alerts.red))
    assert "acknowledge_form" not in page.context and "intervene_form" in page.context


def test_acknowledging_twice_says_so_on_the_form_and_writes_nothing(people, alerts):
    client = client_for(people.counsellor)
    client.post(action("acknowledge", alerts.red))
    before = snapshot(alerts.red)
    response = client.post(action("acknowledge", alerts.red))
    assert response.status_code == 400
    assert "already been acknowledged" in response.content.decode()
    assert snapshot(alerts.red) == before


def test_the_alert_is_given_to_a_colleague_with_a_note(people, alerts):
    response = client_for(people.counsellor).post(
        action("assign", alerts.red), {"owner": people.colleague.pk, "note": "我在外访，请接手"}
    )
    assert response.status_code == 302
    alert = Alert.objects.get(pk=alerts.red.pk)
    assert alert.owner == people.colleague
    event = alert.events.get(kind="assigned")
    assert (event.to_user, event.note) == (people.colleague, "我在外访，请接手")


def test_the_alert_cannot_be_given_to_someone_who_could_not_handle_it(people, alerts):
    before = snapshot(alerts.red)
    for owner in (people.outsider, people.worker):
        response = client_for(people.counsellor).post(action("assign", alerts.red), {"owner": owner.pk})
        assert response.status_code == 400
        assert response.context["assign_form"].errors["owner"]
    assert snapshot(alerts.red) == before


def test_the_assign_form_offers_clinical_staff_who_can_handle_the_alert(people, alerts):
    form = client_for(people.counsellor).get(detail(alerts.red)).context["assign_form"]
    offered = set(form.fields["owner"].queryset)
    assert {people.colleague, people.therapist, people.supervisor, people.director} <= offered
    assert people.counsellor not in offered  # already the owner
    assert not offered & {people.outsider, people.worker, people.archivist}


def test_intervention_resolution_and_closing_follow_one_another(people, alerts):
    client = client_for(people.counsellor)
    client.post(action("acknowledge", alerts.red))
    assert client.post(action("intervene", alerts.red), {"note": "已电话联系，家属在场"}).status_code == 302
    assert Alert.objects.get(pk=alerts.red.pk).state == "intervening"
    response = client.post(
        action("resolve", alerts.red), {"outcome": "stabilised", "note": "情绪平稳，已有安全计划"}
    )
    assert response.status_code == 302
    alert = Alert.objects.get(pk=alerts.red.pk)
    assert (alert.state, alert.outcome, alert.outcome_note) == (
        "resolved",
        "stabilised",
        "情绪平稳，已有安全计划",
    )
    assert client.post(action("close", alerts.red), {"note": ""}).status_code == 302
    alert = Alert.objects.get(pk=alerts.red.pk)
    assert alert.state == "closed"
    assert list(alert.events.values_list("kind", flat=True)) == [
        "raised",
        "acknowledged",
        "intervening",
        "resolved",
        "closed",
    ]
    page = client.get(detail(alerts.red))
    assert "情绪平稳，已有安全计划" in page.content.decode()
    assert (
        set(page.context.keys()) & {f"{name}_form" for name in ("acknowledge", "resolve", "close")} == set()
    )


def test_an_intervention_cannot_start_before_the_alert_is_acknowledged(people, alerts):
    before = snapshot(alerts.red)
    response = client_for(people.counsellor).post(action("intervene", alerts.red), {"note": ""})
    assert response.status_code == 400
    assert "Acknowledge the alert first." in response.content.decode()
    assert snapshot(alerts.red) == before


def test_resolving_needs_an_outcome(people, alerts):
    client = client_for(people.counsellor)
    client.post(action("acknowledge", alerts.red))
    before = snapshot(alerts.red)
    response = client.post(action("resolve", alerts.red), {"outcome": "", "note": "x"})
    assert response.status_code == 400 and response.context["resolve_form"].errors["outcome"]
    response = client.post(action("resolve", alerts.red), {"outcome": "cured"})
    assert response.status_code == 400 and response.context["resolve_form"].errors["outcome"]
    assert snapshot(alerts.red) == before


def test_a_note_goes_into_the_history_and_an_empty_note_is_refused(people, alerts):
    client = client_for(people.counsellor)
    response = client.post(action("add_note", alerts.red), {"note": "   "})
    assert response.status_code == 400 and response.context["note_form"].errors["note"]
    assert client.post(action("add_note", alerts.red), {"note": "联系不上，继续尝试"}).status_code == 302
    assert Alert.objects.get(pk=alerts.red.pk).events.get(kind="note").note == "联系不上，继续尝试"


@pytest.mark.parametrize("name", ACTIONS)
@pytest.mark.parametrize("who", ["outsider", "worker"])
def test_someone_who_cannot_handle_the_alert_gets_a_404_and_nothing_is_written(people, alerts, name, who):
    before = snapshot(alerts.red)
    data = {"owner": getattr(people, who).pk, "outcome": "stabilised", "note": "试图写入"}
    response = client_for(getattr(people, who)).post(action(name, alerts.red), data)
    assert response.status_code == 404
    assert snapshot(alerts.red) == before
    assert AuditEntry.objects.filter(action="access.refused", object_id=str(alerts.red.pk)).count() == 1


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_answer_only_post_and_need_a_login(people, alerts, name):
    assert client_for(people.counsellor).get(action(name, alerts.red)).status_code == 405
    before = snapshot(alerts.red)
    assert Client().post(action(name, alerts.red), {"note": "x"}).status_code == 302
    assert snapshot(alerts.red) == before


# ---------------------------------------------------------------------------------------------
# The red banner, the home page and the navigation


def test_a_new_red_alert_shows_a_red_banner_on_every_staff_page(people, alerts):
    client = client_for(people.counsellor)
    for url in (reverse("dashboard:home"), reverse("archives:list"), QUEUE):
        html = client.get(url).content.decode()
        assert 'class="red-banner"' in html, url
        assert f'href="{QUEUE}?state=new&amp;level=red"' in html


def test_the_banner_goes_once_the_red_alert_is_acknowledged(people, alerts):
    client = client_for(people.counsellor)
    client.post(action("acknowledge", alerts.red))
    assert "red-banner" not in client.get(reverse("dashboard:home")).content.decode()


def test_the_banner_counts_only_red_alerts_the_person_sees(people, tree, alerts):
    make_alert(level="red", org_unit=tree.willow)
    make_alert(level="red", org_unit=tree.pine)
    html = client_for(people.counsellor).get(reverse("dashboard:home")).content.decode()
    assert "2 red alerts waiting to be acknowledged" in html
    html = client_for(people.outsider).get(reverse("dashboard:home")).content.decode()
    assert "1 red alert waiting to be acknowledged" in html


def test_no_banner_for_roles_that_do_not_handle_alerts(people, alerts):
    html = client_for(people.worker).get(reverse("dashboard:home")).content.decode()
    assert "red-banner" not in html


def _request(user):
    request = RequestFactory().get("/staff/")
    request.user = user
    user.is_verified = lambda: True
    return request


def test_the_banner_costs_one_query_and_none_for_other_roles(people, alerts, django_assert_num_queries):
    counsellor = people.counsellor
    _ = counsellor.org_unit.path  # loaded by every staff page before the layout renders
    context = red_alerts(_request(counsellor))
    with django_assert_num_queries(1):
        assert context["red_alerts"].count == 1
        assert context["red_alerts"].count == 1
    with django_assert_num_queries(0):
        assert red_alerts(_request(people.worker))["red_alerts"].count == 0


def test_the_home_page_counts_open_alerts_by_level(people, tree, alerts):
    make_alert(level="orange", org_unit=tree.grid, state=Alert.State.INTERVENING)
    response = client_for(people.counsellor).get(reverse("dashboard:home"))
    counts = response.context["alert_counts"]
    assert (counts["red"], counts["orange"], counts["yellow"], counts["red_new"], counts["total"]) == (
        1,
        1,
        1,
        1,
        3,
    )
    html = response.content.decode()
    assert 'id="alerts"' in html and f"{QUEUE}?state=open&amp;level=red" in html
    assert "alert_counts" not in client_for(people.worker).get(reverse("dashboard:home")).context


def test_alerts_are_in_the_navigation_of_those_who_handle_them(people):
    def labels(user):
        return [
            str(item["label"])
            for item in client_for(user).get(reverse("dashboard:home")).context["nav_items"]
        ]

    assert "Alerts" in labels(people.counsellor)
    assert "Warning rules" not in labels(people.counsellor)
    assert {"Alerts", "Warning rules"} <= set(labels(people.director))
    assert "Alerts" not in labels(people.worker)


def test_an_escalated_alert_outside_ones_scope_is_seen_by_whom_it_was_escalated_to(people, tree, alerts):
    AlertEvent.objects.create(
        alert=alerts.orange,
        kind="escalated",
        at=timezone.now() - timedelta(minutes=1),
        to_user=people.counsellor,
    )
    assert alerts.orange.pk in row_ids(client_for(people.counsellor).get(QUEUE))
    assert client_for(people.counsellor).get(detail(alerts.orange)).status_code == 200
