"""The public portal (PRT-1): readable without logging in, mobile-first."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from core.selectors import centre_profile
from orgs.models import ServiceSite
from orgs.selectors import on_duty, opening_hours_summary


@require_http_methods(["GET"])
def portal_home(request):
    sites = opening_hours_summary(sites=ServiceSite.objects.all())
    # Who is on duty today, by site: the staff member's display name, the room and the hours only.
    duty: dict[int, list] = {}
    for slot in on_duty(day=timezone.localdate(), sites=[site.pk for site in sites]):
        duty.setdefault(slot.room.site_id, []).append(
            {
                "name": slot.counsellor.full_name or slot.counsellor.username,
                "room": slot.room.name,
                "starts": slot.starts,
                "ends": slot.ends,
            }
        )
    for site in sites:
        site.on_duty_today = duty.get(site.pk, [])
    return render(request, "portal/home.html", {"centre": centre_profile(), "sites": sites})
