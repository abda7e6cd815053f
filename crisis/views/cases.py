"""Staff pages of crisis cases (CRI-3): the list, one case with its risk assessment, safety plan,
action log and checks, the client's printable plan and its PDF, and one POST per action.

The list is for those who handle alerts; every case loads through policy.fetch_or_404 (a case is
seen with its alert), so a case out of reach is a 404 for reading and for every action alike. The
services decide finally (state, review rights) and their ValidationErrors go back on the form.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from confidentiality.services import audit_list_read
from crisis.forms.cases import (
    CaseReviewForm,
    CheckCompleteForm,
    CheckWaiveForm,
    CloseRequestForm,
    CrisisActionForm,
    RiskAssessmentForm,
    SafetyPlanForm,
)
from crisis.models import CrisisAction, CrisisCase
from crisis.permissions import HANDLE_ALERTS
from crisis.selectors import alerts as alert_selectors
from crisis.selectors import cases as selectors
from crisis.services import cases as services
from lib.views import errors_as_messages, submit_form

# ---------------------------------------------------------------------------------------------
# The list


@login_required
@require_http_methods(["GET"])
def case_list(request):
    user = request.user
    policy.require_permission(user, HANDLE_ALERTS)
    page = Paginator(selectors.case_list(user=user), 25).get_page(request.GET.get("page"))
    selectors.mark_reviewable(user=user, cases=page)
    audit_list_read(
        actor=user, object_type="crisis.crisiscase", page="crisis_cases", ids=[c.pk for c in page]
    )
    context = {"page": page, "now": timezone.now(), "reviewer": selectors.may_review_cases(user=user)}
    if context["reviewer"]:
        today = timezone.localdate()
        context["success"] = selectors.crisis_success_rate(
            user=user, start=today.replace(month=1, day=1), end=today
        )
    return render(request, "crisis/case_list.html", context)


# ---------------------------------------------------------------------------------------------
# Opening from an alert


@login_required
@require_POST
def case_open(request, pk: int):
    """Open the crisis case of alert ``pk``; a case that exists already is shown instead."""
    alert = alert_selectors.alert_for_page(user=request.user, pk=pk)
    try:
        crisis_case = services.crisis_case_open(actor=request.user, alert=alert)
    except ValidationError as exc:
        existing = CrisisCase.objects.filter(alert=alert).first()
        if existing is not None:
            messages.info(request, _("This alert already has a crisis case."))
            return redirect("crisis:case_detail", pk=existing.pk)
        for message in exc.messages:
            messages.error(request, message)
        return redirect("crisis:alert_detail", pk=alert.pk)
    if crisis_case.consent_bypassed:
        messages.warning(
            request,
            _(
                "No consent is on file: the case is opened on the basis of danger to life or safety. "
                "Inform the person afterwards (a task is on the case)."
            ),
        )
    messages.success(request, _("The crisis case is open."))
    return redirect("crisis:case_detail", pk=crisis_case.pk)


# ---------------------------------------------------------------------------------------------
# One case


def _may_review(request, crisis_case: CrisisCase) -> bool:
    return policy.can_review_crisis_case(request.user, crisis_case)


def _offered(request, crisis_case: CrisisCase) -> set[str]:
    """The forms the case's page offers: its status's actions (CrisisCase.ACTIONS, which the
    services enforce), reviewing only for those the policy lets review it."""
    offered = set(CrisisCase.ACTIONS.actions(crisis_case))
    if not _may_review(request, crisis_case):
        offered.discard("review")
    if ("close" in offered or "review" in offered) and services.close_refusal(crisis_case):
        # The same decision the closing services take: no form for a closing they would refuse.
        offered.discard("close")
        offered.discard("review")
    return offered


def _forms_for(request, crisis_case: CrisisCase, plan, bound: dict) -> dict:
    offered = _offered(request, crisis_case)
    forms: dict = {}
    anonymous = crisis_case.resident_id is None
    if "risk" in offered:
        risk_initial = {
            field: getattr(crisis_case, field)
            for field in ("ideation", "plan", "means", "history", "protective_factors", "risk_summary")
        }
        if plan is not None:
            plan_initial = {
                field: getattr(plan, field)
                for field in (
                    "warning_signs",
                    "coping_steps",
                    "people_places",
                    "professionals",
                    "means_restriction",
                )
            }
        else:
            plan_initial = {"professionals": selectors.safety_plan_professionals_default()}
        forms["risk_form"] = bound.get("risk") or RiskAssessmentForm(initial=risk_initial)
        forms["plan_form"] = bound.get("plan") or SafetyPlanForm(initial=plan_initial)
        forms["action_form"] = bound.get("action") or CrisisActionForm(anonymous=anonymous)
    if "close" in offered:
        forms["close_form"] = bound.get("close") or CloseRequestForm(
            initial={
                "outcome": crisis_case.outcome,
                "summary": crisis_case.closing_summary,
                "risk_level": crisis_case.closing_risk_level,
                "risk_reason": crisis_case.closing_risk_reason,
            },
            anonymous=anonymous,
        )
    if "review" in offered:
        forms["review_form"] = bound.get("review") or CaseReviewForm()
    return forms


def _detail(request, crisis_case: CrisisCase, *, status: int = 200, **bound):
    """The case's page; a failed action shows its own form again with the errors."""
    services.crisis_case_record_view(actor=request.user, crisis_case=crisis_case)
    plan = selectors.safety_plan_current(crisis_case=crisis_case)
    failed_check = bound.get("check")
    failed_waive = bound.get("waive")
    writable = CrisisCase.ACTIONS.allows(crisis_case, "action")
    checks = []
    for check in selectors.case_checks(crisis_case=crisis_case):
        form = waive_form = None
        if check.is_open:
            form = failed_check if failed_check and failed_check.check_pk == check.pk else None
            form = form or CheckCompleteForm(check=check)
            if writable and check.can_be_waived:
                waive_form = failed_waive if failed_waive and failed_waive.check_pk == check.pk else None
                waive_form = waive_form or CheckWaiveForm(check=check)
        checks.append((check, form, waive_form))
    context = {
        "case": crisis_case,
        "alert": crisis_case.alert,
        "now": timezone.now(),
        "plan": plan,
        "plan_versions": len(selectors.safety_plan_versions(crisis_case=crisis_case)),
        "actions": list(selectors.case_actions(crisis_case=crisis_case)),
        "checks": checks,
        "anonymous": crisis_case.resident_id is None,
        "disclosing_kinds": [kind.value for kind in CrisisAction.DISCLOSING],
        "close_refusal": services.close_refusal(crisis_case) if writable else "",
        "awaiting_other_reviewer": (
            CrisisCase.ACTIONS.allows(crisis_case, "review") and not _may_review(request, crisis_case)
        ),
        **_forms_for(request, crisis_case, plan, bound),
    }
    return render(request, "crisis/case_detail.html", context, status=status)


