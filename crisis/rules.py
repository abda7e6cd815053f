"""Warning rules (CRI-4): which signal raises which alert level.

An ``AlertRule`` holds its condition as data (a JSON object) so the director can switch rules on
and off and change their level without a release; what a condition may say is fixed here. A rule
matches a signal when the signal comes from the rule's ``source`` and EVERY key of the condition
holds (an empty condition matches every signal of that source):

``instrument``        the assessment's instrument code, e.g. ``"phq9"``
``flag``              the signal carries this flag, e.g. ``"acute_suicide_risk"``
``any_flag``          the signal carries at least one of these flags (a list)
``all_flags``         the signal carries every one of these flags (a list, not empty), e.g. a
                      hotline risk check with thoughts, a plan and the means
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
from django.utils.translation import gettext_lazy, pgettext

from .models import LEVEL_ORDER, AlertRule

IMMEDIATE_DANGER_FLAG = "immediate_danger"

CONDITION_KEYS = frozenset(
    {
        "instrument",
        "flag",
        "any_flag",
        "all_flags",
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
    for key in ("any_flag", "all_flags", "bands"):
        if key in condition and not (
            isinstance(condition[key], list) and all(isinstance(v, str) for v in condition[key])
        ):
            problems.append(_("“%(key)s” must be a list of texts.") % {"key": key})
    if condition.get("all_flags") == []:
        # "Every one of no flags" would hold for every signal of the source.
        problems.append(_("“all_flags” needs at least one flag."))
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
    if "band" in condition and "bands" in condition:
        problems.append(_("Give “band” or “bands”, not both."))
    bounds = {key: condition[key] for key in ("min", "max", "eq") if isinstance(condition.get(key), int)}
    low, high, eq = bounds.get("min"), bounds.get("max"), bounds.get("eq")
    if (low is not None and high is not None and low > high) or (
        eq is not None and ((low is not None and eq < low) or (high is not None and eq > high))
    ):
        problems.append(_("No answer can be at least, at most and exactly these at once."))
    for key in ("min", "max", "eq"):
        if key in condition and (not isinstance(condition[key], int) or isinstance(condition[key], bool)):
            problems.append(_("“%(key)s” must be a whole number.") % {"key": key})
    return problems


ASSESSMENT_ONLY_KEYS = ("instrument", "severe", "item")

# The parts of a condition in the words of the rule editor's fields, for its messages: a director
# never sees the condition's keys.
KEY_WORDS = {
    "instrument": gettext_lazy("the instrument"),
    "severe": gettext_lazy("whether the band is marked severe"),
    "item": gettext_lazy("the item and its answer"),
}


def word_list(words: Iterable) -> str:
    """Words joined as a list in the reader's language ("a, b" / "a、b")."""
    return pgettext("list separator", ", ").join(str(word) for word in words)


def in_words(keys: Iterable[str]) -> str:
    """The condition keys as the editor's words, in a list ("the instrument, the item…")."""
    return word_list(KEY_WORDS.get(key, key) for key in keys)


def empty_condition_message(source: str) -> str:
    """Why a rule needs a condition: without one it would alert on every signal of its source."""
    if source == AlertRule.Source.ASSESSMENT:
        return _(
            "Fill in at least one part of the condition (an instrument, a band, an item or a flag): "
            "a rule without one would raise an alert on every assessment result."
        )
    return _(
        "Fill in at least one part of the condition (a flag, urgent or immediate danger): a rule "
        "without one would raise an alert on every signal from this source."
    )


