"""Staff screens for screening campaigns (SCR-1): create, open and close, coverage, link and QR."""

from __future__ import annotations

from io import BytesIO

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from lib.forms import apply_validation_error
from orgs.models import OrgUnit

from . import campaigns
from .forms import CampaignForm
from .models import Campaign
from .permissions import MANAGE_CAMPAIGNS


def _campaign(request, pk: int) -> Campaign:
    policy.require_permission(request.user, MANAGE_CAMPAIGNS)
    return policy.fetch_or_404(request.user, Campaign, pk=pk)


@login_required
@require_http_methods(["GET"])
def campaign_list(request):
    policy.require_permission(request.user, MANAGE_CAMPAIGNS)
    items = policy.filter_campaigns(request.user, Campaign.objects.all()).prefetch_related("target_units")
    return render(request, "assessments/campaign_list.html", {"campaigns": items})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    policy.require_permission(request.user, MANAGE_CAMPAIGNS)
    units = policy.filter_org_units(request.user, OrgUnit.objects.filter(is_active=True)).order_by("path")
    form = CampaignForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            campaign = campaigns.campaign_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The campaign is created as a draft; open it when it should start."))
            return redirect("assessments:campaign", pk=campaign.pk)
    return render(request, "assessments/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    link = request.build_absolute_uri(reverse("selftest:start", args=[campaign.token]))
    return render(
        request,
        "assessments/campaign_detail.html",
        {
            "campaign": campaign,
            "link": link,
            "coverage": campaigns.campaign_coverage(campaign),
            "bands": campaigns.campaign_band_counts(campaign),
            "problem": campaigns.campaign_open_problem(campaign),
        },
    )


@login_required
@require_http_methods(["GET"])
def campaign_qr(request, pk: int):
    """The self-test link as a printable PNG QR code."""
    campaign = _campaign(request, pk)
    link = request.build_absolute_uri(reverse("selftest:start", args=[campaign.token]))
    buffer = BytesIO()
    qrcode.make(link, box_size=12, border=4).save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="campaign-{campaign.pk}.png"'
    return response


@login_required
@require_POST
def campaign_status(request, pk: int):
    campaign = _campaign(request, pk)
    try:
        campaigns.campaign_set_status(
            actor=request.user, campaign=campaign, status=request.POST.get("status", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("assessments:campaign", pk=campaign.pk)
