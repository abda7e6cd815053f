"""CONF-7: sensitive fields are encrypted at rest, searchable by blind index, and keys rotate."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

from accounts.models import User
from accounts.services import PHONE_INDEX_PURPOSE
from lib import encryption
from lib.encryption import blind_index

pytestmark = pytest.mark.django_db

KNOWN_PHONE = "13912345678"


def raw_database_bytes(tmp_path) -> bytes:
    """Everything the database holds, as bytes on disk (SQLite) or as one dump of the table (PostgreSQL)."""
    if connection.vendor == "sqlite":
        target = tmp_path / "copy.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(target)])
        return target.read_bytes()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {User._meta.db_table}")
        return repr(cursor.fetchall()).encode()


@pytest.mark.django_db(transaction=True)  # VACUUM INTO cannot run inside the test's transaction
def test_the_database_never_holds_the_plaintext_of_an_encrypted_field(people, tmp_path):
    user = people.worker
    user.phone = KNOWN_PHONE
    user.save(update_fields=["phone"])
    stored = raw_database_bytes(tmp_path)
    assert KNOWN_PHONE.encode() not in stored
    assert b"gAAAA" in stored  # the Fernet token is what is there
    assert User.objects.get(pk=user.pk).phone == KNOWN_PHONE


def test_encrypting_the_same_value_twice_gives_different_ciphertexts():
    assert encryption.encrypt(KNOWN_PHONE) != encryption.encrypt(KNOWN_PHONE)


def test_searching_an_encrypted_column_directly_fails_loudly(db):
    with pytest.raises(FieldError):
        User.objects.filter(phone=KNOWN_PHONE).exists()


def test_the_blind_index_finds_a_phone_however_it_was_typed(people):
    from accounts.services import user_update

    user_update(
        actor=people.admin,
        user=people.worker,
        full_name="w",
        role=people.worker.role,
        org_unit=people.worker.org_unit,
        phone="139-1234 5678",
    )
    for typed in (KNOWN_PHONE, "１３９１２３４５６７８", " 139 1234 5678 "):
        found = User.objects.filter(phone_index=blind_index(typed, purpose=PHONE_INDEX_PURPOSE))
        assert list(found) == [people.worker]


def test_blind_indexes_of_different_purposes_differ():
    assert blind_index("110101", purpose="a") != blind_index("110101", purpose="b")


def test_the_blind_index_depends_on_its_own_key(settings):
    before = blind_index(KNOWN_PHONE, purpose="p")
    settings.BLIND_INDEX_KEY = "another-key"
    assert blind_index(KNOWN_PHONE, purpose="p") != before


def test_rotating_keys_re_encrypts_every_value_under_the_new_key(people, settings, capsys):
    people.worker.phone = KNOWN_PHONE
    people.worker.save(update_fields=["phone"])
    old_keys = list(settings.ENCRYPTION_KEYS)
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode(), *old_keys]

    call_command("rotate_keys")
    out = capsys.readouterr().out
    assert "accounts.User.phone: 1 values re-encrypted" in out

    settings.ENCRYPTION_KEYS = settings.ENCRYPTION_KEYS[:1]  # the old key is gone now
    assert User.objects.get(pk=people.worker.pk).phone == KNOWN_PHONE


def test_a_value_sealed_under_an_unknown_key_is_an_error_not_garbage(people, settings):
    people.worker.phone = KNOWN_PHONE
    people.worker.save(update_fields=["phone"])
    settings.ENCRYPTION_KEYS = [Fernet.generate_key().decode()]
    with pytest.raises(encryption.DecryptionError):
        User.objects.get(pk=people.worker.pk)
