"""Reads of follow-ups (SVC-6). Every list starts from what confidentiality.policy lets the person see."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone

from confidentiality import policy
from workflow.models import Case, FollowUpTask
from workflow.permissions import MANAGE_CASES, VIEW_SERVICE_QUALITY

UPCOMING_DAYS = 14


def _open(queryset: models.QuerySet[FollowUpTask]) -> models.QuerySet[FollowUpTask]:
    return queryset.filter(status=FollowUpTask.Status.OPEN).select_related(
        "resident", "resident__org_unit", "case", "assignee"
    )


def my_follow_ups(*, user, today: date | None = None) -> dict[str, models.QuerySet[FollowUpTask]]:
    """The person's own open follow-ups: due today, overdue, due within the next 14 days, and
    later (a follow-up planned months ahead must still be findable)."""
    today = today or timezone.localdate()
    mine = _open(FollowUpTask.objects.filter(assignee=user)) if policy.is_active_staff(user) else None
    if mine is None:
        empty = FollowUpTask.objects.none()
        return {"due_today": empty, "overdue": empty, "upcoming": empty, "later": empty}
    return {
        "due_today": mine.filter(due_on=today),
        "overdue": mine.filter(due_on__lt=today),
        "upcoming": mine.filter(due_on__gt=today, due_on__lte=today + timedelta(days=UPCOMING_DAYS)),
        "later": mine.filter(due_on__gt=today + timedelta(days=UPCOMING_DAYS)),
    }


def team_overdue_follow_ups(*, user, today: date | None = None) -> models.QuerySet[FollowUpTask]:
    """Overdue open follow-ups of the person's supervisees; for a director, all of those about
    clients in scope. Ordered oldest first and joined, so that ``.count()`` and a slice of the first
    few cost one query each (the home page shows both)."""
    if not policy.has_permission(user, VIEW_SERVICE_QUALITY):
        return FollowUpTask.objects.none()
    today = today or timezone.localdate()
    team = models.Q(assignee__supervisor=user)
    if policy.oversees_scope(user):
        team |= models.Q(resident__org_unit__path__startswith=user.org_unit.path)
    return _open(FollowUpTask.objects.filter(team, due_on__lt=today)).order_by("due_on", "pk")


def team_overdue_summary(*, user, today: date | None = None, limit: int = 5) -> dict:
    """The count of the team's overdue follow-ups and the oldest few, for the home page."""
    overdue = team_overdue_follow_ups(user=user, today=today)
    return {"count": overdue.count(), "items": list(overdue[:limit])}


def unassigned_follow_ups(*, user) -> models.QuerySet[FollowUpTask]:
    """Open follow-ups nobody has taken yet (screening positives) about clients of the person's team."""
    if not policy.has_permission(user, MANAGE_CASES):
        return FollowUpTask.objects.none()
    queryset = policy.filter_follow_ups(user, FollowUpTask.objects.filter(assignee__isnull=True))
    return _open(queryset).order_by("due_on", "pk")


DUE_FILTERS = ("today", "overdue", "upcoming")


def visible_follow_ups(
    *, user, status: str = "", due: str = "", today: date | None = None
) -> models.QuerySet[FollowUpTask]:
    """Follow-ups the person may see (their own and their team's), optionally narrowed by status
    and by when they are due (``today``, ``overdue`` or ``upcoming``; the last two only for open ones)."""
    today = today or timezone.localdate()
    queryset = policy.filter_follow_ups(user, FollowUpTask.objects.all())
    if status:
        queryset = queryset.filter(status=status)
    if due == "today":
        queryset = queryset.filter(due_on=today)
    elif due == "overdue":
        queryset = queryset.filter(status=FollowUpTask.Status.OPEN, due_on__lt=today)
    elif due == "upcoming":
        upcoming = (today + timedelta(days=1), today + timedelta(days=UPCOMING_DAYS))
        queryset = queryset.filter(status=FollowUpTask.Status.OPEN, due_on__range=upcoming)
    return queryset.select_related("resident", "case", "assignee").order_by("due_on", "pk")


def follow_up_assignees(*, resident) -> models.QuerySet:
    """Who may be given a follow-up about this client: active clinical staff whose scope holds the
    client, or who are on the archive's team by responsibility or a case."""
    unit = resident.org_unit
    above = [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]
    cases = Case.objects.filter(resident=resident).values("counsellor_id")
    team = (
        models.Q(org_unit__path__in=above)
        | models.Q(responsible_archives__resident=resident)
        | models.Q(pk__in=cases)
    )
    return (
        get_user_model()
        .objects.filter(team, is_active=True, role__in=MANAGE_CASES.roles)
        .distinct()
        .order_by("full_name", "username")
    )
