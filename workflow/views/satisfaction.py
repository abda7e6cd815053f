"""Staff pages of satisfaction feedback (SVC-7): the results, the QR code of a link, feedback
given on paper, and a fresh link for a completed service.

Rows come through ``policy.filter_satisfaction_surveys``; issuing a link, its QR code and paper
feedback need ``policy.can_collect_satisfaction``.
"""

from __future__ import annotations

from io import BytesIO

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from confidentiality.services import audit_list_read, audit_record
from lib.forms import apply_validation_error
from workflow.forms.satisfaction import PaperEntryForm, SatisfactionFilterForm
from workflow.models import Case, SatisfactionSurvey
from workflow.permissions import VIEW_SERVICE_QUALITY
from workflow.selectors.satisfaction import (
    satisfaction_rows_with_offers,
    satisfaction_summary,
    satisfaction_surveys_for,
)
from workflow.services.satisfaction import (
    satisfaction_link,
    satisfaction_paper_entry,
    satisfaction_survey_issue,
)

PAGE_SIZE = 50


def _may_see_results(user) -> bool:
    return policy.sees_clinical_content(user) or policy.has_permission(user, VIEW_SERVICE_QUALITY)


def _case_from_query(request, source) -> Case:
    """The case named by ``?case=`` (or the posted ``case``): 404 if missing or out of reach,
    403 if the person sees it but may not work on it."""
    case = policy.fetch_or_404(
        request.user,
        Case,
        queryset=Case.objects.select_related("resident", "counsellor"),
        pk=source.get("case", ""),
    )
    if not policy.can_work_on_case(request.user, case):
        raise PermissionDenied
    return case


@login_required
@require_http_methods(["GET"])
def satisfaction_list(request):
    user = request.user
    if not _may_see_results(user):
        raise PermissionDenied
    form = SatisfactionFilterForm(request.GET or None)
    rows = SatisfactionSurvey.objects.none()
    if form.is_valid():
        rows = satisfaction_surveys_for(
            user=user, channel=form.cleaned_data["channel"], state=form.cleaned_data["state"]
        )
    elif not request.GET:
        rows = satisfaction_surveys_for(user=user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    commented = [survey.pk for survey in page if survey.comment]
    if commented:
        # Comments are the client's own words about their service.
        audit_record(actor=user, action="satisfaction.comments_read", details={"surveys": commented})
    audit_list_read(
        actor=user, object_type="workflow.satisfactionsurvey", page="satisfaction", ids=[s.pk for s in page]
    )
    context = {
        "form": form,
        "page": page,
        "summary": satisfaction_summary(rows),
        "rows": satisfaction_rows_with_offers(user=user, surveys=page),
        "filters": request.GET,
    }
    template = "workflow/satisfaction/_rows.html" if request.htmx else "workflow/satisfaction/list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET"])
def satisfaction_qr(request, pk: int):
    """The survey's one-time link as a PNG QR code, for the client to scan at the desk."""
    survey = policy.fetch_or_404(request.user, SatisfactionSurvey, pk=pk)
    if survey.channel != SatisfactionSurvey.Channel.LINK:
        raise Http404
    if not policy.can_collect_satisfaction(request.user, case=survey.case, appointment=survey.appointment):
        raise PermissionDenied
    buffer = BytesIO()
    qrcode.make(satisfaction_link(survey), box_size=12, border=4).save(buffer, format="PNG")
    response = HttpResponse(buffer.getvalue(), content_type="image/png")
    response["Content-Disposition"] = f'inline; filename="satisfaction-{survey.pk}.png"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def satisfaction_paper(request):
    case = _case_from_query(request, request.GET)
    form = PaperEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            satisfaction_paper_entry(actor=request.user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The paper feedback for case %(number)s is recorded.") % {"number": case.number}
            )
            return redirect("workflow:satisfaction_list")
    return render(request, "workflow/satisfaction/paper_form.html", {"form": form, "case": case})


@login_required
@require_POST
def satisfaction_issue(request):
    """A link for a closed case (e.g. when the first one expired); an open link is reused."""
    case = _case_from_query(request, request.POST)
    try:
        survey = satisfaction_survey_issue(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The feedback link for case %(number)s is ready: %(link)s")
            % {"number": case.number, "link": satisfaction_link(survey)},
        )
    return redirect("workflow:satisfaction_list")
