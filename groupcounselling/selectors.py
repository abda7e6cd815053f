"""Reads of the group counselling domain: lists, registers and the outcome report (PRG-2).

Every figure of the report comes from ``outcomes.outcome_report``; this module only gathers the
scores (one query per instrument, whatever the number of members) and decides, through the
access rules, what a reader sees of it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from archives.timeline import TimelineEntry
from assessments.library import Instrument, get_instrument
from assessments.models import Assessment
from confidentiality import policy

from .access import SMALL_CELL
from .models import Attendance, GroupMember, GroupProgramme, GroupSession
from .outcomes import OutcomeReport, Score, Window, outcome_report, pair_scores


def programmes_for(user) -> QuerySet[GroupProgramme]:
    """The groups a person sees, with their member and session counts (one query)."""
    return (
        policy.filter_group_programmes(user, GroupProgramme.objects.all())
        .select_related("org_unit")
        .annotate(
            enrolled_count=Count(
                "members", filter=Q(members__status__in=GroupMember.ENROLLED_STATES), distinct=True
            ),
            held_count=Count("sessions", filter=Q(sessions__status=GroupSession.Status.HELD), distinct=True),
        )
        .order_by("-first_session_at", "-pk")
    )


def led_programmes(user) -> QuerySet[GroupProgramme]:
    """Groups this person leads that are not finished (the home card)."""
    return programmes_for(user).filter(leaders=user).exclude(status=GroupProgramme.Status.FINISHED)


def sessions_held(programme: GroupProgramme) -> int:
    return programme.sessions.filter(status=GroupSession.Status.HELD).count()


def attended_counts(programme: GroupProgramme) -> dict[int, int]:
    """Member id → sessions attended (on time or late), one query."""
    rows = (
        Attendance.objects.filter(session__programme=programme, mark__in=Attendance.PRESENT)
        .values("member_id")
        .annotate(n=Count("pk"))
    )
    return {row["member_id"]: row["n"] for row in rows}


def member_rows(programme: GroupProgramme) -> QuerySet[GroupMember]:
    """The group's members with their residents and attended counts, in one query."""
    return (
        programme.members.select_related("resident")
        .annotate(attended=Count("attendances", filter=Q(attendances__mark__in=Attendance.PRESENT)))
        .order_by("added_at", "pk")
    )


def session_register(session: GroupSession) -> list[tuple[GroupMember, str]]:
    """The members who can be marked at a session, with their current mark ('' if none)."""
    marks = dict(session.attendances.values_list("member_id", "mark"))
    members = session.programme.members.filter(
        Q(status__in=GroupMember.ACTIONS.states_allowing("attend")) | Q(pk__in=list(marks))
    ).select_related("resident")
    return [(member, marks.get(member.pk, "")) for member in members.order_by("added_at", "pk")]


# -- the outcome report ----------------------------------------------------------------------


def windows(programme: GroupProgramme) -> tuple[Window, Window]:
    """Pre: from pre_window_days before the first session to its end. Post: from the start of the
    last session (the last held one once the group is finished) to post_window_days after it."""
    sessions = list(programme.sessions.exclude(status=GroupSession.Status.CANCELLED).order_by("number"))
    if programme.status == GroupProgramme.Status.FINISHED:
        held = [s for s in sessions if s.status == GroupSession.Status.HELD]
        sessions = held or sessions
    if not sessions:
        start = programme.first_session_at
        return Window(start - timedelta(days=programme.pre_window_days), start), Window(start, start)
    first, last = sessions[0], sessions[-1]
    first_end = first.starts_at + timedelta(minutes=first.duration_minutes)
    last_end = last.starts_at + timedelta(minutes=last.duration_minutes)
    pre = Window(first.starts_at - timedelta(days=programme.pre_window_days), first_end)
    post = Window(last.starts_at, last_end + timedelta(days=programme.post_window_days))
    return pre, post


def group_scores(
    programme: GroupProgramme, instrument_code: str, resident_ids
) -> list[tuple[int, object, float]]:
    """(resident id, administered at, total) of every current valid result, one query."""
    return list(
        Assessment.objects.filter(
            resident_id__in=list(resident_ids),
            instrument_code=instrument_code,
            valid=True,
            superseded_by__isnull=True,
        ).values_list("resident_id", "administered_at", "total")
    )


