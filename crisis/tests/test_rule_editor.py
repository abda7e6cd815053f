"""The director's rule editor (CRI-4): new rules and changed conditions, checked against what the
source's signals carry and the instrument library; the last active red rule stays."""

from __future__ import annotations

import importlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from assessments.library import available_instruments
from confidentiality.models import AuditEntry
from conftest import login_fully
from crisis import rules
from crisis.forms.rules import AlertRuleEditForm
from crisis.models import AlertRule
from crisis.services.rules_admin import alert_rule_create, alert_rule_update

from .engine_helpers import PHQ9_ITEM9_1, PHQ9_ITEM9_2, facts

pytestmark = pytest.mark.django_db

DEFAULTS = importlib.import_module("crisis.migrations.0007_immediate_danger_is_red_by_default").DEFAULT_RULES
NEW = reverse("crisis:rule_create")


def change(rule) -> str:
    return reverse("crisis:rule_change", args=[rule.pk])


def client_for(user) -> Client:
    return login_fully(Client(), user)


def a_rule(code, source, level, condition, active=True) -> AlertRule:
    return AlertRule.objects.update_or_create(
        code=code,
        defaults={
            "source": source,
            "level": level,
            "condition": condition,
            "name": code,
            "is_active": active,
        },
    )[0]


GAD7_RULE = {
    "name": "GAD-7 中度或重度焦虑",
    "code": "gad7-moderate-or-severe",
    "source": "assessment",
    "level": "yellow",
    "is_active": "on",
    "instrument": "gad7",
    "bands": ["gad7:moderate", "gad7:severe"],
}


# ---------------------------------------------------------------------------------------------
# The form's shape


@pytest.mark.parametrize("code, source, level, condition, name", DEFAULTS, ids=[row[0] for row in DEFAULTS])
def test_every_default_rule_survives_a_round_trip_through_the_editor_and_fits_the_library(
    code, source, level, condition, name
):
    instruments = available_instruments()
    rule = AlertRule(code=code, source=source, level=level, condition=condition, name=name)
    data = {k: v for k, v in AlertRuleEditForm.initial_for(rule).items() if v not in (None, "", [])}
    data["is_active"] = "on"
    form = AlertRuleEditForm(data, instruments=instruments, rule=rule)
    assert form.is_valid(), form.errors
    assert form.condition() == condition
    assert rules.condition_fit_problems(condition, source=source, instruments=instruments) == []


def test_the_editor_of_a_rule_on_other_signals_asks_nothing_about_instruments():
    rule = AlertRule(code="x", source="hotline", level="red", condition={"immediate_danger": True}, name="x")
    form = AlertRuleEditForm(instruments=available_instruments(), rule=rule)
    assert "instrument" not in form.fields and "item" not in form.fields and "code" not in form.fields
    assert {"flag", "any_flag", "urgent", "immediate_danger"} <= set(form.fields)


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"instrument": ""}, "bands"),  # bands without their instrument
        ({"instrument": "phq9"}, "bands"),  # bands of another instrument
        ({"bands": [], "item_min": "2"}, "item"),  # a bound without an item
        ({"bands": [], "item": "9"}, "item_min"),  # an item without a bound
        ({"bands": [], "instrument": "", "item": "9", "item_min": "2"}, "instrument"),
    ],
)
def test_the_form_names_the_field_of_a_half_filled_condition(extra, field):
    form = AlertRuleEditForm({**GAD7_RULE, **extra}, instruments=available_instruments())
    assert not form.is_valid() and field in form.errors


# ---------------------------------------------------------------------------------------------
# The service's rules


def test_a_new_rule_is_stored_audited_and_decides_the_next_signals(people):
    AlertRule.objects.filter(source="assessment", condition__instrument="phq9").update(is_active=False)
    assert rules.best_rule(facts("phq9", PHQ9_ITEM9_1)) is None
    rule = alert_rule_create(
        actor=people.director,
        code="phq9-item9-eq1",
        name="PHQ-9 第 9 题 = 1",
        source="assessment",
        condition={"instrument": "phq9", "item": 9, "eq": 1},
        level="orange",
    )
    assert (rule.is_active, rule.updated_by) == (True, people.director)
    assert rules.best_rule(facts("phq9", PHQ9_ITEM9_1)) == rule
    assert rules.best_rule(facts("phq9", PHQ9_ITEM9_2)) is None
    entry = AuditEntry.objects.get(action="alert_rule.created")
    assert entry.actor == people.director and entry.details["condition"] == {
        "instrument": "phq9",
        "item": 9,
        "eq": 1,
    }