def condition_fit_problems(condition: dict, *, source: str, instruments: dict) -> list[str]:
    """Why a well-formed condition cannot match what the source's signals carry ([] when it can).

    ``instruments`` maps codes to the library's instruments. Only assessment signals have an
    instrument, answers and a "severe" band; a band must be one the instrument gives; an item must
    exist and its bound lie within the instrument's answer points. A rule that can never match
    would look like protection that is not there.
    """
    from assessments.labels import band_choices, instrument_flags

    problems = []
    if source != AlertRule.Source.ASSESSMENT:
        used = [key for key in ASSESSMENT_ONLY_KEYS if key in condition]
        if used:
            problems.append(
                _("Only assessment signals have an instrument, items or a severe band: remove %(parts)s.")
                % {"parts": in_words(used)}
            )
        return problems
    code = condition.get("instrument")
    if code is None:
        return problems
    instrument = instruments.get(code)
    if instrument is None:
        return [_("There is no instrument “%(code)s” in the library.") % {"code": code}]
    bands = {band for band, _label in band_choices(instrument)}
    wanted = [condition["band"]] if "band" in condition else list(condition.get("bands", []))
    foreign = [band for band in wanted if band not in bands]
    if foreign:
        problems.append(
            _("%(instrument)s has no band %(bands)s.")
            % {"instrument": instrument.data.get("short_name", code), "bands": ", ".join(foreign)}
        )
    name = instrument.data.get("short_name", code)
    flags = instrument_flags(instrument)
    wanted_flags = (
        ([condition["flag"]] if "flag" in condition else [])
        + list(condition.get("any_flag", []))
        + list(condition.get("all_flags", []))
    )
    never = [flag for flag in wanted_flags if flag not in flags]
    if never:
        problems.append(
            _("%(instrument)s never sets the flag %(flags)s.")
            % {"instrument": name, "flags": ", ".join(never)}
        )
    if "severe" in condition:
        data = instrument.data
        candidates = list(data.get("bands", [])) + list(data.get("band_rules", []))
        for by_sex in data.get("bands_by_sex", {}).values():
            candidates += by_sex
        severe = {band.get("code", band.get("band")) for band in candidates if band.get("severe")}
        possible = set(wanted) if wanted else bands
        if condition["severe"] and not severe & possible:
            problems.append(
                _("None of these bands of %(instrument)s is marked severe.") % {"instrument": name}
            )
        if condition["severe"] is False and possible <= severe:
            problems.append(
                _("All of these bands of %(instrument)s are marked severe.") % {"instrument": name}
            )
    item = condition.get("item")
    if isinstance(item, int) and not isinstance(item, bool):
        if item > instrument.item_count:
            problems.append(
                _("%(instrument)s has only %(count)s items.")
                % {"instrument": instrument.data.get("short_name", code), "count": instrument.item_count}
            )
        points = [0, 1] if instrument.is_yes_no else instrument.option_values
        low, high = min(points), max(points)
        for key in ("min", "max", "eq"):
            value = condition.get(key)
            if isinstance(value, int) and not low <= value <= high:
                problems.append(
                    _("The answers of %(instrument)s run from %(low)s to %(high)s.")
                    % {"instrument": instrument.data.get("short_name", code), "low": low, "high": high}
                )
                break
    return problems


def condition_phrases(condition: dict, *, instruments: dict) -> list[str]:
    """The condition in words, one phrase per part, for the rules page."""
    from assessments.labels import FLAG_LABELS, band_label

    if condition_problems(condition):
        return [str(_("cannot be read: matches nothing"))]
    phrases = []
    code = condition.get("instrument")
    instrument = instruments.get(code) if code else None
    if code:
        phrases.append(instrument.data.get("short_name", code) if instrument else code)
    bands = [condition["band"]] if "band" in condition else list(condition.get("bands", []))
    if bands:
        names = [band_label(instrument, band) if instrument else band for band in bands]
        phrases.append(_("band: %(bands)s") % {"bands": " / ".join(names)})
    if "severe" in condition:
        phrases.append(_("a severe band") if condition["severe"] else _("not a severe band"))
    if "item" in condition:
        signs = {"min": "≥", "max": "≤", "eq": "="}
        bounds = " ".join(
            f"{signs[key]} {condition[key]}" for key in ("min", "max", "eq") if key in condition
        )
        phrases.append(
            _("answer to item %(item)s %(bounds)s") % {"item": condition["item"], "bounds": bounds}
        )
    if "flag" in condition:
        phrases.append(_("flag: %(flag)s") % {"flag": FLAG_LABELS.get(condition["flag"], condition["flag"])})
    if condition.get("any_flag"):
        names = [str(FLAG_LABELS.get(flag, flag)) for flag in condition["any_flag"]]
        phrases.append(_("any flag of: %(flags)s") % {"flags": " / ".join(names)})
    if condition.get("all_flags"):
        names = [str(FLAG_LABELS.get(flag, flag)) for flag in condition["all_flags"]]
        phrases.append(_("all the flags: %(flags)s") % {"flags": " + ".join(names)})
    for key, yes, no in (
        ("urgent", _("marked urgent"), _("not marked urgent")),
        ("immediate_danger", _("immediate danger"), _("no immediate danger")),
    ):
        if key in condition:
            phrases.append(yes if condition[key] else no)
    return [str(phrase) for phrase in phrases]


def condition_holds(condition: dict, facts: SignalFacts) -> bool:
    if condition_problems(condition):
        return False
    checks = {
        "instrument": lambda v: facts.instrument == v,
        "flag": lambda v: v in facts.flags,
        "any_flag": lambda v: bool(facts.flags.intersection(v)),
        "all_flags": lambda v: bool(v) and facts.flags.issuperset(v),
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
