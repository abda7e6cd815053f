"""Staff screens of the bulk entry (SCR-2): template download, upload, and the job's progress
and error report."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from assessments.library import get_instrument
from assessments.models import Campaign, ImportJob
from assessments.permissions import MANAGE_CAMPAIGNS
from confidentiality import policy
from lib.forms import apply_validation_error

from .. import imports
from ..forms import ImportForm


def _campaign(request, pk: int) -> Campaign:
    policy.require_permission(request.user, MANAGE_CAMPAIGNS)
    return policy.fetch_or_404(request.user, Campaign, pk=pk)


def _job(campaign: Campaign, job_pk: int) -> ImportJob:
    return get_object_or_404(ImportJob.objects.defer("payload"), pk=job_pk, campaign=campaign)


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request, pk: int):
    campaign = _campaign(request, pk)
    codes = imports.import_instruments(campaign)
    problem = imports.import_problem(campaign)
    form = ImportForm(request.POST or None, request.FILES or None, codes=codes)
    if request.method == "POST" and not problem and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            job = imports.import_job_create(
                actor=request.user,
                campaign=campaign,
                instrument_code=form.cleaned_data["instrument"],
                file=upload,
                file_name=upload.name,
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            return redirect("screening:campaign_import_job", pk=campaign.pk, job_pk=job.pk)
    templates = [(code, get_instrument(code).text("name", request.LANGUAGE_CODE)) for code in codes]
    return render(
        request,
        "screening/import_form.html",
        {
            "campaign": campaign,
            "form": form,
            "problem": problem,
            "templates": templates,
            "jobs": campaign.import_jobs.defer("payload").select_related("created_by")[:10],
        },
    )


@login_required
@require_http_methods(["GET"])
def import_template(request, pk: int):
    campaign = _campaign(request, pk)
    code = request.GET.get("instrument", "")
    file_format = request.GET.get("format", "csv")
    if imports.import_problem(campaign, code) or file_format not in imports.FORMATS:
        raise Http404
    content = imports.import_template(campaign, code, file_format)
    response = HttpResponse(content, content_type=imports.CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="campaign-{campaign.pk}-{code}.{file_format}"'
    return response


@login_required
@require_http_methods(["GET"])
def import_job(request, pk: int, job_pk: int):
    campaign = _campaign(request, pk)
    job = _job(campaign, job_pk)
    instrument = get_instrument(job.instrument_code)
    return render(
        request,
        "screening/import_job.html",
        {"campaign": campaign, "job": job, "instrument_name": instrument.text("name", request.LANGUAGE_CODE)},
    )


@login_required
@require_http_methods(["GET"])
def import_job_status(request, pk: int, job_pk: int):
    """The status block alone: the job page polls it while the job is waiting or running."""
    campaign = _campaign(request, pk)
    return render(
        request, "screening/_import_status.html", {"campaign": campaign, "job": _job(campaign, job_pk)}
    )
