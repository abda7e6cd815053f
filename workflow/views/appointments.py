"""Staff pages: appointments (SVC-1) — the list, registering, the detail page with its actions,
and the day and week calendar of a counsellor or a room.

Every appointment is loaded through ``policy.fetch_or_404``; the calendar shows appointments the
viewer may not see as busy blocks only, decided in the selector, never in the template.
"""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from archives.models import Resident, Sex
from archives.selectors import resident_picker_matches
from archives.services import resident_search_record
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from orgs.models import OrgUnit, Room, ServiceSite
from orgs.selectors import on_duty
from workflow.forms.appointments import (
    NEW_RESIDENT,
    PREFILL_FIELDS,
    SHOW_CHOICES,
    AppointmentFilterForm,
    AppointmentForm,
    CalendarForm,
    CancelForm,
    CheckInForm,
    ConfirmForm,
    HomeVisitConfirmForm,
    RescheduleForm,
    ResidentSearchForm,
)
from workflow.models import Appointment
from workflow.permissions import MANAGE_APPOINTMENTS
from workflow.selectors import appointments as selectors
from workflow.services import appointments as services


def _require_keeper(user) -> None:
    policy.require_permission(user, MANAGE_APPOINTMENTS)


def _url_or_none(name: str, *args, query: str = "") -> str | None:
    """A link to another area's page, or None while that page does not exist yet."""
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


# ---------------------------------------------------------------------------------------------
# The list


@login_required
@require_http_methods(["GET"])
def appointment_list(request):
    user = request.user
    _require_keeper(user)
    form = AppointmentFilterForm(
        request.GET or None,
        sites=policy.filter_service_sites(user, ServiceSite.objects.filter(is_active=True)).order_by("name"),
        counsellors=selectors.calendar_counsellors(user=user),
    )
    data = form.cleaned_data if form.is_valid() else {}
    show = data.get("show") or "today"
    appointments = selectors.appointments_for_list(
        user=user,
        show=show,
        site=data.get("site"),
        counsellor=data.get("counsellor"),
        status=data.get("status", ""),
    )
    page = Paginator(appointments, 25).get_page(request.GET.get("page"))
    audit_list_read(
        actor=user,
        object_type="workflow.appointment",
        page="list",
        filters={
            "show": show,
            "site": getattr(data.get("site"), "pk", None),
            "counsellor": getattr(data.get("counsellor"), "pk", None),
            "status": data.get("status", ""),
        },
        ids=[appointment.pk for appointment in page],
    )
    context = {"form": form, "page": page, "show": show, "tabs": SHOW_CHOICES, "filters": request.GET}
    template = "workflow/appointments/_rows.html" if request.htmx else "workflow/appointments/list.html"
    return render(request, template, context)


# ---------------------------------------------------------------------------------------------
# Registering


def _resident_matches(request, data) -> tuple[str, list]:
    """The search text and the residents it found (the search audited, as on the residents page)."""
    search = ResidentSearchForm(data)
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    if not query.strip():
        return "", []
    resident_search_record(actor=request.user, filters=["q"])
    return query, resident_picker_matches(user=request.user, query=query)


