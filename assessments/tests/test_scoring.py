"""The scoring contract, rule by rule, over the shipped instrument files.

Each section states one instrument's published rule (the contract the CLI, the API and the UI
share) and tests it on both sides of every band boundary. Answer vectors are built with small
helpers: ``spread`` reaches an exact total by piling points onto the first items, so a test names
the total it means rather than a list of digits.
"""

from __future__ import annotations

import pytest

from assessments.library import get_instrument
from assessments.scoring import UNANSWERED_CRITICAL, AnswerError, score

# ---------------------------------------------------------------------------------------------
# Helpers


def spread(items: int, total: int, low: int, high: int, fixed: dict[int, object] | None = None) -> list:
    """``items`` answers between ``low`` and ``high`` summing to ``total``.

    Points go onto the first items first. ``fixed`` maps item numbers (1-based) to answers that are
    used as given (and left out of the sum): ``{4: 0}`` keeps item 4 at 0, ``{9: None}`` leaves
    item 9 unanswered.
    """
    fixed = fixed or {}
    free = [n for n in range(1, items + 1) if n not in fixed]
    remaining = total - low * len(free)
    if not 0 <= remaining <= (high - low) * len(free):
        raise ValueError(f"{total} cannot be reached with {len(free)} items of {low}–{high}")
    answers = []
    for number in range(1, items + 1):
        if number in fixed:
            answers.append(fixed[number])
            continue
        extra = min(high - low, remaining)
        answers.append(low + extra)
        remaining -= extra
    return answers


def run(code: str, answers, sex: str | None = None) -> dict:
    return score(get_instrument(code), answers, sex).as_dict()


def assert_invalid(result: dict) -> None:
    """An invalid result has no total and no band."""
    assert result["valid"] is False
    assert result["total"] is None
    assert result["band"] is None
    assert result["subscales"] == {}


def blank(answers: list, *numbers: int) -> list:
    """The answers with the given items (1-based) left unanswered."""
    return [None if index + 1 in numbers else answer for index, answer in enumerate(answers)]


# ---------------------------------------------------------------------------------------------
# The result shape


def test_a_result_has_exactly_the_six_contract_keys():
    result = run("phq9", [0] * 9)
    assert set(result) == {"instrument", "valid", "total", "band", "flags", "subscales"}
    assert result["instrument"] == "phq9"


# ---------------------------------------------------------------------------------------------
# PHQ-9: items 0–3, total 0–27. Bands minimal 0–4, mild 5–9, moderate 10–14,
# moderately_severe 15–19, severe 20–27. Flag suicidal_ideation when item 9 ≥ 1.
# All 9 items required; item 9 is critical (unanswered → unanswered_critical, never prorated).

PHQ9_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "moderately_severe"),
    (19, "moderately_severe"),
    (20, "severe"),
    (27, "severe"),
]


@pytest.mark.parametrize(("total", "band"), PHQ9_BANDS)
def test_phq9_total_falls_in_the_published_band(total, band):
    result = run("phq9", spread(9, total, 0, 3))
    assert result["valid"] is True
    assert result["total"] == total
    assert result["band"] == band


@pytest.mark.parametrize("item9", [1, 2, 3])
def test_phq9_any_point_on_item_9_raises_the_suicidal_ideation_flag(item9):
    result = run("phq9", spread(9, 0, 0, 3, fixed={9: item9}))
    assert result["band"] == "minimal"
    assert "suicidal_ideation" in result["flags"]


def test_phq9_item_9_at_zero_raises_no_flag_even_at_the_top_of_the_other_items():
    result = run("phq9", spread(9, 24, 0, 3, fixed={9: 0}))
    assert result["total"] == 24
    assert result["flags"] == []


@pytest.mark.parametrize("missing", range(1, 9))
def test_phq9_any_unanswered_item_makes_the_result_invalid(missing):
    result = run("phq9", blank([1] * 9, missing))
    assert_invalid(result)
    assert UNANSWERED_CRITICAL not in result["flags"]


