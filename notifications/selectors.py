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
    return rows.select_related("recipient_user").order_by("-created_at", "-pk")