@pytest.mark.parametrize(
    "source, condition, words",
    [
        ("assessment", {"instrument": "gad9"}, "gad9"),
        ("assessment", {"instrument": "phq9", "band": "very_high"}, "very_high"),
        ("assessment", {"instrument": "phq9", "bands": ["severe", "panic"]}, "panic"),
        ("assessment", {"instrument": "phq9", "item": 10, "min": 1}, "9"),
        ("assessment", {"instrument": "phq9", "item": 9, "min": 4}, "3"),
        ("assessment", {"instrument": "asq", "item": 5, "eq": 2}, "1"),
        ("hotline", {"instrument": "phq9", "band": "severe"}, "量表"),
        ("concern", {"severe": True}, "重度"),
        ("assessment", {"band": "severe", "bands": ["mild"]}, "bands"),
        ("assessment", {"instrument": "phq9", "item": 9}, "item"),
    ],
)
def test_a_condition_that_could_never_match_is_refused_with_its_reason(people, source, condition, words):
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(
            actor=people.director,
            code="new-rule",
            name="新规则",
            source=source,
            condition=condition,
            level="yellow",
        )
    assert words in " ".join(refused.value.message_dict["condition"])
    assert not AlertRule.objects.filter(code="new-rule").exists()
    assert not AuditEntry.objects.filter(action="alert_rule.created").exists()


def test_a_changed_condition_is_audited_with_only_what_changed(people):
    rule = a_rule("phq9-item9-min2", "assessment", "red", {"instrument": "phq9", "item": 9, "min": 2})
    alert_rule_update(
        actor=people.director,
        rule=rule,
        level="red",
        is_active=True,
        condition={"instrument": "phq9", "item": 9, "min": 3},
    )
    rule.refresh_from_db()
    assert rule.condition == {"instrument": "phq9", "item": 9, "min": 3}
    entry = AuditEntry.objects.get(action="alert_rule.updated")
    assert entry.details["before"] == {"condition": {"instrument": "phq9", "item": 9, "min": 2}}
    assert entry.details["after"] == {"condition": {"instrument": "phq9", "item": 9, "min": 3}}


def test_only_the_director_may_add_a_rule(people):
    for who in ("counsellor", "supervisor", "admin"):
        with pytest.raises(PermissionDenied):
            alert_rule_create(
                actor=getattr(people, who),
                code="x-rule",
                name="x",
                source="concern",
                condition={},
                level="red",
            )
    assert not AlertRule.objects.filter(code="x-rule").exists()


def test_the_last_active_red_rule_can_be_neither_lowered_nor_switched_off(people):
    AlertRule.objects.filter(level="red").update(is_active=False)
    last = a_rule("hotline-immediate-danger", "hotline", "red", {"immediate_danger": True})
    for level, active in (("orange", True), ("red", False)):
        with pytest.raises(ValidationError) as refused:
            alert_rule_update(actor=people.director, rule=last, level=level, is_active=active)
        assert (
            "red" in refused.value.message_dict["level"][0] or "红" in refused.value.message_dict["level"][0]
        )
    last.refresh_from_db()
    assert (last.level, last.is_active) == ("red", True)
    # With another red rule, it may go.
    a_rule("counsellor-immediate-danger", "counsellor", "red", {"immediate_danger": True})
    alert_rule_update(actor=people.director, rule=last, level="orange", is_active=True)
    last.refresh_from_db()
    assert last.level == "orange"


# ---------------------------------------------------------------------------------------------
# The pages


def test_the_director_adds_a_rule_through_the_editor(people):
    client = client_for(people.director)
    page = client.get(NEW)
    assert page.status_code == 200
    html = page.content.decode()
    assert "新建预警规则" in html and 'value="gad7:severe"' in html
    response = client.post(NEW, GAD7_RULE)
    rule = AlertRule.objects.get(code="gad7-moderate-or-severe")
    assert response.status_code == 302 and response["Location"].endswith(f"#rule-{rule.pk}")
    assert rule.condition == {"instrument": "gad7", "bands": ["moderate", "severe"]}
    assert (rule.source, rule.level, rule.name) == ("assessment", "yellow", "GAD-7 中度或重度焦虑")
    listing = client.get(reverse("crisis:rule_list")).content.decode()
    assert "GAD-7" in listing and "中度焦虑" in listing