def test_phq9_unanswered_item_9_is_critical_and_never_prorated():
    result = run("phq9", blank([3] * 9, 9))
    assert_invalid(result)
    assert UNANSWERED_CRITICAL in result["flags"]
    assert "suicidal_ideation" not in result["flags"]


def test_phq9_suicidal_ideation_survives_another_item_being_unanswered():
    result = run("phq9", blank([0] * 8 + [2], 1))
    assert_invalid(result)
    assert result["flags"] == ["suicidal_ideation"]


# ---------------------------------------------------------------------------------------------
# PHQ-2 and GAD-2: items 0–3, total 0–6; negative < 3, positive ≥ 3. All items required.


@pytest.mark.parametrize("code", ["phq2", "gad2"])
@pytest.mark.parametrize(
    ("total", "band"), [(0, "negative"), (2, "negative"), (3, "positive"), (6, "positive")]
)
def test_two_item_screens_are_positive_from_3(code, total, band):
    result = run(code, spread(2, total, 0, 3))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize("code", ["phq2", "gad2"])
@pytest.mark.parametrize("missing", [1, 2])
def test_two_item_screens_with_an_unanswered_item_are_invalid(code, missing):
    result = run(code, blank([3, 3], missing))
    assert_invalid(result)
    assert result["flags"] == []


# ---------------------------------------------------------------------------------------------
# GAD-7: items 0–3, total 0–21; minimal, mild, moderate, severe from 0 / 5 / 10 / 15.
# All items required.

GAD7_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "mild"),
    (9, "mild"),
    (10, "moderate"),
    (14, "moderate"),
    (15, "severe"),
    (21, "severe"),
]


@pytest.mark.parametrize(("total", "band"), GAD7_BANDS)
def test_gad7_total_falls_in_the_published_band(total, band):
    result = run("gad7", spread(7, total, 0, 3))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize("missing", range(1, 8))
def test_gad7_any_unanswered_item_makes_the_result_invalid(missing):
    assert_invalid(run("gad7", blank([2] * 7, missing)))


# ---------------------------------------------------------------------------------------------
# PHQ-15: items 0–2, total 0–30; minimal 0–4, low 5–9, medium 10–14, high 15–30.
# Men answer item 4 (menstrual problems) with 0: with sex M an unanswered item 4 counts 0 and the
# result is valid; a non-zero item 4 for a man is an AnswerError. Otherwise all items required.

PHQ15_BANDS = [
    (0, "minimal"),
    (4, "minimal"),
    (5, "low"),
    (9, "low"),
    (10, "medium"),
    (14, "medium"),
    (15, "high"),
    (30, "high"),
]


@pytest.mark.parametrize(("total", "band"), PHQ15_BANDS)
def test_phq15_total_falls_in_the_published_band(total, band):
    result = run("phq15", spread(15, total, 0, 2))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize(
    ("total", "band"), [(4, "minimal"), (5, "low"), (14, "medium"), (15, "high"), (28, "high")]
)
def test_phq15_for_a_man_with_item_4_unanswered_is_valid_and_counts_it_as_0(total, band):
    result = run("phq15", spread(15, total, 0, 2, fixed={4: None}), sex="M")
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


def test_phq15_for_a_man_with_item_4_answered_0_is_valid():
    result = run("phq15", spread(15, 10, 0, 2, fixed={4: 0}), sex="M")
    assert (result["valid"], result["total"], result["band"]) == (True, 10, "medium")


@pytest.mark.parametrize("value", [1, 2])
def test_phq15_a_man_scoring_item_4_above_0_is_an_answer_error(value):
    with pytest.raises(AnswerError):
        run("phq15", spread(15, 10, 0, 2, fixed={4: value}), sex="M")


@pytest.mark.parametrize("sex", ["F", None])
def test_phq15_item_4_unanswered_for_a_woman_or_unknown_sex_is_invalid(sex):
    assert_invalid(run("phq15", spread(15, 10, 0, 2, fixed={4: None}), sex=sex))


