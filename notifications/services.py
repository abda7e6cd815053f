"""Writes of the notifications domain: queue a message once, deliver it after commit, retry the
ones that failed, and record who read a message's body."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record

from .channels import DeliveryError, channel_for
from .models import Notification

# Failed messages are tried again for a day; after that the error stays for staff to act on.
RETRY_WINDOW = timedelta(days=1)
# A message still waiting this long after it was queued lost its delivery (e.g. a worker restart).
STALE_PENDING_AFTER = timedelta(minutes=5)


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
    again returns the existing row, so a job that runs twice never sends twice. ``channel``
    defaults to ``XINQIAO_NOTIFICATION_CHANNEL``.
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
    transaction.on_commit(lambda: _dispatch(notification))
    return notification


def _dispatch(notification: Notification) -> None:
    # The outbox needs no network, so it is done at once; the other channels wait on a gateway or
    # a mail server and go to the task queue, so a slow provider never holds up a page.
    if notification.channel == Notification.Channel.OUTBOX:
        notification_deliver(notification_id=notification.pk)
        return
    from .tasks import deliver_notification

    deliver_notification(notification.pk)


def notification_deliver(*, notification_id: int) -> Notification:
    """Hand a waiting (or failed) message to its channel; the row records success or the reason
    it failed. A message already sent, waiting to be relayed or relayed is never sent again.

    Only a channel that reaches the recipient makes a message "sent"; the outbox reaches nobody,
    so its messages become "to relay" until a person passes them on by phone."""
    notification = Notification.objects.select_related("recipient_user").get(pk=notification_id)
    if not Notification.ACTIONS.allows(notification, "deliver"):
        return notification
    try:
        channel = channel_for(notification.channel)
        channel.deliver(notification)
    except DeliveryError as exc:
        notification.status = Notification.Status.FAILED
        notification.error = str(exc)[:500]
        notification.save(update_fields=["status", "error"])
        return notification
    if channel.reaches_recipient:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
    else:
        notification.status = Notification.Status.TO_RELAY
    notification.error = ""
    notification.save(update_fields=["status", "sent_at", "error"])
    return notification


def notifications_retry_failed(*, now=None) -> int:
    """The periodic job: deliver again every message that failed within ``RETRY_WINDOW`` and every
    one left waiting longer than ``STALE_PENDING_AFTER``. Returns how many were handed to their
    channel this time (sent, or for the outbox, put on the list to relay by phone). A message a
    person gave up on (could not be reached) is not a channel's failure and is not retried."""
    now = now or timezone.now()
    due = Notification.objects.filter(
        models.Q(status=Notification.Status.FAILED, created_at__gte=now - RETRY_WINDOW)
        | models.Q(status=Notification.Status.PENDING, created_at__lte=now - STALE_PENDING_AFTER)
    ).order_by("created_at", "pk")
    handed = 0
    for notification_id in due.values_list("pk", flat=True):
        status = notification_deliver(notification_id=notification_id).status
        if status in (Notification.Status.SENT, Notification.Status.TO_RELAY):
            handed += 1
    return handed


def notification_record_read(*, actor, notification: Notification) -> None:
    """A message body can name a resident and their appointment: opening one is audited."""
    audit_record(
        actor=actor,
        action="notification.read",
        obj=notification,
        details={"kind": notification.kind},
    )


def notification_mark_relayed(*, actor, notification: Notification, now=None) -> Notification:
    """Record that ``actor`` passed an outbox message on by phone, and when.

    Only those the relay rule (``policy.filter_relay_worklist``) shows the message to may do it;
    anyone else gets 404, as if it did not exist (the refusal is audited by ``fetch_or_404``,
    outside the transaction so that it is kept). The row is then locked and its state read
    again, so a second click, a resubmitted form or two colleagues at once record it once: the
    second call changes nothing and writes no second audit entry."""
    return _record_relay(
        actor=actor,
        notification=notification,
        action="mark_relayed",
        status=Notification.Status.RELAYED,
        note="",
        now=now,
    )


def notification_mark_unreachable(*, actor, notification: Notification, note: str, now=None) -> Notification:
    """Record that ``actor`` tried to pass an outbox message on and could not reach the person
    (失败/无法联系), with a note saying what happened; it leaves the work list and the retry job
    does not bring it back. Who may do it, and the idempotence, are as for
    ``notification_mark_relayed``; the note is required."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Say what happened when you tried to reach them.")})
    return _record_relay(
        actor=actor,
        notification=notification,
        action="mark_unreachable",
        status=Notification.Status.UNREACHABLE,
        note=note[:500],
        now=now,
    )


def _record_relay(*, actor, notification, action: str, status: str, note: str, now) -> Notification:
    policy.fetch_or_404(actor, Notification, policy_filter=policy.filter_relay_worklist, pk=notification.pk)
    with transaction.atomic():
        locked = Notification.objects.select_for_update().get(pk=notification.pk)
        if locked.status == status:
            return locked
        Notification.ACTIONS.require(
            locked,
            action,
            _(
                "Only a message waiting to be relayed by phone can be recorded as relayed or "
                "unreachable; this one is “%(state)s”."
            )
            % {"state": locked.get_status_display()},
        )
        locked.status = status
        locked.relayed_at = now or timezone.now()
        locked.relayed_by = actor
        locked.relay_note = note
        locked.full_clean()
        locked.save(update_fields=["status", "relayed_at", "relayed_by", "relay_note"])
        audit_record(
            actor=actor,
            action="notification.relayed"
            if status == Notification.Status.RELAYED
            else "notification.unreachable",
            obj=locked,
            details={"kind": locked.kind},
        )
    return locked
