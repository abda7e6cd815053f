"""Campaign reports (SCR-3): band distribution by unit and group, positives, follow-up tasks,
and exports. Small cells are suppressed in the views for teachers and community staff."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from archives.models import ResidentTag, SpecialGroup
from assessments.labels import band_label, flag_labels
from assessments.library import get_instrument
from assessments.models import Assessment, Campaign
from confidentiality import policy
from confidentiality.services import audit_record
from lib.pdf import render_pdf
from lib.spreadsheets import append_row, write_rows, xlsx_bytes, xlsx_workbook
from workflow.models import FollowUpTask
from workflow.services.followups import follow_up_create

SMALL_CELL = 5
# Bands that call for a follow-up after screening (screener positives and the upper bands).
POSITIVE_BANDS = frozenset(
    {
        "positive",
        "moderately_severe",
        "severe",
        "high",
        "very_high",
        "serious",
        "probable_ptsd",
        "moderate_severe",
        "acute_positive",
        "non_acute_positive",
    }
)


def report_assessments(*, campaign: Campaign, within=None) -> QuerySet[Assessment]:
    """The campaign's results, limited to residents in ``within`` (an org unit) when given."""
    results = campaign.assessments.filter(valid=True)
    if within is not None:
        results = results.filter(resident__org_unit__path__startswith=within.path)
    return results


def _cell(count: int, suppress: bool) -> str | int:
    return f"<{SMALL_CELL}" if suppress and 0 < count < SMALL_CELL else count


def band_distribution(*, campaign: Campaign, suppress: bool, within=None) -> list[dict]:
    """For each instrument: counts per band, by unit and by special group."""
    rows = report_assessments(campaign=campaign, within=within).values_list(
        "instrument_code", "band", "resident__org_unit__name", "resident_id"
    )
    tags = defaultdict(set)
    for resident_id, tag in ResidentTag.objects.filter(
        resident__in=report_assessments(campaign=campaign, within=within).values("resident_id")
    ).values_list("resident_id", "tag"):
        tags[resident_id].add(tag)
    by_instrument: dict[str, dict] = {}
    for code, band, unit, resident_id in rows:
        entry = by_instrument.setdefault(
            code,
            {
                "bands": defaultdict(int),
                "units": defaultdict(lambda: defaultdict(int)),
                "tags": defaultdict(lambda: defaultdict(int)),
            },
        )
        entry["bands"][band] += 1
        entry["units"][unit or _("Anonymous")][band] += 1
        for tag in tags.get(resident_id, ()):
            entry["tags"][tag][band] += 1
    report = []
    for code, entry in sorted(by_instrument.items()):
        instrument = get_instrument(code)
        bands = sorted(entry["bands"], key=lambda b: _band_order(instrument, b))
        total = sum(entry["bands"].values())
        report.append(
            {
                "instrument": instrument,
                "name": instrument.data.get("short_name", code),
                "bands": [(b, band_label(instrument, b)) for b in bands],
                "totals": [
                    {
                        "band": b,
                        "n": _cell(entry["bands"][b], suppress),
                        # A suppressed cell draws no bar: its width would give the count away.
                        "percent": round(100 * entry["bands"][b] / total)
                        if total and _cell(entry["bands"][b], suppress) == entry["bands"][b]
                        else 0,
                    }
                    for b in bands
                ],
                "units": [
                    (unit, [_cell(counts[b], suppress) for b in bands])
                    for unit, counts in sorted(entry["units"].items())
                ],
                "tags": [
                    (
                        str(SpecialGroup(tag).label) if tag in SpecialGroup.values else tag,
                        [_cell(counts[b], suppress) for b in bands],
                    )
                    for tag, counts in sorted(entry["tags"].items())
                ],
                "total": _cell(total, suppress),
            }
        )
    return report


def _band_order(instrument, band: str) -> int:
    data = instrument.data
    candidates = list(data.get("bands", [])) + list(data.get("band_rules", []))[::-1]
    for values in data.get("bands_by_sex", {}).values():
        candidates += values
    for index, entry in enumerate(candidates):
        if entry.get("code", entry.get("band")) == band:
            return index
    return len(candidates)


