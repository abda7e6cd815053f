"""Asking for an appointment on the portal (SVC-1), with no login; the workflow services keep the rules.

Mobile-first, in two steps: choose the site (skipped when there is one), then the service, a free
time from the on-duty hours of the next 14 days, a name and a phone. The form carries a key made
by the server when it is shown, so a double submit stores one request; new requests are limited
per client address in the service.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from core.selectors import centre_profile
from lib.forms import apply_validation_error
from lib.request_context import client_ip_from_request
from orgs.models import ServiceSite
from workflow.forms.appointments import PortalRequestForm
from workflow.models import Appointment
from workflow.selectors.appointments import portal_free_slots, portal_request_by_key
from workflow.services.appointments import appointment_request_from_portal

# The browser that asked is shown its request on the thank-you page; nobody else is.
SESSION_KEY = "appointment_requested"


def _portal_sites():
    return ServiceSite.objects.filter(is_active=True).order_by("name")


def _chosen_site(request, sites):
    raw = request.POST.get("site") or request.GET.get("site") or ""
    if raw.isdigit():
        return sites.filter(pk=int(raw)).first()
    return sites.first() if len(sites) == 1 else None


def _requested(request, appointment: Appointment):
    request.session[SESSION_KEY] = appointment.pk
    return redirect("portal:appointment_requested")


@require_http_methods(["GET", "POST"])
def appointment_request(request):
    sites = list(_portal_sites())
    site = _chosen_site(request, _portal_sites())
    context = {"centre": centre_profile(), "sites": sites, "site": site}
    if site is None:
        return render(request, "portal/appointments/sites.html", context)
    if request.method == "POST":
        stored = portal_request_by_key(request.POST.get("request_key", ""))
        if stored is not None:
            return _requested(request, stored)  # a double submit: the first one was stored
    form = PortalRequestForm(request.POST or None, site=site, slots=portal_free_slots(site=site))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        slot = data["slot"]
        try:
            appointment = appointment_request_from_portal(
                request_key=data["request_key"],
                site=site,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                service=data["service"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                contact_sex=data.get("contact_sex", ""),
                contact_age=data.get("contact_age"),
                reason=data.get("reason", ""),
                # An address that cannot be read is counted as one client, "unknown".
                client_ip=client_ip_from_request(request) or "unknown",
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return _requested(request, appointment)
    return render(request, "portal/appointments/request.html", {**context, "form": form})


@require_http_methods(["GET"])
def appointment_requested(request):
    pk = request.session.get(SESSION_KEY)
    appointment = Appointment.objects.filter(pk=pk).select_related("site").first() if pk else None
    return render(
        request,
        "portal/appointments/requested.html",
        {"centre": centre_profile(), "appointment": appointment},
    )
