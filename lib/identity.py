"""Identity documents and phone numbers: validation and normalisation (ARC-1)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import phonenumbers

# GB 11643-1999: weights and check characters of the 18-digit citizen identity number.
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")


class InvalidIdNumber(ValueError):
    """The reason is one of: format, checksum, birth_date."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class IdNumberFacts:
    number: str
    birth_date: date
    sex: str  # "M" or "F"


def normalise_id_number(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def parse_prc_id_number(value: str, *, today: date | None = None) -> IdNumberFacts:
    """Validate an 18-digit PRC identity number and read the birth date and sex it encodes.

    Digits 7–14 are the birth date, digit 17 is odd for men and even for women, and the last
    character is a checksum over the first 17 (ISO 7064 MOD 11-2).
    """
    number = normalise_id_number(value)
    if not _ID_PATTERN.match(number):
        raise InvalidIdNumber("format")
    total = sum(int(digit) * weight for digit, weight in zip(number[:17], _WEIGHTS, strict=True))
    if _CHECK[total % 11] != number[17]:
        raise InvalidIdNumber("checksum")
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise InvalidIdNumber("birth_date") from exc
    if born.year < 1900 or born > (today or date.today()):  # noqa: DTZ011 - a calendar date, no zone
        raise InvalidIdNumber("birth_date")
    return IdNumberFacts(number=number, birth_date=born, sex="M" if int(number[16]) % 2 else "F")


def prc_id_check_character(first17: str) -> str:
    """The check character for 17 digits (used by demo data and tests to make valid numbers)."""
    return _CHECK[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


class InvalidPhone(ValueError):
    pass


def normalise_phone(value: str, *, region: str = "CN") -> str:
    """E.164 form of a valid phone number (mainland mobiles and landlines, or +country numbers)."""
    try:
        parsed = phonenumbers.parse(value.strip(), region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone(str(exc)) from exc
    if not phonenumbers.is_valid_number(parsed):
        raise InvalidPhone("not a valid number")
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_phone(e164: str) -> str:
    """A readable national form for display: 139 1234 5678, 0571 8800 1234."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "CN")
    except phonenumbers.NumberParseException:
        return e164
    if parsed.country_code == 86:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def tel_uri(value: str) -> str:
    """A ``tel:`` link for a phone number as stored: E.164 when it is a valid number, otherwise
    the digits (and a leading +) as typed, since a dialler stops at a space or a dash."""
    value = (value or "").strip()
    if not value:
        return ""
    try:
        number = normalise_phone(value)
    except InvalidPhone:
        number = ("+" if value.startswith("+") else "") + "".join(ch for ch in value if ch.isdigit())
    return f"tel:{number}" if number.strip("+") else ""


def mask_id_number(value: str) -> str:
    """Show the first 4 and last 2 characters of an ID card number (first 2 of a shorter document
    number): enough to tell records apart, never most of the number."""
    if not value:
        return ""
    if len(value) <= 6:
        return "*" * len(value)
    head = 4 if len(value) >= 15 else 2
    return f"{value[:head]}{'*' * (len(value) - head - 2)}{value[-2:]}"