@pytest.mark.parametrize("sex", ["F", None])
def test_phq15_item_4_counts_normally_for_a_woman_or_unknown_sex(sex):
    result = run("phq15", spread(15, 2, 0, 2, fixed={4: 2}), sex=sex)
    assert (result["total"], result["band"]) == (4, "minimal")


@pytest.mark.parametrize("missing", [n for n in range(1, 16) if n != 4])
def test_phq15_any_other_unanswered_item_is_invalid_even_for_a_man(missing):
    answers = [0 if number == 4 else 1 for number in range(1, 16)]
    assert_invalid(run("phq15", blank(answers, missing), sex="M"))


# ---------------------------------------------------------------------------------------------
# K10: items 1–5, total 10–50. Bands low 10–15, moderate 16–21, high 22–29, very_high 30–50.
# With exactly one item missing, total = round(sum × 10 / 9). With two or more missing, invalid.

K10_BANDS = [
    (10, "low"),
    (15, "low"),
    (16, "moderate"),
    (21, "moderate"),
    (22, "high"),
    (29, "high"),
    (30, "very_high"),
    (50, "very_high"),
]


@pytest.mark.parametrize(("total", "band"), K10_BANDS)
def test_k10_total_falls_in_the_published_band(total, band):
    result = run("k10", spread(10, total, 1, 5))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize("raw", range(9, 46))
def test_k10_one_missing_item_is_prorated_as_round_sum_times_10_over_9(raw):
    result = run("k10", spread(10, raw, 1, 5, fixed={10: None}))
    assert result["valid"] is True
    assert result["total"] == round(raw * 10 / 9)
    assert result["band"] == next(band for top, band in reversed(K10_BANDS) if result["total"] >= top)


@pytest.mark.parametrize(
    ("raw", "total", "band"),
    [
        (13, 14, "low"),  # 14.44 rounds down
        (14, 16, "moderate"),  # 15.56 rounds up, across the boundary
        (19, 21, "moderate"),  # 21.11
        (20, 22, "high"),  # 22.22
        (26, 29, "high"),  # 28.89
        (27, 30, "very_high"),
    ],
)
def test_k10_prorated_totals_round_to_the_nearest_and_are_banded(raw, total, band):
    result = run("k10", spread(10, raw, 1, 5, fixed={1: None}))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize("missing", range(1, 11))
def test_k10_prorates_whichever_single_item_is_missing(missing):
    result = run("k10", blank([2] * 10, missing))
    assert (result["valid"], result["total"], result["band"]) == (True, 20, "moderate")


@pytest.mark.parametrize("missing", [(1, 2), (3, 10), (1, 5, 9), tuple(range(1, 11))])
def test_k10_two_or_more_missing_items_make_the_result_invalid(missing):
    assert_invalid(run("k10", blank([3] * 10, *missing)))


# ---------------------------------------------------------------------------------------------
# K6: items 0–4, total 0–24; none 0–4, moderate 5–12, serious 13–24. All items required.

K6_BANDS = [(0, "none"), (4, "none"), (5, "moderate"), (12, "moderate"), (13, "serious"), (24, "serious")]


@pytest.mark.parametrize(("total", "band"), K6_BANDS)
def test_k6_total_falls_in_the_published_band(total, band):
    result = run("k6", spread(6, total, 0, 4))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize("missing", range(1, 7))
def test_k6_any_unanswered_item_makes_the_result_invalid(missing):
    assert_invalid(run("k6", blank([2] * 6, missing)))


# ---------------------------------------------------------------------------------------------
# WHO-5: items 0–5; total = raw sum × 4 (0–100); likely_depression ≤ 28, poor_wellbeing 29–50,
# good ≥ 51. Totals are multiples of 4, so the boundaries are crossed at 28→32 and 48→52.
# All items required.