def test_choosing_an_instrument_narrows_the_bands_offered(people):
    client = client_for(people.director)
    everything = client.get(NEW).content.decode()
    assert 'value="gad7:severe"' in everything and 'value="phq9:severe"' in everything
    narrowed = client.get(NEW, {"instrument": "gad7"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'value="gad7:severe"' in narrowed and 'value="phq9:severe"' not in narrowed
    assert 'hx-trigger="change from:#id_instrument"' in narrowed
    # An unknown instrument offers them all again rather than failing.
    assert client.get(NEW, {"instrument": "nope"}).status_code == 200


def test_a_refused_rule_comes_back_with_the_reason_in_chinese_and_nothing_is_written(people):
    client = client_for(people.director)
    response = client.post(NEW, {**GAD7_RULE, "source": "hotline"})
    assert response.status_code == 400
    assert "只有来自测评的信号才有量表" in response.content.decode()
    response = client.post(NEW, {**GAD7_RULE, "bands": [], "item": "12", "item_min": "1"})
    assert response.status_code == 400
    assert "GAD-7 只有 7 道题" in response.content.decode()
    assert not AlertRule.objects.filter(code="gad7-moderate-or-severe").exists()
    assert not AuditEntry.objects.filter(action="alert_rule.created").exists()


def test_a_code_already_taken_is_refused_with_a_message(people):
    a_rule("concern-report", "concern", "yellow", {})
    response = client_for(people.director).post(
        NEW, {"name": "重复", "code": "concern-report", "source": "concern", "level": "red", "urgent": "yes"}
    )
    assert response.status_code == 400
    assert "code" in response.context["form"].errors
    assert AlertRule.objects.get(code="concern-report").level == "yellow"


def test_the_director_changes_a_rules_condition_through_the_editor(people):
    rule = a_rule("phq9-item9-min2", "assessment", "red", {"instrument": "phq9", "item": 9, "min": 2})
    client = client_for(people.director)
    page = client.get(change(rule)).content.decode()
    assert 'name="code"' not in page and 'value="9"' in page
    response = client.post(
        change(rule),
        {
            "name": rule.name,
            "level": "red",
            "is_active": "on",
            "instrument": "phq9",
            "item": "9",
            "item_min": "1",
        },
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.condition == {"instrument": "phq9", "item": 9, "min": 1}
    assert rules.best_rule(facts("phq9", PHQ9_ITEM9_1)) == rule


@pytest.mark.parametrize("who", ["counsellor", "supervisor", "admin", "worker"])
def test_others_may_not_open_or_use_the_editor_and_nothing_is_written(people, who):
    rule = a_rule("concern-report", "concern", "yellow", {})
    client = client_for(getattr(people, who))
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, {**GAD7_RULE}).status_code == 403
    assert client.get(change(rule)).status_code == 403
    assert client.post(change(rule), {"name": "x", "level": "red", "is_active": "on"}).status_code == 403
    assert not AlertRule.objects.filter(code="gad7-moderate-or-severe").exists()
    rule.refresh_from_db()
    assert (rule.level, rule.name) == ("yellow", "concern-report")


def test_the_editor_needs_a_login_refuses_other_methods_and_an_unknown_rule_is_a_404(people):
    rule = a_rule("concern-report", "concern", "yellow", {})
    assert Client().get(NEW).status_code == 302
    client = client_for(people.director)
    assert client.put(NEW).status_code == 405
    assert client.delete(change(rule)).status_code == 405
    assert client.get(reverse("crisis:rule_change", args=[999999])).status_code == 404


def test_switching_off_the_last_red_rule_in_the_list_shows_why_in_its_row(people):
    AlertRule.objects.filter(level="red").update(is_active=False)
    last = a_rule("hotline-immediate-danger", "hotline", "red", {"immediate_danger": True})
    response = client_for(people.director).post(
        reverse("crisis:rule_edit", args=[last.pk]), {"level": "red"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "最后一条启用的红色规则" in html and "已保存" not in html
    last.refresh_from_db()
    assert last.is_active
    assert not AuditEntry.objects.filter(action="alert_rule.updated").exists()


def test_a_rule_whose_instrument_no_longer_fits_can_still_be_switched_off(people):
    rule = a_rule("gone-instrument", "assessment", "yellow", {"instrument": "gone9", "band": "severe"})
    alert_rule_update(actor=people.director, rule=rule, level="yellow", is_active=False)
    rule.refresh_from_db()
    assert not rule.is_active
    with pytest.raises(ValidationError):  # but not switched on again as it is
        alert_rule_update(actor=people.director, rule=rule, level="yellow", is_active=True)


def test_the_editor_keeps_the_parts_of_a_condition_it_has_no_field_for(people):
    rule = a_rule("external-severe-urgent", "external", "orange", {"band": "severe", "urgent": True})
    client = client_for(people.director)
    page = client.get(change(rule)).content.decode()
    assert "分级：severe" in page  # shown as kept
    response = client.post(
        change(rule), {"name": "外部系统：紧急且重度", "level": "orange", "is_active": "on", "urgent": "yes"}
    )
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.condition == {"band": "severe", "urgent": True} and rule.name == "外部系统：紧急且重度"


@pytest.mark.parametrize(
    "condition, words",
    [
        ({"instrument": "phq9", "item": 9, "min": 3, "max": 0}, "同时"),
        ({"instrument": "phq9", "item": 9, "min": 2, "eq": 1}, "同时"),
        ({"instrument": "gad7", "flag": "suicidal_ideation"}, "suicidal_ideation"),
        ({"instrument": "phq9", "bands": ["mild", "moderate"], "severe": True}, "重度"),
        ({"instrument": "gad2", "severe": True}, "重度"),
    ],
)
def test_conditions_that_contradict_themselves_or_the_instrument_are_refused(people, condition, words):
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(
            actor=people.director,
            code="odd-rule",
            name="x",
            source="assessment",
            condition=condition,
            level="yellow",
        )
    assert words in " ".join(refused.value.message_dict["condition"])


def test_an_unreadable_condition_says_so_on_the_rules_page_and_in_the_editor(people):
    rule = a_rule("broken-rule", "concern", "yellow", {"bands": "severe"})
    client = client_for(people.director)
    assert "无法读取" in client.get(reverse("crisis:rule_list")).content.decode()
    assert client.get(change(rule)).status_code == 200


def test_a_code_taken_between_the_check_and_the_save_is_refused_with_a_message(people, monkeypatch):
    a_rule("concern-report", "concern", "yellow", {})
    # The uniqueness check passed, then another tab saved the same code first.
    monkeypatch.setattr(AlertRule, "full_clean", lambda self, *args, **kwargs: None)
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(
            actor=people.director,
            code="concern-report",
            name="重复",
            source="concern",
            condition={"urgent": True},
            level="red",
        )
    assert "code" in refused.value.message_dict
    assert AlertRule.objects.get(code="concern-report").level == "yellow"


# ---------------------------------------------------------------------------------------------
# Issue 18: nothing of a condition is dropped, and an empty one is refused


def test_a_band_of_another_instrument_is_refused_on_the_bands_field_in_words(people):
    client = client_for(people.director)
    response = client.post(NEW, {**GAD7_RULE, "level": "red", "bands": ["phq9:severe"]})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == ["bands"]
    assert "PHQ-9" in errors["bands"][0] and "GAD-7" in errors["bands"][0]
    assert not AlertRule.objects.filter(code="gad7-moderate-or-severe").exists()


def test_changing_the_instrument_keeps_the_chosen_bands_of_the_other_one_and_says_so(people):
    # The page asks for the bands again when the instrument changes: the PHQ-9 band already chosen
    # must not vanish from the list, or the rule would be saved as "every GAD-7 result".
    client = client_for(people.director)
    html = client.get(
        NEW, {"instrument": "gad7", "bands": ["phq9:severe"]}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'value="phq9:severe" selected' in html
    assert 'value="gad7:severe"' in html
    assert "不属于 GAD-7" in html
    assert 'hx-include="#id_instrument, #id_bands"' in html


@pytest.mark.parametrize("source", ["assessment", "concern", "hotline"])
def test_a_new_rule_without_any_condition_is_refused_with_a_message(people, source):
    empty = {"name": "全部", "code": "everything", "source": source, "level": "red", "is_active": "on"}
    response = client_for(people.director).post(NEW, empty)
    assert response.status_code == 400
    form = response.context["form"]
    field = "instrument" if source == "assessment" else "flag"
    assert "至少" in form.errors[field][0]
    assert not AlertRule.objects.filter(code="everything").exists()
    with pytest.raises(ValidationError):
        alert_rule_create(
            actor=people.director, code="everything", name="x", source=source, condition={}, level="red"
        )


def test_a_default_rule_for_every_signal_of_its_source_can_still_be_renamed_and_switched(people):
    rule = AlertRule.objects.get(code="concern-report")
    assert rule.condition == {}
    client = client_for(people.director)
    for active in ("", "on"):
        response = client.post(change(rule), {"name": "其他关注报告", "level": "yellow", "is_active": active})
        assert response.status_code == 302
    rule.refresh_from_db()
    assert (rule.name, rule.is_active, rule.condition) == ("其他关注报告", True, {})


def test_a_condition_emptied_in_the_editor_is_refused(people):
    rule = AlertRule.objects.get(code="concern-urgent")
    response = client_for(people.director).post(
        change(rule), {"name": rule.name, "level": rule.level, "is_active": "on", "urgent": ""}
    )
    assert response.status_code == 400
    rule.refresh_from_db()
    assert rule.condition == {"urgent": True}


def test_the_parts_to_remove_are_named_in_words_not_as_keys(people):
    with pytest.raises(ValidationError) as refused:
        alert_rule_create(
            actor=people.director,
            code="hotline-phq9",
            name="x",
            source="hotline",
            condition={"instrument": "phq9", "item": 9, "min": 2},
            level="red",
        )
    message = " ".join(refused.value.message_dict["condition"])
    assert "量表" in message and "题号" in message
    assert "instrument" not in message and "item" not in message
