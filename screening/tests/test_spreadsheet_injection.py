"""Issue 18, item 10: names typed in by people never reach a spreadsheet as a live formula.

A resident, a campaign and an organisation unit named like a formula are screened; every
spreadsheet the screening hands out (the campaign report for the director, the project lead and
the teacher; the import templates) keeps those names as text.
"""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from archives.services import resident_register
from confidentiality.roles import Role
from conftest import login_fully, make_user
from lib.identity import prc_id_check_character
from orgs.models import UnitKind
from orgs.services import org_unit_create
from screening.services import SelfTestConsent, campaign_create, campaign_set_status, selftest_submit

pytestmark = pytest.mark.django_db

PAYLOADS = ["=1+1", '=HYPERLINK("http://evil.example","点此")', "+1", "-1+2", "@SUM(A1)"]
CAMPAIGN_NAME = '=HYPERLINK("http://evil.example","点此")'
UNIT_NAME = "=1+1"


@pytest.fixture
def hostile(people, tree):
    """A class named like a formula, its teacher, and one resident per payload, all screened."""
    klass = org_unit_create(actor=None, name=UNIT_NAME, kind=UnitKind.CLASS, parent=tree.grade)
    teacher = make_user("formula_teacher", Role.TEACHER, klass)
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name=CAMPAIGN_NAME,
        instruments=["phq2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today,
        ends_on=today + timedelta(days=5),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    for n, name in enumerate(PAYLOADS):
        first17 = f"3301062010020{n + 1}12{n}"
        resident = resident_register(
            actor=people.director,
            name=name,
            org_unit=klass,
            id_number=first17 + prc_id_check_character(first17),
            guardian_name="家长",
            guardian_relation="母亲",
            guardian_phone="13900001111",
            tags=["student"],
        )
        selftest_submit(
            campaign=campaign,
            resident=resident,
            answers={"phq2": [3, 3], "phq9": [2, 2, 2, 2, 2, 2, 2, 2, 0]},
            idempotency_key=f"formula-{n}",
            consent=SelfTestConsent.now(agreed=True),
        )
    return type("Hostile", (), {"campaign": campaign, "teacher": teacher, "klass": klass})


def cells(content: bytes) -> list:
    workbook = load_workbook(io.BytesIO(content))
    return [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]


def assert_no_formula(content: bytes) -> list[str]:
    """No cell is a formula; returns the text of every cell, for the caller to look for names."""
    found = cells(content)
    formulas = [(cell.coordinate, cell.value) for cell in found if cell.data_type == "f"]
    assert formulas == []
    return [cell.value for cell in found if isinstance(cell.value, str)]


def report_xlsx(client: Client, campaign) -> bytes:
    url = reverse("screening:campaign_report", args=[campaign.pk]) + "?format=xlsx"
    response = client.get(url)
    assert response.status_code == 200
    return response.content


def test_the_directors_report_keeps_formula_like_names_of_people_units_and_campaign_as_text(people, hostile):
    texts = assert_no_formula(report_xlsx(login_fully(Client(), people.director), hostile.campaign))
    for name in [*PAYLOADS, CAMPAIGN_NAME, UNIT_NAME]:
        assert name in texts


@pytest.mark.parametrize("who", ["lead", "teacher"])
def test_the_report_without_names_keeps_formula_like_unit_and_campaign_names_as_text(people, hostile, who):
    user = hostile.teacher if who == "teacher" else people.lead
    texts = assert_no_formula(report_xlsx(login_fully(Client(), user), hostile.campaign))
    assert CAMPAIGN_NAME in texts and UNIT_NAME in texts
    # No one's name in this report (two of the names are also the campaign's and the unit's).
    assert not (set(PAYLOADS) - {CAMPAIGN_NAME, UNIT_NAME}) & set(texts)


def template(client: Client, campaign, file_format: str) -> bytes:
    url = reverse("screening:campaign_import_template", args=[campaign.pk])
    response = client.get(url, {"instrument": "phq2", "format": file_format})
    assert response.status_code == 200
    return response.content


def test_the_xlsx_import_template_of_a_formula_named_campaign_has_no_formula(people, hostile):
    texts = assert_no_formula(template(login_fully(Client(), people.director), hostile.campaign, "xlsx"))
    assert any(CAMPAIGN_NAME in text for text in texts)


def test_the_csv_import_template_starts_no_cell_with_a_formula_sign(people, hostile):
    content = template(login_fully(Client(), people.director), hostile.campaign, "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert rows and all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)
