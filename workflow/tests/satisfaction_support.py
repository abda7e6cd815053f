"""Helpers of the satisfaction tests: clients with closed cases, made with the ORM directly (the
case services are tested on their own). Each test module wraps ``make_served`` in a fixture."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from archives.services import resident_register
from conftest import login_fully
from lib.identity import prc_id_check_character
from workflow.models import Case

ZHANG_17 = "11010119900307123"
LI_17 = "11010119851111234"
ZHANG_PHONE = "13912345678"


def client_for(user) -> Client:
    return login_fully(Client(), user)


def public_url(survey) -> str:
    return reverse("portal:satisfaction", args=[survey.token])


def make_case(people, resident, *, number: str, counsellor=None, closed: bool = True) -> Case:
    now = timezone.now()
    counsellor = counsellor or people.counsellor
    return Case.objects.create(
        number=number,
        resident=resident,
        counsellor=counsellor,
        presenting_problem="失眠三个月",
        opened_at=now - timedelta(days=30),
        opened_by=counsellor,
        status=Case.Status.CLOSED if closed else Case.Status.OPEN,
        closed_at=now if closed else None,
        closed_by=counsellor if closed else None,
        outcome=Case.Outcome.RESOLVED if closed else "",
        closing_summary="睡眠改善" if closed else "",
    )


def make_served(people, tree) -> SimpleNamespace:
    """张三 (with a phone) in 柳岸第1网格 with a closed case of the counsellor, whose supervisor is
    ``supervisor``; 李四 (no phone) in 松林社区 with a closed case of the outsider."""
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    zhang = resident_register(
        actor=people.worker,
        name="张三",
        org_unit=tree.grid,
        id_number=ZHANG_17 + prc_id_check_character(ZHANG_17),
        phone=ZHANG_PHONE,
    )
    li = resident_register(
        actor=people.outsider,
        name="李四",
        org_unit=tree.pine,
        id_number=LI_17 + prc_id_check_character(LI_17),
    )
    return SimpleNamespace(
        zhang=zhang,
        li=li,
        case=make_case(people, zhang, number="C2026-0001"),
        other_case=make_case(people, li, number="C2026-0002", counsellor=people.outsider),
    )
