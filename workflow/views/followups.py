"""Staff pages of follow-ups (SVC-6): my follow-ups, the team's overdue and unassigned ones, one
task with its actions, and planning a new one. Objects load through policy.fetch_or_404; who may
act on a task is policy.can_work_on_follow_up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from workflow.forms.followups import (
    FollowUpCancelForm,
    FollowUpCompleteForm,
    FollowUpCreateForm,
    FollowUpReassignForm,
)
from workflow.models import Case, FollowUpTask
from workflow.permissions import MANAGE_CASES, VIEW_SERVICE_QUALITY
from workflow.selectors.followups import (
    follow_up_assignees,
    my_follow_ups,
    team_overdue_follow_ups,
    unassigned_follow_ups,
)
from workflow.services import followups as services

TABS = ("mine", "team", "unassigned")


@login_required
@require_http_methods(["GET"])
def followup_list(request):
    user = request.user
    policy.require_permission(user, MANAGE_CASES)
    tab = request.GET.get("tab", "mine")
    if tab not in TABS:
        tab = "mine"
    can_see_team = policy.has_permission(user, VIEW_SERVICE_QUALITY)
    if tab == "team" and not can_see_team:
        raise PermissionDenied
    today = timezone.localdate()
    context = {"tab": tab, "today": today, "can_see_team": can_see_team, "filters": {"tab": tab}}
    if tab == "mine":
        sections = my_follow_ups(user=user, today=today)
        context["sections"] = [
            ("due-today", _("Due today"), list(sections["due_today"])),
            ("overdue", _("Overdue"), list(sections["overdue"])),
            ("upcoming", _("Upcoming (next 14 days)"), list(sections["upcoming"])),
            ("later", _("Later (after 14 days)"), list(sections["later"])),
        ]
    else:
        tasks = (
            team_overdue_follow_ups(user=user, today=today)
            if tab == "team"
            else unassigned_follow_ups(user=user)
        )
        context["page"] = Paginator(tasks, 25).get_page(request.GET.get("page"))
    shown = (
        [task.pk for _key, _title, rows in context["sections"] for task in rows]
        if tab == "mine"
        else [task.pk for task in context["page"]]
    )
    audit_list_read(actor=user, object_type="workflow.followuptask", page=f"follow_ups_{tab}", ids=shown)
    return render(request, "workflow/followups/list.html", context)


def _detail(request, task: FollowUpTask, *, status: int = 200, **bound):
    """The task's page; a failed action shows its own form again with the errors."""
    user = request.user
    if task.outcome:
        services.follow_up_record_view(actor=user, task=task)
    # The forms the task's status allows (FollowUpTask.ACTIONS, which the services enforce), for
    # those the policy lets work on it.
    offered = FollowUpTask.ACTIONS.actions(task) if policy.can_work_on_follow_up(user, task) else ()
    context = {"task": task, "can_work": bool(offered)}
    builders = {
        "complete": lambda: FollowUpCompleteForm(initial={"method": task.method}),
        "reassign": lambda: FollowUpReassignForm(
            assignees=follow_up_assignees(resident=task.resident).exclude(pk=task.assignee_id or 0)
        ),
        "cancel": lambda: FollowUpCancelForm(),
    }
    for name in offered:
        context[f"{name}_form"] = bound.get(f"{name}_form") or builders[name]()
    return render(request, "workflow/followups/detail.html", context, status=status)


def _task(request, pk: int) -> FollowUpTask:
    queryset = FollowUpTask.objects.select_related(
        "resident", "resident__org_unit", "case", "assignee", "completed_by", "campaign"
    )
    return policy.fetch_or_404(request.user, FollowUpTask, queryset=queryset, pk=pk)


def _workable_task(request, pk: int) -> FollowUpTask:
    task = _task(request, pk)
    if not policy.can_work_on_follow_up(request.user, task):
        raise PermissionDenied
    return task


def _closed(request, task: FollowUpTask):
    """A task done or cancelled meanwhile (e.g. in another tab): say so instead of a form error."""
    messages.error(request, _("This follow-up is already done or cancelled."))
    return redirect("workflow:followup_detail", pk=task.pk)


@login_required
@require_http_methods(["GET"])
def followup_detail(request, pk: int):
    return _detail(request, _task(request, pk))


@login_required
@require_POST
def followup_complete(request, pk: int):
    task = _workable_task(request, pk)
    if not FollowUpTask.ACTIONS.allows(task, "complete"):
        return _closed(request, task)
    form = FollowUpCompleteForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_complete(
                actor=request.user,
                task=task,
                outcome=form.cleaned_data["outcome"],
                completed_at=form.cleaned_data["completed_at"],
                method=form.cleaned_data["method"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The follow-up is recorded as done."))
            return redirect("workflow:followup_detail", pk=task.pk)
    return _detail(request, task, status=400, complete_form=form)


@login_required
@require_POST
def followup_reassign(request, pk: int):
    task = _workable_task(request, pk)
    if not FollowUpTask.ACTIONS.allows(task, "reassign"):
        return _closed(request, task)
    form = FollowUpReassignForm(request.POST, assignees=follow_up_assignees(resident=task.resident))
    if form.is_valid():
        try:
            services.follow_up_reassign(
                actor=request.user,
                task=task,
                assignee=form.cleaned_data["assignee"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            if form.cleaned_data["assignee"].pk == request.user.pk:
                messages.success(request, _("You have taken the follow-up."))
            else:
                messages.success(request, _("The follow-up is handed over."))
            return redirect("workflow:followup_detail", pk=task.pk)
    return _detail(request, task, status=400, reassign_form=form)


@login_required
@require_POST
def followup_cancel(request, pk: int):
    task = _workable_task(request, pk)
    if not FollowUpTask.ACTIONS.allows(task, "cancel"):
        return _closed(request, task)
    form = FollowUpCancelForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_cancel(actor=request.user, task=task, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The follow-up is cancelled."))
            return redirect("workflow:followup_detail", pk=task.pk)
    return _detail(request, task, status=400, cancel_form=form)


def _planned_for(request) -> tuple[Resident | None, Case | None]:
    """The client (and case) named by ?case=<pk> or ?resident=<pk>, loaded under the policy."""
    raw_case, raw_resident = request.GET.get("case", ""), request.GET.get("resident", "")
    if raw_case.isdigit():
        case = policy.fetch_or_404(
            request.user, Case, queryset=Case.objects.select_related("resident"), pk=int(raw_case)
        )
        return case.resident, case
    if raw_resident.isdigit():
        return policy.fetch_or_404(request.user, Resident, pk=int(raw_resident)), None
    return None, None


@login_required
@require_http_methods(["GET", "POST"])
def followup_create(request):
    user = request.user
    policy.require_permission(user, MANAGE_CASES)
    resident, case = _planned_for(request)
    if resident is None:
        messages.error(request, _("Plan a follow-up from a client's archive or case."))
        return redirect("workflow:followup_list")
    if not policy.can_plan_follow_up(user, resident):
        raise PermissionDenied
    assignees = follow_up_assignees(resident=resident)
    form = FollowUpCreateForm(request.POST or None, assignees=assignees, initial={"assignee": user.pk})
    if request.method == "POST" and form.is_valid():
        try:
            task = services.follow_up_create(actor=user, resident=resident, case=case, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The follow-up is planned."))
            return redirect("workflow:followup_detail", pk=task.pk)
    context = {"form": form, "resident": resident, "case": case}
    return render(request, "workflow/followups/form.html", context)
