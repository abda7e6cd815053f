"""Reads of the volunteers domain (PRG-5): one number, one selector.

``assignments_with_contact_clock`` is the one place that decides when an assignment needs
contact: the last successful contact (else the activation) plus the assignment's frequency. A
visit without contact does not reset the clock. Every list, the home tiles and the reminder job
read it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import (
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from confidentiality import policy
from lib.queries import count_many

from . import conf
from .models import StarLevelChange, Visit, VisitAssignment, VolunteerProfile

ONE_DAY = timedelta(days=1)


def assignments_with_contact_clock(queryset: QuerySet[VisitAssignment] | None = None) -> QuerySet:
    """Active assignments annotated with ``last_contact_at`` (the last visit with contact made),
    ``last_attempt_at`` (the last visit, with or without contact) and ``contact_due_at`` (the
    last contact, or the activation when none, plus ``frequency_days``)."""
    queryset = VisitAssignment.objects.all() if queryset is None else queryset
    visits = Visit.objects.filter(assignment=OuterRef("pk")).order_by("-visited_at")
    return queryset.filter(status=VisitAssignment.Status.ACTIVE).annotate(
        last_contact_at=Subquery(visits.filter(contact_made=True).values("visited_at")[:1]),
        last_attempt_at=Subquery(visits.values("visited_at")[:1]),
        contact_due_at=ExpressionWrapper(
            Coalesce(F("last_contact_at"), F("activated_at"))
            + ExpressionWrapper(
                ExpressionWrapper(F("frequency_days"), output_field=IntegerField()) * Value(ONE_DAY),
                output_field=DurationField(),
            ),
            output_field=DateTimeField(),
        ),
    )


def contact_due(
    queryset: QuerySet[VisitAssignment] | None = None, *, now: datetime | None = None
) -> QuerySet:
    """Active assignments that need contact now (due or overdue)."""
    now = now or timezone.now()
    return assignments_with_contact_clock(queryset).filter(contact_due_at__lte=now)


def contact_overdue(
    queryset: QuerySet[VisitAssignment] | None = None, *, now: datetime | None = None, days: int | None = None
) -> QuerySet:
    """Active assignments ``days`` (default: the coordinator's 7) past their due time."""
    now = now or timezone.now()
    days = conf.coordinator_after_days() if days is None else days
    return assignments_with_contact_clock(queryset).filter(contact_due_at__lte=now - timedelta(days=days))


def contact_try_again(
    queryset: QuerySet[VisitAssignment] | None = None, *, now: datetime | None = None
) -> QuerySet:
    """Due assignments whose last visit, at least 3 days ago, made no contact: try again."""
    now = now or timezone.now()
    return contact_due(queryset, now=now).filter(
        Q(last_contact_at__isnull=True) | Q(last_attempt_at__gt=F("last_contact_at")),
        last_attempt_at__lte=now - timedelta(days=conf.try_again_days()),
    )


def contacts_due_for(*, user) -> QuerySet:
    """The assignments the person sees that need contact now: the volunteer's own visits due, or
    the coordinator's contacts due (the navigation's count and the home tiles read this)."""
    return contact_due(policy.filter_visit_assignments(user, VisitAssignment.objects.all()))


@dataclass(frozen=True)
class ContactState:
    key: str  # "ok", "due", "overdue"
    due_at: datetime | None


def contact_state(assignment, *, now: datetime | None = None) -> ContactState:
    """The state of one annotated assignment (from ``assignments_with_contact_clock``)."""
    now = now or timezone.now()
    due_at = getattr(assignment, "contact_due_at", None)
    if due_at is None:
        return ContactState("ok", None)
    if due_at <= now - timedelta(days=conf.coordinator_after_days()):
        return ContactState("overdue", due_at)
    if due_at <= now:
        return ContactState("due", due_at)
    return ContactState("ok", due_at)


def with_states(assignments, *, now: datetime | None = None) -> list:
    now = now or timezone.now()
    rows = list(assignments)
    for row in rows:
        row.contact = contact_state(row, now=now)
    return rows


# ---------------------------------------------------------------------------------------------
# Lists


def assignments_for(*, user) -> QuerySet[VisitAssignment]:
    """The assignments a person sees, with the contact clock (active ones) and what the lists show."""
    visible = policy.filter_visit_assignments(user, VisitAssignment.objects.all())
    return (
        visible.select_related("resident", "volunteer__user", "volunteer__coordinator")
        .annotate(
            last_contact_at=Subquery(
                Visit.objects.filter(assignment=OuterRef("pk"), contact_made=True)
                .order_by("-visited_at")
                .values("visited_at")[:1]
            ),
        )
        .order_by("status", "-created_at", "-pk")
    )


def active_assignments_for(*, user) -> QuerySet[VisitAssignment]:
    visible = policy.filter_visit_assignments(user, VisitAssignment.objects.all())
    return (
        assignments_with_contact_clock(visible)
        .select_related("resident", "volunteer__user")
        .order_by("contact_due_at", "pk")
    )


def assignment_for_page(*, user, pk: int) -> VisitAssignment:
    queryset = VisitAssignment.objects.select_related("resident", "volunteer__user", "volunteer__coordinator")
    return policy.fetch_or_404(user, VisitAssignment, queryset=queryset, pk=pk)


def visits_of(*, user, assignment=None) -> QuerySet[Visit]:
    visible = policy.filter_visits(user, Visit.objects.all())
    if assignment is not None:
        visible = visible.filter(assignment=assignment)
    return visible.select_related("assignment__resident", "assignment__volunteer__user", "created_by")


def visit_for_page(*, user, pk: int) -> Visit:
    queryset = Visit.objects.select_related(
        "assignment__resident", "assignment__volunteer__user", "created_by"
    )
    return policy.fetch_or_404(user, Visit, queryset=queryset, pk=pk)


def hours_waiting(*, user) -> QuerySet[Visit]:
    """Visits whose hours wait for the coordinator's approval (coordinators only)."""
    if not policy.can_be_coordinator(user):
        return Visit.objects.none()
    return (
        visits_of(user=user)
        .filter(hours_status=Visit.Hours.PENDING, duration_minutes__gt=0)
        .order_by("visited_at", "pk")
    )


def profiles_for(*, user) -> QuerySet[VolunteerProfile]:
    visible = policy.filter_volunteer_profiles(user, VolunteerProfile.objects.all())
    approved = Visit.objects.filter(
        assignment__volunteer=OuterRef("pk"), hours_status=Visit.Hours.APPROVED
    ).values("assignment__volunteer")
    minutes = approved.annotate(total=Sum("duration_minutes")).values("total")[:1]
    return (
        visible.select_related("user", "coordinator")
        .annotate(approved_minutes=Coalesce(Subquery(minutes), 0))
        .order_by("user__full_name", "pk")
    )


def profile_for_page(*, user, pk: int) -> VolunteerProfile:
    queryset = VolunteerProfile.objects.select_related(
        "user", "coordinator", "agreement_text", "agreement_recorded_by"
    )
    return policy.fetch_or_404(user, VolunteerProfile, queryset=queryset, pk=pk)


def my_profile(*, user) -> VolunteerProfile | None:
    """The person's own profile (the volunteer's read-only page), through the same rule."""
    visible = policy.filter_volunteer_profiles(user, VolunteerProfile.objects.filter(user=user))
    return visible.select_related("user", "coordinator", "agreement_text", "agreement_recorded_by").first()


def approved_hours(*, profile) -> Decimal:
    minutes = (
        Visit.objects.filter(assignment__volunteer=profile, hours_status=Visit.Hours.APPROVED).aggregate(
            total=Sum("duration_minutes")
        )["total"]
        or 0
    )
    return (Decimal(minutes) / 60).quantize(Decimal("0.1"))


def level_for_hours(hours: Decimal) -> int:
    """The star level the hours reach (0 below the first threshold)."""
    return sum(1 for threshold in conf.star_thresholds() if hours >= threshold)


def listed_level_changes(*, user) -> QuerySet[StarLevelChange]:
    visible = policy.filter_level_changes(user, StarLevelChange.objects.all())
    return visible.filter(status=StarLevelChange.Status.LISTED).select_related("profile__user")


def active_assignment_count(*, profile) -> int:
    return profile.assignments.filter(status=VisitAssignment.Status.ACTIVE).count()


# ---------------------------------------------------------------------------------------------
# Home tiles


def volunteer_home(*, user) -> dict | None:
    """The volunteer's tile: assignments needing contact now, out of their active ones."""
    if not policy.has_permission(user, "volunteers.log_visits"):
        return None
    active = active_assignments_for(user=user)
    return count_many({"active": active, "due": contacts_due_for(user=user)})


def coordinator_home(*, user) -> dict | None:
    """The coordinator's tile: due and overdue contacts, hours waiting, level changes listed."""
    if not policy.can_be_coordinator(user):
        return None
    active = policy.filter_visit_assignments(user, VisitAssignment.objects.all())
    # One query for the four numbers (the home page counts its queries).
    return count_many(
        {
            "due": contacts_due_for(user=user),
            "overdue": contact_overdue(active),
            "hours_waiting": hours_waiting(user=user),
            "levels_listed": listed_level_changes(user=user),
        }
    )
