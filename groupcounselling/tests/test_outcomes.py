"""The outcome statistics against the issue's reference vector and the edge cases."""

from datetime import UTC, datetime, timedelta

import pytest

from assessments.library import get_instrument
from groupcounselling.outcomes import (
    Pair,
    RCIClass,
    Score,
    Window,
    hedges_j,
    outcome_report,
    pair_scores,
)

PRE = [14, 12, 16, 10, 18, 15, 11, 13, 17, 9]
POST = [9, 10, 12, 9, 11, 13, 8, 12, 10, 8]


def pairs(pre, post):
    return [Pair(member_id=i, pre=a, post=b) for i, (a, b) in enumerate(zip(pre, post, strict=True))]


@pytest.fixture
def phq9():
    return get_instrument("phq9")


def test_the_reference_vector_gives_the_published_figures(phq9):
    report = outcome_report(pairs(PRE, POST), phq9)
    assert report.enough and report.n_paired == 10
    assert round(report.mean_change, 3) == 3.300
    assert round(report.sd_change, 3) == 2.359
    assert round(report.r, 3) == 0.629
    assert round(report.d_z, 3) == 1.399
    assert round(report.g_z, 3) == 1.279
    assert round(report.t, 3) == 4.423 and report.df == 9
    assert round(report.p_t, 4) == 0.0017
    assert (round(report.ci_low, 2), round(report.ci_high, 2)) == (0.49, 2.27)
    assert round(report.p_wilcoxon, 4) == 0.0020


def test_the_reference_vector_gives_means_sds_and_the_ci_of_the_mean_change(phq9):
    report = outcome_report(pairs(PRE, POST), phq9)
    assert report.pre_mean == pytest.approx(13.5)
    assert report.post_mean == pytest.approx(10.2)
    assert report.pre_sd == pytest.approx(3.0277, abs=1e-4)
    assert report.post_sd == pytest.approx(1.7512, abs=1e-4)
    # 3.3 ± t(0.975, 9) · 2.359 / √10
    assert report.change_ci_low == pytest.approx(1.612, abs=1e-3)
    assert report.change_ci_high == pytest.approx(4.988, abs=1e-3)
    assert report.d_av == pytest.approx(3.3 / ((3.0277 + 1.7512) / 2), abs=1e-3)


def test_hedges_correction_uses_four_n_minus_one_minus_one():
    assert hedges_j(10) == pytest.approx(1 - 3 / 35)


def test_each_member_gets_a_reliable_change_class_and_recovery_from_the_instrument_file(phq9):
    report = outcome_report(pairs(PRE, POST), phq9)
    # PHQ-9 file: r = 0.86, SD = 3.5, so S_diff = √2 · 3.5 · √0.14 ≈ 1.852 and a change of
    # more than 1.96 · 1.852 ≈ 3.63 points is reliable.
    by_member = {m.member_id: m for m in report.members}
    assert by_member[0].rci_class == RCIClass.IMPROVED  # 14 → 9
    assert by_member[1].rci_class == RCIClass.NO_CHANGE  # 12 → 10
    assert by_member[0].recovered is True  # ≥ 10 at the start, < 10 at the end, reliably better
    assert by_member[5].recovered is False  # 15 → 13: still in the clinical range
    assert report.improved == 4 and report.no_change == 6 and report.deteriorated == 0
    # Of the four reliably improved, only 14 → 9 ends below 10 (16 → 12, 18 → 11, 17 → 10 do not).
    assert report.recovered == 1


def test_a_worsening_on_phq9_is_deterioration():
    report = outcome_report([Pair(1, 5, 15)], get_instrument("phq9"))
    assert report.members[0].rci_class == RCIClass.DETERIORATED
    assert report.members[0].change == -10


def test_on_who5_a_rising_score_is_the_improvement():
    who5 = get_instrument("who5")
    report = outcome_report(pairs([40, 32, 44, 28, 36], [72, 60, 80, 52, 64]), who5)
    assert report.higher_is_better
    assert report.mean_change > 0 and report.d_z > 0
    assert all(m.rci_class == RCIClass.IMPROVED for m in report.members)
    # At or below 50 at the start, above it at the end: recovered (52 is above the cut-off).
    assert report.recovered == 5


