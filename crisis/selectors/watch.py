"""Reads of the watch list (CRI-4): the list page, one entry, a person's active entry, the count
of reviews due on the home page, and the units the list can be narrowed to.

Which entries a person sees is ``confidentiality.policy.filter_watch_entries`` alone; the open
alert shown beside an entry is the one ``policy.filter_alerts`` lets them see.
"""

from __future__ import annotations

from django.db import models
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from confidentiality import policy
from crisis.models import Alert, WatchListEntry, WatchReview
from orgs.models import OrgUnit


def _visible_entries(user) -> models.QuerySet[WatchListEntry]:
    return policy.filter_watch_entries(user, WatchListEntry.objects.all())


def watch_list(*, user, unit: OrgUnit | None = None) -> models.QuerySet[WatchListEntry]:
    """The active entries this person sees, the nearest review first (overdue ones on top), each
    with the level and id of the person's open alert when the person may see that alert."""
    entries = _visible_entries(user).filter(removed_at__isnull=True)
    if unit is not None:
        entries = entries.filter(resident__org_unit__path__startswith=unit.path)
    open_alerts = Alert.objects.filter(
        pk__in=policy.filter_alerts(user, Alert.objects.all()).values("pk"),
        resident_id=OuterRef("resident_id"),
        state__in=Alert.OPEN_STATES,
    ).order_by("-opened_at")
    return (
        entries.annotate(
            open_alert_id=Subquery(open_alerts.values("pk")[:1]),
            open_alert_level=Subquery(open_alerts.values("level")[:1]),
        )
        .select_related("resident__org_unit", "crisis_case", "added_by")
        .prefetch_related(Prefetch("reviews", queryset=WatchReview.objects.select_related("reviewed_by")))
        .order_by("review_on", "added_at", "pk")
    )


def watch_list_units(*, user) -> models.QuerySet[OrgUnit]:
    """The units the list can be narrowed to: the person's unit and every unit below it."""
    return policy.scope_units(user).filter(is_active=True).order_by("path")


def watch_entry_for_page(*, user, pk) -> WatchListEntry:
    """One entry the person sees, or 404 (missing and forbidden alike, refusals audited)."""
    queryset = WatchListEntry.objects.select_related("resident")
    return policy.fetch_or_404(user, WatchListEntry, queryset=queryset, pk=pk)


def active_watch_entry(*, user, resident) -> WatchListEntry | None:
    """The person's active entry, if any and if the policy shows it to this person."""
    return _visible_entries(user).filter(resident=resident, removed_at__isnull=True).first()


def watch_reviews_due(*, user) -> models.QuerySet[WatchListEntry]:
    """Active entries this person sees whose review is due today or overdue (home and navigation)."""
    today = timezone.localdate()
    return _visible_entries(user).filter(removed_at__isnull=True, review_on__lte=today)


def watch_reviews_due_count(*, user) -> int:
    return watch_reviews_due(user=user).count()
