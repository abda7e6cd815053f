"""The director's page of warning rules (CRI-4): every rule grouped by source, its level changed and
switched on or off through crisis.services.rules_admin.alert_rule_update (audited)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from confidentiality.models import AuditEntry
from conftest import login_fully
from crisis.models import AlertRule
from crisis.services.intake import signal_raise
from crisis.services.rules_admin import alert_rule_update

pytestmark = pytest.mark.django_db

RULES = reverse("crisis:rule_list")


def edit(rule) -> str:
    return reverse("crisis:rule_edit", args=[rule.pk])


def client_for(user) -> Client:
    return login_fully(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


@pytest.fixture
def rules(db):
    """Three rules of two sources, whether or not the data migration's defaults are there."""

    def rule(code, source, level, condition):
        return AlertRule.objects.update_or_create(
            code=code,
            defaults={
                "source": source,
                "level": level,
                "condition": condition,
                "name": code,
                "is_active": True,
            },
        )[0]

    return type(
        "Rules",
        (),
        {
            "phq9": rule("phq9-item9-min2", "assessment", "red", {"instrument": "phq9", "item": 9, "min": 2}),
            "urgent": rule("external-urgent", "external", "orange", {"urgent": True}),
            "any": rule("external-signal", "external", "yellow", {}),
        },
    )


def state(rule) -> tuple:
    rule = AlertRule.objects.get(pk=rule.pk)
    return (rule.level, rule.is_active, rule.updated_by_id)


def test_the_director_sees_every_rule_grouped_by_source(people, rules):
    response = client_for(people.director).get(RULES)
    assert response.status_code == 200
    groups = {source: [rule for rule, _form in rows] for source, _label, rows in response.context["groups"]}
    assert rules.phq9 in groups["assessment"]
    assert {rules.urgent, rules.any} <= set(groups["external"])
    assert list(groups) == [s for s in AlertRule.Source.values if s in groups]  # sources in a fixed order
    html = response.content.decode()
    assert 'id="rules-external"' in html and "instrument=phq9" in html


@pytest.mark.parametrize("who", ["counsellor", "therapist", "supervisor", "admin", "worker"])
def test_only_the_director_may_open_the_rules(people, rules, who):
    assert client_for(getattr(people, who)).get(RULES).status_code == 403


def test_the_rules_page_needs_a_login_and_answers_only_get(people, rules):
    assert Client().get(RULES).status_code == 302
    assert client_for(people.director).post(RULES).status_code == 405


def test_the_director_changes_a_level_and_switches_a_rule_off(people, rules):
    response = client_for(people.director).post(edit(rules.urgent), {"level": "red"})
    assert response.status_code == 302 and response["Location"] == RULES
    assert state(rules.urgent) == ("red", False, people.director.pk)
    entry = AuditEntry.objects.get(action="alert_rule.updated")
    assert entry.actor == people.director and entry.object_id == str(rules.urgent.pk)
    assert entry.details["before"] == {"level": "orange", "is_active": True}
    assert entry.details["after"] == {"level": "red", "is_active": False}


def test_an_htmx_save_answers_with_the_rule_row(people, rules):
    response = client_for(people.director).post(
        edit(rules.any), {"level": "orange", "is_active": "on"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith(f'<tr id="rule-{rules.any.pk}"') and "Saved" in html
    assert state(rules.any) == ("orange", True, people.director.pk)


def test_a_bad_level_in_an_htmx_save_comes_back_in_the_row_with_its_message(people, rules):
    response = client_for(people.director).post(edit(rules.any), {"level": "purple"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="alert"' in html and "purple" in html and "Saved" not in html
    assert state(rules.any) == ("yellow", True, None)


def test_a_bad_level_is_refused_with_a_message_and_nothing_is_written(people, rules):
    before = state(rules.any)
    response = client_for(people.director).post(edit(rules.any), {"level": "purple", "is_active": "on"})
    assert response.status_code == 400
    assert "purple" in response.content.decode()  # "Select a valid choice. purple is not one of …"
    assert state(rules.any) == before
    assert not AuditEntry.objects.filter(action="alert_rule.updated").exists()


@pytest.mark.parametrize("who", ["counsellor", "supervisor", "worker"])
def test_others_may_not_change_a_rule_and_nothing_is_written(people, rules, who):
    before = state(rules.phq9)
    response = client_for(getattr(people, who)).post(edit(rules.phq9), {"level": "yellow"})
    assert response.status_code == 403
    assert state(rules.phq9) == before
    assert not AuditEntry.objects.filter(action="alert_rule.updated").exists()


def test_editing_a_rule_answers_only_post_and_an_unknown_rule_is_a_404(people, rules):
    client = client_for(people.director)
    assert client.get(edit(rules.phq9)).status_code == 405
    assert client.post(reverse("crisis:rule_edit", args=[999999]), {"level": "red"}).status_code == 404
    assert Client().post(edit(rules.phq9), {"level": "yellow"}).status_code == 302
    assert state(rules.phq9)[0] == "red"


def test_the_service_refuses_anyone_but_the_director(people, rules):
    with pytest.raises(PermissionDenied):
        alert_rule_update(actor=people.counsellor, rule=rules.phq9, level="yellow", is_active=False)
    with pytest.raises(ValidationError):
        alert_rule_update(actor=people.director, rule=rules.phq9, level="black", is_active=True)
    assert state(rules.phq9) == ("red", True, None)


def test_saving_a_rule_unchanged_writes_nothing(people, rules):
    alert_rule_update(actor=people.director, rule=rules.phq9, level="red", is_active=True)
    assert state(rules.phq9) == ("red", True, None)
    assert not AuditEntry.objects.filter(action="alert_rule.updated").exists()


def test_a_changed_rule_decides_the_next_signals(people, rules):
    AlertRule.objects.filter(source="external").exclude(pk__in=[rules.urgent.pk, rules.any.pk]).update(
        is_active=False
    )
    client = client_for(people.director)
    client.post(edit(rules.urgent), {"level": "red", "is_active": "on"})
    _signal, alert = signal_raise(
        source="external", urgent=True, subject_note="自助机上的求助", reported_by=people.director
    )
    assert alert is not None and alert.level == "red"
    client.post(edit(rules.any), {"level": "yellow"})  # switched off
    _signal, alert = signal_raise(source="external", subject_note="另一位", reported_by=people.director)
    assert alert is None
