"""Writes of the group counselling domain (PRG-2): programmes, members, sessions, attendance and
the pre/post scores (stored as real assessments through the assessments domain)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from archives.models import Resident
from assessments.library import available_instruments
from assessments.services import assessment_record
from confidentiality import policy
from confidentiality.models import ConsentKind, ConsentText
from confidentiality.services import audit_record, consent_record, require_clinical_consent
from lib.dates import AHEAD_DAYS, OUT_OF_RANGE, in_range, require_not_too_far_ahead
from workflow.models import Case, Modality
from workflow.services.sessions import session_record_create

from .models import Attendance, GroupMember, GroupProgramme, GroupSession

# Attendance may be saved from a few minutes before the start (clocks differ); a session later
# than that has not been held yet.
CLOCK_SKEW = timedelta(minutes=5)
# Session records written from a group attendance get a key derived from the attendance, so
# two leaders saving the same register at the same moment still write one record.
ATTENDANCE_KEYS = uuid.UUID("5b0c6a52-8f0e-4d43-9a1e-6f3f7e2b9c10")


def _require_leader(actor, programme: GroupProgramme) -> None:
    if not policy.can_lead_group(actor, programme):
        raise PermissionDenied


def _require_in_range(moment: datetime | None, *, field: str) -> None:
    # A typed year such as 0001 would overflow the session and window arithmetic (a 500).
    if moment is not None and not in_range(moment.date()):
        raise ValidationError({field: OUT_OF_RANGE})


def _lock(programme: GroupProgramme) -> GroupProgramme:
    return GroupProgramme.objects.select_for_update().get(pk=programme.pk)


# -- programmes ------------------------------------------------------------------------------


@transaction.atomic
def programme_create(
    *,
    actor,
    name: str,
    kind: str,
    org_unit,
    leaders: Iterable,
    first_session_at: datetime,
    session_count: int = 8,
    interval_days: int = 7,
    session_minutes: int = 90,
    instruments: Iterable[str] = ("phq9",),
    primary_instrument: str = "phq9",
    capacity: int = 12,
    inclusion_criteria: str = "",
    location: str = "",
    pre_window_days: int = 14,
    post_window_days: int = 14,
) -> GroupProgramme:
    """Create a group programme and its planned sessions (first one, then every ``interval_days``).

    The creator leads it (with the leaders chosen: counselling staff in the creator's scope); the
    unit must be in the creator's scope; the primary instrument is one of the group's
    instruments, all from the library; the first session lies within a year.
    """
    if not policy.can_create_group(actor):
        raise PermissionDenied
    if not policy.can_place_group_in(actor, org_unit):
        raise ValidationError({"org_unit": _("Choose a unit in your scope.")})
    if first_session_at is None or timezone.is_naive(first_session_at):
        raise ValidationError({"first_session_at": _("Give the date and time of the first session.")})
    _require_in_range(first_session_at, field="first_session_at")
    require_not_too_far_ahead(first_session_at, field="first_session_at", days=AHEAD_DAYS)
    instruments = list(dict.fromkeys(code for code in instruments if code))
    known = available_instruments()
    if not instruments or any(code not in known for code in instruments):
        raise ValidationError({"instruments": _("Choose the group's instruments from the library.")})
    if primary_instrument not in instruments:
        raise ValidationError(
            {"primary_instrument": _("The primary instrument must be one of the group's instruments.")}
        )
    leaders = list(leaders)
    allowed = set(
        policy.filter_group_leader_choices(actor, User.objects.filter(pk__in=[p.pk for p in leaders]))
    )
    if any(person not in allowed for person in leaders):
        raise ValidationError({"leaders": _("Leaders are chosen from counselling staff in your scope.")})
    programme = GroupProgramme(
        name=(name or "").strip(),
        kind=kind,
        org_unit=org_unit,
        location=(location or "").strip(),
        inclusion_criteria=(inclusion_criteria or "").strip(),
        capacity=capacity,
        first_session_at=first_session_at,
        session_count=session_count,
        interval_days=interval_days,
        session_minutes=session_minutes,
        instruments=instruments,
        primary_instrument=primary_instrument,
        pre_window_days=pre_window_days,
        post_window_days=post_window_days,
        created_by=actor,
    )
    programme.full_clean(exclude=["created_by"])
    programme.save()
    programme.leaders.set({actor, *leaders})
    GroupSession.objects.bulk_create(
        GroupSession(
            programme=programme,
            number=number,
            starts_at=first_session_at + timedelta(days=interval_days * (number - 1)),
            duration_minutes=session_minutes,
        )
        for number in range(1, session_count + 1)
    )
    audit_record(actor=actor, action="group.created", obj=programme, details={"sessions": session_count})
    return programme


@transaction.atomic
def programme_finish(*, actor, programme: GroupProgramme) -> GroupProgramme:
    """Finish a running group: attending members who meet the completer rule (attended at least
    ⌈2/3 of the sessions held⌉ by default) are completed; the others drop out with that reason.
    Planned sessions that were never held are cancelled."""
    _require_leader(actor, programme)
    programme = _lock(programme)
    GroupProgramme.ACTIONS.require(programme, "finish")
    from .selectors import attended_counts, sessions_held

    threshold = programme.completer_threshold(sessions_held(programme))
    counts = attended_counts(programme)
    now = timezone.now()
    for member in programme.members.filter(status__in=GroupMember.ACTIONS.states_allowing("attend")):
        if counts.get(member.pk, 0) >= threshold and GroupMember.ACTIONS.allows(member, "complete"):
            member.status = GroupMember.Status.COMPLETED
            member.save(update_fields=["status"])
        else:
            member.status = GroupMember.Status.DROPPED
            member.dropped_at = now
            member.drop_reason = _("Attended fewer sessions than the completer rule asks.")
            member.save(update_fields=["status", "dropped_at", "drop_reason"])
    programme.sessions.filter(status=GroupSession.Status.PLANNED).update(status=GroupSession.Status.CANCELLED)
    programme.status = GroupProgramme.Status.FINISHED
    programme.save(update_fields=["status"])
    audit_record(actor=actor, action="group.finished", obj=programme, details={"threshold": threshold})
    return programme


# -- members ---------------------------------------------------------------------------------


def _enrolled_count(programme: GroupProgramme) -> int:
    return programme.members.filter(status__in=GroupMember.ENROLLED_STATES).count()


def _started(programme: GroupProgramme) -> bool:
    return programme.sessions.filter(status=GroupSession.Status.HELD).exists()


@transaction.atomic
def member_add(*, actor, programme: GroupProgramme, resident: Resident) -> GroupMember:
    """Add a candidate: a resident the leader may see, once per group; a closed group takes no
    one new once its first session has been held."""
    _require_leader(actor, programme)
    programme = _lock(programme)
    GroupProgramme.ACTIONS.require(programme, "add_member")
    if not policy.filter_residents(actor, Resident.objects.filter(pk=resident.pk)).exists():
        raise PermissionDenied
    if programme.kind == GroupProgramme.Kind.CLOSED and _started(programme):
        raise ValidationError(_("This closed group has started: it takes no new members."))
    if programme.members.filter(resident=resident).exists():
        raise ValidationError(_("%(name)s is already on this group's list.") % {"name": resident.name})
    member = GroupMember(programme=programme, resident=resident, added_by=actor)
    member.full_clean(exclude=["programme", "resident", "added_by", "consent"])
    member.save()
    audit_record(actor=actor, action="group.member_added", obj=resident, details={"group": programme.pk})
    return member


@transaction.atomic
def member_screen(*, actor, member: GroupMember, note: str) -> GroupMember:
    """A candidate has been screened against the inclusion criteria (what was found is noted)."""
    _require_leader(actor, member.programme)
    GroupMember.ACTIONS.require(member, "screen")
    if not (note or "").strip():
        raise ValidationError({"note": _("Note what the screening found.")})
    member.status = GroupMember.Status.SCREENED
    member.screening_note = note.strip()
    member.save(update_fields=["status", "screening_note"])
    audit_record(
        actor=actor,
        action="group.member_screened",
        obj=member.resident,
        details={"group": member.programme_id},
    )
    return member


def _group_consent_text() -> ConsentText:
    text = ConsentText.objects.filter(kind=ConsentKind.GROUP, is_current=True).first()
    if text is None:
        raise ValidationError(
            _("No group counselling agreement has been published yet: ask the administrator to publish one.")
        )
    return text


@transaction.atomic
def member_enrol(
    *, actor, member: GroupMember, signed_on, signer: str, signer_name: str, channel: str
) -> GroupMember:
    """Enrol a screened member: within the capacity, with the clinical consents on file, and with
    the group agreement (including the group-confidentiality clause) signed now and recorded as a
    consent (under 14, by a guardian)."""
    programme = _lock(member.programme)
    _require_leader(actor, programme)
    GroupMember.ACTIONS.require(member, "enrol")
    if _enrolled_count(programme) >= programme.capacity:
        raise ValidationError(_("The group is full (%(n)s places).") % {"n": programme.capacity})
    require_clinical_consent(resident=member.resident)
    consent = consent_record(
        actor=actor,
        resident=member.resident,
        text=_group_consent_text(),
        signed_on=signed_on,
        signer=signer,
        signer_name=signer_name or member.resident.name,
        channel=channel,
    )
    member.consent = consent
    member.status = GroupMember.Status.ENROLLED
    member.enrolled_at = timezone.now()
    member.save(update_fields=["consent", "status", "enrolled_at"])
    audit_record(
        actor=actor, action="group.member_enrolled", obj=member.resident, details={"group": programme.pk}
    )
    return member


@transaction.atomic
def member_drop(*, actor, member: GroupMember, reason: str) -> GroupMember:
    """A member leaves the group, with the reason; their attendance and scores stay."""
    _require_leader(actor, member.programme)
    GroupMember.ACTIONS.require(member, "drop")
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for dropping out.")})
    member.status = GroupMember.Status.DROPPED
    member.dropped_at = timezone.now()
    member.drop_reason = reason.strip()
    member.save(update_fields=["status", "dropped_at", "drop_reason"])
    audit_record(
        actor=actor,
        action="group.member_dropped",
        obj=member.resident,
        details={"group": member.programme_id},
    )
    return member


# -- sessions and attendance -----------------------------------------------------------------


@transaction.atomic
def session_update(
    *, actor, session: GroupSession, topic: str, plan: str, group_note: str = ""
) -> GroupSession:
    """Topic, plan and the leaders' group note (encrypted, shown to the leaders only)."""
    _require_leader(actor, session.programme)
    GroupSession.ACTIONS.require(session, "edit")
    session.topic = (topic or "").strip()
    session.plan = (plan or "").strip()
    session.group_note = (group_note or "").strip()
    session.full_clean(exclude=["programme"])
    session.save(update_fields=["topic", "plan", "group_note"])
    audit_record(
        actor=actor,
        action="group.session_updated",
        obj=session.programme,
        details={"session": session.number},
    )
    return session


def _write_session_record(*, actor, attendance: Attendance) -> None:
    """One session record (modality group) in the member's open case, when the leader works on
    that case; kept on the attendance so saving again writes none. Without such a case the
    attendance itself is the archive's timeline entry (``selectors.archive_group_entries``)."""
    if attendance.session_record_id:
        return
    session = attendance.session
    resident = attendance.member.resident
    cases = Case.objects.filter(
        resident=resident, status__in=Case.ACTIONS.states_allowing("record")
    ).select_related("counsellor", "resident__org_unit")
    case = next((case for case in cases if policy.can_work_on_case(actor, case)), None)
    if case is None:
        return
    content = _("Group counselling “%(group)s”, session %(number)s: %(topic)s (%(mark)s)") % {
        "group": session.programme.name,
        "number": session.number,
        "topic": session.topic or _("no topic given"),
        "mark": attendance.get_mark_display(),
    }
    try:
        with transaction.atomic():
            record = session_record_create(
                actor=actor,
                case=case,
                held_at=session.starts_at,
                duration_minutes=session.duration_minutes,
                modality=Modality.GROUP,
                content=content,
                request_key=uuid.uuid5(ATTENDANCE_KEYS, str(attendance.pk)),
            )
    except ValidationError:
        # The case cannot take it (e.g. opened after the session): the timeline entry stands.
        return
    attendance.session_record = record
    attendance.save(update_fields=["session_record"])


@transaction.atomic
def attendance_record(*, actor, session: GroupSession, marks: Mapping[int, str]) -> list[Attendance]:
    """Save the register of a session that has started: a mark (attended, late, excused, absent)
    per member id. Every member must be an enrolled or attending member of this group, and every
    mark known; otherwise nothing is written. Saving again changes the marks and never writes a
    second session record. The first attended session makes an enrolled member attending."""
    programme = _lock(session.programme)
    _require_leader(actor, programme)
    GroupProgramme.ACTIONS.require(programme, "record_attendance")
    GroupSession.ACTIONS.require(session, "record_attendance")
    if session.starts_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError(
            _("Session %(number)s starts on %(day)s: attendance can be recorded once it has begun.")
            % {
                "number": session.number,
                "day": timezone.localtime(session.starts_at).strftime("%Y-%m-%d %H:%M"),
            }
        )
    if not marks:
        raise ValidationError(_("Mark the attendance of at least one member."))
    members = {m.pk: m for m in programme.members.filter(pk__in=list(marks)).select_related("resident")}
    for member_id, mark in marks.items():
        member = members.get(member_id)
        if member is None or not GroupMember.ACTIONS.allows(member, "attend"):
            raise ValidationError(_("Attendance can be recorded only for enrolled members of this group."))
        if mark not in Attendance.Mark.values:
            raise ValidationError(_("Choose attended, late, excused or absent for each member."))
    existing = {a.member_id: a for a in session.attendances.filter(member_id__in=list(marks))}
    saved = []
    for member_id, mark in marks.items():
        member = members[member_id]
        attendance = existing.get(member_id) or Attendance(session=session, member=member)
        attendance.member = member
        attendance.session = session
        attendance.mark = mark
        attendance.recorded_by = actor
        attendance.save()
        if mark in Attendance.PRESENT:
            _write_session_record(actor=actor, attendance=attendance)
            if member.status == GroupMember.Status.ENROLLED:
                member.status = GroupMember.Status.ACTIVE
                member.save(update_fields=["status"])
        saved.append(attendance)
    if session.status != GroupSession.Status.HELD:
        session.status = GroupSession.Status.HELD
        session.save(update_fields=["status"])
    if programme.status == GroupProgramme.Status.RECRUITING:
        programme.status = GroupProgramme.Status.RUNNING
        programme.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="group.attendance_recorded",
        obj=programme,
        details={"session": session.number, "marks": len(saved)},
    )
    return saved


# -- pre/post scores -------------------------------------------------------------------------


@transaction.atomic
def member_score_enter(*, actor, member: GroupMember, instrument_code: str, answers, administered_at=None):
    """A pre or post score of one of the group's instruments, stored as a staff-given assessment
    by the assessments domain (scored by its engine, consent checked there, handed to the
    warning engine like any other result)."""
    programme = member.programme
    _require_leader(actor, programme)
    GroupProgramme.ACTIONS.require(programme, "enter_scores")
    GroupMember.ACTIONS.require(member, "score", _("Scores are entered for enrolled members only."))
    if instrument_code not in programme.instruments:
        raise ValidationError({"instrument": _("This instrument is not one of the group's.")})
    _require_in_range(administered_at, field="administered_at")
    return assessment_record(
        actor=actor,
        resident=member.resident,
        instrument_code=instrument_code,
        answers=answers,
        administered_at=administered_at,
    )
