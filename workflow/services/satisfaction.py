"""Writes of satisfaction feedback (SVC-7)."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from confidentiality.services import audit_record
from workflow.models import Appointment, Case, SatisfactionSurvey


@transaction.atomic
def satisfaction_survey_issue(
    *, actor, case: Case | None = None, appointment: Appointment | None = None
) -> SatisfactionSurvey:
    """Make a one-time feedback link for a completed service (a closed case or a completed
    appointment). The token is unguessable; the link expires after XINQIAO_SATISFACTION_LINK_DAYS."""
    resident = case.resident if case else (appointment.resident if appointment else None)
    counsellor = case.counsellor if case else (appointment.counsellor if appointment else None)
    survey = SatisfactionSurvey(
        token=secrets.token_urlsafe(24),
        channel=SatisfactionSurvey.Channel.LINK,
        case=case,
        appointment=appointment,
        resident=resident,
        counsellor=counsellor,
        expires_at=timezone.now() + timedelta(days=settings.XINQIAO_SATISFACTION_LINK_DAYS),
    )
    survey.full_clean()
    survey.save()
    audit_record(actor=actor, action="satisfaction.issued", obj=survey)
    return survey
