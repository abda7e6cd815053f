"""The portal's home page (PRT-1): readable without logging in, mobile-first."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.selectors import centre_profile
from orgs.models import ServiceSite
from orgs.selectors import opening_hours_summary, public_duty_today


@require_http_methods(["GET"])
def portal_home(request):
    sites = opening_hours_summary(sites=ServiceSite.objects.all())
    duty = public_duty_today(sites=sites)
    for site in sites:
        site.on_duty_today = duty.get(site.pk, [])
    return render(request, "portal/home.html", {"centre": centre_profile(), "sites": sites})
