"""Helpers of the campaign and self-test tests (screening/tests, portal/tests): a student on file
and a running campaign over the school. Each test module wraps them in fixtures."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from archives.services import resident_register
from lib.identity import prc_id_check_character
from screening.services import campaign_create, campaign_set_status

FIRST17 = "33010620100901123"
ID_NUMBER = FIRST17 + prc_id_check_character(FIRST17)


def make_student(people, tree):
    return resident_register(
        actor=people.teacher,
        name="小明",
        org_unit=tree.klass,
        id_number=ID_NUMBER,
        guardian_name="王芳",
        guardian_relation="母亲",
        guardian_phone="13900001111",
    )


def make_campaign(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="七年级心理普查",
        instruments=["phq2", "gad2"],
        target_units=[tree.school],
        target_tags=[],
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=14),
        identification="id_number",
        guardian_consent_method="家长会书面签署知情同意书",
    )
    return campaign_set_status(actor=people.director, campaign=campaign, status="running")