@login_required
@require_http_methods(["GET"])
def case_detail(request, pk: int):
    return _detail(request, selectors.case_for_page(user=request.user, pk=pk))


def _act(request, pk: int, *, name: str, form_class, run, done, **form_kwargs):
    """One action on a case: load it under the policy, validate the form, call the service.

    A ValidationError from the service goes back on the form (status 400); nothing is written.
    """
    crisis_case = selectors.case_for_page(user=request.user, pk=pk)
    if name in ("action", "close"):
        form_kwargs["anonymous"] = crisis_case.resident_id is None
    form = form_class(request.POST, **form_kwargs)
    response = submit_form(
        request,
        form,
        run=lambda data: run(crisis_case, data),
        done=done,
        success_url=reverse("crisis:case_detail", args=[crisis_case.pk]),
    )
    if response is not None:
        return response
    crisis_case = selectors.case_for_page(user=request.user, pk=pk)
    if name not in _offered(request, crisis_case):
        # The case has moved on (e.g. closed in another tab): its form is not on the page.
        errors_as_messages(request, form)
    return _detail(request, crisis_case, status=400, **{name: form})


@login_required
@require_POST
def case_risk_assessment(request, pk: int):
    return _act(
        request,
        pk,
        name="risk",
        form_class=RiskAssessmentForm,
        run=lambda crisis_case, data: services.crisis_risk_assessment_record(
            actor=request.user, crisis_case=crisis_case, **data
        ),
        done=_("The risk assessment is recorded."),
    )


@login_required
@require_POST
def case_safety_plan(request, pk: int):
    return _act(
        request,
        pk,
        name="plan",
        form_class=SafetyPlanForm,
        run=lambda crisis_case, data: services.safety_plan_save(
            actor=request.user, crisis_case=crisis_case, **data
        ),
        done=_("The safety plan is saved as a new version."),
    )


