"""Writes of session records (SVC-5), home visits (SVC-10) and private process notes."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from confidentiality import policy
from confidentiality.services import audit_record, require_clinical_consent
from workflow.models import Appointment, Case, Modality, PrivateNote, SessionRecord
from workflow.services.cases import _lock_case, _require, _require_work, touch_archive


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
    private_note: str = "",
) -> SessionRecord:
    """Record a session of an open case; its number is the next in the case.

    Content is encrypted at rest. From an appointment of the case's client, the appointment is
    completed in the same step. A home visit needs its address and at least
    XINQIAO_HOME_VISIT_MIN_PEOPLE people, the recorder and companions together. A private note
    given here is the recorder's alone.
    """
    _require_work(actor, case)
    _require(case, "record")
    require_clinical_consent(resident=case.resident)
    if modality not in Modality.values:
        raise ValidationError({"modality": _("Choose a modality.")})
    if not (content or "").strip():
        raise ValidationError({"content": _("Write what the session was about.")})
    companions = list(companions)
    for person in companions:
        if not policy.is_active_staff(person):
            raise ValidationError({"companions": _("Companions are chosen from active staff.")})
    address = (address or "").strip()
    if modality == Modality.HOME_VISIT:
        _check_home_visit(recorder=actor, companions=companions, address=address)
    if appointment is not None:
        appointment = _check_appointment(case=case, appointment=appointment)
    _lock_case(case)
    number = (SessionRecord.objects.filter(case=case).aggregate(last=Max("number"))["last"] or 0) + 1
    session = SessionRecord(
        case=case,
        number=number,
        appointment=appointment,
        held_at=held_at,
        duration_minutes=duration_minutes,
        modality=modality,
        content=content.strip(),
        client_feedback=(client_feedback or "").strip(),
        problems_handled=(problems_handled or "").strip(),
        next_steps=(next_steps or "").strip(),
        address=address,
        recorded_by=actor,
    )
    session.full_clean()
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Another session of this case was saved at the same moment. Reload the case and try again.")
        ) from exc
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
