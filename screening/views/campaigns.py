"""Staff screens for screening campaigns (SCR-1): create, open and close, coverage, link and QR."""

from __future__ import annotations

from io import BytesIO

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from assessments.models import Campaign
from assessments.permissions import MANAGE_CAMPAIGNS, VIEW_SCREENING_SUMMARY
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from lib.urls import absolute_reverse
from orgs.models import OrgUnit

from .. import reports
from .. import services as campaigns
from ..forms import CampaignForm


def _campaign(request, pk: int) -> Campaign:
    policy.require_permission(request.user, MANAGE_CAMPAIGNS)
    return policy.fetch_or_404(request.user, Campaign, pk=pk)


@login_required
@require_http_methods(["GET"])
def campaign_list(request):
    policy.require_permission(request.user, MANAGE_CAMPAIGNS)
    items = policy.filter_campaigns(request.user, Campaign.objects.all()).prefetch_related("target_units")
    return render(request, "screening/campaign_list.html", {"campaigns": items})


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
            return redirect("screening:campaign", pk=campaign.pk)
    return render(request, "screening/campaign_form.html", {"form": form})


@login_required
@require_http_methods(["GET"])
def campaign_detail(request, pk: int):
    campaign = _campaign(request, pk)
    link = absolute_reverse("portal:selftest_start", campaign.token, request=request)
    return render(
        request,
        "screening/campaign_detail.html",
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
    link = absolute_reverse("portal:selftest_start", campaign.token, request=request)
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
    return redirect("screening:campaign", pk=campaign.pk)


@login_required
@require_http_methods(["GET"])
def campaign_report(request, pk: int):
    """Band distribution by unit and group, positives and exports. Teachers and community staff
    get their own units only, without names, and with cells under 5 suppressed."""
    if not (
        policy.has_permission(request.user, MANAGE_CAMPAIGNS)
        or policy.has_permission(request.user, VIEW_SCREENING_SUMMARY)
    ):
        raise PermissionDenied
    campaign = policy.fetch_or_404(
        request.user, Campaign, policy_filter=policy.filter_campaign_reports, pk=pk
    )
    full = policy.has_permission(request.user, MANAGE_CAMPAIGNS)
    within = None if full else request.user.org_unit
    distribution = reports.band_distribution(campaign=campaign, suppress=not full, within=within)
    export = request.GET.get("format")
    positives = None
    if policy.can_see_campaign_positives(request.user):
        positives = reports.campaign_positives(campaign=campaign)
        audit_list_read(
            actor=request.user,
            object_type="assessments.assessment",
            page="campaign_report_xlsx" if export == "xlsx" else "campaign_report",
            ids=[assessment.pk for assessment in positives],
        )
    if export in ("xlsx", "pdf"):
        reports.campaign_report_record_export(actor=request.user, campaign=campaign, file_format=export)
        if export == "xlsx":
            content = reports.report_xlsx(campaign=campaign, distribution=distribution, positives=positives)
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        else:
            content = reports.report_pdf(campaign=campaign, distribution=distribution, suppressed=not full)
            mime = "application/pdf"
        response = HttpResponse(content, content_type=mime)
        response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}.{export}"'
        return response
    return render(
        request,
        "screening/campaign_report.html",
        {"campaign": campaign, "distribution": distribution, "positives": positives, "full": full},
    )


@login_required
@require_POST
def campaign_followups(request, pk: int):
    campaign = _campaign(request, pk)
    created = reports.followups_create_for_positives(actor=request.user, campaign=campaign)
    messages.success(request, _("%(n)s follow-up tasks created.") % {"n": created})
    return redirect("screening:campaign_report", pk=campaign.pk)
