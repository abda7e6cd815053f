"""Model fields for encryption at rest (CONF-7)."""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db import models

from lib import encryption


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees plaintext.

    The ciphertext is random per write, so the column cannot be searched or compared: pair it with
    a ``BlindIndexField`` for exact-match look-ups. Only ``isnull`` lookups are allowed, to make an
    accidental ``filter(phone=…)`` fail loudly instead of silently matching nothing.
    """

    encrypted = True
    description = "Text encrypted at rest"

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return encryption.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encryption.encrypt(str(value))

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            raise FieldError(
                f"{self.model.__name__}.{self.name} is encrypted; search its blind index instead."
            )
        return super().get_lookup(lookup_name)


class BlindIndexField(models.CharField):
    """Hex HMAC-SHA256 of a normalised value (see lib.encryption.blind_index)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)


def encrypted_fields(model: type[models.Model]) -> list[models.Field]:
    return [field for field in model._meta.concrete_fields if getattr(field, "encrypted", False)]
