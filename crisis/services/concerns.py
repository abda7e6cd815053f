"""Writes of the crisis domain that start from people, not results (CRI-1): concern reports from
field staff and a counsellor's flag on an archive or a session.

Both only raise a risk signal (``crisis.services.intake.signal_raise``); the warning rules decide
what alert follows. A concern report's author sees nothing of that: the report is theirs, the
signal and its alert are clinical.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_record
from crisis.models import Alert, ConcernReport, RiskSignal
from crisis.permissions import REPORT_CONCERN

# Long enough for a careful account, short enough that a paste of a whole chat log is refused.
DESCRIPTION_MAX = 4000
SHORT_MAX = 500


def _text(value: str | None, *, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("Keep this under %(limit)s characters.") % {"limit": limit}})
    return text


def _concern_note(*, description: str, location: str, person_description: str) -> str:
    """The signal's note: what the reporter wrote, with where and who, for the clinical team."""
    lines = [description]
    if location:
        lines.append(_("Where: %(location)s") % {"location": location})
    if person_description:
        lines.append(_("Who: %(person)s") % {"person": person_description})
    return "\n".join(lines)


@transaction.atomic
def concern_report_submit(
    *,
    actor,
    description: str,
    resident: Resident | None = None,
    person_description: str = "",
    location: str = "",
    urgent: bool = False,
) -> ConcernReport:
    """Record a worry about someone (舆情信息) and raise a risk signal from it, in one transaction.

    Rules: only holders of REPORT_CONCERN may report. A named resident must be one the reporter
    sees (policy.filter_residents); anyone else is described in words. What they saw or heard is
    required, and so is either a resident or a description of the person. The signal goes to the
    resident's organisation unit, or the reporter's when the person is not registered. Nothing of
    the signal or its alert is returned to the reporter's pages: the report only says "received".
    """
    if not policy.has_permission(actor, REPORT_CONCERN):
        raise PermissionDenied
    description = _text(description, field="description", limit=DESCRIPTION_MAX)
    person_description = _text(person_description, field="person_description", limit=SHORT_MAX)
    location = _text(location, field="location", limit=SHORT_MAX)
    if not description:
        raise ValidationError({"description": _("Describe what you saw or heard.")})
    if resident is not None:
        visible = policy.filter_residents(actor, Resident.objects.filter(pk=resident.pk, is_anonymised=False))
        if not visible.exists():
            raise ValidationError(
                {
                    "resident": _(
                        "You can only name people registered in your area. Describe the person in "
                        "words instead."
                    )
                }
            )
    elif not person_description:
        raise ValidationError(
            {
                "person_description": _(
                    "Choose the person, or describe them in words (name, age, where they live or study)."
                )
            }
        )
    if actor.org_unit_id is None and resident is None:
        raise ValidationError(_("Your account has no organisation unit; ask the administrator."))

    from crisis.services.intake import signal_raise

    signal, _alert = signal_raise(
        source=RiskSignal.Source.CONCERN,
        resident=resident,
        # The form's "urgent" box asks whether the person may be in danger now: immediate danger,
        # which the default rules make red (docs/crisis.md).
        urgent=bool(urgent),
        immediate_danger=bool(urgent),
        note=_concern_note(description=description, location=location, person_description=person_description),
        reported_by=actor,
        subject_note=person_description,
        org_unit=resident.org_unit if resident is not None else actor.org_unit,
    )
    report = ConcernReport(
        reporter=actor,
        resident=resident,
        person_description=person_description,
        location=location,
        description=description,
        urgent=bool(urgent),
        signal=signal,
    )
    report.full_clean()
    report.save()
    # The audit names the report and whether it was urgent, never what was written in it.
    audit_record(
        actor=actor,
        action="concern_report.submitted",
        obj=report,
        details={"urgent": bool(urgent), "resident": resident.pk if resident is not None else None},
    )
    return report


def concern_report_record_view(*, actor, report: ConcernReport) -> None:
    """The reporter opening their receipt is audited like any other read (their list of reports is
    a list read: ``confidentiality.services.audit_list_read``)."""
    audit_record(actor=actor, action="concern_report.viewed", obj=report)


@transaction.atomic
def risk_flag_raise(
    *, actor, resident: Resident, note: str, immediate_danger: bool = False, session=None
) -> tuple[RiskSignal, Alert | None]:
    """A counsellor flags a risk they see in an archive or a session: a risk signal at once.

    Rules: FLAG_RISK and sight of the resident's clinical content (policy.can_see_clinical) are
    required; a session, if given, must be one of this resident's that the person sees. The note
    is required. "Immediate danger" is what the default rules turn into a red alert.
    """
    if not policy.can_flag_risk(actor, resident):
        raise PermissionDenied
    note = _text(note, field="note", limit=DESCRIPTION_MAX)
    if not note:
        raise ValidationError({"note": _("Describe the risk you see.")})
    if session is not None:
        from workflow.models import SessionRecord

        visible = policy.filter_case_children(actor, SessionRecord.objects.filter(pk=session.pk))
        if not visible.exists():
            raise PermissionDenied
        if session.case.resident_id != resident.pk:
            raise ValidationError({"session": _("This session is about someone else.")})
        note = _("Session %(number)s of case %(case)s: %(note)s") % {
            "number": session.number,
            "case": session.case.number,
            "note": note,
        }

    from crisis.services.intake import signal_raise

    signal, alert = signal_raise(
        source=RiskSignal.Source.COUNSELLOR,
        resident=resident,
        immediate_danger=bool(immediate_danger),
        note=note,
        reported_by=actor,
    )
    audit_record(
        actor=actor,
        action="risk_flag.raised",
        obj=resident.archive,
        details={
            "signal": signal.pk,
            "immediate_danger": bool(immediate_danger),
            "session": session.pk if session is not None else None,
        },
    )
    return signal, alert
