"""Staff pages: cases (SVC-2), intake (SVC-3) and service plans (SVC-4).

Cases are loaded through confidentiality.policy.fetch_or_404 (404 when out of reach); writing is
for those who may work on the case (403 for those who only read it). Session pages live in
workflow/views/sessions.py and are mounted with these.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from archives.models import Resident
from assessments.permissions import ADMINISTER_ASSESSMENTS
from confidentiality import policy
from confidentiality.permissions import RECORD_CONSENT
from confidentiality.services import audit_list_read, clinical_consent_missing
from lib.forms import apply_validation_error
from workflow.forms.cases import (
    CaseAssessmentForm,
    CaseCloseForm,
    CaseFilterForm,
    CaseOpenForm,
    CaseReopenForm,
    CaseTransferForm,
    IntakeForm,
    PlanAgreementForm,
    ServicePlanForm,
)
from workflow.models import Appointment, Case, Intake, ServicePlan
from workflow.permissions import MANAGE_CASES
from workflow.selectors import cases as selectors
from workflow.services import cases as services


def _case_to_work_on(request, pk: int) -> Case:
    case = selectors.case_for_page(user=request.user, pk=pk)
    if not policy.can_work_on_case(request.user, case):
        raise PermissionDenied
    return case


def _pk_param(request, name: str) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    return int(raw)


@login_required
@require_http_methods(["GET"])
def case_list(request):
    user = request.user
    policy.require_permission(user, MANAGE_CASES)
    form = CaseFilterForm(request.GET or None)
    status, mine = "", False
    if form.is_valid():
        status, mine = form.cleaned_data["status"], form.cleaned_data["mine"]
    page = Paginator(selectors.case_list(user=user, status=status, mine=mine), 25).get_page(
        request.GET.get("page")
    )
    audit_list_read(actor=user, object_type="workflow.case", page="cases", ids=[c.pk for c in page])
    return render(
        request,
        "workflow/cases/case_list.html",
        {"form": form, "page": page, "filters": request.GET},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_open(request):
    """Open a case from a checked-in appointment (?appointment=) or a resident's archive (?resident=)."""
    user = request.user
    policy.require_permission(user, MANAGE_CASES)
    appointment_pk, resident_pk = _pk_param(request, "appointment"), _pk_param(request, "resident")
    appointment = resident = None
    if appointment_pk is not None:
        appointment = policy.fetch_or_404(
            user,
            Appointment,
            queryset=Appointment.objects.select_related("resident", "counsellor"),
            pk=appointment_pk,
        )
        resident = appointment.resident
    elif resident_pk is not None:
        resident = policy.fetch_or_404(
            user, Resident, queryset=Resident.objects.select_related("archive"), pk=resident_pk
        )
        if not policy.can_open_case_for(user, resident):
            raise PermissionDenied
    if resident is None and appointment is None:
        if request.method == "POST":
            raise Http404
        return render(
            request,
            "workflow/cases/case_open_start.html",
            {"appointments": selectors.checked_in_without_case(user=user)},
        )
    counsellors = selectors.assignable_counsellors(user=user, resident=resident)
    initial = {"counsellor": user.pk if counsellors.filter(pk=user.pk).exists() else None}
    if appointment is not None:
        if appointment.counsellor_id and counsellors.filter(pk=appointment.counsellor_id).exists():
            initial["counsellor"] = appointment.counsellor_id
        initial["presenting_problem"] = appointment.reason
    form = CaseOpenForm(request.POST or None, counsellors=counsellors, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case = services.case_open(
                actor=user,
                resident=resident,
                counsellor=form.cleaned_data["counsellor"],
                presenting_problem=form.cleaned_data["presenting_problem"],
                source_appointment=appointment,
                opened_at=form.cleaned_data["opened_at"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Case %(number)s is open.") % {"number": case.number})
            return redirect("workflow:case_detail", pk=case.pk)
    return render(
        request,
        "workflow/cases/case_open.html",
        {
            "form": form,
            "resident": resident,
            "appointment": appointment,
            "missing_consent": clinical_consent_missing(resident=resident) if resident else [],
            "can_record_consent": policy.has_permission(user, RECORD_CONSENT),
        },
    )


@login_required
@require_http_methods(["GET"])
def case_detail(request, pk: int):
    user = request.user
    case = selectors.case_for_page(user=user, pk=pk)
    services.case_record_view(actor=user, case=case)
    can_work = policy.can_work_on_case(user, case)
    can_transfer, no_transfer_reason = selectors.transfer_offer(user=user, case=case)
    # What the page offers follows the case's status (Case.ACTIONS), as the services enforce it.
    context = {
        "case": case,
        "resident": case.resident,
        "can_work": can_work,
        "can_transfer": can_transfer,
        "no_transfer_reason": no_transfer_reason,
        "refer_url": selectors.url_or_blank("workflow:referral_create", case.pk)
        if can_work and Case.ACTIONS.allows(case, "refer")
        else "",
        "reopen_form": CaseReopenForm(),
        "agreement_form": PlanAgreementForm(),
        **selectors.case_detail_data(user=user, case=case),
    }
    if (
        can_work
        and Case.ACTIONS.allows(case, "record")
        and policy.has_permission(user, ADMINISTER_ASSESSMENTS)
    ):
        context["assessment_form"] = CaseAssessmentForm(
            initial={"phase": "intake" if not context["sessions"] else "review"}
        )
    return render(request, "workflow/cases/case_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def case_transfer(request, pk: int):
    user = request.user
    case = selectors.case_for_page(user=user, pk=pk)
    if not policy.can_transfer_case(user, case):
        raise PermissionDenied
    offered, why_not = selectors.transfer_offer(user=user, case=case)
    if not offered:
        # A closed case, or nobody to hand it to: say why on the case page instead of an empty list.
        messages.error(
            request, why_not or _("Case %(number)s is closed: reopen it first.") % {"number": case.number}
        )
        return redirect("workflow:case_detail", pk=case.pk)
    form = CaseTransferForm(request.POST or None, targets=selectors.transfer_targets(user=user, case=case))
    if request.method == "POST" and form.is_valid():
        try:
            services.case_transfer(actor=user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The case is transferred; the history keeps the earlier counsellor."))
            if policy.filter_cases(user, Case.objects.filter(pk=case.pk)).exists():
                return redirect("workflow:case_detail", pk=case.pk)
            return redirect("workflow:case_list")
    return render(request, "workflow/cases/case_transfer.html", {"form": form, "case": case})


@login_required
@require_http_methods(["GET", "POST"])
def case_close(request, pk: int):
    user = request.user
    case = _case_to_work_on(request, pk)
    if not Case.ACTIONS.allows(case, "close"):
        messages.error(request, _("The case is already closed."))
        return redirect("workflow:case_detail", pk=case.pk)
    form = CaseCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.case_close(actor=user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The case is closed. Follow-ups are planned and the satisfaction link is ready.")
            )
            return redirect("workflow:case_detail", pk=case.pk)
    return render(request, "workflow/cases/case_close.html", {"form": form, "case": case})


@login_required
@require_POST
def case_reopen(request, pk: int):
    case = _case_to_work_on(request, pk)
    form = CaseReopenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the reason for reopening the case."))
        services.case_reopen(actor=request.user, case=case, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The case is open again."))
    return redirect("workflow:case_detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def intake_edit(request, pk: int):
    user = request.user
    case = _case_to_work_on(request, pk)
    if not Case.ACTIONS.allows(case, "record"):
        messages.error(request, _("The case is closed: reopen it first."))
        return redirect("workflow:case_detail", pk=case.pk)
    intake = Intake.objects.filter(case=case).first()
    initial = {field: getattr(intake, field) for field in services.INTAKE_FIELDS} if intake else None
    form = IntakeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.intake_record(actor=user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The intake is saved."))
            return redirect("workflow:case_detail", pk=case.pk)
    return render(request, "workflow/cases/intake_form.html", {"form": form, "case": case, "intake": intake})


PLAN_FIELDS = ("goals", "content", "modality", "frequency", "period_start", "period_end")


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request, pk: int):
    user = request.user
    case = _case_to_work_on(request, pk)
    if not Case.ACTIONS.allows(case, "record"):
        messages.error(request, _("The case is closed: reopen it first."))
        return redirect("workflow:case_detail", pk=case.pk)
    current = services.current_plan(case)
    initial = {field: getattr(current, field) for field in PLAN_FIELDS} if current else None
    form = ServicePlanForm(request.POST or None, initial=initial, revising=current is not None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.service_plan_create(actor=user, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("Version %(version)s of the plan is saved.") % {"version": plan.version}
            )
            return redirect("workflow:case_detail", pk=case.pk)
    return render(request, "workflow/cases/plan_form.html", {"form": form, "case": case, "current": current})


@login_required
@require_POST
def plan_agreement(request, pk: int):
    user = request.user
    plan = policy.fetch_or_404(
        user, ServicePlan, queryset=ServicePlan.objects.select_related("case", "case__counsellor"), pk=pk
    )
    if not policy.can_work_on_case(user, plan.case):
        raise PermissionDenied
    form = PlanAgreementForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Give the date and how the client agreed."))
        services.service_plan_record_agreement(actor=user, plan=plan, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The client's agreement is recorded."))
    return redirect("workflow:case_detail", pk=plan.case_id)
