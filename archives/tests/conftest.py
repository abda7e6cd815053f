"""Shared fixtures of the archives tests: consent texts, a registered resident, valid ID numbers."""

from __future__ import annotations

import ast
from datetime import date
from functools import cache
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.models import Resident
from archives.services import archive_set_responsible, resident_register
from confidentiality.models import ConsentKind
from confidentiality.services import consent_record, consent_text_publish
from conftest import login_fully
from lib.identity import prc_id_check_character

ZHANG_17 = "11010119900307123"  # born 1990-03-07, sequence 123 (odd: a man)
ZHANG_PHONE = "13912345678"
ZHANG_ADDRESS = "柳岸路8号3单元502室"


def valid_id(first17: str) -> str:
    """The 18-character ID number for these 17 digits, with the right check character."""
    assert len(first17) == 17 and first17.isdigit()
    return first17 + prc_id_check_character(first17)


def id_born(born: date, sequence: str = "123", area: str = "110101") -> str:
    """A valid ID number for someone born on this day (an odd third sequence digit is a man)."""
    return valid_id(f"{area}{born:%Y%m%d}{sequence}")


def years_ago(years: int) -> date:
    """Today's date that many years back (the 28th at the latest, so that it always exists)."""
    today = timezone.localdate()
    return today.replace(year=today.year - years, day=min(today.day, 28))


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    other = next(c for c in "0123456789X" if c != last)
    return number[:-1] + other


PO_FILE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@cache
def _po_catalogue() -> dict[str, str]:
    """msgid → msgstr of the Simplified Chinese catalogue, read from the .po source itself."""
    catalogue, key, fuzzy = {}, None, False
    current = {"msgid": "", "msgstr": ""}
    for line in [*PO_FILE.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            current[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            current[key] += ast.literal_eval(line)
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True  # a fuzzy entry is not compiled: it is no translation yet
        elif not line:
            if current["msgstr"] and not fuzzy:
                catalogue[current["msgid"]] = current["msgstr"]
            current, key, fuzzy = {"msgid": "", "msgstr": ""}, None, False
    return catalogue


def po_chinese(msgid: str) -> str:
    """The Chinese text locale/zh_Hans/LC_MESSAGES/django.po gives for this English message."""
    text = _po_catalogue().get(msgid)
    if not text:
        pytest.fail(f"No Chinese translation in {PO_FILE.relative_to(settings.BASE_DIR)} for {msgid!r}")
    return text


def url(name, *args):
    return reverse(f"archives:{name}", args=args)


def correction_data(resident, **overrides):
    """The correction form as the screen sends it: every current value, then the changes."""
    data = {
        "name": resident.name,
        "document_type": resident.document_type,
        "id_number": resident.id_number,
        "sex": resident.sex,
        "birth_date": resident.birth_date.isoformat() if resident.birth_date else "",
        "phone": resident.phone,
        "address": resident.address,
        "org_unit": resident.org_unit_id,
        "guardian_name": resident.guardian_name,
        "guardian_relation": resident.guardian_relation,
        "guardian_phone": resident.guardian_phone,
        "emergency_name": resident.emergency_name,
        "emergency_relation": resident.emergency_relation,
        "emergency_phone": resident.emergency_phone,
        "reason": "",
    }
    data.update(overrides)
    return data


def client_for(user) -> Client:
    """A fresh client logged in fully as ``user`` (each person gets their own session)."""
    return login_fully(Client(), user)


def register(actor, unit, name="张三", **fields) -> Resident:
    """Register a resident through the service, with a fresh valid ID number unless one is given."""
    return resident_register(actor=actor, name=name, org_unit=unit, **fields)


@pytest.fixture
def consent_texts(people):
    """The three consent texts, version 1, published by the administrator."""
    titles = {
        ConsentKind.INFORMED: "知情同意书",
        ConsentKind.CONFIDENTIALITY: "保密协议",
        ConsentKind.SENSITIVE_INFO: "敏感个人信息处理同意书",
    }
    return {
        kind: consent_text_publish(
            actor=people.admin, kind=kind, version="1", title=title, body=f"{title}正文"
        )
        for kind, title in titles.items()
    }


@pytest.fixture
def resident(people, tree) -> Resident:
    """张三, registered by the grid worker in 柳岸第1网格 with an ID number, phone and address."""
    return register(
        people.worker,
        tree.grid,
        id_number=valid_id(ZHANG_17),
        phone=ZHANG_PHONE,
        address=ZHANG_ADDRESS,
    )


@pytest.fixture
def assigned(people, resident) -> Resident:
    """张三 with the counsellor made responsible by the archive manager."""
    archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=[people.counsellor])
    return resident


# Two residents in different subdistricts, shared by the screen and API IDOR tests.
WILLOW, PINE = "willow", "pine"


@pytest.fixture
def world(people, tree, consent_texts):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save()
    willow = register(
        people.worker, tree.grid, name="张三", id_number=valid_id("11010119900307123"), phone="13912345678"
    )
    pine = register(
        people.outsider, tree.pine, name="李四", id_number=valid_id("11010119851111234"), phone="13600003333"
    )
    archive_set_responsible(actor=people.archivist, archive=willow.archive, staff=[people.counsellor])
    consents = {
        who: consent_record(
            actor=people.archivist,
            resident=resident,
            text=consent_texts[ConsentKind.INFORMED],
            signed_on=timezone.localdate(),
            signer="self",
            signer_name=resident.name,
            channel="paper",
        )
        for who, resident in ((WILLOW, willow), (PINE, pine))
    }
    return type("World", (), {"residents": {WILLOW: willow, PINE: pine}, "consents": consents})
