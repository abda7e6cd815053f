"""Notifications (PRT-2): every message the system sends, whatever the channel, is one row here.

The outbox is the record: a reminder job writes a row first (its ``dedupe_key`` makes a rerun
harmless), then the configured channel delivers it and the row says how that went. Staff see the
outbox in the UI and tests read it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from confidentiality.fields import EncryptedTextField
from lib.states import StateTable


class Notification(models.Model):
    class Channel(models.TextChoices):
        OUTBOX = "outbox", _("Outbox (shown to staff)")
        EMAIL = "email", _("E-mail")
        SMS = "sms", _("SMS")
        WECHAT = "wechat", _("WeChat")

    class Kind(models.TextChoices):
        APPOINTMENT_CONFIRMATION = "appointment_confirmation", _("Appointment confirmation")
        APPOINTMENT_REMINDER = "appointment_reminder", _("Appointment reminder")
        APPOINTMENT_CANCELLATION = "appointment_cancellation", _("Appointment cancellation")
        FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due")
        SATISFACTION_LINK = "satisfaction_link", _("Satisfaction survey link")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        # The outbox channel reaches nobody: a person must pass the message on by phone.
        TO_RELAY = "to_relay", _("To relay")
        RELAYED = "relayed", _("Relayed")
        # A person tried to pass it on and could not reach the recipient (the note says why).
        UNREACHABLE = "unreachable", _("Failed: could not be reached")
        # Only a real channel (e-mail, SMS, WeChat) that accepted the message.
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    # deliver: hand to the channel (again); mark_relayed: a person passed it on by phone;
    # mark_unreachable: a person tried and could not reach the recipient. A message given up by a
    # person is not retried by the job (only a channel's failure is).
    ACTIONS = StateTable(
        field="status",
        table={
            Status.PENDING: ("deliver",),
            Status.FAILED: ("deliver",),
            Status.TO_RELAY: ("mark_relayed", "mark_unreachable"),
            Status.RELAYED: (),
            Status.UNREACHABLE: (),
            Status.SENT: (),
        },
    )

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    # A staff member, or a resident reached at an address (phone number or e-mail).
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
    )
    recipient_name = EncryptedTextField(_("recipient"), blank=True)
    recipient_address = EncryptedTextField(_("address"), blank=True)
    subject = models.CharField(_("subject"), max_length=200)
    body = EncryptedTextField(_("message"))
    related_type = models.CharField(max_length=60, blank=True)
    related_id = models.CharField(max_length=40, blank=True)
    dedupe_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    relayed_at = models.DateTimeField(_("relayed at"), null=True, blank=True)
    relayed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relayed by"),
    )
    # relayed_at/relayed_by record who passed it on, or who tried and could not reach them; the
    # note (which may say something about the person) is encrypted like the message itself.
    relay_note = EncryptedTextField(_("relay note"), blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.dedupe_key}"

    @property
    def phone_to_call(self) -> str:
        """The number to phone to pass the message on: the address given with it, else the staff
        recipient's own phone."""
        if self.recipient_address:
            return self.recipient_address
        return self.recipient_user.phone if self.recipient_user_id else ""