WHO5_BANDS = [
    (0, 0, "likely_depression"),
    (7, 28, "likely_depression"),
    (8, 32, "poor_wellbeing"),
    (12, 48, "poor_wellbeing"),
    (13, 52, "good"),
    (25, 100, "good"),
]


@pytest.mark.parametrize(("raw", "total", "band"), WHO5_BANDS)
def test_who5_total_is_the_raw_sum_times_4_and_falls_in_the_published_band(raw, total, band):
    result = run("who5", spread(5, raw, 0, 5))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)
    assert isinstance(result["total"], int)


@pytest.mark.parametrize("missing", range(1, 6))
def test_who5_any_unanswered_item_makes_the_result_invalid(missing):
    assert_invalid(run("who5", blank([5] * 5, missing)))


# ---------------------------------------------------------------------------------------------
# GDS-15: yes/no items. "no" scores 1 on items 1, 5, 7, 11 and 13; "yes" scores 1 on the other
# ten. Bands normal 0–4, mild 5–9, moderate_severe 10–15. All items required.

GDS15_NO_KEYED = {1, 5, 7, 11, 13}


def gds15(points: int) -> list[str]:
    """Answers where the first ``points`` items are answered the depressive way."""
    answers = []
    for number in range(1, 16):
        depressive = "no" if number in GDS15_NO_KEYED else "yes"
        other = "yes" if depressive == "no" else "no"
        answers.append(depressive if number <= points else other)
    return answers


@pytest.mark.parametrize("number", range(1, 16))
def test_gds15_each_item_scores_1_only_for_its_keyed_answer(number):
    keyed = "no" if number in GDS15_NO_KEYED else "yes"
    unkeyed = "yes" if keyed == "no" else "no"
    base = gds15(0)
    assert run("gds15", base)["total"] == 0
    answers = list(base)
    answers[number - 1] = keyed
    assert run("gds15", answers)["total"] == 1
    answers[number - 1] = unkeyed
    assert run("gds15", answers)["total"] == 0


@pytest.mark.parametrize(
    ("total", "band"),
    [
        (0, "normal"),
        (4, "normal"),
        (5, "mild"),
        (9, "mild"),
        (10, "moderate_severe"),
        (15, "moderate_severe"),
    ],
)
def test_gds15_total_falls_in_the_published_band(total, band):
    result = run("gds15", gds15(total))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


def test_gds15_all_yes_scores_the_ten_yes_keyed_items():
    assert run("gds15", ["yes"] * 15)["total"] == 10
    assert run("gds15", ["no"] * 15)["total"] == 5


def test_gds15_answers_are_case_and_space_insensitive():
    assert run("gds15", [" YES "] + ["No"] * 14)["total"] == 4


@pytest.mark.parametrize("missing", range(1, 16))
def test_gds15_any_unanswered_item_makes_the_result_invalid(missing):
    assert_invalid(run("gds15", blank(gds15(15), missing)))


# ---------------------------------------------------------------------------------------------
# PCL-5: items 0–4, total 0–80. Subscales B (items 1–5), C (6–7), D (8–14), E (15–20).
# Band probable_ptsd ≥ 33, else below_threshold. All items required.

PCL5_CLUSTERS = {
    "B": list(range(1, 6)),
    "C": list(range(6, 8)),
    "D": list(range(8, 15)),
    "E": list(range(15, 21)),
}


@pytest.mark.parametrize(
    ("total", "band"),
    [(0, "below_threshold"), (32, "below_threshold"), (33, "probable_ptsd"), (80, "probable_ptsd")],
)
def test_pcl5_total_falls_in_the_published_band(total, band):
    result = run("pcl5", spread(20, total, 0, 4))
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


def test_pcl5_has_the_four_dsm5_clusters_b_c_d_e_as_subscales():
    subscales = {sub["code"]: sub["items"] for sub in get_instrument("pcl5").data["subscales"]}
    assert subscales == PCL5_CLUSTERS


