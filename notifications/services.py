"""Writes of the notifications domain: queue a message once, deliver it after commit."""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .channels import DeliveryError, channel_for
from .models import Notification


def notification_queue(
    *,
    kind: str,
    dedupe_key: str,
    subject: str,
    body: str,
    recipient_user=None,
    recipient_name: str = "",
    recipient_address: str = "",
    related: models.Model | None = None,
    channel: str | None = None,
) -> Notification:
    """Record one message in the outbox and deliver it once the transaction commits.

    The ``dedupe_key`` names the message (e.g. ``appointment:12:reminder``): queuing the same key
    again returns the existing row, so a job that runs twice never sends twice.
    """
    existing = Notification.objects.filter(dedupe_key=dedupe_key).first()
    if existing is not None:
        return existing
    notification = Notification(
        kind=kind,
        channel=channel or settings.XINQIAO_NOTIFICATION_CHANNEL,
        recipient_user=recipient_user,
        recipient_name=recipient_name,
        recipient_address=recipient_address,
        subject=subject[:200],
        body=body,
        related_type=related._meta.label_lower if related is not None else "",
        related_id=str(related.pk) if related is not None else "",
        dedupe_key=dedupe_key,
    )
    notification.full_clean()
    try:
        with transaction.atomic():
            notification.save()
    except IntegrityError:
        return Notification.objects.get(dedupe_key=dedupe_key)
    transaction.on_commit(lambda: notification_deliver(notification_id=notification.pk))
    return notification


def notification_deliver(*, notification_id: int) -> Notification:
    """Hand a waiting message to its channel; the row records success or the reason it failed."""
    notification = Notification.objects.get(pk=notification_id)
    if notification.status == Notification.Status.SENT:
        return notification
    try:
        channel_for(notification.channel).deliver(notification)
    except DeliveryError as exc:
        notification.status = Notification.Status.FAILED
        notification.error = str(exc)[:500]
        notification.save(update_fields=["status", "error"])
        return notification
    notification.status = Notification.Status.SENT
    notification.sent_at = timezone.now()
    notification.error = ""
    notification.save(update_fields=["status", "sent_at", "error"])
    return notification
