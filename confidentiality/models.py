"""The audit log (CONF-6): append-only and hash-chained.

Each entry's ``entry_hash`` is SHA-256 over its own content and ``prev_hash``, the hash of the
entry before it (by ``seq``). Editing, deleting or inserting an entry anywhere breaks the chain
from that point on, and ``manage.py audit_verify`` names the first entry where it breaks.
Entries are written only by ``confidentiality.services.audit_record``.
"""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised on any attempt to change or remove an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")

    def delete(self):
        raise AppendOnlyError("audit entries cannot be deleted")

    # bulk writes bypass the chain; only audit_record may add entries.
    def bulk_create(self, *args, **kwargs):
        raise AppendOnlyError("audit entries are written one at a time by audit_record")

    def bulk_update(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be updated")


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True, editable=False)
    at = models.DateTimeField(_("time"), editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        verbose_name=_("actor"),
    )
    # Kept as written even if the account is later renamed.
    actor_username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, editable=False)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-seq"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("audit entries cannot be changed once written")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit entries cannot be deleted")

    def canonical_content(self) -> str:
        """The exact text the hash covers: every recorded field, in a fixed order and form."""
        return json.dumps(
            {
                "seq": self.seq,
                "at": self.at.isoformat(timespec="microseconds"),
                "actor": self.actor_id,
                "actor_username": self.actor_username,
                "action": self.action,
                "object_type": self.object_type,
                "object_id": self.object_id,
                "client_ip": self.client_ip,
                "reason": self.reason,
                "details": self.details,
                "prev_hash": self.prev_hash,
            },
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )

    def compute_hash(self) -> str:
        return hashlib.sha256(self.canonical_content().encode("utf-8")).hexdigest()
