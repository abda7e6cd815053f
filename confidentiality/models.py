"""The audit log (CONF-6): append-only and hash-chained.

Each entry's ``entry_hash`` is SHA-256 over its own content and ``prev_hash``, the hash of the
entry before it (by ``seq``). Editing, deleting or inserting an entry anywhere breaks the chain
from that point on, and ``manage.py audit_verify`` names the first entry where it breaks.
Entries are written only by ``confidentiality.services.audit_record``.
"""

from __future__ import annotations

import hashlib
import json

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import audit

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

    @property
    def action_label(self) -> str:
        """The action as people read it, in the current language (the registered label)."""
        return audit.action_label(self.action)

    @property
    def object_type_label(self) -> str:
        """The type of the object as people read it: the model's verbose name in the current
        language (``crisis.alert`` → 危机预警); the stored label for a type no longer installed."""
        if not self.object_type:
            return ""
        try:
            model = apps.get_model(self.object_type)
        except (LookupError, ValueError):
            return self.object_type
        return str(model._meta.verbose_name)

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


# ---------------------------------------------------------------------------------------------
# Consent (CONF-1)


class ConsentKind(models.TextChoices):
    INFORMED = "informed", _("Informed consent")
    CONFIDENTIALITY = "confidentiality", _("Confidentiality agreement")
    SENSITIVE_INFO = "sensitive_info", _("Consent to process sensitive personal information")
    # A group counselling member's agreement: taking part, and keeping what other members say in
    # the group confidential (the group-confidentiality clause).
    GROUP = "group", _("Group counselling agreement (with the group-confidentiality clause)")
    # Signed by a volunteer or peer counsellor before they visit anyone (PRG-5), not by a
    # resident: kept on the volunteer's profile (volunteers.VolunteerProfile), never as a Consent.
    VOLUNTEER = "volunteer", _("Volunteer's confidentiality agreement")


# Clinical records may be created only while each of these is signed and not withdrawn.
CLINICAL_CONSENT_KINDS = (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO)
# Texts signed by people working for the centre, not by residents: never recorded as a Consent.
STAFF_CONSENT_KINDS = (ConsentKind.VOLUNTEER,)

GUARDIAN_CONSENT_UNDER_AGE = 14  # PIPL art. 31: a guardian consents for a minor under 14


class ConsentText(models.Model):
    """One version of a consent text. Versions are never edited once someone has signed them."""

    kind = models.CharField(_("kind"), max_length=20, choices=ConsentKind.choices)
    version = models.CharField(_("version"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(_("text"))
    is_current = models.BooleanField(_("current version"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent text")
        verbose_name_plural = _("consent texts")
        ordering = ["kind", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "version"], name="conf_consent_text_version_unique"),
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(is_current=True), name="conf_consent_text_one_current"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class Consent(models.Model):
    class Channel(models.TextChoices):
        PAPER = "paper", _("Signed on paper")
        ELECTRONIC = "electronic", _("Signed electronically")
        VERBAL = "verbal", _("Given verbally, witnessed")

    class Signer(models.TextChoices):
        SELF = "self", _("The resident")
        GUARDIAN = "guardian", _("Guardian")

    resident = models.ForeignKey("archives.Resident", on_delete=models.CASCADE, related_name="consents")
    text = models.ForeignKey(ConsentText, on_delete=models.PROTECT, related_name="signatures")
    signed_on = models.DateField(_("signed on"))
    signer = models.CharField(_("signed by"), max_length=10, choices=Signer.choices)
    signer_name = models.CharField(_("signer's name"), max_length=50)
    channel = models.CharField(_("channel"), max_length=12, choices=Channel.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-signed_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.text} · {self.signed_on}"

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_at is None


# ---------------------------------------------------------------------------------------------
# Access requests and break-the-glass (CONF-3, CONF-4)


class BreakGlassReason(models.TextChoices):
    DANGER_TO_LIFE = "danger_to_life", _("Danger to life or safety")
    CRISIS_RESPONSE = "crisis_response", _("Ongoing crisis response")
    SAFEGUARDING = "safeguarding", _("Safeguarding of a minor or vulnerable person")
    CONTINUITY = "continuity", _("Urgent continuity of care")


class AccessGrant(models.Model):
    """A time-limited right for one person to see one archive's clinical content.

    Made either by an approved access request or, at once, by break-the-glass; expires by itself.
    """

    class Kind(models.TextChoices):
        REQUEST = "request", _("Access request")
        BREAK_GLASS = "break_glass", _("Emergency access")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a decision")
        APPROVED = "approved", _("Approved")
        DENIED = "denied", _("Denied")
        REVOKED = "revoked", _("Revoked")

    archive = models.ForeignKey("archives.Archive", on_delete=models.CASCADE, related_name="access_grants")
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="access_grants"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    reason = models.TextField(_("reason"))
    break_glass_reason = models.CharField(
        _("emergency"), max_length=20, choices=BreakGlassReason.choices, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # Break-the-glass stays on the director's list until someone reviews it.
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("access grant")
        verbose_name_plural = _("access grants")
        ordering = ["-requested_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.kind}:{self.archive_id}:{self.requester_id}"


# ---------------------------------------------------------------------------------------------
# Disclosures (CONF-5)


class DisclosureBasis(models.TextChoices):
    CONSENT = "consent", _("The resident's consent")
    # A minor under 14 cannot consent (PIPL art. 31): what leaves does so on the guardian's word.
    GUARDIAN = "guardian", _("The guardian's consent")
    DANGER = "danger", _("Danger to life or safety")
    LEGAL = "legal", _("Legal requirement")


class Disclosure(models.Model):
    """Information that left the team: to whom, which fields, on what basis."""

    resident = models.ForeignKey("archives.Resident", on_delete=models.CASCADE, related_name="disclosures")
    recipient = models.CharField(_("recipient"), max_length=120)
    fields = models.JSONField(_("fields disclosed"), default=list)
    purpose = models.CharField(_("purpose"), max_length=200)
    basis = models.CharField(_("basis"), max_length=10, choices=DisclosureBasis.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    disclosed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("disclosure")
        verbose_name_plural = _("disclosures")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.basis})"
