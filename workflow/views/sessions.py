"""Staff pages: session records (SVC-5), home visits (SVC-10) and private process notes.

Mounted through workflow/views/cases.py. A private note is its author's alone: the note URL answers
404 to everyone else, supervisors and the director included, whatever they see of the session.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from confidentiality import policy
from lib.forms import apply_validation_error
from lib.views import submit_form
from workflow.forms.cases import PrivateNoteForm, SessionAddendumForm, SessionForm
from workflow.models import Appointment, Case, Modality
from workflow.selectors import cases as selectors
from workflow.services import sessions as services
from workflow.visit_checklist import checklist_lines


def _appointment_for_session(request, case: Case) -> Appointment | None:
    """The appointment a session is completed from (?appointment=<pk>), which must be the client's."""
    raw = request.GET.get("appointment", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    appointment = policy.fetch_or_404(request.user, Appointment, pk=int(raw))
    if appointment.resident_id != case.resident_id:
        raise Http404
    return appointment


def _initial_from(appointment: Appointment | None) -> dict:
    if appointment is None:
        return {"held_at": timezone.localtime().replace(second=0, microsecond=0)}
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    home_visit = appointment.service == Appointment.Service.HOME_VISIT
    return {
        "held_at": timezone.localtime(appointment.starts_at),
        "duration_minutes": max(1, min(minutes, 600)),
        "modality": Modality.HOME_VISIT if home_visit else Modality.FACE_TO_FACE,
        "address": appointment.address if home_visit else "",
        # The second staff member booked for the visit went along.
        "companions": [appointment.companion_id] if home_visit and appointment.companion_id else [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def session_create(request, case_pk: int):
    user = request.user
    case = selectors.case_for_page(user=user, pk=case_pk)
    if not policy.can_work_on_case(user, case):
        raise PermissionDenied
    if not Case.ACTIONS.allows(case, "record"):
        messages.error(request, _("The case is closed: sessions can no longer be recorded."))
        return redirect("workflow:case_detail", pk=case.pk)
    appointment = _appointment_for_session(request, case)
    form = SessionForm(
        request.POST or None,
        initial=_initial_from(appointment),
        companions=selectors.companion_choices(user=user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_record_create(
                actor=user, case=case, appointment=appointment, **form.cleaned_data
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Session %(number)s is recorded.") % {"number": session.number})
            return redirect("workflow:session_detail", pk=session.pk)
    return render(
        request,
        "workflow/cases/session_form.html",
        {"form": form, "case": case, "appointment": appointment},
    )


@login_required
@require_http_methods(["GET"])
def session_detail(request, pk: int):
    user = request.user
    session = selectors.session_for_page(user=user, pk=pk)
    services.session_record_view(actor=user, session=session)
    return render(
        request,
        "workflow/cases/session_detail.html",
        {
            "session": session,
            "case": session.case,
            "companions": list(session.companions.all()),
            "checklist": checklist_lines(session.visit_checklist) if session.visit_checklist else [],
            "addenda": list(session.addenda.all()),
            "may_correct": policy.can_work_on_case(user, session.case),
            "may_keep_note": policy.can_keep_private_note(user, session),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_addendum(request, pk: int):
    """A correction of a session record, added beside it with a reason (the record stays as it was)."""
    user = request.user
    session = selectors.session_for_page(user=user, pk=pk)
    if not policy.can_work_on_case(user, session.case):
        raise PermissionDenied
    if request.method == "GET":
        services.session_record_view(actor=user, session=session)  # the page shows the record
    form = SessionAddendumForm(request.POST or None)
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            run=lambda data: services.session_addendum_add(actor=user, session=session, **data),
            done=_("The correction is added to session %(number)s.") % {"number": session.number},
            success_url=reverse("workflow:session_detail", args=[session.pk]),
        )
        if response is not None:
            return response
    return render(
        request,
        "workflow/cases/session_addendum.html",
        {"form": form, "session": session, "case": session.case},
    )


@login_required
@require_http_methods(["GET", "POST"])
def private_note(request, pk: int):
    """The author's own note beside a session: opened on request (audited), saved in place."""
    user = request.user
    session = selectors.session_for_page(user=user, pk=pk)
    if not policy.can_keep_private_note(user, session):
        raise Http404
    saved = False
    if request.method == "POST":
        form = PrivateNoteForm(request.POST)
        if form.is_valid():
            services.private_note_save(actor=user, session=session, text=form.cleaned_data["text"])
            if not request.htmx:
                messages.success(request, _("Your private note is saved."))
                return redirect("workflow:session_detail", pk=session.pk)
            saved = True
            form = PrivateNoteForm(initial={"text": form.cleaned_data["text"]})
    else:
        note = services.private_note_read(actor=user, session=session)
        form = PrivateNoteForm(initial={"text": note.text if note else ""})
    context = {"session": session, "case": session.case, "form": form, "saved": saved}
    template = "workflow/cases/_private_note.html" if request.htmx else "workflow/cases/private_note.html"
    return render(request, template, context)
