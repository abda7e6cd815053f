"""Reads of case supervision (STF-3): sessions and their discussed cases as each reader may see
them, recommendations (open for review, overdue), who supervises whom, and the hour ledgers."""

from __future__ import annotations

from datetime import date, datetime, time

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth
from django.utils import timezone

from accounts.models import User
from confidentiality import policy
from workflow.models import Case, SessionRecord

from .models import Recommendation, SupervisionSession

# ---------------------------------------------------------------------------------------------
# Who supervises whom


def supervisees_of(person) -> QuerySet[User]:
    """The active staff ``person`` supervises (the accounts' supervisor field, the same data that
    puts a supervisor on their supervisees' case teams). For other apps: "supervisees of X"."""
    if person is None or not getattr(person, "pk", None):
        return User.objects.none()
    return User.objects.filter(supervisor=person, is_active=True).order_by("full_name", "pk")


def supervises(supervisor, person) -> bool:
    return person.supervisor_id is not None and person.supervisor_id == getattr(supervisor, "pk", None)


# ---------------------------------------------------------------------------------------------
# Sessions


def sessions_for(*, user) -> QuerySet[SupervisionSession]:
    """The sessions the person sees, newest first, with what the list shows read at once."""
    queryset = policy.filter_supervision_sessions(user, SupervisionSession.objects.all())
    return (
        queryset.select_related("supervisor")
        .prefetch_related(Prefetch("attendees", queryset=User.objects.order_by("full_name", "pk")))
        .annotate(
            case_count=Count("cases", distinct=True),
            open_count=Count(
                "recommendations", filter=Q(recommendations__status=Recommendation.Status.OPEN), distinct=True
            ),
        )
        .order_by("-held_on", "-pk")
    )


def session_for_page(*, user, pk) -> SupervisionSession:
    queryset = SupervisionSession.objects.select_related("supervisor", "recorded_by")
    return policy.fetch_or_404(user, SupervisionSession, queryset=queryset, pk=pk)


def discussed_cases_of(*, user, sessions) -> dict[int, list[dict]]:
    """Each session's cases as ``user`` may see them, read together for a page of sessions: the
    case number always; the client's name and the link to the case only where the workflow's
    case rules (the case team, ``policy.filter_cases``) let the person see that case. Attendees
    outside the team read the number alone."""
    through = SupervisionSession.cases.through
    pairs = list(
        through.objects.filter(supervisionsession_id__in=[s.pk for s in sessions])
        .values_list("supervisionsession_id", "case_id", "case__number")
        .order_by("case__number")
    )
    case_pks = {case_pk for _session, case_pk, _number in pairs}
    names = {}
    if case_pks:
        visible = policy.filter_cases(user, Case.objects.filter(pk__in=case_pks))
        names = dict(visible.values_list("pk", "resident__name"))
    cases: dict[int, list[dict]] = {session.pk: [] for session in sessions}
    for session_pk, case_pk, number in pairs:
        seen = case_pk in names
        cases[session_pk].append(
            {"pk": case_pk, "number": number, "visible": seen, "name": names.get(case_pk, "") if seen else ""}
        )
    return cases


def discussed_cases(*, user, session) -> list[dict]:
    """One session's cases as ``user`` may see them (see ``discussed_cases_of``)."""
    return discussed_cases_of(user=user, sessions=[session])[session.pk]


def attendees_of(session) -> list[User]:
    return list(session.attendees.order_by("full_name", "pk"))


# ---------------------------------------------------------------------------------------------
# Recommendations


def recommendations_of(*, user, session) -> QuerySet[Recommendation]:
    queryset = policy.filter_recommendations(user, Recommendation.objects.filter(session=session))
    return queryset.select_related("owner", "decided_by").order_by("due_on", "pk")


def recommendation_for_page(*, user, pk) -> Recommendation:
    queryset = Recommendation.objects.select_related("session", "session__supervisor", "owner")
    return policy.fetch_or_404(user, Recommendation, queryset=queryset, pk=pk)


