"""Writes of session records (SVC-5), home visits (SVC-10) and private process notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from confidentiality import policy
from confidentiality.services import audit_record, require_clinical_consent
from workflow.models import Appointment, Case, Modality, PrivateNote, SessionAddendum, SessionRecord
from workflow.services.cases import _lock_case, _require, _require_work, touch_archive
from workflow.visit_checklist import home_visit_checklist

# Clocks of phones and PCs differ a little; a session "a few minutes from now" is a typo beyond this.
CLOCK_SKEW = timedelta(minutes=5)


def _check_held_at(*, case: Case, held_at: datetime | None) -> None:
    """A session is held between the day its case was opened and now: a session dated 2030, or
    before there was a case, is a typo that would also put the numbering out of order."""
    if held_at is None or timezone.is_naive(held_at):
        raise ValidationError({"held_at": _("Give the date and time of the session.")})
    opened_day = timezone.localtime(case.opened_at).date()
    if timezone.localtime(held_at).date() < opened_day:
        raise ValidationError(
            {
                "held_at": _("The case was opened on %(day)s: a session of it cannot be earlier.")
                % {"day": opened_day.isoformat()}
            }
        )
    if held_at > timezone.now() + CLOCK_SKEW:
        raise ValidationError({"held_at": _("A session cannot be recorded before it is held.")})


def _renumber(case: Case) -> None:
    """Sessions are numbered by when they were held, not by when they were typed in: a session
    entered late takes its place and the later ones move up one. Numbers are unique per case, so
    the changed rows go out of the way first (the case is locked by the caller)."""
    sessions = list(SessionRecord.objects.filter(case=case).order_by("held_at", "pk").only("pk", "number"))
    changed = [
        (session, position)
        for position, session in enumerate(sessions, start=1)
        if session.number != position
    ]
    if not changed:
        return
    parked = 30000
    for offset, (session, _position) in enumerate(changed):
        SessionRecord.objects.filter(pk=session.pk).update(number=parked + offset)
    for session, position in changed:
        SessionRecord.objects.filter(pk=session.pk).update(number=position)


def home_visit_people(*, recorder, companions: Iterable) -> int:
    """How many people count towards a home visit: the recorder, plus each distinct companion
    who is active staff (a volunteer only when XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS is on)."""
    counted = {recorder.pk}
    for person in companions:
        if policy.counts_toward_home_visit(person):
            counted.add(person.pk)
    return len(counted)


def _check_home_visit(*, recorder, companions: list, address: str) -> None:
    errors = {}
    if not address.strip():
        errors["address"] = _("A home visit needs the address visited.")
    needed = settings.XINQIAO_HOME_VISIT_MIN_PEOPLE
    if home_visit_people(recorder=recorder, companions=companions) < needed:
        if settings.XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS:
            message = ngettext(
                "A home visit needs at least %(n)s person: add the staff member or volunteer who went along.",
                "A home visit needs at least %(n)s people, you included: add the staff members or "
                "volunteers who went along.",
                needed,
            )
        else:
            message = ngettext(
                "A home visit needs at least %(n)s staff member: add the colleague who went along "
                "(volunteers do not count here).",
                "A home visit needs at least %(n)s staff members, you included: add the colleagues who "
                "went along (volunteers do not count here).",
                needed,
            )
        errors["companions"] = message % {"n": needed}
    if errors:
        raise ValidationError(errors)


def _check_appointment(*, case: Case, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.resident_id != case.resident_id:
        raise ValidationError({"appointment": _("This appointment is not the client's of this case.")})
    if appointment.case_id not in (None, case.pk):
        raise ValidationError({"appointment": _("This appointment belongs to another case.")})
    if not Appointment.ACTIONS.allows(appointment, "complete"):
        raise ValidationError(
            {
                "appointment": _(
                    "A session completes an appointment once the client has checked in; "
                    "this one is %(status)s."
                )
                % {"status": appointment.get_status_display()}
            }
        )
    if SessionRecord.objects.filter(appointment=appointment).exists():
        raise ValidationError({"appointment": _("A session is already recorded for this appointment.")})
    return appointment


@transaction.atomic
def session_record_create(
    *,
    actor,
    case: Case,
    held_at: datetime,
    duration_minutes: int,
    modality: str,
    content: str,
    client_feedback: str = "",
    problems_handled: str = "",
    next_steps: str = "",
    appointment: Appointment | None = None,
    address: str = "",
    companions: Iterable = (),
    visit_checklist: Iterable[str] = (),
    private_note: str = "",
    request_key: UUID | str | None = None,
) -> SessionRecord:
    """Record a session of an open case, held between the day the case was opened and now.

    Sessions are numbered by the time they were held. The same ``request_key`` (made by the form
    when it is shown) gives back the session already stored under it, so Back + save writes once.
    Content is encrypted at rest. From an appointment of the case's client, the appointment is
    completed in the same step. A home visit needs its address and at least
    XINQIAO_HOME_VISIT_MIN_PEOPLE people, the recorder and companions together, and keeps the
    home-visit checklist (the items ticked, with the checklist's version). A private note
    given here is the recorder's alone.
    """
    _require_work(actor, case)
    if request_key:
        stored = SessionRecord.objects.filter(request_key=request_key, case=case, recorded_by=actor).first()
        if stored is not None:
            return stored
    _require(case, "record")
    require_clinical_consent(resident=case.resident)
    _check_held_at(case=case, held_at=held_at)
    if modality not in Modality.values:
        raise ValidationError({"modality": _("Choose a modality.")})
    if not (content or "").strip():
        raise ValidationError({"content": _("Write what the session was about.")})
    companions = list(companions)
    for person in companions:
        if not policy.is_active_staff(person):
            raise ValidationError({"companions": _("Companions are chosen from active staff.")})
    address = (address or "").strip()
    checklist = {}
    if modality == Modality.HOME_VISIT:
        _check_home_visit(recorder=actor, companions=companions, address=address)
        known = home_visit_checklist()
        ticked = list(visit_checklist or ())
        if any(key not in known.keys for key in ticked):
            raise ValidationError({"visit_checklist": _("Tick items of the home-visit checklist only.")})
        checklist = known.record(ticked)
    if appointment is not None:
        appointment = _check_appointment(case=case, appointment=appointment)
    _lock_case(case)
    # Stored last, then moved to its place by date (_renumber).
    number = SessionRecord.objects.filter(case=case).count() + 1
    session = SessionRecord(
        case=case,
        number=number,
        request_key=request_key or None,
        appointment=appointment,
        held_at=held_at,
        duration_minutes=duration_minutes,
        modality=modality,
        content=content.strip(),
        client_feedback=(client_feedback or "").strip(),
        problems_handled=(problems_handled or "").strip(),
        next_steps=(next_steps or "").strip(),
        address=address,
        visit_checklist=checklist,
        recorded_by=actor,
    )
    session.full_clean(exclude=["request_key"])
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Another session of this case was saved at the same moment. Reload the case and try again.")
        ) from exc
    _renumber(case)
    session.refresh_from_db(fields=["number"])
    number = session.number
    session.companions.set([person for person in companions if person.pk != actor.pk])
    if appointment is not None:
        # Written by the appointments domain; imported here so that cases do not depend on it
        # at import time.
        from workflow.services.appointments import appointment_complete

        if appointment.case_id is None:
            appointment.case = case
            appointment.save(update_fields=["case"])
        appointment_complete(actor=actor, appointment=appointment)
    touch_archive(case.resident_id)
    audit_record(
        actor=actor,
        action="session.recorded",
        obj=case,
        details={
            "session": session.pk,
            "number": number,
            "modality": modality,
            "appointment": appointment.pk if appointment else None,
        },
    )
    if (private_note or "").strip():
        private_note_save(actor=actor, session=session, text=private_note)
    return session


@transaction.atomic
def session_addendum_add(*, actor, session: SessionRecord, text: str, reason: str) -> SessionAddendum:
    """Correct a session record by an addendum beside it, with a reason: the record is never
    edited, so the original stays readable. Whoever may work on the case may write one, also after
    the case is closed (a record found wrong later still needs its correction). Encrypted at rest."""
    _require_work(actor, session.case)
    errors = {}
    if not (text or "").strip():
        errors["text"] = _("Write the correction.")
    if not (reason or "").strip():
        errors["reason"] = _("Say why the record is corrected.")
    if errors:
        raise ValidationError(errors)
    addendum = SessionAddendum(session=session, text=text.strip(), reason=reason.strip(), written_by=actor)
    addendum.full_clean()
    addendum.save()
    touch_archive(session.case.resident_id)
    audit_record(
        actor=actor,
        action="session.addendum_added",
        obj=session.case,
        details={"session": session.pk, "number": session.number, "addendum": addendum.pk},
    )
    return addendum


def session_record_view(*, actor, session: SessionRecord) -> None:
    audit_record(
        actor=actor,
        action="session.viewed",
        obj=session.case,
        details={"session": session.pk, "number": session.number},
    )


# ---------------------------------------------------------------------------------------------
# Private process notes: their author's alone.


@transaction.atomic
def private_note_save(*, actor, session: SessionRecord, text: str) -> PrivateNote | None:
    """Write (or replace) the actor's own private note beside a session; an empty text removes it.
    The text is encrypted at rest and never leaves through exports or the API."""
    if not policy.can_keep_private_note(actor, session):
        raise PermissionDenied
    text = (text or "").strip()
    note = PrivateNote.objects.select_for_update().filter(session=session, author=actor).first()
    if not text:
        if note is not None:
            note.delete()
            audit_record(
                actor=actor, action="private_note.deleted", obj=session.case, details={"session": session.pk}
            )
        return None
    if note is None:
        note = PrivateNote(session=session, author=actor, text=text)
        note.full_clean()
        note.save()
    else:
        note.text = text
        note.full_clean()
        note.save(update_fields=["text", "updated_at"])
    audit_record(actor=actor, action="private_note.saved", obj=session.case, details={"session": session.pk})
    return note


def private_note_read(*, actor, session: SessionRecord) -> PrivateNote | None:
    """The actor's own note beside this session (None if they wrote none); opening it is audited."""
    if not policy.can_keep_private_note(actor, session):
        raise PermissionDenied
    note = policy.filter_private_notes(actor, PrivateNote.objects.filter(session=session)).first()
    if note is not None:
        audit_record(
            actor=actor, action="private_note.viewed", obj=session.case, details={"session": session.pk}
        )
    return note
