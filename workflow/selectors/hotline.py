"""Reads of the hotline and online-consultation log (SVC-9)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone

from confidentiality import policy
from workflow.models import HotlineEntry


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def hotline_entries(
    *,
    user,
    channel: str = "",
    topic: str = "",
    risk_positive: bool = False,
    date_from: date | None = None,
    date_to: date | None = None,
) -> models.QuerySet[HotlineEntry]:
    """Entries the person may see, newest first, narrowed by the list's filters (dates are local
    days, both ends included)."""
    queryset = policy.filter_hotline_entries(user, HotlineEntry.objects.all())
    if channel:
        queryset = queryset.filter(channel=channel)
    if topic:
        queryset = queryset.filter(topic=topic)
    if risk_positive:
        risk = models.Q()
        for name in HotlineEntry.RISK_ITEMS:
            risk |= models.Q(**{name: True})
        queryset = queryset.filter(risk)
    if date_from:
        queryset = queryset.filter(started_at__gte=_start_of(date_from))
    if date_to:
        queryset = queryset.filter(started_at__lt=_start_of(date_to + timedelta(days=1)))
    queryset = policy.annotate_hotline_links(user, queryset)
    return queryset.select_related("recorded_by", "resident", "case").order_by("-started_at", "-pk")
