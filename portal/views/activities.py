"""Activities on the portal (PRG-1): the list of what is coming, sign-up (oneself, or a guardian
for a child), the registrant's own page (cancel, take an offered seat) and the door's QR check-in.

No login: like an appointment request, a person is known by the name and phone they give; the
form carries a key made by the server, so a double submit stores one registration. The
registrant's page is reached only through the secret link given to them (kept in the session of
the browser that signed up, and sent to their phone).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from activities.forms import DoorCheckinForm, PortalSignupForm
from activities.models import Activity, Registration
from activities.selectors import portal_activities, seats_summary
from activities.services import (
    registration_accept_offer,
    registration_cancel,
    registration_check_in_at_door,
    registration_create,
)
from core.selectors import centre_profile
from lib.forms import apply_validation_error
from lib.request_context import client_ip_from_request

SESSION_KEY = "activity_registrations"


def _context(**extra):
    return {"centre": centre_profile(), **extra}


@require_http_methods(["GET"])
def activity_list(request):
    rows = list(portal_activities())
    for row in rows:
        row.seats_text = seats_summary(row)
    return render(request, "portal/activities/list.html", _context(activities=rows))


@require_http_methods(["GET", "POST"])
def activity_signup(request, pk: int):
    activity = get_object_or_404(portal_activities(), pk=pk)
    activity.seats_text = seats_summary(activity)
    form = PortalSignupForm(request.POST or None, activity=activity)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            registration = registration_create(
                activity=activity,
                name=data["name"],
                phone=data["phone"],
                guardian_name=data["guardian_name"] if data.get("for_child") else "",
                audience_group=data.get("audience_group") or "",
                channel=Registration.Channel.PORTAL,
                request_key=data["request_key"],
                client_ip=client_ip_from_request(request) or "unknown",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            tokens = request.session.get(SESSION_KEY, [])
            request.session[SESSION_KEY] = [*tokens[-9:], registration.token]
            return redirect("portal:activity_registration", token=registration.token)
    return render(request, "portal/activities/signup.html", _context(activity=activity, form=form))


def _registration(token: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("activity__site", "activity__room"), token=token
    )


@require_http_methods(["GET", "POST"])
def activity_registration(request, token: str):
    """The registrant's own page: what their registration is, and cancel or take an offer."""
    registration = _registration(token)
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "cancel":
                registration_cancel(registration=registration, token=token)
            elif action == "accept":
                registration_accept_offer(registration=registration, token=token)
            else:
                raise Http404
        except ValidationError as exc:
            error = " ".join(exc.messages)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            return redirect("portal:activity_registration", token=token)
        registration.refresh_from_db()
    return render(
        request,
        "portal/activities/registration.html",
        _context(registration=registration, activity=registration.activity, error=error),
        status=400 if error else 200,
    )


@require_http_methods(["GET", "POST"])
def activity_door(request, token: str):
    """The page the door's QR code opens: give the phone registered with, and be checked in."""
    activity = get_object_or_404(Activity.objects.select_related("site"), checkin_token=token)
    form = DoorCheckinForm(request.POST or None)
    done = []
    if request.method == "POST" and form.is_valid():
        try:
            done = registration_check_in_at_door(
                checkin_token=token,
                phone=form.cleaned_data["phone"],
                client_ip=client_ip_from_request(request) or "unknown",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(
        request,
        "portal/activities/door.html",
        _context(activity=activity, form=form, done=done),
        status=400 if form.errors else 200,
    )