def open_for_review(*, user, session) -> QuerySet[Recommendation]:
    """Open recommendations of earlier sessions owned by this session's attendees: what the
    next session of the same supervisee reviews."""
    earlier = SupervisionSession.objects.filter(
        Q(held_on__lt=session.held_on) | Q(held_on=session.held_on, pk__lt=session.pk)
    )
    queryset = Recommendation.objects.filter(
        status=Recommendation.Status.OPEN,
        owner__in=session.attendees.values("pk"),
        session__in=earlier.values("pk"),
    )
    return (
        policy.filter_recommendations(user, queryset)
        .select_related("owner", "session")
        .order_by("due_on", "pk")
    )


def overdue_recommendations_for(*, user, today: date | None = None) -> QuerySet[Recommendation]:
    """Open recommendations past their due date that are the person's to follow: as their owner
    (the supervisee), as the session's supervisor, or as the owner's supervisor."""
    today = today or timezone.localdate()
    queryset = Recommendation.objects.filter(
        Q(owner=user) | Q(session__supervisor=user) | Q(owner__supervisor=user),
        status=Recommendation.Status.OPEN,
        due_on__lt=today,
    )
    return (
        policy.filter_recommendations(user, queryset)
        .select_related("owner", "session")
        .order_by("due_on", "pk")
    )


# ---------------------------------------------------------------------------------------------
# Hour ledgers


def ledger_people(*, user) -> QuerySet[User]:
    return policy.filter_hour_ledger_people(user, User.objects.select_related("org_unit")).order_by(
        "full_name", "pk"
    )


def _hours(minutes) -> float:
    return round((minutes or 0) / 60, 1)


def hour_ledger(*, person, year: int) -> dict:
    """A counsellor's hours in ``year``, by month: practice hours from the session records they
    recorded (their durations), and supervision hours received as an attendee, individual,
    group and peer. Only sums of minutes are read, never a record's content."""
    start = timezone.make_aware(datetime.combine(date(year, 1, 1), time.min))
    end = timezone.make_aware(datetime.combine(date(year + 1, 1, 1), time.min))
    practice = dict(
        SessionRecord.objects.filter(recorded_by=person, held_at__gte=start, held_at__lt=end)
        .annotate(month=ExtractMonth("held_at"))
        .values("month")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("month", "minutes")
    )
    attended = SupervisionSession.objects.filter(attendees=person, held_on__year=year)
    supervision: dict[tuple[int, str], int] = {}
    for month, kind, minutes in (
        attended.annotate(month=ExtractMonth("held_on"))
        .values("month", "kind")
        .annotate(minutes=Sum("duration_minutes"))
        .values_list("month", "kind", "minutes")
    ):
        supervision[(month, kind)] = minutes
    kinds = [value for value, _label in SupervisionSession.Kind.choices]
    rows = []
    totals = {"practice": 0, **{kind: 0 for kind in kinds}}
    for month in range(1, 13):
        row = {"month": month, "practice": _hours(practice.get(month))}
        totals["practice"] += practice.get(month) or 0
        for kind in kinds:
            row[kind] = _hours(supervision.get((month, kind)))
            totals[kind] += supervision.get((month, kind)) or 0
        rows.append(row)
    sessions = list(attended.select_related("supervisor").order_by("held_on", "pk"))
    return {
        "person": person,
        "year": year,
        "rows": rows,
        "totals": {key: _hours(value) for key, value in totals.items()},
        "supervision_total": _hours(sum(totals[kind] for kind in kinds)),
        "sessions": sessions,
    }


def supervision_home(*, user) -> dict | None:
    """The home page's card: the person's overdue recommendations (as owner or supervisor), or
    nothing when there are none or the person has no part in supervision."""
    if not policy.can_record_supervision(user):
        return None
    overdue = overdue_recommendations_for(user=user)
    count = overdue.count()
    if not count:
        return None
    return {"count": count, "items": list(overdue[:5])}
