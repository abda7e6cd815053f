"""Properties of the scoring engine over every shipped instrument (hypothesis, bounded).

- Any complete, valid answer vector scores valid, with a total inside ``scoring.range``, exactly one
  band, and the total and band the published rule gives (the contract tables below).
- For range-banded instruments the band never goes down as the total goes up.
- A critical item left unanswered is never prorated: the result is invalid with unanswered_critical.
- Removing answers never yields a valid, banded result unless the contract allows exactly that gap:
  one item of the K10 (prorated), ASQ item 5 on a negative screen, PHQ-15 item 4 for a man.
- Flags on an incomplete result (other than unanswered_critical) are a subset of the flags of a
  completion of it: the answered items settle them.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments.library import SHIPPED_CODES, get_instrument
from assessments.scoring import UNANSWERED_CRITICAL, score

BOUNDED = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SEXES = [None, "M", "F"]
GDS15_NO_KEYED = {1, 5, 7, 11, 13}

# The published bands as (lowest total, band), independent of the instrument files.
CONTRACT_BANDS = {
    "phq9": [(0, "minimal"), (5, "mild"), (10, "moderate"), (15, "moderately_severe"), (20, "severe")],
    "phq2": [(0, "negative"), (3, "positive")],
    "gad2": [(0, "negative"), (3, "positive")],
    "gad7": [(0, "minimal"), (5, "mild"), (10, "moderate"), (15, "severe")],
    "phq15": [(0, "minimal"), (5, "low"), (10, "medium"), (15, "high")],
    "k10": [(10, "low"), (16, "moderate"), (22, "high"), (30, "very_high")],
    "k6": [(0, "none"), (5, "moderate"), (13, "serious")],
    "who5": [(0, "likely_depression"), (29, "poor_wellbeing"), (51, "good")],
    "gds15": [(0, "normal"), (5, "mild"), (10, "moderate_severe")],
    "pcl5": [(0, "below_threshold"), (33, "probable_ptsd")],
}
CONTRACT_RANGES = {
    "phq9": (0, 27),
    "phq2": (0, 6),
    "gad2": (0, 6),
    "gad7": (0, 21),
    "phq15": (0, 30),
    "k10": (10, 50),
    "k6": (0, 24),
    "who5": (0, 100),
    "gds15": (0, 15),
    "pcl5": (0, 80),
    "auditc": (0, 12),
    "asq": (0, 4),
}
RANGE_BANDED = sorted(set(CONTRACT_BANDS) | {"auditc"})


def contract_total(code: str, answers: list) -> int:
    if code == "who5":
        return 4 * sum(answers)
    if code == "gds15":
        return sum(
            (answer == "no") if number in GDS15_NO_KEYED else (answer == "yes")
            for number, answer in enumerate(answers, 1)
        )
    if code == "asq":
        return answers[:4].count("yes")
    return sum(answer or 0 for answer in answers)  # PHQ-15 item 4 unanswered for a man counts 0


def contract_band(code: str, total: int, answers: list, sex: str | None) -> str:
    if code == "asq":
        if answers[4] == "yes":
            return "acute_positive"
        return "non_acute_positive" if "yes" in answers[:4] else "negative"
    if code == "auditc":
        return "positive" if total >= (4 if sex == "M" else 3) else "negative"
    return [band for low, band in CONTRACT_BANDS[code] if total >= low][-1]


def band_rank(code: str, band: str, sex: str | None) -> int:
    if code == "auditc":
        return ["negative", "positive"].index(band)
    return [name for _, name in CONTRACT_BANDS[code]].index(band)


@st.composite
def complete_answers(draw, code: str, sex: str | None = None):
    """A complete vector of valid answers for ``code`` and the sex they go with."""
    instrument = get_instrument(code)
    if sex is None:
        sex = draw(st.sampled_from(SEXES))
    answers = []
    for item in instrument.items:
        if item.get("zero_for_sex") and item["zero_for_sex"] == sex:
            answers.append(0)
        elif instrument.is_yes_no:
            answers.append(draw(st.sampled_from(["yes", "no"])))
        else:
            answers.append(draw(st.sampled_from(instrument.option_values)))
    return answers, sex


def critical_items(code: str, answers: list) -> set[int]:
    """The contract's critical items for these answers."""
    if code == "phq9":
        return {9}
    if code == "asq":
        return {1, 2, 3, 4} | ({5} if "yes" in answers[:4] else set())
    return set()


