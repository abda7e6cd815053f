"""Warning rules (CRI-4): which signal raises which alert level.

An ``AlertRule`` holds its condition as data (a JSON object) so the director can switch rules on
and off and change their level without a release; what a condition may say is fixed here. A rule
matches a signal when the signal comes from the rule's ``source`` and EVERY key of the condition
holds (an empty condition matches every signal of that source):

``instrument``        the assessment's instrument code, e.g. ``"phq9"``
``flag``              the signal carries this flag, e.g. ``"acute_suicide_risk"``
``any_flag``          the signal carries at least one of these flags (a list)
``band``              the result's band, e.g. ``"severe"``
``bands``             the result's band is one of these (a list)
``severe``            the result's band is marked severe in the instrument (true/false)
``item`` + ``min`` / ``max`` / ``eq``
                      the answer to item N (numbered from 1) of the assessment is at least /
                      at most / exactly this; an unanswered item never matches
``urgent``            the reporter marked the signal urgent (true/false)
``immediate_danger``  the signal is marked immediate danger (true/false); a hotline risk check
                      with "immediate danger" answered yes counts too

Of the active rules that match, the one with the highest level wins (red > orange > yellow).
Unknown keys make a rule match nothing: a typo must not turn a rule into "match everything".
docs/crisis.md lists the default rules.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import LEVEL_ORDER, AlertRule

IMMEDIATE_DANGER_FLAG = "immediate_danger"

CONDITION_KEYS = frozenset(
    {
        "instrument",
        "flag",
        "any_flag",
        "band",
        "bands",
        "severe",
        "item",
        "min",
        "max",
        "eq",
        "urgent",
        "immediate_danger",
    }
)


@dataclass(frozen=True)
class SignalFacts:
    """What a rule may look at: the signal and, for an assessment, its result and answers."""

    source: str
    instrument: str = ""
    band: str = ""
    flags: frozenset[str] = frozenset()
    severe: bool = False
    answers: tuple = ()
    urgent: bool = False
    immediate_danger: bool = False

    def answer(self, number: int) -> int | None:
        if not isinstance(number, int) or not 1 <= number <= len(self.answers):
            return None
        return _as_int(self.answers[number - 1])


def _as_int(answer) -> int | None:
    """A stored answer as a number: yes/no items are 1/0; unanswered is None."""
    if answer is None or answer in ("-", ""):
        return None
    if isinstance(answer, bool):
        return int(answer)
    if isinstance(answer, str) and answer.strip().lower() in ("yes", "no"):
        return 1 if answer.strip().lower() == "yes" else 0
    try:
        return int(answer)
    except (TypeError, ValueError):
        return None


def parse_answers(stored: str | None) -> tuple:
    """``Assessment.answers`` is a JSON list, encrypted at rest; the field hands it back decrypted."""
    if not stored:
        return ()
    try:
        answers = json.loads(stored)
    except (TypeError, ValueError):
        return ()
    return tuple(answers) if isinstance(answers, list) else ()


def facts_for_assessment(assessment, *, source: str = AlertRule.Source.ASSESSMENT) -> SignalFacts:
    """The facts of a stored assessment, as a signal from it would carry them."""
    return SignalFacts(
        source=source,
        instrument=assessment.instrument_code,
        band=assessment.band or "",
        flags=frozenset(assessment.flags or ()),
        severe=bool(assessment.severe),
        answers=parse_answers(assessment.answers),
    )


def facts_for_signal(signal) -> SignalFacts:
    """The facts of a ``RiskSignal`` (reads its assessment, if any: one query unless prefetched)."""
    assessment = signal.assessment if signal.assessment_id else None
    flags = frozenset(signal.flags or ())
    return SignalFacts(
        source=signal.source,
        instrument=assessment.instrument_code if assessment else "",
        band=signal.band or (assessment.band if assessment else "") or "",
        flags=flags,
        severe=bool(assessment.severe) if assessment else False,
        answers=parse_answers(assessment.answers) if assessment else (),
        urgent=bool(signal.urgent),
        immediate_danger=bool(signal.immediate_danger) or IMMEDIATE_DANGER_FLAG in flags,
    )


def condition_problems(condition) -> list[str]:
    """Why a condition cannot be used ([] when it can), for the rule editor's form."""
    if not isinstance(condition, dict):
        return [_("The condition must be a JSON object.")]
    problems = []
    unknown = sorted(set(condition) - CONDITION_KEYS)
    if unknown:
        problems.append(_("Unknown condition keys: %(keys)s.") % {"keys": ", ".join(unknown)})
    for key in ("instrument", "flag", "band"):
        if key in condition and not isinstance(condition[key], str):
            problems.append(_("“%(key)s” must be a text.") % {"key": key})
    for key in ("any_flag", "bands"):
        if key in condition and not (
            isinstance(condition[key], list) and all(isinstance(v, str) for v in condition[key])
        ):
            problems.append(_("“%(key)s” must be a list of texts.") % {"key": key})
    for key in ("severe", "urgent", "immediate_danger"):
        if key in condition and not isinstance(condition[key], bool):
            problems.append(_("“%(key)s” must be true or false.") % {"key": key})
    has_bound = any(key in condition for key in ("min", "max", "eq"))
    if "item" in condition:
        item = condition["item"]
        if not isinstance(item, int) or isinstance(item, bool) or item < 1:
            problems.append(_("“item” must be an item number (1 or more)."))
        if not has_bound:
            problems.append(_("Give “min”, “max” or “eq” with “item”."))
        if "instrument" not in condition:
            problems.append(_("Give the “instrument” of the item."))
    elif has_bound:
        problems.append(_("“min”, “max” and “eq” need an “item”."))
    for key in ("min", "max", "eq"):
        if key in condition and (not isinstance(condition[key], int) or isinstance(condition[key], bool)):
            problems.append(_("“%(key)s” must be a whole number.") % {"key": key})
    return problems


