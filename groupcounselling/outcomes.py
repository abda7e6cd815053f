"""The outcome statistics of a group programme (PRG-2): one pure function, no database.

``pair_scores`` applies the pairing rule; ``outcome_report`` computes every figure the report,
the API, the exports and the benchmark show, so they can never disagree. Change is counted in
the instrument's better direction: a positive change is an improvement (PHQ-9 falling, WHO-5
rising), so effect sizes read the same way for every instrument.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from scipy import stats
from scipy.optimize import brentq

from assessments.library import Instrument
from assessments.selectors import reliable_change_index

# Below this many pairs the report gives counts only: an effect size from four people says
# more about the four than about the programme.
MIN_PAIRED = 5
# |RCI| beyond this is a reliable change (Jacobson & Truax 1991, p < .05 two-sided).
RCI_THRESHOLD = 1.96


class RCIClass:
    IMPROVED = "improved"
    NO_CHANGE = "no_change"
    DETERIORATED = "deteriorated"


@dataclass(frozen=True)
class Score:
    """One valid result of the instrument for one member."""

    member_id: int
    at: datetime
    total: float


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime

    def holds(self, moment: datetime) -> bool:
        return self.start <= moment <= self.end


@dataclass(frozen=True)
class Pair:
    member_id: int
    pre: float | None
    post: float | None

    @property
    def complete(self) -> bool:
        return self.pre is not None and self.post is not None


def pair_scores(
    member_ids: Iterable[int], scores: Iterable[Score], *, pre_window: Window, post_window: Window
) -> list[Pair]:
    """Pre = the last valid score in the pre window, post = the first in the post window.

    A member with no score in a window keeps None there: it is counted as missing, never
    imputed (no last observation carried forward, no mean filled in).
    """
    pre: dict[int, Score] = {}
    post: dict[int, Score] = {}
    for score in scores:
        if pre_window.holds(score.at):
            held = pre.get(score.member_id)
            if held is None or score.at >= held.at:
                pre[score.member_id] = score
        if post_window.holds(score.at):
            held = post.get(score.member_id)
            if held is None or score.at < held.at:
                post[score.member_id] = score
    return [
        Pair(
            member_id=member_id,
            pre=pre[member_id].total if member_id in pre else None,
            post=post[member_id].total if member_id in post else None,
        )
        for member_id in member_ids
    ]


@dataclass(frozen=True)
class MemberOutcome:
    member_id: int
    pre: float | None
    post: float | None
    change: float | None  # positive = better
    rci: float | None  # in the better direction
    rci_class: str  # RCIClass value, or "" when not computable
    recovered: bool | None  # None: no caseness cut-off in the instrument file, or no pair


@dataclass(frozen=True)
class OutcomeReport:
    instrument_code: str
    higher_is_better: bool
    n_members: int
    n_paired: int
    n_missing_pre: int
    n_missing_post: int
    enough: bool  # n_paired >= MIN_PAIRED: the figures below are computed
    pre_mean: float | None = None
    pre_sd: float | None = None
    post_mean: float | None = None
    post_sd: float | None = None
    mean_change: float | None = None
    change_ci_low: float | None = None
    change_ci_high: float | None = None
    sd_change: float | None = None
    r: float | None = None
    d_z: float | None = None
    g_z: float | None = None
    d_av: float | None = None  # secondary: standardised by the mean of the pre and post SDs
    ci_low: float | None = None  # 95 % CI of d_z (non-central t)
    ci_high: float | None = None
    t: float | None = None
    df: int | None = None
    p_t: float | None = None
    p_wilcoxon: float | None = None
    improved: int = 0
    no_change: int = 0
    deteriorated: int = 0
    recovered: int = 0
    recovery_known: bool = False  # the instrument file has a caseness cut-off
    members: list[MemberOutcome] = field(default_factory=list)

    FIGURES = ("n_paired", "mean_change", "sd_change", "r", "d_z", "g_z", "d_av")
    FIGURES += ("ci_low", "ci_high", "t", "p_t", "p_wilcoxon")

    def figures(self) -> dict:
        """The figures by the names the API gives them."""
        return {name: getattr(self, name) for name in self.FIGURES}


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _sd(values: list[float]) -> float:
    mean = _mean(values)
    return math.sqrt(sum((value - mean) ** 2 for value in values) / (len(values) - 1))


def hedges_j(n: int) -> float:
    """Small-sample correction of d_z: J = 1 − 3 / (4(n − 1) − 1)."""
    return 1 - 3 / (4 * (n - 1) - 1)


def _root_near(function, start: float) -> float | None:
    """The root of a monotone ``function`` nearest ``start``: the bracket grows from ``start`` until
    the signs differ (a fixed wide bracket meets NaN in the non-central t's far tails)."""
    for step in (0.5 * 2**k for k in range(12)):
        low, high = start - step, start + step
        f_low, f_high = function(low), function(high)
        if math.isnan(f_low) or math.isnan(f_high):
            return None
        if f_low * f_high <= 0:
            return brentq(function, low, high)
    return None


def d_z_confidence_interval(d_z: float, n: int, level: float = 0.95) -> tuple[float | None, float | None]:
    """CI of d_z by inverting the non-central t: t = d_z·√n with df = n − 1; the bounds are the
    non-centrality parameters putting t at the upper and lower tail, divided by √n. A bound the
    distribution cannot be inverted for is None."""
    df = n - 1
    t_observed = d_z * math.sqrt(n)
    tail = (1 - level) / 2
    low = _root_near(lambda ncp: stats.nct.sf(t_observed, df, ncp) - tail, t_observed)
    high = _root_near(lambda ncp: stats.nct.cdf(t_observed, df, ncp) - tail, t_observed)
    root_n = math.sqrt(n)
    return (None if low is None else low / root_n), (None if high is None else high / root_n)


# Up to this many non-zero changes the signed-rank p is exact (below); beyond, scipy's normal
# approximation, as scipy itself does for large samples.
WILCOXON_EXACT_MAX = 50


def wilcoxon_signed_rank_p(changes: list[float]) -> float | None:
    """Two-sided p of the Wilcoxon signed-rank test: zeros dropped (Wilcoxon's rule), tied
    absolute changes given their mid-rank, and the exact distribution of the positive rank sum
    over all 2ⁿ sign assignments, counted by dynamic programming over the (doubled, so integer)
    ranks. It equals scipy's ``wilcoxon`` wherever scipy is exact (n ≤ 13, with ties and zeros
    too) and takes microseconds where scipy's permutation takes a third of a second."""
    nonzero = [change for change in changes if change != 0]
    n = len(nonzero)
    if n == 0:
        return None
    if n > WILCOXON_EXACT_MAX:
        return float(stats.wilcoxon(nonzero, method="asymptotic").pvalue)
    ranks = [round(2 * rank) for rank in stats.rankdata([abs(change) for change in nonzero])]
    observed = sum(rank for rank, change in zip(ranks, nonzero, strict=True) if change > 0)
    ways = {0: 1}  # positive rank sum → number of sign assignments giving it
    for rank in ranks:
        grown = dict(ways)
        for total, count in ways.items():
            grown[total + rank] = grown.get(total + rank, 0) + count
        ways = grown
    at_most = sum(count for total, count in ways.items() if total <= observed)
    at_least = sum(count for total, count in ways.items() if total >= observed)
    return min(1.0, 2 * min(at_most, at_least) / 2**n)


def _member_outcome(pair: Pair, instrument: Instrument) -> MemberOutcome:
    if not pair.complete:
        return MemberOutcome(pair.member_id, pair.pre, pair.post, None, None, "", None)
    sign = 1 if instrument.higher_is_better else -1
    change = sign * (pair.post - pair.pre)
    rci = reliable_change_index(instrument, pair.pre, pair.post)
    rci_class = ""
    if rci is not None:
        rci = sign * rci
        if rci > RCI_THRESHOLD:
            rci_class = RCIClass.IMPROVED
        elif rci < -RCI_THRESHOLD:
            rci_class = RCIClass.DETERIORATED
        else:
            rci_class = RCIClass.NO_CHANGE
    recovered = None
    if instrument.caseness_cutoff is not None:
        recovered = bool(
            instrument.in_clinical_range(pair.pre)
            and not instrument.in_clinical_range(pair.post)
            and rci_class == RCIClass.IMPROVED
        )
    return MemberOutcome(pair.member_id, pair.pre, pair.post, change, rci, rci_class, recovered)


def outcome_report(pairs: list[Pair], instrument: Instrument) -> OutcomeReport:
    """Every figure of the pre/post outcome of one instrument.

    Only complete pairs enter the statistics; under MIN_PAIRED of them only the counts are
    given. A figure that cannot be computed (the SD of the change is zero, or a correlation of a
    constant) is None, never a made-up number.
    """
    members = [_member_outcome(pair, instrument) for pair in pairs]
    paired = [member for member in members if member.change is not None]
    n = len(paired)
    base = {
        "instrument_code": instrument.code,
        "higher_is_better": instrument.higher_is_better,
        "n_members": len(pairs),
        "n_paired": n,
        "n_missing_pre": sum(1 for pair in pairs if pair.pre is None),
        "n_missing_post": sum(1 for pair in pairs if pair.post is None),
        "enough": n >= MIN_PAIRED,
        "improved": sum(1 for m in paired if m.rci_class == RCIClass.IMPROVED),
        "no_change": sum(1 for m in paired if m.rci_class == RCIClass.NO_CHANGE),
        "deteriorated": sum(1 for m in paired if m.rci_class == RCIClass.DETERIORATED),
        "recovered": sum(1 for m in paired if m.recovered),
        "recovery_known": instrument.caseness_cutoff is not None,
        "members": members,
    }
    if n < MIN_PAIRED:
        return OutcomeReport(**base)
    pre = [m.pre for m in paired]
    post = [m.post for m in paired]
    changes = [m.change for m in paired]
    df = n - 1
    mean_change, sd_change = _mean(changes), _sd(changes)
    pre_sd, post_sd = _sd(pre), _sd(post)
    t_critical = stats.t.ppf(0.975, df)
    half_width = t_critical * sd_change / math.sqrt(n)
    figures = {
        "pre_mean": _mean(pre),
        "pre_sd": pre_sd,
        "post_mean": _mean(post),
        "post_sd": post_sd,
        "mean_change": mean_change,
        "change_ci_low": mean_change - half_width,
        "change_ci_high": mean_change + half_width,
        "sd_change": sd_change,
        "df": df,
    }
    if pre_sd > 0 and post_sd > 0:
        figures["r"] = float(stats.pearsonr(pre, post).statistic)
    if pre_sd + post_sd > 0:
        figures["d_av"] = mean_change / ((pre_sd + post_sd) / 2)
    if sd_change > 0:
        d_z = mean_change / sd_change
        t_value = mean_change / (sd_change / math.sqrt(n))
        low, high = d_z_confidence_interval(d_z, n)
        figures |= {
            "d_z": d_z,
            "g_z": hedges_j(n) * d_z,
            "ci_low": low,
            "ci_high": high,
            "t": t_value,
            "p_t": float(2 * stats.t.sf(abs(t_value), df)),
        }
    if any(changes):
        figures["p_wilcoxon"] = wilcoxon_signed_rank_p(changes)
    return OutcomeReport(**base, **figures)
