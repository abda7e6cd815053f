"""Reads of the assessments domain: results, versions and trends with reliable change (ASM-5)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from archives.timeline import TimelineEntry
from confidentiality import policy

from .labels import band_label, flag_labels
from .library import Instrument, get_instrument
from .models import Assessment


def current_assessments(*, user, resident) -> QuerySet[Assessment]:
    """The newest version of each of the resident's assessments that the person may see."""
    return policy.filter_assessments(
        user, Assessment.objects.filter(resident=resident, superseded_by__isnull=True)
    ).order_by("-administered_at", "-pk")


def assessment_versions(*, assessment: Assessment) -> list[Assessment]:
    """This result and the versions it replaced, newest first."""
    versions = [assessment]
    while versions[-1].supersedes_id:
        versions.append(Assessment.objects.get(pk=versions[-1].supersedes_id))
    return versions


@dataclass(frozen=True)
class TrendPoint:
    assessment: Assessment
    total: float
    rci: float | None  # against the previous point
    reliable: str  # "improved", "worsened", "" (no reliable change or not computable)


def reliable_change_index(instrument: Instrument, before: float, after: float) -> float | None:
    """Jacobson & Truax (1991): RCI = (x2 − x1) / S_diff, S_diff = √2 · SD · √(1 − r).

    r and SD come from the instrument file (its `reliability` block names their source).
    """
    reliability = instrument.data.get("reliability")
    if not reliability:
        return None
    standard_error = reliability["sd"] * math.sqrt(1 - reliability["value"])
    s_diff = math.sqrt(2) * standard_error
    return (after - before) / s_diff if s_diff else None


def trend(*, user, resident, instrument: Instrument) -> list[TrendPoint]:
    """Valid results of one instrument over time, oldest first, each marked with reliable change
    (|RCI| > 1.96) against the one before."""
    rows = list(
        current_assessments(user=user, resident=resident)
        .filter(instrument_code=instrument.code, valid=True)
        .order_by("administered_at", "pk")
    )
    points: list[TrendPoint] = []
    for index, assessment in enumerate(rows):
        rci, reliable = None, ""
        if index:
            rci = reliable_change_index(instrument, rows[index - 1].total, assessment.total)
            if rci is not None and abs(rci) > 1.96:
                better = (rci > 0) == instrument.higher_is_better
                reliable = "improved" if better else "worsened"
        points.append(TrendPoint(assessment=assessment, total=assessment.total, rci=rci, reliable=reliable))
    return points


def archive_assessment_entries(resident, *, clinical: bool) -> list:
    """The person's current assessments as archive timeline entries (clinical: none otherwise)."""
    if not clinical:
        return []
    entries = []
    for assessment in resident.assessments.filter(superseded_by__isnull=True):
        instrument = get_instrument(assessment.instrument_code, assessment.instrument_version)
        label = instrument.data.get("short_name") or assessment.instrument_code.upper()
        band = band_label(instrument, assessment.band)
        result = f"{assessment.display_total} · {band}" if assessment.valid else _("incomplete")
        entries.append(
            TimelineEntry(
                assessment.administered_at,
                "assessment",
                _("Assessment %(instrument)s: %(result)s") % {"instrument": label, "result": result},
                "、".join(label for _code, label in flag_labels(assessment.flags)),
                clinical=True,
                url=f"/staff/assessments/{assessment.pk}/",
            )
        )
    return entries
