"""Staff pages: referrals (SVC-8) and the directory of institutions.

Referrals are loaded through confidentiality.policy.fetch_or_404 (the case's team sees them);
writing needs policy.can_work_on_case, checked again in the services.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from workflow.forms.referrals import InstitutionForm, OutcomeForm, ReceiptForm, ReferralForm
from workflow.models import Case, Institution, Referral
from workflow.permissions import MANAGE_CASES, MANAGE_INSTITUTIONS
from workflow.selectors.referrals import (
    institution_choices,
    institution_directory,
    referral_letters,
    referrals_awaiting_receipt,
    referrals_visible,
)
from workflow.services import referrals as services


def _require_directory(user) -> None:
    if not (policy.has_permission(user, MANAGE_CASES) or policy.has_permission(user, MANAGE_INSTITUTIONS)):
        raise PermissionDenied


# ---------------------------------------------------------------------------------------------
# Directory of institutions


@login_required
@require_http_methods(["GET"])
def institution_list(request):
    _require_directory(request.user)
    context = {
        "institutions": institution_directory(user=request.user),
        "can_manage": policy.can_manage_institutions(request.user),
    }
    return render(request, "workflow/referrals/institution_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def institution_create(request):
    policy.require_permission(request.user, MANAGE_INSTITUTIONS)
    form = InstitutionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("is_active")  # a new entry is active
        try:
            services.institution_create(actor=request.user, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The institution is added to the directory."))
            return redirect("workflow:institution_list")
    return render(request, "workflow/referrals/institution_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def institution_edit(request, pk: int):
    policy.require_permission(request.user, MANAGE_INSTITUTIONS)
    institution = policy.fetch_or_404(request.user, Institution, pk=pk)
    initial = {
        name: getattr(institution, name)
        for name in ("name", "kind", "department", "contact_person", "phone", "address", "is_active")
    }
    form = InstitutionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.institution_update(actor=request.user, institution=institution, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The institution is saved."))
            return redirect("workflow:institution_list")
    return render(
        request, "workflow/referrals/institution_form.html", {"form": form, "institution": institution}
    )


# ---------------------------------------------------------------------------------------------
# Referrals


@login_required
@require_http_methods(["GET"])
def referral_list(request):
    user = request.user
    if not policy.sees_clinical_content(user):
        raise PermissionDenied
    page = Paginator(referrals_visible(user=user), 25).get_page(request.GET.get("page"))
    audit_list_read(actor=user, object_type="workflow.referral", page="referrals", ids=[r.pk for r in page])
    context = {
        "page": page,
        "overdue": referrals_awaiting_receipt(user=user),
        "receipt_days": settings.XINQIAO_REFERRAL_RECEIPT_DAYS,
        "filters": request.GET,
    }
    return render(request, "workflow/referrals/referral_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def referral_create(request, case_pk: int):
    user = request.user
    case = policy.fetch_or_404(user, Case, queryset=Case.objects.select_related("resident"), pk=case_pk)
    if not policy.can_work_on_case(user, case):
        raise PermissionDenied
    form = ReferralForm(request.POST or None, institutions=institution_choices(user=user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("client_agrees")
        try:
            referral = services.referral_create(actor=user, case=case, **data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request,
                _("The referral to %(institution)s is recorded. Download the letter to send it.")
                % {"institution": referral.institution.name},
            )
            return redirect("workflow:referral_detail", pk=referral.pk)
    context = {"form": form, "case": case, "case_closed": not Case.ACTIONS.allows(case, "refer")}
    return render(request, "workflow/referrals/referral_form.html", context)


def _referral(request, pk: int) -> Referral:
    queryset = Referral.objects.select_related(
        "case", "case__resident", "case__counsellor", "institution", "referred_by", "disclosure"
    )
    return policy.fetch_or_404(request.user, Referral, queryset=queryset, pk=pk)


def _detail_context(request, referral: Referral, **forms) -> dict:
    can_work = policy.can_work_on_case(request.user, referral.case)
    return {
        "referral": referral,
        "case": referral.case,
        "can_work": can_work,
        "receipt_form": forms.get("receipt_form") or ReceiptForm(),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(initial={"outcome": referral.outcome}),
        "letters": referral_letters(referral=referral),
    }


@login_required
@require_http_methods(["GET"])
def referral_detail(request, pk: int):
    referral = _referral(request, pk)
    services.referral_record_view(actor=request.user, referral=referral)
    return render(request, "workflow/referrals/referral_detail.html", _detail_context(request, referral))


@login_required
@require_http_methods(["POST"])
def referral_letter(request, pk: int):
    # A POST: every letter made is a disclosure, so a prefetching browser or a link preview must
    # never make one.
    referral = _referral(request, pk)
    if not policy.can_work_on_case(request.user, referral.case):
        raise PermissionDenied
    content = services.referral_letter_pdf(actor=request.user, referral=referral)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="referral-{referral.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


def _loop_step(request, pk: int, form_class, form_key: str, action, success: str):
    """Receipt and outcome: a POST, then back to the detail page (or the form with its errors)."""
    referral = _referral(request, pk)
    if not policy.can_work_on_case(request.user, referral.case):
        raise PermissionDenied
    form = form_class(request.POST)
    if form.is_valid():
        try:
            action(referral, form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, success)
            return redirect("workflow:referral_detail", pk=referral.pk)
    context = _detail_context(request, referral, **{form_key: form})
    return render(request, "workflow/referrals/referral_detail.html", context, status=400)


@login_required
@require_POST
def referral_confirm_receipt(request, pk: int):
    return _loop_step(
        request,
        pk,
        ReceiptForm,
        "receipt_form",
        lambda referral, data: services.referral_confirm_receipt(
            actor=request.user, referral=referral, **data
        ),
        _("The receipt is confirmed."),
    )


@login_required
@require_POST
def referral_record_outcome(request, pk: int):
    return _loop_step(
        request,
        pk,
        OutcomeForm,
        "outcome_form",
        lambda referral, data: services.referral_record_outcome(
            actor=request.user, referral=referral, **data
        ),
        _("The outcome of the referral is recorded."),
    )
