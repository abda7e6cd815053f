"""Reads of the notifications domain."""

from __future__ import annotations

from django.db import models

from confidentiality import policy

from .models import Notification


def outbox_for(*, user, kind: str = "", status: str = "", channel: str = "") -> models.QuerySet[Notification]:
    """The messages this person may see, newest first, narrowed by the filters given."""
    rows = policy.filter_notifications(user, Notification.objects.all())
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if channel:
        rows = rows.filter(channel=channel)
    return rows.select_related("recipient_user", "relayed_by").order_by("-created_at", "-pk")


def relay_worklist(*, user) -> models.QuerySet[Notification]:
    """待电话转达: the outbox messages waiting for this person to phone them through, the oldest
    first (the one due soonest). The list page and the navigation count both read this.

    A message addressed to oneself is left out: one has read it in one's own outbox, and nobody
    phones themselves. Messages to colleagues stay on it (an alert's owner may need a call)."""
    rows = policy.filter_relay_worklist(user, Notification.objects.all())
    return (
        rows.filter(status=Notification.Status.TO_RELAY)
        .exclude(recipient_user=user)
        .select_related("recipient_user")
        .order_by("created_at", "pk")
    )
