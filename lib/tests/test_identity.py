"""lib.identity: PRC ID numbers, phone numbers and masks."""

from __future__ import annotations

from datetime import date

import pytest

from lib.identity import (
    InvalidIdNumber,
    InvalidPhone,
    display_phone,
    mask_id_number,
    normalise_phone,
    parse_prc_id_number,
    prc_id_check_character,
)

FIRST17 = "11010519491231002"
VALID = FIRST17 + prc_id_check_character(FIRST17)


def test_a_valid_number_gives_birth_date_and_sex_whatever_the_spacing_or_case():
    facts = parse_prc_id_number(f" {VALID[:6]} {VALID[6:].lower()} ")
    assert facts.number == VALID and facts.birth_date == date(1949, 12, 31) and facts.sex == "F"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("12345", "format"),
        (FIRST17 + ("0" if VALID[-1] != "0" else "1"), "checksum"),
        ("11010519491331" + "002", "birth_date"),  # month 13
    ],
)
def test_a_wrong_number_says_why(value, reason):
    if len(value) == 17:
        value += prc_id_check_character(value)
    with pytest.raises(InvalidIdNumber) as error:
        parse_prc_id_number(value)
    assert error.value.reason == reason


def test_a_birth_date_after_today_is_refused():
    first17 = "11010520300101001"
    with pytest.raises(InvalidIdNumber):
        parse_prc_id_number(first17 + prc_id_check_character(first17), today=date(2026, 12, 5))


def test_phones_are_stored_in_e164_and_shown_in_the_national_form():
    assert normalise_phone("139 1234 5678") == "+8613912345678"
    assert display_phone("+8613912345678") == "139 1234 5678"
    assert display_phone("") == ""
    with pytest.raises(InvalidPhone):
        normalise_phone("12345")


def test_a_mask_never_shows_most_of_the_number():
    assert mask_id_number(VALID) == VALID[:4] + "*" * 12 + VALID[-2:]
    assert mask_id_number("G1234567") == "G1****67"
    assert mask_id_number("12345") == "*****" and mask_id_number("") == ""