@login_required
@require_http_methods(["GET", "POST"])
def appointment_create(request):
    user = request.user
    _require_keeper(user)
    data = request.POST if request.method == "POST" else request.GET
    query, matches = _resident_matches(request, data)
    if request.method == "GET" and request.htmx:
        return render(
            request, "workflow/appointments/_resident_matches.html", {"matches": matches, "query": query}
        )
    resident = None
    resident_id = data.get("resident")
    if resident_id:
        resident = policy.fetch_or_404(user, Resident, pk=resident_id)
    form_kwargs = {
        "sites": selectors.bookable_sites(user=user),
        "counsellors": selectors.bookable_counsellors(user=user),
        "rooms": selectors.bookable_rooms(user=user),
        "resident": resident,
    }
    # A free slot clicked in the calendar opens the form with its time, counsellor and room; the
    # form checks them like typed values when it is sent.
    initial = {"day": timezone.localdate(), "channel": Appointment.Channel.PHONE}
    initial.update({name: request.GET[name] for name in PREFILL_FIELDS if request.GET.get(name)})
    searching = request.method == "POST" and "search" in request.POST
    if searching:
        # "Find" inside the form: show the matches and keep what was typed, without checking it yet.
        form = AppointmentForm(initial=request.POST.dict(), **form_kwargs)
    else:
        form = AppointmentForm(request.POST or None, initial=initial, **form_kwargs)
    if request.method == "POST" and not searching and form.is_valid():
        try:
            appointment = services.appointment_register(
                actor=user, confirm_now=bool(form.cleaned_data.get("confirm_now")), **form.service_kwargs()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The appointment has been registered."))
            return redirect("workflow:appointment_detail", pk=appointment.pk)
    context = {"form": form, "resident": resident, "query": query, "matches": matches}
    return render(request, "workflow/appointments/form.html", context)


# ---------------------------------------------------------------------------------------------
# The detail page and its actions


def _fetch(request, pk: int) -> Appointment:
    _require_keeper(request.user)
    return policy.fetch_or_404(
        request.user,
        Appointment,
        queryset=Appointment.objects.select_related(
            "site__org_unit", "room", "counsellor", "companion", "resident", "case"
        ),
        pk=pk,
    )


def _confirm_form(request, appointment: Appointment, data=None) -> ConfirmForm | HomeVisitConfirmForm:
    """Suggest the counsellor and room on duty at the appointment's time, when there is one; a
    home visit is offered no room, and its address defaults to the resident's own."""
    if appointment.is_home_visit:
        resident_address = appointment.resident.address if appointment.resident_id else ""
        return HomeVisitConfirmForm(
            data,
            counsellors=selectors.bookable_counsellors(user=request.user),
            initial={
                "counsellor": appointment.counsellor_id or request.user.pk,
                "companion": appointment.companion_id,
                "address": appointment.address or resident_address,
                "travel_before_minutes": appointment.travel_before_minutes,
                "travel_after_minutes": appointment.travel_after_minutes,
            },
        )
    initial = {}
    day = timezone.localdate(appointment.starts_at)
    for slot in on_duty(day=day, sites=[appointment.site_id]):
        if slot.starts_at <= appointment.starts_at and appointment.ends_at <= slot.ends_at:
            initial = {"counsellor": slot.counsellor.pk, "room": slot.room.pk}
            break
    return ConfirmForm(
        data,
        counsellors=selectors.bookable_counsellors(user=request.user),
        rooms=Room.objects.filter(site=appointment.site, is_active=True).select_related("site"),
        initial=initial,
    )


def _check_in_form(request, appointment: Appointment, data=None) -> CheckInForm:
    return CheckInForm(
        data,
        candidates=selectors.resident_candidates(user=request.user, appointment=appointment),
        current=appointment.resident,
        units=policy.filter_org_units(request.user, OrgUnit.objects.filter(is_active=True)).order_by("path"),
        initial={"org_unit": appointment.site.org_unit_id},
    )


def _detail_context(request, appointment: Appointment, **forms) -> dict:
    actions = services.appointment_actions(appointment)
    context = {
        "appointment": appointment,
        "sex": Sex(appointment.contact_sex).label if appointment.contact_sex in Sex.values else "",
        "history": selectors.appointment_history(appointment=appointment),
        "can_reschedule": "reschedule" in actions,
        "can_cancel": "cancel" in actions,
        "can_no_show": "no_show" in actions,
        "cancel_form": forms.get("cancel_form") or CancelForm(),
        "day_off": selectors.appointment_day_off(appointment=appointment),
    }
    # The status would allow confirming but the time has passed: say so instead of a form.
    context["too_late_to_confirm"] = "confirm" not in actions and Appointment.ACTIONS.allows(
        appointment, "confirm"
    )
    if "confirm" in actions:
        context["confirm_form"] = forms.get("confirm_form") or _confirm_form(request, appointment)
    if "check_in" in actions:
        context["check_in_form"] = forms.get("check_in_form") or _check_in_form(request, appointment)
    elif Appointment.ACTIONS.allows(appointment, "check_in"):
        # Confirmed, but its day has not come: say when check-in opens instead of offering it.
        context["check_in_opens_on"] = timezone.localdate(appointment.starts_at)
    query = f"?appointment={appointment.pk}"
    # A checked-in client without a case gets one; with a case, the session completes the visit.
    if appointment.case_id is None and "open_case" in actions:
        context["open_case_url"] = _url_or_none("workflow:case_open", query=query)
    if appointment.case_id is not None and "complete" in actions:
        context["record_session_url"] = _url_or_none(
            "workflow:session_create", appointment.case_id, query=query
        )
    return context


def _render_detail(request, appointment: Appointment, **forms):
    return render(
        request, "workflow/appointments/detail.html", _detail_context(request, appointment, **forms)
    )


@login_required
@require_http_methods(["GET"])
def appointment_detail(request, pk: int):
    appointment = _fetch(request, pk)
    services.appointment_record_view(actor=request.user, appointment=appointment)
    return _render_detail(request, appointment)


def _done(request, appointment: Appointment, message: str):
    messages.success(request, message)
    return redirect("workflow:appointment_detail", pk=appointment.pk)


@login_required
@require_POST
def appointment_confirm(request, pk: int):
    appointment = _fetch(request, pk)
    form = _confirm_form(request, appointment, request.POST)
    if form.is_valid():
        try:
            services.appointment_confirm(actor=request.user, appointment=appointment, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(request, appointment, selectors.confirmation_notice(appointment=appointment))
    appointment.refresh_from_db()
    return _render_detail(request, appointment, confirm_form=form)


@login_required
@require_POST
def appointment_check_in(request, pk: int):
    appointment = _fetch(request, pk)
    form = _check_in_form(request, appointment, request.POST)
    if form.is_valid():
        resident, org_unit = None, None
        number = form.cleaned_data.get("archive_number", "").strip()
        who = form.cleaned_data.get("who")
        if number:
            resident = policy.filter_residents(
                request.user, Resident.objects.filter(archive__number=number)
            ).first()
            if resident is None:
                form.add_error("archive_number", _("No resident you may see has this archive number."))
        elif who == NEW_RESIDENT:
            org_unit = form.cleaned_data.get("org_unit")
            if appointment.resident_id is not None:
                form.add_error("who", _("This appointment is already linked to a resident."))
        else:
            resident = policy.filter_residents(request.user, Resident.objects.filter(pk=who)).first()
            if resident is None:
                form.add_error("who", _("Choose who this is from the list."))
        if not form.errors:
            try:
                services.appointment_check_in(
                    actor=request.user, appointment=appointment, resident=resident, org_unit=org_unit
                )
            except ValidationError as exc:
                apply_validation_error(form, exc, default_field="who")
            else:
                return _done(
                    request, appointment, _("%(name)s has checked in.") % {"name": appointment.resident}
                )
    appointment.refresh_from_db()
    return _render_detail(request, appointment, check_in_form=form)


@login_required
@require_POST
def appointment_cancel(request, pk: int):
    appointment = _fetch(request, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_cancel(actor=request.user, appointment=appointment, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(request, appointment, _("The appointment has been cancelled."))
    appointment.refresh_from_db()
    return _render_detail(request, appointment, cancel_form=form)


@login_required
@require_POST
def appointment_no_show(request, pk: int):
    appointment = _fetch(request, pk)
    try:
        services.appointment_mark_no_show(actor=request.user, appointment=appointment)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("workflow:appointment_detail", pk=appointment.pk)
    return _done(request, appointment, _("The appointment is recorded as a no-show."))


@login_required
@require_http_methods(["GET", "POST"])
def appointment_reschedule(request, pk: int):
    appointment = _fetch(request, pk)
    local_start = timezone.localtime(appointment.starts_at)
    form = RescheduleForm(
        request.POST or None,
        counsellors=selectors.bookable_counsellors(user=request.user),
        rooms=Room.objects.filter(site=appointment.site, is_active=True).select_related("site"),
        home_visit=appointment.is_home_visit,
        initial={
            "day": local_start.date(),
            "starts_at": local_start.time(),
            "ends_at": timezone.localtime(appointment.ends_at).time(),
            "travel_before_minutes": appointment.travel_before_minutes,
            "travel_after_minutes": appointment.travel_after_minutes,
        },
    )
    if request.method == "POST" and form.is_valid():
        starts_at, ends_at = form.schedule()
        try:
            services.appointment_reschedule(
                actor=request.user,
                appointment=appointment,
                starts_at=starts_at,
                ends_at=ends_at,
                counsellor=form.cleaned_data.get("counsellor"),
                room=form.cleaned_data.get("room"),
                companion=form.cleaned_data.get("companion"),
                travel_before_minutes=form.cleaned_data.get("travel_before_minutes"),
                travel_after_minutes=form.cleaned_data.get("travel_after_minutes"),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _done(request, appointment, _("The appointment has been moved."))
    return render(
        request, "workflow/appointments/reschedule.html", {"form": form, "appointment": appointment}
    )


# ---------------------------------------------------------------------------------------------
# The calendar


@login_required
@require_http_methods(["GET"])
def appointment_calendar(request):
    user = request.user
    _require_keeper(user)
    counsellors = selectors.calendar_counsellors(user=user)
    rooms = selectors.bookable_rooms(user=user)
    # What is not asked for is filled in, so that the form shows what the calendar shows.
    query = request.GET.copy()
    query.setdefault("view", "week")
    query.setdefault("day", timezone.localdate().isoformat())
    if not query.get("by"):
        query["by"] = "room" if query.get("room") and not query.get("counsellor") else "counsellor"
    if query["by"] == "counsellor" and not query.get("counsellor"):
        default = counsellors.filter(pk=user.pk).first() or counsellors.first()
        query["counsellor"] = str(default.pk) if default else ""
    if query["by"] == "room" and not query.get("room"):
        default_room = rooms.first()
        query["room"] = str(default_room.pk) if default_room else ""
    form = CalendarForm(query, counsellors=counsellors, rooms=rooms)
    data = form.cleaned_data if form.is_valid() else {}
    by = data.get("by") or "counsellor"
    view = data.get("view") or "week"
    day: date = data.get("day") or timezone.localdate()
    counsellor = data.get("counsellor") if by == "counsellor" else None
    room = data.get("room") if by == "room" else None
    first_day = day - timedelta(days=day.weekday()) if view == "week" else day
    length = 7 if view == "week" else 1
    days = []
    if counsellor is not None or room is not None:
        days = selectors.calendar_days(
            user=user, first_day=first_day, days=length, counsellor=counsellor, room=room
        )
    shown = [block.appointment.pk for day_ in days for block in day_.blocks if block.appointment is not None]
    if shown:
        audit_list_read(
            actor=user,
            object_type="workflow.appointment",
            page="calendar",
            filters={
                "counsellor": getattr(counsellor, "pk", None),
                "room": getattr(room, "pk", None),
                "from": first_day.isoformat(),
                "days": length,
            },
            ids=shown,
        )
    step = timedelta(days=length)
    context = {
        "form": form,
        "by": by,
        "view": view,
        "counsellor": counsellor,
        "room": room,
        "days": days,
        "today": timezone.localdate(),
        "previous": (first_day - step).isoformat(),
        "next": (first_day + step).isoformat(),
        "query": urlencode({key: value for key, value in query.items() if key != "day" and value}),
    }
    return render(request, "workflow/appointments/calendar.html", context)
