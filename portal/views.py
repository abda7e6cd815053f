"""The public portal (PRT-1): readable without logging in, mobile-first."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.selectors import centre_profile
from orgs.models import ServiceSite
from orgs.selectors import opening_hours_summary


@require_http_methods(["GET"])
def portal_home(request):
    return render(
        request,
        "portal/home.html",
        {"centre": centre_profile(), "sites": opening_hours_summary(sites=ServiceSite.objects.all())},
    )
