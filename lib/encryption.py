"""Encryption at rest and keyed blind indexes (CONF-7).

Values are sealed with Fernet (AES-128-CBC with HMAC-SHA256: authenticated encryption) through
MultiFernet, so that several keys can be live at once: the first key in
``settings.ENCRYPTION_KEYS`` encrypts, every key decrypts, and ``rotate_keys`` re-seals old
tokens under the first key. Blind indexes are HMAC-SHA256 over a normalised value with a key of
their own, so equal values can be found without decrypting the table.
"""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver


class DecryptionError(Exception):
    """A stored value could not be decrypted with any configured key."""


@cache
def _fernet() -> MultiFernet:
    keys = settings.ENCRYPTION_KEYS
    if not keys:
        raise ImproperlyConfigured("XINQIAO_ENCRYPTION_KEYS holds no key.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "XINQIAO_ENCRYPTION_KEYS must be comma-separated Fernet keys (32 url-safe base64 bytes)."
        ) from exc


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs) -> None:
    if setting == "ENCRYPTION_KEYS":
        _fernet.cache_clear()


def new_key() -> str:
    return Fernet.generate_key().decode()


def encrypt(plaintext: str) -> str:
    return _fernet().encrypt(plaintext.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError) as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def rotate(token: str) -> str:
    """Re-seal ``token`` under the primary key (a no-op in meaning, a new ciphertext)."""
    try:
        return _fernet().rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken as exc:
        raise DecryptionError("stored value cannot be decrypted with the configured keys") from exc


def normalise(value: str) -> str:
    """The canonical form that blind indexes hash: NFKC, no spaces or dashes, upper case.

    NFKC folds full-width digits and letters (common in Chinese input methods) to ASCII, so
    "１１０１０１…" and "110101…" index alike; an ID number's check letter "x" matches "X".
    """
    folded = unicodedata.normalize("NFKC", value)
    return "".join(ch for ch in folded if not ch.isspace() and ch not in "-()").upper()


def blind_index(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 of the normalised value; ``purpose`` keeps indexes of different fields apart."""
    key = settings.BLIND_INDEX_KEY.encode("utf-8")
    message = f"{purpose}\x00{normalise(value)}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()
