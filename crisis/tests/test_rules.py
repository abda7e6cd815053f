"""CRI-4: the warning rules — every default rule matches its signal and not another, the highest
level wins, the director's changes take effect, and a malformed condition matches nothing."""

from __future__ import annotations

from importlib import import_module

import pytest

from crisis import rules
from crisis.models import AlertRule, RiskSignal

from .engine_helpers import (
    PHQ9_ITEM9_1,
    PHQ9_ITEM9_2,
    PHQ9_MODERATELY_SEVERE,
    PHQ9_NONE,
    PHQ9_SEVERE,
    facts,
    resident_in,
    scored,
)

pytestmark = pytest.mark.django_db

# The default rules as the latest migration that changed them leaves them.
DEFAULTS = import_module("crisis.migrations.0007_immediate_danger_is_red_by_default").DEFAULT_RULES


def signal_facts(source: str, **fields) -> rules.SignalFacts:
    """The facts of a signal that is not about an assessment (hotline, counsellor, concern, API)."""
    return rules.facts_for_signal(RiskSignal(source=source, **fields))


ASQ_ACUTE = ["yes", "no", "no", "no", "yes"]
ASQ_NON_ACUTE = ["yes", "no", "no", "no", "no"]
ASQ_NEGATIVE = ["no"] * 5
GDS15_DEPRESSED = ["no", *["yes"] * 3, "no", "yes", "no", *["yes"] * 3, "no", "yes", "no", "yes", "yes"]
GDS15_WELL = ["yes", *["no"] * 3, "yes", "no", "yes", *["no"] * 3, "yes", "no", "yes", "no", "no"]

# For every default rule: a signal it matches, and a close one it does not.
CASES = {
    "asq-acute-suicide-risk": (lambda: facts("asq", ASQ_ACUTE), lambda: facts("asq", ASQ_NON_ACUTE)),
    "phq9-item9-min2": (lambda: facts("phq9", PHQ9_ITEM9_2), lambda: facts("phq9", PHQ9_ITEM9_1)),
    "counsellor-immediate-danger": (
        lambda: signal_facts("counsellor", immediate_danger=True),
        lambda: signal_facts("counsellor"),
    ),
    "hotline-immediate-danger": (
        lambda: signal_facts("hotline", flags=["immediate_danger"]),
        lambda: signal_facts("hotline", flags=["suicidal_thoughts", "plan", "means"]),
    ),
    "external-immediate-danger": (
        lambda: signal_facts("external", immediate_danger=True),
        lambda: signal_facts("external", urgent=True),
    ),
    "phq9-suicidal-ideation": (lambda: facts("phq9", PHQ9_ITEM9_1), lambda: facts("phq9", PHQ9_SEVERE)),
    "asq-suicide-risk": (lambda: facts("asq", ASQ_NON_ACUTE), lambda: facts("asq", ASQ_NEGATIVE)),
    "phq9-severe": (lambda: facts("phq9", PHQ9_SEVERE), lambda: facts("phq9", PHQ9_MODERATELY_SEVERE)),
    "k10-very-high": (lambda: facts("k10", [3] * 10), lambda: facts("k10", [3] * 7 + [1] * 3)),
    "concern-immediate-danger": (
        lambda: signal_facts("concern", urgent=True, immediate_danger=True),
        lambda: signal_facts("concern", urgent=True),
    ),
    "concern-urgent": (
        lambda: signal_facts("concern", urgent=True),
        lambda: signal_facts("concern"),
    ),
    "counsellor-flag": (
        lambda: signal_facts("counsellor"),
        lambda: signal_facts("concern"),
    ),
    "hotline-suicide-risk": (
        lambda: signal_facts("hotline", flags=["plan"]),
        lambda: signal_facts("hotline", flags=["harm_to_others"]),
    ),
    "hotline-thoughts-plan-means": (
        lambda: signal_facts("hotline", flags=["suicidal_thoughts", "plan", "means"]),
        lambda: signal_facts("hotline", flags=["suicidal_thoughts", "plan", "harm_to_others"]),
    ),
    "hotline-harm-to-others": (
        lambda: signal_facts("hotline", flags=["harm_to_others"]),
        lambda: signal_facts("hotline", flags=["suicidal_thoughts"]),
    ),
    "external-urgent": (
        lambda: signal_facts("external", urgent=True),
        lambda: signal_facts("external"),
    ),
    "phq9-moderately-severe": (
        lambda: facts("phq9", PHQ9_MODERATELY_SEVERE),
        lambda: facts("phq9", PHQ9_SEVERE),
    ),
    "k10-high": (lambda: facts("k10", [3] * 7 + [1] * 3), lambda: facts("k10", [3] * 10)),
    "unanswered-critical": (
        lambda: facts("phq9", [0, 0, 0, 0, 0, 0, 0, 0, None]),
        lambda: facts("phq9", PHQ9_NONE),
    ),
    "gad7-severe": (lambda: facts("gad7", [3] * 5 + [0] * 2), lambda: facts("gad7", [2] * 7)),
    "pcl5-probable-ptsd": (lambda: facts("pcl5", [2] * 17 + [0] * 3), lambda: facts("pcl5", [1] * 20)),
    "k6-serious": (lambda: facts("k6", [3] * 5 + [0]), lambda: facts("k6", [2] * 6)),
    "gds15-moderate-severe": (lambda: facts("gds15", GDS15_DEPRESSED), lambda: facts("gds15", GDS15_WELL)),
    "concern-report": (lambda: signal_facts("concern"), lambda: signal_facts("counsellor")),
    "external-signal": (lambda: signal_facts("external"), lambda: signal_facts("hotline", flags=["plan"])),
}