def test_pcl5_subscales_sum_their_own_items():
    # Cluster B items score 1, C 2, D 3, E 4: every subscale total is distinct.
    result = run("pcl5", [1] * 5 + [2] * 2 + [3] * 7 + [4] * 6)
    assert result["subscales"] == {"B": 5, "C": 4, "D": 21, "E": 24}
    assert result["total"] == 54


@pytest.mark.parametrize("missing", [1, 6, 8, 20])
def test_pcl5_any_unanswered_item_makes_the_result_invalid_with_no_subscales(missing):
    assert_invalid(run("pcl5", blank([4] * 20, missing)))


# ---------------------------------------------------------------------------------------------
# AUDIT-C: 3 items 0–4, total 0–12. Band positive at ≥ 4 for men and ≥ 3 for women or unknown
# sex; else negative. All items required.


@pytest.mark.parametrize(
    ("sex", "total", "band"),
    [
        ("M", 0, "negative"),
        ("M", 3, "negative"),
        ("M", 4, "positive"),
        ("M", 12, "positive"),
        ("F", 0, "negative"),
        ("F", 2, "negative"),
        ("F", 3, "positive"),
        ("F", 12, "positive"),
        (None, 2, "negative"),
        (None, 3, "positive"),
        (None, 12, "positive"),
    ],
)
def test_auditc_is_positive_from_4_for_men_and_from_3_for_women_or_unknown_sex(sex, total, band):
    result = run("auditc", spread(3, total, 0, 4), sex=sex)
    assert (result["valid"], result["total"], result["band"]) == (True, total, band)


@pytest.mark.parametrize("missing", [1, 2, 3])
def test_auditc_any_unanswered_item_makes_the_result_invalid(missing):
    assert_invalid(run("auditc", blank([1, 1, 1], missing), sex="M"))


# ---------------------------------------------------------------------------------------------
# ASQ: five yes/no items. Total = number of "yes" answers among items 1–4.
# Item 5 "yes" gives acute_positive whatever items 1–4 say, with flags suicide_risk and
# acute_suicide_risk. Otherwise any "yes" among items 1–4 gives non_acute_positive with flag
# suicide_risk. All "no" gives negative.
# Critical: items 1–4 always; item 5 when the screen is positive (a "yes" among items 1–4), so an
# all-"no" screen with item 5 unanswered is a valid negative.


def test_asq_all_no_is_negative_with_no_flags():
    result = run("asq", ["no"] * 5)
    assert (result["valid"], result["total"], result["band"], result["flags"]) == (True, 0, "negative", [])


@pytest.mark.parametrize("yes_items", [(1,), (2,), (3,), (4,), (1, 3), (1, 2, 3, 4)])
def test_asq_a_yes_among_items_1_to_4_without_item_5_is_non_acute_positive(yes_items):
    answers = ["yes" if n in yes_items else "no" for n in range(1, 6)]
    result = run("asq", answers)
    assert result["valid"] is True
    assert result["total"] == len(yes_items)
    assert result["band"] == "non_acute_positive"
    assert result["flags"] == ["suicide_risk"]


@pytest.mark.parametrize("yes_items", [(), (2,), (1, 2, 3, 4)])
def test_asq_item_5_yes_is_acute_positive_whatever_items_1_to_4_say(yes_items):
    answers = ["yes" if n in yes_items else "no" for n in range(1, 5)] + ["yes"]
    result = run("asq", answers)
    assert result["valid"] is True
    assert result["total"] == len(yes_items)
    assert result["band"] == "acute_positive"
    assert result["flags"] == ["acute_suicide_risk", "suicide_risk"]


def test_asq_all_no_with_item_5_unanswered_is_a_valid_negative():
    result = run("asq", ["no"] * 4 + [None])
    assert (result["valid"], result["total"], result["band"], result["flags"]) == (True, 0, "negative", [])


