"""Writes of the assessments domain."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Archive
from confidentiality import policy
from confidentiality.services import audit_record, require_clinical_consent

from .handover import hand_over_result
from .labels import answer_error
from .library import get_instrument
from .models import Assessment
from .scoring import AnswerError, score


def _answers_json(answers) -> str:
    return json.dumps([None if a in (None, "-", "") else a for a in answers], ensure_ascii=False)


def _store(
    *,
    actor,
    resident,
    instrument_code: str,
    answers,
    context: str,
    supersedes=None,
    reason: str = "",
    administered_at=None,
):
    try:
        instrument = get_instrument(instrument_code)
    except KeyError as exc:
        raise ValidationError({"instrument": _("Unknown instrument.")}) from exc
    sex = resident.sex if resident.sex in ("M", "F") else None
    try:
        result = score(instrument, answers, sex)
    except AnswerError as exc:
        raise ValidationError({"answers": answer_error(exc)[1]}) from exc
    assessment = Assessment(
        resident=resident,
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        answers=_answers_json(answers),
        sex_used=sex or "",
        valid=result.valid,
        total=result.total,
        band=result.band or "",
        flags=result.flags,
        subscales=result.subscales,
        severe=result.severe,
        context=context,
        administered_at=administered_at or timezone.now(),
        administered_by=actor if getattr(actor, "is_authenticated", False) else None,
        supersedes=supersedes,
        correction_reason=reason,
    )
    assessment.full_clean(exclude=["resident", "administered_by", "supersedes"])
    assessment.save()
    hand_over_result(assessment, actor=actor)
    Archive.objects.filter(resident=resident).update(last_activity_at=timezone.now())
    return assessment


def _require_clinical(actor, resident) -> None:
    if not policy.can_assess_resident(actor, resident):
        raise PermissionDenied


@transaction.atomic
def assessment_record(*, actor, resident, instrument_code: str, answers, administered_at=None) -> Assessment:
    """A staff member gives an instrument to a resident on their team's caseload.

    Needs valid clinical consent (informed and sensitive-information); the result is scored by the
    engine, stored with the instrument version, and never changed afterwards. A paper form given
    earlier may be entered with the day it was given, never a future one.
    """
    _require_clinical(actor, resident)
    require_clinical_consent(resident=resident)
    if administered_at is not None and administered_at > timezone.now():
        raise ValidationError({"administered_at": _("The date cannot be in the future.")})
    assessment = _store(
        actor=actor,
        resident=resident,
        instrument_code=instrument_code,
        answers=answers,
        context=Assessment.Context.STAFF,
        administered_at=administered_at,
    )
    audit_record(
        actor=actor,
        action="assessment.recorded",
        obj=resident,
        details={"assessment": assessment.pk, "instrument": assessment.instrument_code},
    )
    return assessment


@transaction.atomic
def assessment_correct(*, actor, assessment: Assessment, answers, reason: str) -> Assessment:
    """Correct an entry error: a new version supersedes the old one, which is kept as it was."""
    _require_clinical(actor, assessment.resident)
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    if Assessment.objects.filter(supersedes=assessment).exists():
        raise ValidationError(_("This result has already been corrected; correct the newest version."))
    corrected = _store(
        actor=actor,
        resident=assessment.resident,
        instrument_code=assessment.instrument_code,
        answers=answers,
        context=assessment.context,
        supersedes=assessment,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor,
        action="assessment.corrected",
        obj=assessment.resident,
        reason=reason.strip(),
        details={"assessment": corrected.pk, "supersedes": assessment.pk},
    )
    return corrected


def assessment_record_view(*, actor, assessment: Assessment) -> None:
    audit_record(
        actor=actor,
        action="assessment.viewed",
        obj=assessment.resident,
        details={"assessment": assessment.pk},
    )
