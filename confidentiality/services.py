"""Writes of the confidentiality domain: the one helper that records audit entries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from lib import encryption
from lib.request_context import current_client_ip

from . import policy
from .audit import require_registered
from .fields import encrypted_fields
from .models import (
    CLINICAL_CONSENT_KINDS,
    GENESIS_HASH,
    GUARDIAN_CONSENT_UNDER_AGE,
    STAFF_CONSENT_KINDS,
    AccessGrant,
    AuditEntry,
    BreakGlassReason,
    Consent,
    ConsentKind,
    ConsentText,
    Disclosure,
    DisclosureBasis,
)
from .permissions import (
    BREAK_GLASS,
    MANAGE_CONSENT_TEXTS,
    RECORD_CONSENT,
    RECORD_DISCLOSURE,
    REQUEST_ACCESS,
)

# Arbitrary constant naming the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_ID = 0x58_49_4E_51  # "XINQ"


def _lock_chain() -> None:
    # SQLite runs every transaction as IMMEDIATE (see settings), so one writer at a time already.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_ID])


def audit_record(
    *,
    actor,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: Any = "",
    reason: str = "",
    details: dict | None = None,
    client_ip: str | None = None,
) -> AuditEntry:
    """Append one entry to the audit chain.

    Every service that reads or changes sensitive data calls this, in the same transaction as the
    change, so an entry exists exactly when the change does. Entries are never updated or
    deleted; each one's hash covers its content and the previous entry's hash. The action must be
    registered (``confidentiality.audit``): an unknown name is a programming error and is refused.
    """
    require_registered(action)
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    with transaction.atomic():
        _lock_chain()
        last = AuditEntry.objects.order_by("-seq").only("seq", "entry_hash").first()
        entry = AuditEntry(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor=actor_obj,
            actor_username=(actor_obj.get_username() if actor_obj else ""),
            action=action,
            object_type=object_type,
            object_id="" if object_id in (None, "") else str(object_id),
            client_ip=client_ip or current_client_ip(),
            reason=reason,
            details=details or {},
            prev_hash=last.entry_hash if last else GENESIS_HASH,
        )
        entry.full_clean(exclude=["actor", "prev_hash", "entry_hash"])
        entry.entry_hash = entry.compute_hash()
        entry.save()
    return entry


def audit_list_read(*, actor, object_type: str, page: str, ids, filters: dict | None = None) -> None:
    """A list showed these rows (one page of it, on a screen or through the API): which ones, to
    whom, on which page and with which filters (CONF-6). Every list read is written this one way,
    as ``list.viewed`` with the rows' type, so one search finds every list a record appeared on.

    Only ids and filter values are written, never names or content, so the audit log itself stays
    free of clinical text; filters left empty are left out. An empty page writes nothing.
    """
    ids = [str(pk) for pk in ids]
    if not ids:
        return
    narrowed = {key: str(value) for key, value in sorted((filters or {}).items()) if value not in (None, "")}
    audit_record(
        actor=actor,
        action="list.viewed",
        object_type=object_type,
        details={**narrowed, "page": page, "ids": ids},
    )


def encrypted_fields_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-seal every encrypted value under the primary key; return counts per model field.

    Tokens are rotated as stored (no plaintext passes through Python objects beyond the
    cryptography call), in batches, each batch in its own transaction so a large table does not
    hold one long lock. Running it twice is harmless. The run itself is audited.
    """
    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = encrypted_fields(model)
        if not fields:
            continue
        for field in fields:
            counts[f"{model._meta.label}.{field.name}"] = 0
        last_pk = None
        while True:
            with transaction.atomic():
                rows = model._base_manager.order_by("pk")
                if last_pk is not None:
                    rows = rows.filter(pk__gt=last_pk)
                # values_list goes through from_db_value; read the raw tokens instead.
                batch = list(rows.values_list("pk", flat=True)[:batch_size])
                if not batch:
                    break
                table = connection.ops.quote_name(model._meta.db_table)
                pk_column = connection.ops.quote_name(model._meta.pk.column)
                quoted = ", ".join(connection.ops.quote_name(field.column) for field in fields)
                placeholders = ", ".join(["%s"] * len(batch))
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {pk_column}, {quoted} FROM {table} WHERE {pk_column} IN ({placeholders})",  # noqa: S608
                        batch,
                    )
                    stored = cursor.fetchall()
                    for pk, *tokens in stored:
                        updates = []
                        for field, token in zip(fields, tokens, strict=True):
                            if token:
                                updates.append((field, encryption.rotate(token)))
                                counts[f"{model._meta.label}.{field.name}"] += 1
                        if updates:
                            assignments = ", ".join(
                                f"{connection.ops.quote_name(f.column)} = %s" for f, _ in updates
                            )
                            cursor.execute(
                                f"UPDATE {table} SET {assignments} WHERE {pk_column} = %s",  # noqa: S608
                                [value for _, value in updates] + [pk],
                            )
                last_pk = batch[-1]
    audit_record(actor=None, action="encryption.keys_rotated", details=counts)
    return counts