def condition_holds(condition: dict, facts: SignalFacts) -> bool:
    if condition_problems(condition):
        return False
    checks = {
        "instrument": lambda v: facts.instrument == v,
        "flag": lambda v: v in facts.flags,
        "any_flag": lambda v: bool(facts.flags.intersection(v)),
        "band": lambda v: facts.band == v,
        "bands": lambda v: facts.band in v,
        "severe": lambda v: facts.severe is v,
        "urgent": lambda v: facts.urgent is v,
        "immediate_danger": lambda v: facts.immediate_danger is v,
    }
    for key, check in checks.items():
        if key in condition and not check(condition[key]):
            return False
    if "item" in condition:
        value = facts.answer(condition["item"])
        if value is None:
            return False
        if "min" in condition and value < condition["min"]:
            return False
        if "max" in condition and value > condition["max"]:
            return False
        if "eq" in condition and value != condition["eq"]:
            return False
    return True


def rule_matches(rule: AlertRule, facts: SignalFacts) -> bool:
    return rule.source == facts.source and condition_holds(rule.condition or {}, facts)


def active_rules(source: str | None = None) -> list[AlertRule]:
    """The switched-on rules, highest level first (one query); pass the list on to avoid more."""
    rules = AlertRule.objects.filter(is_active=True)
    if source:
        rules = rules.filter(source=source)
    return sorted(rules, key=lambda rule: (-LEVEL_ORDER.get(rule.level, 0), rule.code))


def best_rule(facts: SignalFacts, rules: Sequence[AlertRule] | None = None) -> AlertRule | None:
    """The matching active rule with the highest level, or None when no rule matches."""
    candidates: Iterable[AlertRule] = active_rules(facts.source) if rules is None else rules
    matching = [rule for rule in candidates if rule.is_active and rule_matches(rule, facts)]
    if not matching:
        return None
    return min(matching, key=lambda rule: (-LEVEL_ORDER.get(rule.level, 0), rule.code))
