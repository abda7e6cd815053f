"""CONF-6: the audit log is append-only and hash-chained; audit_verify finds any tampering."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from confidentiality.models import AppendOnlyError, AuditEntry
from confidentiality.selectors import audit_verify_chain
from confidentiality.services import audit_record

pytestmark = pytest.mark.django_db

TABLE = AuditEntry._meta.db_table


def five_entries(actor=None):
    return [
        audit_record(actor=actor, action="list.viewed", object_type="t", object_id=n) for n in range(1, 6)
    ]


class tampering:
    """Raw SQL as an attacker with database access would use; on PostgreSQL the trigger is lifted."""

    def __enter__(self):
        self.cursor = connection.cursor().__enter__()
        if connection.vendor == "postgresql":
            self.cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER confidentiality_auditentry_append_only")
        return self.cursor

    def __exit__(self, *exc):
        if connection.vendor == "postgresql":
            self.cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER confidentiality_auditentry_append_only")
        self.cursor.__exit__(*exc)


def verify_fails_at(seq: int) -> str:
    with pytest.raises(CommandError) as failure:
        call_command("audit_verify")
    message = str(failure.value)
    assert f"entry {seq}" in message
    return message


def test_an_intact_chain_verifies(capsys):
    five_entries()
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_each_entry_records_who_what_when_where_and_why(people):
    entry = audit_record(
        actor=people.director,
        action="user.viewed",
        obj=people.counsellor,
        reason="复核",
        client_ip="10.1.2.3",
    )
    entry.refresh_from_db()
    assert entry.actor == people.director and entry.actor_username == "director_t"
    assert entry.object_type == "accounts.user" and entry.object_id == str(people.counsellor.pk)
    assert entry.client_ip == "10.1.2.3" and entry.reason == "复核"
    assert abs((timezone.now() - entry.at).total_seconds()) < 60
    assert entry.prev_hash == AuditEntry.objects.get(seq=entry.seq - 1).entry_hash


def test_an_edited_entry_is_named(db):
    five_entries()
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET reason = %s WHERE seq = %s", ["covered up", 3])
    assert not audit_verify_chain().intact
    verify_fails_at(3)


def test_a_deleted_entry_is_noticed_at_the_entry_after_it(db):
    five_entries()
    with tampering() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE seq = %s", [3])
    message = verify_fails_at(4)
    assert "missing" in message


def test_an_entry_inserted_in_the_middle_is_noticed(db):
    entries = five_entries()
    forged = AuditEntry(
        seq=3,
        at=entries[1].at,
        action="list.viewed",
        object_type="t",
        object_id="forged",
        prev_hash=entries[1].entry_hash,
        details={},
    )
    forged.entry_hash = forged.compute_hash()  # a well-formed forgery that links to entry 2
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET seq = seq + 1000 WHERE seq >= 3")
        cursor.execute(f"UPDATE {TABLE} SET seq = seq - 999 WHERE seq >= 1000")
        cursor.execute(
            f"INSERT INTO {TABLE} (seq, at, actor_username, action, object_type, object_id, reason, details,"
            " prev_hash, entry_hash) VALUES (%s, %s, '', %s, %s, %s, '', %s, %s, %s)",
            [3, forged.at, "list.viewed", "t", "forged", "{}", forged.prev_hash, forged.entry_hash],
        )
    # The forgery itself links up; the original third entry, now fourth, no longer does.
    verify_fails_at(4)


def test_application_code_cannot_change_or_delete_entries(db):
    entry = five_entries()[0]
    entry.reason = "changed"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(seq=1).update(reason="changed")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    assert audit_verify_chain().intact


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only")
def test_on_postgresql_the_database_refuses_updates_and_deletes(db):
    five_entries()
    for statement in (f"UPDATE {TABLE} SET reason = 'x' WHERE seq = 2", f"DELETE FROM {TABLE} WHERE seq = 2"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert audit_verify_chain().intact


def test_the_daily_job_reports_a_broken_chain(db):
    from core.jobs import run_due_jobs

    five_entries()
    with tampering() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = 'x' WHERE seq = 2")
    results = dict((name, ok) for name, ok, _ in run_due_jobs(only="audit.verify_chain"))
    assert results == {"audit.verify_chain": False}