def allowed_gap(code: str, answers: list, sex: str | None, removed: set[int]) -> bool:
    """Whether the contract lets a result with these items unanswered still be valid."""
    if code == "k10":
        return len(removed) <= 1
    if code == "asq":
        return removed == {5} and "yes" not in answers[:4]
    if code == "phq15":
        return removed == {4} and sex == "M"
    return False


@pytest.mark.parametrize("code", SHIPPED_CODES)
@BOUNDED
@given(data=st.data())
def test_any_complete_answers_score_valid_within_range_with_the_published_band(code, data):
    answers, sex = data.draw(complete_answers(code))
    instrument = get_instrument(code)
    result = score(instrument, answers, sex)
    assert result.valid is True
    low, high = instrument.data["scoring"]["range"]
    assert low <= result.total <= high
    assert CONTRACT_RANGES[code][0] <= result.total <= CONTRACT_RANGES[code][1]
    assert result.total == contract_total(code, answers)
    assert result.band == contract_band(code, result.total, answers, sex)
    assert UNANSWERED_CRITICAL not in result.flags
    bands = instrument.data.get("bands")
    if "bands_by_sex" in instrument.data:
        bands = (
            instrument.data["bands_by_sex"].get(sex or "unknown")
            or instrument.data["bands_by_sex"]["unknown"]
        )
    if bands is not None:  # exactly one band of the file holds the total
        assert [b["code"] for b in bands if b["min"] <= result.total <= b["max"]] == [result.band]


@pytest.mark.parametrize("code", RANGE_BANDED)
@BOUNDED
@given(data=st.data())
def test_the_band_never_goes_down_as_the_total_goes_up(code, data):
    sex = data.draw(st.sampled_from(SEXES))
    first, _ = data.draw(complete_answers(code, sex=sex))
    second, _ = data.draw(complete_answers(code, sex=sex))
    low, high = sorted((score(get_instrument(code), a, sex) for a in (first, second)), key=lambda r: r.total)
    assert band_rank(code, low.band, sex) <= band_rank(code, high.band, sex)
    if low.total == high.total:
        assert low.band == high.band


@pytest.mark.parametrize("code", ["phq9", "asq"])
@BOUNDED
@given(data=st.data())
def test_an_unanswered_critical_item_is_never_prorated(code, data):
    answers, sex = data.draw(complete_answers(code))
    critical = sorted(critical_items(code, answers))
    removed = data.draw(st.sets(st.sampled_from(critical), min_size=1))
    # Optionally leave other items unanswered too.
    others = [n for n in range(1, len(answers) + 1) if n not in removed]
    if others:
        removed |= data.draw(st.sets(st.sampled_from(others), max_size=2))
    gapped = [None if n in removed else a for n, a in enumerate(answers, 1)]
    result = score(get_instrument(code), gapped, sex)
    assert result.valid is False
    assert result.total is None and result.band is None
    assert UNANSWERED_CRITICAL in result.flags


@pytest.mark.parametrize("code", SHIPPED_CODES)
@BOUNDED
@given(data=st.data())
def test_removing_answers_never_gives_a_banded_result_unless_the_contract_allows_the_gap(code, data):
    answers, sex = data.draw(complete_answers(code))
    count = len(answers)
    removed = data.draw(st.sets(st.integers(1, count), min_size=1, max_size=count))
    gapped = [None if n in removed else a for n, a in enumerate(answers, 1)]
    result = score(get_instrument(code), gapped, sex)
    if allowed_gap(code, answers, sex, removed):
        assert result.valid is True and result.band is not None
        if code == "k10":
            assert result.total == round(sum(a for a in gapped if a is not None) * 10 / 9)
        else:
            assert result.total == contract_total(code, gapped)
    else:
        assert result.valid is False
        assert result.total is None and result.band is None
    if removed & critical_items(code, answers):
        assert UNANSWERED_CRITICAL in result.flags


@pytest.mark.parametrize("code", SHIPPED_CODES)
@BOUNDED
@given(data=st.data())
def test_flags_on_an_incomplete_result_are_settled_by_the_answered_items(code, data):
    answers, sex = data.draw(complete_answers(code))
    count = len(answers)
    removed = data.draw(st.sets(st.integers(1, count), min_size=1, max_size=count))
    gapped = [None if n in removed else a for n, a in enumerate(answers, 1)]
    instrument = get_instrument(code)
    partial = score(instrument, gapped, sex)
    completed = score(instrument, answers, sex)  # one completion of the gapped answers
    assert set(partial.flags) - {UNANSWERED_CRITICAL} <= set(completed.flags)