EXPECTED_LEVELS = {
    "red": {
        "asq-acute-suicide-risk",
        "phq9-item9-min2",
        "counsellor-immediate-danger",
        "hotline-immediate-danger",
        "external-immediate-danger",
        "concern-immediate-danger",
        "hotline-thoughts-plan-means",
    },
    "orange": {
        "phq9-suicidal-ideation",
        "asq-suicide-risk",
        "phq9-severe",
        "k10-very-high",
        "concern-urgent",
        "counsellor-flag",
        "hotline-suicide-risk",
        "hotline-harm-to-others",
        "external-urgent",
    },
    "yellow": {
        "phq9-moderately-severe",
        "k10-high",
        "unanswered-critical",
        "gad7-severe",
        "pcl5-probable-ptsd",
        "k6-serious",
        "gds15-moderate-severe",
        "concern-report",
        "external-signal",
    },
}


def test_the_migration_ships_every_default_rule_active_at_its_documented_level():
    stored = {rule.code: rule for rule in AlertRule.objects.all()}
    assert set(stored) == set(CASES) == {rule[0] for rule in DEFAULTS}
    for level, codes in EXPECTED_LEVELS.items():
        assert {code for code in codes if stored[code].level == level and stored[code].is_active} == codes
    assert all(not rules.condition_problems(rule.condition) for rule in stored.values())


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_default_rule_matches_its_signal(code):
    matching, _other = CASES[code]
    assert rules.rule_matches(AlertRule.objects.get(code=code), matching())


@pytest.mark.parametrize("code", sorted(CASES))
def test_each_default_rule_leaves_a_close_but_different_signal_alone(code):
    _matching, other = CASES[code]
    assert not rules.rule_matches(AlertRule.objects.get(code=code), other())


@pytest.mark.parametrize(
    ("signal", "winner"),
    [
        (lambda: facts("phq9", PHQ9_ITEM9_2), "phq9-item9-min2"),  # also suicidal ideation (orange)
        (lambda: facts("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 3]), "phq9-item9-min2"),  # and severe
        (lambda: facts("phq9", [3, 3, 3, 3, 3, 3, 3, 3, 1]), "phq9-severe"),  # orange, level tie
        (lambda: facts("asq", ASQ_ACUTE), "asq-acute-suicide-risk"),  # also suicide_risk
        (lambda: signal_facts("counsellor", immediate_danger=True), "counsellor-immediate-danger"),
        (lambda: signal_facts("concern", urgent=True), "concern-urgent"),
        (lambda: signal_facts("concern", urgent=True, immediate_danger=True), "concern-immediate-danger"),
        (
            lambda: signal_facts("hotline", flags=["suicidal_thoughts", "plan", "means"]),
            "hotline-thoughts-plan-means",
        ),
        (lambda: signal_facts("hotline", flags=["suicidal_thoughts", "means"]), "hotline-suicide-risk"),
        (lambda: signal_facts("hotline", flags=["plan", "immediate_danger"]), "hotline-immediate-danger"),
    ],
)
def test_the_highest_level_wins(signal, winner):
    assert rules.best_rule(signal()).code == winner


def test_a_result_no_rule_names_raises_nothing():
    assert rules.best_rule(facts("phq9", PHQ9_NONE)) is None
    assert rules.best_rule(facts("gad7", [1] * 7)) is None


def test_a_switched_off_rule_no_longer_matches_and_a_changed_level_takes_effect():
    AlertRule.objects.filter(code="phq9-item9-min2").update(is_active=False)
    assert rules.best_rule(facts("phq9", PHQ9_ITEM9_2)).code == "phq9-suicidal-ideation"
    AlertRule.objects.filter(code="phq9-moderately-severe").update(level="orange")
    assert rules.best_rule(facts("phq9", PHQ9_MODERATELY_SEVERE)).level == "orange"


@pytest.mark.parametrize(
    "condition",
    [
        {"instrumnet": "phq9"},  # a typo must not match everything
        {"item": 9, "min": 2},  # an item without its instrument
        {"instrument": "phq9", "item": 9},  # an item without a bound
        {"instrument": "phq9", "min": 2},  # a bound without an item
        {"urgent": "yes"},
        {"any_flag": "plan"},
        {"all_flags": "plan"},
        {"all_flags": []},  # "all of no flags" would hold for every signal
        "severe",
    ],
)
def test_a_malformed_condition_is_reported_and_matches_nothing(condition):
    assert rules.condition_problems(condition)
    rule = AlertRule(code="x", source="assessment", level="red", condition=condition)
    assert not rules.rule_matches(rule, facts("phq9", PHQ9_ITEM9_2))


def test_an_unanswered_item_never_satisfies_an_item_condition():
    rule = AlertRule(
        code="x", source="assessment", level="red", condition={"instrument": "phq9", "item": 9, "max": 3}
    )
    assert not rules.rule_matches(rule, facts("phq9", [0, 0, 0, 0, 0, 0, 0, 0, None]))
    assert rules.rule_matches(rule, facts("phq9", PHQ9_NONE))


def test_answers_are_read_back_from_the_encrypted_field(people, tree):
    stored = scored("phq9", PHQ9_ITEM9_2, resident=resident_in(people, tree.willow), save=True)
    reloaded = type(stored).objects.get(pk=stored.pk)
    assert rules.facts_for_assessment(reloaded).answer(9) == 2
