"""The volunteers' world: 李奶奶 in 柳岸第1网格, visited by the volunteer (an active profile,
coordinated by the counsellor), with the resident's consent and an active fortnightly assignment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone

from archives.services import resident_register
from confidentiality.models import ConsentKind
from confidentiality.services import consent_text_publish
from lib.identity import prc_id_check_character
from volunteers import services

LI_17 = "11010119440307123"


def register(people, tree, name="李奶奶", first17=LI_17, unit=None, phone="13812345678"):
    return resident_register(
        actor=people.worker,
        name=name,
        org_unit=unit or tree.grid,
        id_number=first17 + prc_id_check_character(first17),
        phone=phone,
        address="柳岸路8号3单元",
        emergency_name="李强",
        emergency_phone="13900001111",
    )


def active_profile(people, user, coordinator):
    profile = services.volunteer_profile_create(actor=coordinator, user=user, coordinator=coordinator)
    services.volunteer_training_record(
        actor=coordinator,
        profile=profile,
        course="探访志愿者岗前培训",
        completed_on=timezone.localdate() - timedelta(days=30),
        hours=Decimal("8"),
    )
    services.volunteer_transition(actor=coordinator, profile=profile, action="train")
    services.volunteer_agreement_sign(actor=coordinator, profile=profile, signed_on=timezone.localdate())
    services.volunteer_transition(actor=coordinator, profile=profile, action="activate")
    return profile


def active_assignment(coordinator, profile, resident, *, frequency=14, now=None):
    assignment = services.assignment_propose(
        actor=coordinator, volunteer=profile, resident=resident, reason="empty_nest", frequency_days=frequency
    )
    services.assignment_record_consent(
        actor=coordinator, assignment=assignment, consent_on=timezone.localdate(), channel="verbal"
    )
    return services.assignment_activate(actor=coordinator, assignment=assignment, now=now)


@pytest.fixture
def agreement(people):
    return consent_text_publish(
        actor=people.admin, kind=ConsentKind.VOLUNTEER, version="1", title="志愿者保密协议", body="……"
    )


@pytest.fixture
def world(people, tree, agreement):
    resident = register(people, tree)
    profile = active_profile(people, people.volunteer, people.counsellor)
    assignment = active_assignment(people.counsellor, profile, resident)
    return SimpleNamespace(resident=resident, profile=profile, assignment=assignment)