def _completer_ids(programme: GroupProgramme, members: list[GroupMember]) -> set[int]:
    threshold = programme.completer_threshold(sessions_held(programme))
    counts = attended_counts(programme)
    return {m.pk for m in members if m.was_enrolled and counts.get(m.pk, 0) >= threshold and threshold > 0}


@dataclass
class ProgrammeOutcome:
    instrument: Instrument
    completers: OutcomeReport
    enrolled: OutcomeReport
    completer_threshold: int
    sessions_held: int
    members: list[GroupMember] = field(default_factory=list)
    completer_ids: set[int] = field(default_factory=set)


def programme_outcome(programme: GroupProgramme, instrument_code: str) -> ProgrammeOutcome:
    """Completers and all enrolled members side by side, for one instrument. A fixed number of
    queries, whatever the number of members."""
    instrument = get_instrument(instrument_code)
    members = [m for m in programme.members.select_related("resident") if m.was_enrolled]
    by_resident = {m.resident_id: m.pk for m in members}
    scores = [
        Score(member_id=by_resident[resident_id], at=at, total=total)
        for resident_id, at, total in group_scores(programme, instrument_code, by_resident)
    ]
    pre_window, post_window = windows(programme)
    pairs = pair_scores([m.pk for m in members], scores, pre_window=pre_window, post_window=post_window)
    held = sessions_held(programme)
    completer_ids = _completer_ids(programme, members)
    return ProgrammeOutcome(
        instrument=instrument,
        completers=outcome_report([p for p in pairs if p.member_id in completer_ids], instrument),
        enrolled=outcome_report(pairs, instrument),
        completer_threshold=programme.completer_threshold(held),
        sessions_held=held,
        members=members,
        completer_ids=completer_ids,
    )


def suppress(count: int | None, *, aggregates_only: bool) -> str | int | None:
    """A count between 1 and SMALL_CELL − 1 read as "<5" by those who see aggregates only."""
    if aggregates_only and count is not None and 0 < count < SMALL_CELL:
        return f"<{SMALL_CELL}"
    return count


@dataclass
class MemberScoreRow:
    member: GroupMember
    pre: float | None
    post: float | None
    change: float | None
    rci: float | None
    rci_class: str
    recovered: bool | None
    completer: bool

    @property
    def rci_text(self) -> str:
        return rci_label(self.rci_class)


def outcome_for_reader(user, programme: GroupProgramme, instrument_code: str) -> dict:
    """What this reader sees of the report: the figures of both populations; the counts, with
    small cells suppressed for those who see aggregates only; and the member rows, for the members
    whose individual scores the reader may see (``policy.score_visible_member_ids``)."""
    outcome = programme_outcome(programme, instrument_code)
    visible = policy.score_visible_member_ids(user, programme, outcome.members)
    aggregates_only = not visible
    by_id = {m.pk: m for m in outcome.members}
    rows = [
        MemberScoreRow(
            member=by_id[m.member_id],
            pre=m.pre,
            post=m.post,
            change=m.change,
            rci=m.rci,
            rci_class=m.rci_class,
            recovered=m.recovered,
            completer=m.member_id in outcome.completer_ids,
        )
        for m in outcome.enrolled.members
        if m.member_id in visible
    ]

    def counts(report: OutcomeReport) -> dict:
        names = ("n_members", "n_paired", "n_missing_pre", "n_missing_post")
        names += ("improved", "no_change", "deteriorated", "recovered")
        return {name: suppress(getattr(report, name), aggregates_only=aggregates_only) for name in names}

    return {
        "outcome": outcome,
        "aggregates_only": aggregates_only,
        "rows": rows,
        "counts": {"completers": counts(outcome.completers), "enrolled": counts(outcome.enrolled)},
    }


def report_instruments(programme: GroupProgramme) -> list[Instrument]:
    return [get_instrument(code) for code in programme.instruments]


# -- the archive timeline --------------------------------------------------------------------


