"""The appointments a counsellor's leave, a closed room or a holiday falls on (ORG-3).

Registered with ``orgs.roster_clashes`` in ``WorkflowConfig.ready()``: the roster asks what a day
off hits before adding it, and carries out the decision taken through the appointments' own
services (each checks the actor again and writes the appointment's history and audit).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from orgs.models import DutyException
from orgs.roster_clashes import CANCEL, REASSIGN, ClashSource, RosterClash, register_clash_source
from workflow.models import Appointment
from workflow.selectors.appointments import appointments_in_day_off

SOURCE = "workflow.appointment"


def _title(appointment: Appointment) -> str:
    who = appointment.resident.name if appointment.resident_id else appointment.contact_name
    parts = [who, appointment.get_status_display()]
    if appointment.counsellor_id:
        parts.append(appointment.counsellor.full_name or appointment.counsellor.username)
    place = appointment.site.name + (f" · {appointment.room.name}" if appointment.room_id else "")
    parts.append(place)
    return "，".join(parts)


def find(*, actor, exception: DutyException) -> list[RosterClash]:
    appointments = appointments_in_day_off(user=actor, exception=exception, now=timezone.now())
    return [
        RosterClash(
            source=SOURCE,
            pk=appointment.pk,
            starts_at=appointment.starts_at,
            ends_at=appointment.ends_at,
            title=_title(appointment),
            url=reverse("workflow:appointment_detail", args=[appointment.pk]),
        )
        for appointment in appointments
    ]


def _reason(exception: DutyException) -> str:
    if exception.kind == DutyException.Kind.LEAVE:
        return _("The counsellor is on leave that day.")
    if exception.kind == DutyException.Kind.ROOM_CLOSED:
        return _("The room is closed that day.")
    return _("The centre is closed that day (public holiday).")


def resolve(
    *, actor, exception: DutyException, decision: str, clashes: list[RosterClash], reassign_to
) -> None:
    # Imported here: the services import the selectors this module's find() uses, and the
    # registration in ready() should not pull the whole write layer in at import time.
    from workflow.services.appointments import appointment_cancel, appointment_reschedule

    if decision not in {CANCEL, REASSIGN}:
        return  # rescheduling: they stay, listed under "需改约" until each is moved
    appointments = Appointment.objects.filter(pk__in=[clash.pk for clash in clashes]).select_related(
        "site", "room", "counsellor", "resident"
    )
    reason = _reason(exception)
    for appointment in appointments.order_by("starts_at", "pk"):
        when = timezone.localtime(appointment.starts_at).strftime("%Y-%m-%d %H:%M")
        try:
            if decision == CANCEL:
                appointment_cancel(actor=actor, appointment=appointment, reason=reason)
            else:
                appointment_reschedule(
                    actor=actor,
                    appointment=appointment,
                    starts_at=appointment.starts_at,
                    ends_at=appointment.ends_at,
                    counsellor=reassign_to,
                    room=appointment.room,
                    reason=reason,
                )
        except PermissionDenied as exc:
            raise ValidationError(
                {
                    "decision": _("You may not change the appointment of %(when)s; keep them to reschedule.")
                    % {"when": when}
                }
            ) from exc
        except ValidationError as exc:
            field = "reassign_to" if decision == REASSIGN else "decision"
            raise ValidationError(
                {
                    field: _("The appointment of %(when)s: %(problem)s")
                    % {"when": when, "problem": " ".join(exc.messages)}
                }
            ) from exc


register_clash_source(ClashSource(name=SOURCE, find=find, resolve=resolve))
