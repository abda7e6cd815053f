"""Writes of the confidentiality domain: the one helper that records audit entries."""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from lib.request_context import current_client_ip

from .models import GENESIS_HASH, AuditEntry

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
    deleted; each one's hash covers its content and the previous entry's hash.
    """
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


def encrypted_fields_rotate(*, batch_size: int = 500) -> dict[str, int]:
    """Re-seal every encrypted value under the primary key; return counts per model field.

    Tokens are rotated as stored (no plaintext passes through Python objects beyond the
    cryptography call), in batches, each batch in its own transaction so a large table does not
    hold one long lock. Running it twice is harmless. The run itself is audited.
    """
    from django.apps import apps

    from lib import encryption

    from .fields import encrypted_fields

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