def archive_group_entries(resident, *, clinical: bool) -> list[TimelineEntry]:
    """Group sessions a person attended, as clinical timeline entries, where no session record in
    a case stands for them (those come with the case's own entries). One query."""
    if not clinical:
        return []
    rows = Attendance.objects.filter(
        member__resident=resident, mark__in=Attendance.PRESENT, session_record__isnull=True
    ).select_related("session__programme")
    return [
        TimelineEntry(
            row.session.starts_at,
            "group_session",
            _("Group counselling “%(group)s”, session %(number)s")
            % {
                "group": row.session.programme.name,
                "number": row.session.number,
            },
            row.get_mark_display(),
            clinical=True,
        )
        for row in rows
    ]


# -- the report's table, the same on the page, in the XLSX and in the PDF ---------------------


def _fmt(value, places: int) -> str:
    return "—" if value is None else f"{value:.{places}f}"


def _mean_sd(mean, sd) -> str:
    return "—" if mean is None else f"{mean:.2f} ({sd:.2f})"


def report_table(view: dict) -> list[tuple[str, object, object]]:
    """(label, completers, all enrolled) rows of the report, formatted for reading. Counts come
    with small cells suppressed for aggregate readers; figures are shown only where computed."""
    outcome = view["outcome"]
    counts = view["counts"]
    rows: list[tuple[str, object, object]] = [
        (_("Members"), counts["completers"]["n_members"], counts["enrolled"]["n_members"]),
        (_("Paired (pre and post)"), counts["completers"]["n_paired"], counts["enrolled"]["n_paired"]),
        (_("No pre score"), counts["completers"]["n_missing_pre"], counts["enrolled"]["n_missing_pre"]),
        (
            _("No post score (missing, not imputed)"),
            counts["completers"]["n_missing_post"],
            counts["enrolled"]["n_missing_post"],
        ),
    ]
    reports = (outcome.completers, outcome.enrolled)

    def both(function):
        return tuple(function(report) if report.enough else "—" for report in reports)

    rows += [
        (_("Pre mean (SD)"), *both(lambda r: _mean_sd(r.pre_mean, r.pre_sd))),
        (_("Post mean (SD)"), *both(lambda r: _mean_sd(r.post_mean, r.post_sd))),
        (_("Mean change (positive = better)"), *both(lambda r: _fmt(r.mean_change, 3))),
        (
            _("95 % CI of the mean change"),
            *both(lambda r: f"[{_fmt(r.change_ci_low, 2)}, {_fmt(r.change_ci_high, 2)}]"),
        ),
        (_("SD of the change"), *both(lambda r: _fmt(r.sd_change, 3))),
        (_("r (pre, post)"), *both(lambda r: _fmt(r.r, 3))),
        ("d_z", *both(lambda r: _fmt(r.d_z, 3))),
        (_("Hedges' g_z"), *both(lambda r: _fmt(r.g_z, 3))),
        (_("95 % CI of d_z"), *both(lambda r: f"[{_fmt(r.ci_low, 2)}, {_fmt(r.ci_high, 2)}]")),
        (_("d_av (secondary)"), *both(lambda r: _fmt(r.d_av, 3))),
        (_("Paired t"), *both(lambda r: "—" if r.t is None else f"t({r.df}) = {r.t:.3f}")),
        (_("p (paired t)"), *both(lambda r: _fmt(r.p_t, 4))),
        (_("p (Wilcoxon signed-rank)"), *both(lambda r: _fmt(r.p_wilcoxon, 4))),
        (_("Reliably improved"), counts["completers"]["improved"], counts["enrolled"]["improved"]),
        (_("No reliable change"), counts["completers"]["no_change"], counts["enrolled"]["no_change"]),
        (
            _("Reliably deteriorated"),
            counts["completers"]["deteriorated"],
            counts["enrolled"]["deteriorated"],
        ),
    ]
    if outcome.enrolled.recovery_known:
        rows.append((_("Recovered"), counts["completers"]["recovered"], counts["enrolled"]["recovered"]))
    return rows


def group_agreement():
    """The current group agreement text (shown at enrolment), or None while none is published."""
    from confidentiality.models import ConsentKind, ConsentText

    return ConsentText.objects.filter(kind=ConsentKind.GROUP, is_current=True).first()


def rci_label(rci_class: str) -> str:
    return {
        "improved": _("Reliably improved"),
        "no_change": _("No reliable change"),
        "deteriorated": _("Reliably deteriorated"),
    }.get(rci_class, "—")


def yes_no(value: bool | None) -> str:
    return "—" if value is None else (_("Yes") if value else _("No"))