def campaign_positives(*, campaign: Campaign) -> list[Assessment]:
    """Results that call for a follow-up: a positive or upper band, or any flag; named people
    only. Each carries ``instrument_name``, ``band_name`` and ``flag_names`` to be read by people."""
    positives = [
        assessment
        for assessment in campaign.assessments.exclude(resident=None)
        .select_related("resident", "resident__org_unit")
        .order_by("resident__name_pinyin", "instrument_code")
        if assessment.band in POSITIVE_BANDS or assessment.flags
    ]
    for assessment in positives:
        try:
            instrument = get_instrument(assessment.instrument_code, assessment.instrument_version)
        except KeyError:
            instrument = None
        assessment.instrument_name = (
            instrument.data.get("short_name", assessment.instrument_code)
            if instrument
            else assessment.instrument_code
        )
        assessment.band_name = band_label(instrument, assessment.band) if instrument else assessment.band
        assessment.flag_names = [label for _code, label in flag_labels(assessment.flags or [])]
    return positives


def _first_responsible(resident):
    """Who gets a screening follow-up: the first active counsellor responsible for the archive;
    nobody yet (the team's "not yet assigned" list) when no one is."""
    staff = get_user_model().objects.filter(responsible_archives__resident=resident, is_active=True)
    return staff.order_by("pk").first()


@transaction.atomic
def followups_create_for_positives(*, actor, campaign: Campaign) -> int:
    """One follow-up task per positive person in the campaign (跟踪、回访), made by someone who
    may see the positives (policy.can_see_campaign_positives); running it again adds only the
    missing ones (the campaign is locked meanwhile, so two clicks add them once). Flagged
    results are due sooner. Each task goes through workflow's ``follow_up_create`` (audited)."""
    if not policy.can_see_campaign_positives(actor):
        raise PermissionDenied
    Campaign.objects.select_for_update().filter(pk=campaign.pk).first()
    created = 0
    today = timezone.localdate()
    planned = set(
        FollowUpTask.objects.filter(campaign=campaign, source=FollowUpTask.Source.SCREENING).values_list(
            "resident_id", flat=True
        )
    )
    for assessment in campaign_positives(campaign=campaign):
        if assessment.resident_id in planned:
            continue  # one follow-up per person, even when several of their results are positive
        due = today + timedelta(days=1 if assessment.flags else 7)
        reason = _("Screening positive: %(instrument)s %(band)s") % {
            "instrument": assessment.instrument_name,
            "band": assessment.band_name,
        }
        follow_up_create(
            actor=actor,
            resident=assessment.resident,
            reason=reason,
            due_on=due,
            source=FollowUpTask.Source.SCREENING,
            assignee=_first_responsible(assessment.resident),
            campaign=campaign,
            assessment=assessment,
        )
        planned.add(assessment.resident_id)
        created += 1
    audit_record(actor=actor, action="campaign.followups_created", obj=campaign, details={"created": created})
    return created


def report_xlsx(*, campaign: Campaign, distribution: list[dict], positives: list[Assessment] | None) -> bytes:
    """The report as a workbook; names (people, units, the campaign) are written as text, never as
    formulas (lib.spreadsheets)."""
    workbook = xlsx_workbook(write_only=True)
    for block in distribution:
        sheet = workbook.create_sheet(block["name"][:31])
        append_row(sheet, [campaign.name])
        append_row(sheet, [_("Unit"), *[label for _code, label in block["bands"]]])
        write_rows(sheet, ([unit, *counts] for unit, counts in block["units"]))
        append_row(sheet, [])
        append_row(sheet, [_("Special group"), *[label for _code, label in block["bands"]]])
        write_rows(sheet, ([tag, *counts] for tag, counts in block["tags"]))
    if positives is not None:
        sheet = workbook.create_sheet(_("Positives")[:31])
        append_row(
            sheet,
            [
                pgettext("person", "Name"),
                _("Organisation unit"),
                _("Instrument"),
                _("Total"),
                _("Band"),
                _("Flags"),
            ],
        )
        write_rows(
            sheet,
            (
                [
                    a.resident.name,
                    a.resident.org_unit.name,
                    a.instrument_name,
                    a.total,
                    a.band_name,
                    "、".join(a.flag_names),
                ]
                for a in positives
            ),
        )
    return xlsx_bytes(workbook)


def report_pdf(*, campaign: Campaign, distribution: list[dict], suppressed: bool) -> bytes:
    html = render_to_string(
        "screening/report_pdf.html",
        {
            "campaign": campaign,
            "distribution": distribution,
            "suppressed": suppressed,
            "now": timezone.localtime(),
        },
    )
    return render_pdf(html)


def campaign_report_record_export(*, actor, campaign: Campaign, file_format: str) -> None:
    """An exported report leaves the system: record who took it and in which form."""
    audit_record(
        actor=actor, action="campaign.report_exported", obj=campaign, details={"format": file_format}
    )
