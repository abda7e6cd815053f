"""Helpers shared by the case and session tests (their fixtures are in case_fixtures.py)."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from confidentiality.models import ConsentKind, ConsentText
from confidentiality.services import consent_record, consent_text_publish
from conftest import login_fully
from workflow.models import Appointment

ZHANG_17 = "11010119900307123"
LI_17 = "11010119851111234"
PROBLEM = "失眠三个月，工作压力大"


def client_for(user) -> Client:
    return login_fully(Client(), user)


def consent_everything(people, resident) -> None:
    """The informed and sensitive-information consents, signed today."""
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = ConsentText.objects.filter(kind=kind, version="1").first() or consent_text_publish(
            actor=people.admin, kind=kind, version="1", title=str(kind), body="…"
        )
        consent_record(
            actor=people.archivist,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name=resident.name,
            channel="paper",
        )


def checked_in_appointment(people, site, resident, *, status=Appointment.Status.CHECKED_IN, **fields):
    """An appointment with the counsellor, checked in a few minutes ago (made directly: these
    tests are about cases, not about booking)."""
    starts = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=10)
    values = {
        "site": site,
        "counsellor": people.counsellor,
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=50),
        "service": Appointment.Service.COUNSELLING,
        "channel": Appointment.Channel.PHONE,
        "status": status,
        "resident": resident,
        "contact_name": resident.name if resident else "王五",
        "reason": "睡不好，心里烦",
        "created_by": people.counsellor,
    }
    values.update(fields)
    return Appointment.objects.create(**values)


def plan_values(**overrides):
    """A service plan of two months from today, changed by ``overrides``."""
    today = timezone.localdate()
    values = {
        "goals": "改善睡眠，学会放松",
        "content": "认知行为疗法，每次布置放松练习",
        "modality": "face_to_face",
        "frequency": "每周一次",
        "period_start": today,
        "period_end": today + timedelta(days=60),
    }
    values.update(overrides)
    return values