# ---------------------------------------------------------------------------------------------
# Consent (CONF-1), access requests and break-the-glass (CONF-3/4), disclosures (CONF-5)


def _require_visible(actor, resident) -> None:
    # The resident's model comes with the object: this domain sits below the archives.
    if not policy.filter_residents(actor, type(resident).objects.filter(pk=resident.pk)).exists():
        raise PermissionDenied


def _permission_or_403(actor, permission) -> None:
    if not policy.has_permission(actor, permission):
        raise PermissionDenied


@transaction.atomic
def consent_text_publish(*, actor, kind: str, version: str, title: str, body: str):
    """Publish a new version of a consent text; it becomes the current one for its kind.

    Earlier versions stay as they were: every signature points at the exact text signed.
    """
    _permission_or_403(actor, MANAGE_CONSENT_TEXTS)
    text = ConsentText(
        kind=kind, version=version.strip(), title=title.strip(), body=body.strip(), created_by=actor
    )
    text.full_clean(exclude=["created_by", "is_current"])
    ConsentText.objects.filter(kind=kind, is_current=True).update(is_current=False)
    text.is_current = True
    text.save()
    audit_record(
        actor=actor, action="consent_text.published", obj=text, details={"kind": kind, "version": version}
    )
    return text


@transaction.atomic
def consent_record(*, actor, resident, text, signed_on, signer: str, signer_name: str, channel: str):
    """Record a signed consent. Under 14 (by the birth date) only a guardian can sign. A text
    that staff or volunteers sign (STAFF_CONSENT_KINDS) is no resident's consent."""
    _permission_or_403(actor, RECORD_CONSENT)
    _require_visible(actor, resident)
    if text.kind in STAFF_CONSENT_KINDS:
        raise ValidationError({"text": _("This text is signed by volunteers, not by residents.")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    age = resident.age_on(signed_on)
    if age is not None and age < GUARDIAN_CONSENT_UNDER_AGE and signer != Consent.Signer.GUARDIAN:
        raise ValidationError(
            {"signer": _("The resident is under 14: their guardian must give the consent.")}
        )
    consent = Consent(
        resident=resident,
        text=text,
        signed_on=signed_on,
        signer=signer,
        signer_name=signer_name.strip(),
        channel=channel,
        recorded_by=actor,
    )
    consent.full_clean()
    consent.save()
    audit_record(
        actor=actor,
        action="consent.recorded",
        obj=resident,
        details={"consent": consent.pk, "kind": text.kind, "version": text.version},
    )
    return consent


@transaction.atomic
def consent_withdraw(*, actor, consent, reason: str):
    _permission_or_403(actor, RECORD_CONSENT)
    _require_visible(actor, consent.resident)
    if consent.withdrawn_at is not None:
        raise ValidationError(_("This consent has already been withdrawn."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_reason = reason.strip()
    consent.withdrawn_by = actor
    consent.save(update_fields=["withdrawn_at", "withdrawn_reason", "withdrawn_by"])
    audit_record(actor=actor, action="consent.withdrawn", obj=consent.resident, reason=reason.strip())
    return consent


@transaction.atomic
def access_request_create(*, actor, archive, reason: str):
    """A staff member outside the team asks to see an archive, with a reason."""
    _permission_or_403(actor, REQUEST_ACCESS)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why you need to see this archive.")})
    if policy.can_see_clinical(actor, archive):
        raise ValidationError(_("You can already see this archive."))
    if AccessGrant.objects.filter(
        archive=archive, requester=actor, status=AccessGrant.Status.PENDING
    ).exists():
        raise ValidationError(
            _("You have already asked for this archive; the request is waiting for a decision.")
        )
    grant = AccessGrant.objects.create(
        archive=archive, requester=actor, kind=AccessGrant.Kind.REQUEST, reason=reason.strip()
    )
    audit_record(
        actor=actor,
        action="access.requested",
        obj=archive,
        reason=reason.strip(),
        details={"grant": grant.pk},
    )
    return grant


@transaction.atomic
def access_request_decide(*, actor, grant, approve: bool, note: str = "", hours: int | None = None):
    """The archive manager or director approves (for a limited time) or denies a request.

    Nobody decides their own request, and only requests for archives in the approver's scope.
    """
    if not policy.can_decide_access_request(actor, grant):
        raise PermissionDenied
    if grant.requester_id == actor.pk:
        raise ValidationError(_("You cannot decide your own request."))
    grant = AccessGrant.objects.select_for_update().get(pk=grant.pk)
    if grant.status != AccessGrant.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    hours = hours or settings.XINQIAO_ACCESS_GRANT_HOURS
    if not 1 <= hours <= 24 * 30:
        raise ValidationError({"hours": _("A grant lasts between 1 hour and 30 days.")})
    now = timezone.now()
    grant.status = AccessGrant.Status.APPROVED if approve else AccessGrant.Status.DENIED
    grant.decided_by = actor
    grant.decided_at = now
    grant.decision_note = note.strip()
    grant.expires_at = now + timedelta(hours=hours) if approve else None
    grant.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "expires_at"])
    audit_record(
        actor=actor,
        action="access.granted" if approve else "access.denied",
        obj=grant.archive,
        reason=note.strip(),
        details={"grant": grant.pk, "requester": grant.requester_id, "hours": hours if approve else None},
    )
    return grant


@transaction.atomic
def break_glass_open(*, actor, archive, reason_code: str, reason: str):
    """Emergency access: granted at once for a few hours, with a mandatory reason from the list
    plus free text, and put on the director's review list until someone reviews it."""
    _permission_or_403(actor, BREAK_GLASS)
    if reason_code not in BreakGlassReason.values:
        raise ValidationError({"reason_code": _("Choose the emergency from the list.")})
    if len(reason.strip()) < 10:
        raise ValidationError({"reason": _("Describe the emergency in a sentence (10 characters at least).")})
    now = timezone.now()
    grant = AccessGrant.objects.create(
        archive=archive,
        requester=actor,
        kind=AccessGrant.Kind.BREAK_GLASS,
        reason=reason.strip(),
        break_glass_reason=reason_code,
        status=AccessGrant.Status.APPROVED,
        decided_at=now,
        expires_at=now + timedelta(hours=settings.XINQIAO_BREAK_GLASS_HOURS),
    )
    audit_record(
        actor=actor,
        action="access.break_glass",
        obj=archive,
        reason=reason.strip(),
        details={"grant": grant.pk, "emergency": reason_code},
    )
    return grant


@transaction.atomic
def break_glass_review(*, actor, grant, note: str):
    if not policy.can_review_break_glass(actor, grant):
        raise PermissionDenied
    if grant.kind != grant.Kind.BREAK_GLASS or grant.reviewed_at is not None:
        raise ValidationError(_("Nothing to review here."))
    if grant.requester_id == actor.pk:
        raise ValidationError(_("You cannot review your own emergency access."))
    grant.reviewed_by = actor
    grant.reviewed_at = timezone.now()
    grant.review_note = note.strip()
    grant.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
    audit_record(actor=actor, action="access.break_glass_reviewed", obj=grant.archive, reason=note.strip())
    return grant


@transaction.atomic
def disclosure_record(
    *, actor, resident, recipient: str, fields: list[str], purpose: str, basis: str, legal_reference: str = ""
):
    """Record information the team gave outside itself; only those who see the clinical record may."""
    _permission_or_403(actor, RECORD_DISCLOSURE)
    if not policy.can_see_clinical(actor, resident.archive):
        raise PermissionDenied
    return disclosure_create(
        actor=actor,
        resident=resident,
        recipient=recipient,
        fields=fields,
        purpose=purpose,
        basis=basis,
        legal_reference=legal_reference,
    )


@transaction.atomic
def disclosure_create(
    *, actor, resident, recipient: str, fields: list[str], purpose: str, basis: str, legal_reference: str = ""
):
    """Write a disclosure record (for callers that checked their own right: exports, referrals).

    A legal-requirement basis must name the law or the authority's document.
    """
    if not fields:
        raise ValidationError({"fields": _("List what was disclosed.")})
    if basis == DisclosureBasis.LEGAL and not legal_reference.strip():
        raise ValidationError(
            {"legal_reference": _("Name the law or the authority's document that requires it.")}
        )
    disclosure = Disclosure(
        resident=resident,
        recipient=recipient.strip(),
        fields=list(fields),
        purpose=purpose.strip(),
        basis=basis,
        legal_reference=legal_reference.strip(),
        disclosed_by=actor,
    )
    disclosure.full_clean()
    disclosure.save()
    audit_record(
        actor=actor,
        action="disclosure.recorded",
        obj=resident,
        details={"disclosure": disclosure.pk, "basis": basis},
    )
    return disclosure


def clinical_consent_missing(*, resident) -> list[str]:
    """The consents still needed before clinical records (assessments, sessions) may be created.

    Empty when the informed consent and the sensitive-information consent are both signed and not
    withdrawn. The crisis path is the one exception; it records its own basis instead.
    """
    signed = set(
        Consent.objects.filter(resident=resident, withdrawn_at__isnull=True).values_list(
            "text__kind", flat=True
        )
    )
    return [str(ConsentKind(kind).label) for kind in CLINICAL_CONSENT_KINDS if kind not in signed]


def require_clinical_consent(*, resident) -> None:
    """Raise a ValidationError naming the missing consents; later domains call this before writing."""
    missing = clinical_consent_missing(resident=resident)
    if missing:
        raise ValidationError(
            _(
                "No valid consent on file (%(missing)s): "
                "clinical records cannot be created for this resident yet."
            )
            % {"missing": "、".join(missing)}
        )
