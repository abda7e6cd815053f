"""The scoring engine (ASM-2): plain Python over an instrument file, no database.

``score(instrument, answers, sex)`` applies the published rules the file describes: item points
(reverse items, yes/no keys, items scored 0 for one sex), sums over chosen items, multipliers,
prorating of a limited number of missing items, bands (by total, by sex, or by ordered rules),
subscales and flags. The codes it returns (bands, flags) are a contract shared by the CLI, the
API and the UI.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from .library import Instrument

UNANSWERED_CRITICAL = "unanswered_critical"
YES, NO = "yes", "no"


class AnswerError(ValueError):
    """Answers that do not fit the instrument (count, values, sex rules)."""


@dataclass(frozen=True)
class ScoreResult:
    instrument: str
    valid: bool
    total: int | float | None
    band: str | None
    flags: list[str] = field(default_factory=list)
    subscales: dict[str, int] = field(default_factory=dict)
    severe: bool = False

    def as_dict(self) -> dict:
        return {
            "instrument": self.instrument,
            "valid": self.valid,
            "total": self.total,
            "band": self.band,
            "flags": list(self.flags),
            "subscales": dict(self.subscales),
        }


def _normalise_answer(instrument: Instrument, number: int, answer):
    """The answer as an int (yes=1, no=0 for yes/no items) or None when unanswered."""
    if answer is None or answer == "-" or answer == "":
        return None
    if instrument.is_yes_no:
        if isinstance(answer, str) and answer.strip().lower() in (YES, NO):
            return 1 if answer.strip().lower() == YES else 0
        if isinstance(answer, bool):
            return int(answer)
        raise AnswerError(f"item {number}: answer yes or no, not {answer!r}")
    if isinstance(answer, bool):
        raise AnswerError(f"item {number}: {answer!r} is not one of {instrument.option_values}")
    try:
        value = int(answer)
    except (TypeError, ValueError) as exc:
        raise AnswerError(f"item {number}: {answer!r} is not one of {instrument.option_values}") from exc
    if str(value) != str(answer).strip() and not isinstance(answer, int):
        raise AnswerError(f"item {number}: {answer!r} is not one of {instrument.option_values}")
    if value not in instrument.option_values:
        raise AnswerError(f"item {number}: {value} is not one of {instrument.option_values}")
    return value


def _points(instrument: Instrument, item: dict, value: int) -> int:
    if instrument.is_yes_no:
        return item.get("yes_scores", 1) if value == 1 else item.get("no_scores", 0)
    if item.get("reverse"):
        values = instrument.option_values
        return max(values) + min(values) - value
    return value


def _holds(condition: dict, values: dict[int, int | None]) -> bool | None:
    """True/False, or None when it depends on an unanswered item."""
    numbers = condition.get("any_item") or [condition["item"]]
    results = []
    for number in numbers:
        value = values.get(number)
        if value is None:
            results.append(None)
        elif "eq" in condition:
            results.append(value == condition["eq"])
        else:
            results.append(value >= condition["gte"])
    if any(result is True for result in results):
        return True
    if any(result is None for result in results):
        return None
    return False


def _round_half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _band_from_ranges(bands: list[dict], total) -> dict | None:
    for band in bands:
        if band["min"] <= total <= band["max"]:
            return band
    return None


def score(instrument: Instrument, answers: Sequence, sex: str | None = None) -> ScoreResult:
    """Score one administration. Raises AnswerError for answers that do not fit the instrument.

    An unanswered item makes the result invalid (no total, no band) unless the instrument allows
    prorating; an unanswered critical item is never prorated and adds ``unanswered_critical``.
    Flags that the answered items already establish are kept even on an invalid result: a
    stated wish to die must not vanish because another item was skipped.
    """
    data = instrument.data
    if len(answers) != instrument.item_count:
        raise AnswerError(
            f"{instrument.code} has {instrument.item_count} items; {len(answers)} answers given"
        )
    if sex not in (None, "M", "F", "U", ""):
        raise AnswerError(f"sex must be M or F, not {sex!r}")
    sex = sex if sex in ("M", "F") else None

    values: dict[int, int | None] = {}
    points: dict[int, int | None] = {}
    for item, answer in zip(instrument.items, answers, strict=True):
        number = item["number"]
        value = _normalise_answer(instrument, number, answer)
        if item.get("zero_for_sex") and item["zero_for_sex"] == sex:
            if value not in (None, 0):
                raise AnswerError(f"item {number} is answered with 0 for sex {sex}")
            value = 0
        values[number] = value
        points[number] = None if value is None else _points(instrument, item, value)

    # Which unanswered items matter: all of them, except those only asked after a positive answer.
    required = set(values)
    conditional = data.get("critical_when_positive")
    positive_screen = False
    if conditional:
        positive_screen = any(values.get(n) == 1 for n in conditional["if_any_yes"])
        if not positive_screen:
            required -= set(conditional["items"])
    missing = sorted(n for n in required if values[n] is None)
    critical = set(data.get("critical_items", []))
    if conditional and positive_screen:
        critical |= set(conditional["items"])

    flags: set[str] = set()
    for rule in data.get("flags", []):
        if _holds(rule["when"], values):
            flags.add(rule["code"])
    if any(n in critical for n in missing):
        flags.add(UNANSWERED_CRITICAL)

    scoring = data["scoring"]
    scored = scoring.get("items") or [item["number"] for item in instrument.items]
    scored_missing = [n for n in scored if points[n] is None]
    allowed_missing = scoring.get("prorate_max_missing", 0)
    unscored_missing = [n for n in missing if n not in scored]
    valid = (
        UNANSWERED_CRITICAL not in flags and len(scored_missing) <= allowed_missing and not unscored_missing
    )

    total = band = None
    subscales: dict[str, int] = {}
    severe = False
    if valid:
        raw = sum(points[n] for n in scored if points[n] is not None)
        if scored_missing:
            raw = _round_half_up(Decimal(raw) * len(scored) / (len(scored) - len(scored_missing)))
        multiplier = scoring.get("multiplier", 1)
        total = raw * multiplier
        if isinstance(total, float) and total.is_integer():
            total = int(total)
        low, high = scoring.get("range", (float("-inf"), float("inf")))
        if not low <= total <= high:  # a file whose range and items disagree: a bug, not bad input
            raise AssertionError(f"{instrument.code}: total {total} outside {low}–{high}")
        band_entry = None
        if "band_rules" in data:
            for rule in data["band_rules"]:
                if "when" not in rule or _holds(rule["when"], values):
                    band_entry = rule
                    flags |= set(rule.get("flags", []))
                    break
            band = band_entry["band"] if band_entry else None
        else:
            bands = data.get("bands")
            if "bands_by_sex" in data:
                bands = data["bands_by_sex"].get(sex or "unknown") or data["bands_by_sex"]["unknown"]
            band_entry = _band_from_ranges(bands, total)
            band = band_entry["code"] if band_entry else None
        severe = bool(band_entry and band_entry.get("severe"))
        subscales = {
            sub["code"]: sum(points[n] for n in sub["items"] if points[n] is not None)
            for sub in data.get("subscales", [])
        }
    elif "band_rules" in data:
        # No band without all answers, but flags that the given answers settle still count.
        for rule in data["band_rules"]:
            if "when" not in rule:
                break
            held = _holds(rule["when"], values)
            if held:
                flags |= set(rule.get("flags", []))
                break
    return ScoreResult(
        instrument=instrument.code,
        valid=valid,
        total=total,
        band=band,
        flags=sorted(flags),
        subscales=subscales,
        severe=severe,
    )
