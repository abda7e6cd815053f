"""Helpers shared by the tests of the warning engine (rules, signals, alerts, escalation)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta

from django.utils import timezone

from archives.services import archive_set_responsible, resident_register
from assessments.library import get_instrument
from assessments.models import Assessment
from assessments.scoring import score
from crisis import rules
from lib.identity import prc_id_check_character
from orgs.models import DutyShift, Room, ServiceSite


def id_number(n: int) -> str:
    first17 = f"330106198503{n:02d}{n:03d}"  # born 1985-03-n
    return first17 + prc_id_check_character(first17)


def resident_in(people, unit, n: int = 1, name: str = "王五", responsible=None):
    """A registered resident; ``responsible`` staff are set on the archive."""
    resident = resident_register(actor=people.director, name=name, org_unit=unit, id_number=id_number(n))
    if responsible:
        archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=list(responsible))
    return resident


def scored(code: str, answers: list, resident=None, save: bool = False) -> Assessment:
    """An assessment scored by the engine, as the services store it."""
    instrument = get_instrument(code)
    result = score(instrument, answers)
    assessment = Assessment(
        resident=resident,
        instrument_code=code,
        instrument_version=instrument.version,
        answers=json.dumps(answers),
        valid=result.valid,
        total=result.total,
        band=result.band or "",
        flags=result.flags,
        subscales=result.subscales,
        severe=result.severe,
        administered_at=timezone.now(),
    )
    if save:
        assessment.save()
    return assessment


def facts(code: str, answers: list) -> rules.SignalFacts:
    return rules.facts_for_assessment(scored(code, answers))


PHQ9_ITEM9_2 = [0, 0, 0, 0, 0, 0, 0, 0, 2]
PHQ9_ITEM9_1 = [0, 0, 0, 0, 0, 0, 0, 0, 1]
PHQ9_SEVERE = [3, 3, 3, 3, 3, 3, 3, 3, 0]  # 24
PHQ9_MODERATELY_SEVERE = [2, 2, 2, 2, 2, 2, 2, 2, 0]  # 16
PHQ9_NONE = [0] * 9


def on_duty(counsellor, unit, at: datetime, name: str = "站点") -> DutyShift:
    """Put ``counsellor`` on duty at a site of ``unit`` for the whole day of ``at``."""
    site = ServiceSite.objects.create(name=name, org_unit=unit)
    room = Room.objects.create(site=site, name="1")
    local = timezone.localtime(at)
    return DutyShift.objects.create(
        counsellor=counsellor,
        room=room,
        weekday=local.weekday(),
        starts=time(0, 0),
        ends=time(23, 59),
        valid_from=local.date() - timedelta(days=7),
    )