@login_required
@require_POST
def case_action(request, pk: int):
    def run(crisis_case, data):
        services.crisis_action_record(
            actor=request.user,
            crisis_case=crisis_case,
            kind=data["kind"],
            text=data["text"],
            recipient=data["recipient"],
            at=data["at"],
            disclosed=data.get("disclosed"),
        )

    return _act(
        request,
        pk,
        name="action",
        form_class=CrisisActionForm,
        run=run,
        done=_("The action is in the log."),
    )


@login_required
@require_POST
def case_check_complete(request, pk: int, check_pk: int):
    check = selectors.check_for_page(user=request.user, case_pk=pk, pk=check_pk)
    form = CheckCompleteForm(request.POST, check=check)
    response = submit_form(
        request,
        form,
        run=lambda data: services.crisis_check_complete(actor=request.user, check=check, note=data["note"]),
        done=_("The check is done."),
        success_url=reverse("crisis:case_detail", args=[pk]),
    )
    if response is not None:
        return response
    check.refresh_from_db()
    if not check.is_open:
        # Done or waived meanwhile (another tab): the check's form is not on the page any more.
        errors_as_messages(request, form)
    return _detail(request, selectors.case_for_page(user=request.user, pk=pk), status=400, check=form)


@login_required
@require_POST
def case_check_waive(request, pk: int, check_pk: int):
    check = selectors.check_for_page(user=request.user, case_pk=pk, pk=check_pk)
    form = CheckWaiveForm(request.POST, check=check)
    response = submit_form(
        request,
        form,
        run=lambda data: services.crisis_check_waive(actor=request.user, check=check, reason=data["reason"]),
        done=_("The check is waived."),
        success_url=reverse("crisis:case_detail", args=[pk]),
    )
    if response is not None:
        return response
    check.refresh_from_db()
    crisis_case = selectors.case_for_page(user=request.user, pk=pk)
    if not check.is_open or not CrisisCase.ACTIONS.allows(crisis_case, "action"):
        # Done, waived or closed meanwhile: the waiver's form is not on the page any more.
        errors_as_messages(request, form)
    return _detail(request, crisis_case, status=400, waive=form)


@login_required
@require_POST
def case_request_close(request, pk: int):
    return _act(
        request,
        pk,
        name="close",
        form_class=CloseRequestForm,
        run=lambda crisis_case, data: services.crisis_case_request_close(
            actor=request.user,
            crisis_case=crisis_case,
            outcome=data["outcome"],
            summary=data["summary"],
            risk_level=data.get("risk_level", ""),
            risk_reason=data.get("risk_reason", ""),
        ),
        done=_("The closing waits for a supervisor's review."),
    )


@login_required
@require_POST
def case_review(request, pk: int):
    return _act(
        request,
        pk,
        name="review",
        form_class=CaseReviewForm,
        run=lambda crisis_case, data: services.crisis_case_review(
            actor=request.user,
            crisis_case=crisis_case,
            approve=data["decision"] == CaseReviewForm.APPROVE,
            note=data["note"],
        ),
        done=lambda data: (
            _("The crisis case is closed.")
            if data["decision"] == CaseReviewForm.APPROVE
            else _("The case is returned to its owner.")
        ),
    )


# ---------------------------------------------------------------------------------------------
# The client's safety plan: printable page and PDF


def _plan_or_redirect(request, crisis_case: CrisisCase):
    plan = selectors.safety_plan_current(crisis_case=crisis_case)
    if plan is None:
        messages.error(request, _("Write the safety plan first."))
    return plan


@login_required
@require_http_methods(["GET"])
def safety_plan_print(request, pk: int):
    crisis_case = selectors.case_for_page(user=request.user, pk=pk)
    plan = _plan_or_redirect(request, crisis_case)
    if plan is None:
        return redirect("crisis:case_detail", pk=pk)
    services.safety_plan_record_print(actor=request.user, crisis_case=crisis_case, plan=plan)
    context = selectors.safety_plan_context(crisis_case=crisis_case, plan=plan)
    return render(request, "crisis/safety_plan_print.html", context)


@login_required
@require_http_methods(["GET"])
def safety_plan_pdf(request, pk: int):
    crisis_case = selectors.case_for_page(user=request.user, pk=pk)
    plan = _plan_or_redirect(request, crisis_case)
    if plan is None:
        return redirect("crisis:case_detail", pk=pk)
    context = selectors.safety_plan_context(crisis_case=crisis_case, plan=plan)
    content = services.safety_plan_pdf(
        actor=request.user, crisis_case=crisis_case, plan=plan, context=context
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="safety-plan-{crisis_case.pk}-v{plan.version}.pdf"'
    )
    response["Cache-Control"] = "no-store"
    return response