def test_under_five_pairs_gives_counts_only(phq9):
    report = outcome_report([*pairs(PRE[:4], POST[:4]), Pair(9, 12, None)], phq9)
    assert not report.enough
    assert report.n_paired == 4 and report.n_members == 5 and report.n_missing_post == 1
    assert report.d_z is None and report.mean_change is None and report.p_t is None
    assert report.improved + report.no_change == 4


def test_a_zero_sd_of_change_leaves_d_z_and_t_uncomputed(phq9):
    report = outcome_report(pairs([12, 14, 16, 18, 10], [10, 12, 14, 16, 8]), phq9)
    assert report.mean_change == pytest.approx(2)
    assert report.sd_change == 0
    assert report.d_z is None and report.g_z is None and report.t is None and report.ci_low is None
    assert report.p_wilcoxon is not None


def test_no_change_at_all_gives_no_wilcoxon(phq9):
    report = outcome_report(pairs([10] * 5, [10] * 5), phq9)
    assert report.p_wilcoxon is None and report.r is None and report.d_av is None


def test_missing_post_scores_are_counted_never_imputed(phq9):
    with_missing = [*pairs(PRE, POST), Pair(50, 20, None), Pair(51, None, 3)]
    report = outcome_report(with_missing, phq9)
    assert report.n_members == 12 and report.n_paired == 10
    assert report.n_missing_post == 1 and report.n_missing_pre == 1
    # Exactly the reference figures: the two incomplete members change nothing.
    assert round(report.d_z, 3) == 1.399
    assert [m.change for m in report.members[-2:]] == [None, None]


def test_figures_are_named_as_the_api_names_them(phq9):
    figures = outcome_report(pairs(PRE, POST), phq9).figures()
    assert list(figures) == [
        "n_paired", "mean_change", "sd_change", "r", "d_z", "g_z", "d_av",
        "ci_low", "ci_high", "t", "p_t", "p_wilcoxon",
    ]  # fmt: skip


def _at(day, hour=9):
    return datetime(2026, 3, day, hour, tzinfo=UTC)


def test_pairing_takes_the_last_pre_and_the_first_post_inside_the_windows():
    pre_window = Window(_at(1), _at(14))
    post_window = Window(_at(20), _at(31))
    scores = [
        Score(1, _at(2), 20),
        Score(1, _at(10), 15),  # the last in the pre window
        Score(1, _at(16), 1),  # between the windows: ignored
        Score(1, _at(22), 8),  # the first in the post window
        Score(1, _at(30), 4),
        Score(2, _at(5), 11),  # no post score
    ]
    result = pair_scores([1, 2, 3], scores, pre_window=pre_window, post_window=post_window)
    assert result == [Pair(1, 15, 8), Pair(2, 11, None), Pair(3, None, None)]


def test_a_score_outside_both_windows_is_not_used():
    window = Window(_at(10), _at(12))
    late = _at(12) + timedelta(seconds=1)
    assert pair_scores([1], [Score(1, late, 9)], pre_window=window, post_window=window) == [
        Pair(1, None, None)
    ]


@pytest.mark.parametrize(
    ("pre", "post"),
    [
        ([10, 12, 9, 14, 11], [11, 12, 10, 13, 12]),  # a small negative effect
        ([20, 21, 19, 22, 20, 21], [5, 6, 4, 7, 5, 5]),  # a huge effect
        ([8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19], [8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 20]),
    ],
)
def test_the_ci_of_d_z_holds_d_z_for_small_huge_and_negative_effects(phq9, pre, post):
    report = outcome_report(pairs(pre, post), phq9)
    assert report.ci_low is not None and report.ci_high is not None
    assert report.ci_low < report.d_z < report.ci_high


def test_the_signed_rank_p_equals_scipys_wherever_scipy_is_exact():
    import random

    from scipy import stats

    from groupcounselling.outcomes import wilcoxon_signed_rank_p

    rng = random.Random(12)
    for _ in range(50):  # scipy's exact permutation takes a third of a second each
        changes = [rng.randint(-4, 9) for _ in range(rng.randint(5, 13))]  # ties and zeros
        if not any(changes):
            continue
        assert wilcoxon_signed_rank_p(changes) == pytest.approx(
            float(stats.wilcoxon(changes).pvalue), abs=1e-12
        )
