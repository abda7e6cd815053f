"""Writes of the hotline and online-consultation log (SVC-9)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_record
from workflow.handover import hand_over_hotline_risk
from workflow.models import Case, HotlineEntry
from workflow.permissions import LOG_HOTLINE

# Clocks of phones and PCs differ a little; a call "a few minutes from now" is a typo beyond this.
CLOCK_SKEW = timedelta(minutes=5)


def _check_links(actor, resident: Resident | None, case: Case | None) -> Resident | None:
    """The linked client and case must be ones the person may see; a case brings its client."""
    if case is not None:
        if not policy.filter_cases(actor, Case.objects.filter(pk=case.pk)).exists():
            raise ValidationError({"case": _("You can link only a case you can see.")})
        if resident is not None and resident.pk != case.resident_id:
            raise ValidationError({"case": _("The case belongs to another client.")})
        resident = case.resident
    if (
        resident is not None
        and not policy.filter_residents(actor, Resident.objects.filter(pk=resident.pk)).exists()
    ):
        raise ValidationError({"resident": _("You can link only a resident you can see.")})
    return resident


def _hotline_subject(entry: HotlineEntry) -> str:
    """What an alert about an unregistered caller says about them: whatever the caller left."""
    if entry.resident_id is not None:
        return ""
    who = (
        _("Anonymous caller")
        if entry.anonymous
        else " ".join(part for part in (entry.caller_name, entry.caller_contact) if part)
    )
    return _("%(who)s, %(channel)s, %(time)s") % {
        "who": who,
        "channel": entry.get_channel_display(),
        "time": timezone.localtime(entry.started_at).strftime("%Y-%m-%d %H:%M"),
    }


@transaction.atomic
def hotline_entry_record(
    *,
    actor,
    channel: str,
    started_at: datetime,
    duration_minutes: int,
    topic: str,
    action: str,
    anonymous: bool = True,
    caller_name: str = "",
    caller_contact: str = "",
    summary: str = "",
    action_note: str = "",
    risk_suicidal_thoughts: bool = False,
    risk_plan: bool = False,
    risk_means: bool = False,
    risk_harm_to_others: bool = False,
    risk_immediate_danger: bool = False,
    resident: Resident | None = None,
    case: Case | None = None,
) -> HotlineEntry:
    """Log one hotline call or online consultation.

    An anonymous caller leaves no name or contact behind, so an entry marked anonymous that carries
    a typed name or number is refused rather than silently dropping what was typed (a callback
    number lost without a word is a caller nobody can call back); a named one needs a name or a
    contact. A linked resident or case must be one the person may see. Any
    "yes" in the risk check writes a risk signal (source hotline, flags = the items answered yes)
    in the same transaction, and the warning rules turn it into an alert at once.
    """
    if not policy.has_permission(actor, LOG_HOTLINE):
        raise PermissionDenied
    if started_at is None or timezone.is_naive(started_at):
        raise ValidationError({"started_at": _("Give the date and time of the call.")})
    if started_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"started_at": _("The call cannot start in the future.")})
    if anonymous and (caller_name.strip() or caller_contact.strip()):
        raise ValidationError(
            {
                "anonymous": _(
                    'A name or contact was typed for an anonymous caller: untick "anonymous" to '
                    "keep them, or clear them."
                )
            }
        )
    if not anonymous and not (caller_name.strip() or caller_contact.strip()):
        raise ValidationError(
            {"caller_name": _("Give the caller's name or contact, or mark the caller as anonymous.")}
        )
    resident = _check_links(actor, resident, case)
    entry = HotlineEntry(
        channel=channel,
        started_at=started_at,
        duration_minutes=duration_minutes,
        anonymous=anonymous,
        caller_name=caller_name.strip(),
        caller_contact=caller_contact.strip(),
        topic=topic,
        summary=summary.strip(),
        risk_suicidal_thoughts=risk_suicidal_thoughts,
        risk_plan=risk_plan,
        risk_means=risk_means,
        risk_harm_to_others=risk_harm_to_others,
        risk_immediate_danger=risk_immediate_danger,
        action=action,
        action_note=action_note.strip(),
        resident=resident,
        case=case,
        recorded_by=actor,
    )
    entry.full_clean(exclude=["signal"])
    if entry.risk_positive:
        entry.signal = hand_over_hotline_risk(entry, actor=actor, subject_note=_hotline_subject(entry))
    entry.save()
    audit_record(
        actor=actor,
        action="hotline_entry.recorded",
        obj=entry,
        details={"channel": channel, "risk_positive": entry.risk_positive, "signal": entry.signal_id},
    )
    return entry


def hotline_entry_record_view(*, actor, entry: HotlineEntry) -> None:
    """Every opening of an entry (what the caller said, the risk check) is written to the audit log."""
    audit_record(actor=actor, action="hotline_entry.viewed", obj=entry)