def test_asq_positive_screen_with_item_5_unanswered_is_invalid_and_critical():
    result = run("asq", ["yes", "no", "no", "no", None])
    assert_invalid(result)
    assert UNANSWERED_CRITICAL in result["flags"]
    assert "suicide_risk" in result["flags"]  # settled by item 1 whatever item 5 says
    assert "acute_suicide_risk" not in result["flags"]


@pytest.mark.parametrize("missing", [1, 2, 3, 4])
def test_asq_an_unanswered_item_1_to_4_is_critical_and_invalid(missing):
    result = run("asq", blank(["no"] * 5, missing))
    assert_invalid(result)
    assert result["flags"] == [UNANSWERED_CRITICAL]


def test_asq_item_5_yes_keeps_its_acute_flags_when_an_earlier_item_is_unanswered():
    result = run("asq", [None, "no", "no", "no", "yes"])
    assert_invalid(result)
    assert result["flags"] == ["acute_suicide_risk", "suicide_risk", UNANSWERED_CRITICAL]


# ---------------------------------------------------------------------------------------------
# Answers that do not fit the instrument: wrong item count, out-of-range values, non-yes/no for
# yes/no items, non-options for Likert items, an unknown sex → AnswerError.

LIKERT = {
    "phq9": (9, 0, 3),
    "phq2": (2, 0, 3),
    "gad7": (7, 0, 3),
    "gad2": (2, 0, 3),
    "phq15": (15, 0, 2),
    "k10": (10, 1, 5),
    "k6": (6, 0, 4),
    "who5": (5, 0, 5),
    "pcl5": (20, 0, 4),
    "auditc": (3, 0, 4),
}
YES_NO = {"gds15": 15, "asq": 5}
ITEM_COUNTS = {code: spec[0] for code, spec in LIKERT.items()} | YES_NO


@pytest.mark.parametrize(("code", "count"), sorted(ITEM_COUNTS.items()))
def test_one_answer_too_few_or_too_many_is_an_answer_error(code, count):
    fill = "no" if code in YES_NO else LIKERT[code][1]
    for wrong in (count - 1, count + 1, 0):
        with pytest.raises(AnswerError, match="items"):
            run(code, [fill] * wrong)


@pytest.mark.parametrize(("code", "spec"), sorted(LIKERT.items()))
def test_a_value_just_outside_the_options_is_an_answer_error(code, spec):
    count, low, high = spec
    for bad in (low - 1, high + 1, -1, 99):
        if low <= bad <= high:
            continue
        with pytest.raises(AnswerError):
            run(code, [bad] + [low] * (count - 1))


@pytest.mark.parametrize(("code", "spec"), sorted(LIKERT.items()))
def test_the_lowest_and_highest_options_are_accepted(code, spec):
    count, low, high = spec
    assert run(code, [low] * count)["valid"] is True
    assert run(code, [high] * count)["valid"] is True


@pytest.mark.parametrize("bad", ["yes", "x", "1.5", 1.5, 2.0, "2.0", True, False, [1], "03"])
def test_a_likert_answer_that_is_not_an_option_is_an_answer_error(bad):
    with pytest.raises(AnswerError):
        run("phq9", [bad] + [0] * 8)


def test_likert_answers_may_be_digit_strings_as_typed_on_the_command_line():
    assert run("phq9", ["3"] * 9)["total"] == 27
    assert run("phq9", ["-"] * 9)["valid"] is False


@pytest.mark.parametrize("code", sorted(YES_NO))
@pytest.mark.parametrize("bad", [1, 0, "1", "y", "n", "maybe", 2])
def test_a_yes_no_answer_that_is_not_yes_or_no_is_an_answer_error(code, bad):
    with pytest.raises(AnswerError, match="yes or no"):
        run(code, [bad] + ["no"] * (YES_NO[code] - 1))


@pytest.mark.parametrize("sex", ["X", "male", "m"])
def test_an_unknown_sex_is_an_answer_error(sex):
    with pytest.raises(AnswerError, match="sex"):
        run("auditc", [0, 0, 0], sex=sex)
