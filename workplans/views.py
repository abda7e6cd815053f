"""Pages of this app (private to it: only its urls.py imports them).

Writers (project leads, directors) write plans for the units in their scope and submit them; an
approver other than the submitter approves; owners link what they did to their items'
occurrences. Whatever a person may not see or do is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from confidentiality import policy
from confidentiality.services import audit_list_read
from lib.forms import apply_validation_error
from lib.urls import absolute_reverse
from lib.views import errors_as_messages, submit_form

from . import selectors, services
from .forms import ItemForm, LinkForm, PlanEditForm, PlanForm, ReasonForm
from .ical import calendar_text
from .models import CalendarFeed, OccurrenceLink, PlanItem, WorkPlan


def _plan(user, pk) -> WorkPlan:
    return policy.fetch_or_404(user, WorkPlan, queryset=WorkPlan.objects.select_related("org_unit"), pk=pk)


def _editable(user, pk) -> WorkPlan:
    plan = _plan(user, pk)
    if not policy.can_edit_plan(user, plan):
        raise Http404
    return plan


def _item(user, plan, item_pk) -> PlanItem:
    return policy.fetch_or_404(
        user,
        PlanItem,
        queryset=PlanItem.objects.filter(plan=plan).select_related("owner", "plan"),
        pk=item_pk,
    )


@login_required
@require_GET
def plan_list(request):
    user = request.user
    plans = list(selectors.plans_for(user))
    audit_list_read(actor=user, object_type="workplans.workplan", page="plan_list", ids=[p.pk for p in plans])
    return render(
        request,
        "workplans/plan_list.html",
        {"plans": plans, "can_create": policy.can_write_plans(user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    user = request.user
    if not policy.can_write_plans(user):
        raise PermissionDenied
    initial = {"year": timezone.localdate().year}
    form = PlanForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_create(actor=user, **form.cleaned_data)
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Plan created as a draft: add its items, then submit it."))
            return redirect("workplans:detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workplans/plan_form.html", {"form": form}, status=status)


def _detail(request, plan, *, status=200, return_form=None):
    user = request.user
    rows = selectors.plan_occurrences(plan)
    context = {
        "plan": plan,
        "rows": rows,
        "summary": selectors.plan_summary(rows),
        "can_edit": policy.can_edit_plan(user, plan),
        "can_approve": policy.can_approve_plan(user, plan),
        "return_form": return_form or ReasonForm(),
        "months": plan.months(),
    }
    return render(request, "workplans/plan_detail.html", context, status=status)


@login_required
@require_GET
def plan_detail(request, pk):
    return _detail(request, _plan(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    user = request.user
    plan = _editable(user, pk)
    form = PlanEditForm(request.POST or None, initial={"title": plan.title, "notes": plan.notes})
    if request.method == "POST":
        response = submit_form(
            request,
            form,
            run=lambda data: services.plan_update(actor=user, plan=plan, **data),
            done=_("Plan saved."),
            success_url=reverse("workplans:detail", args=[plan.pk]),
        )
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "workplans/plan_edit.html", {"form": form, "plan": plan}, status=status)


ACTIONS = {
    "submit": (services.plan_submit, "can_edit_plan", _("Plan submitted for approval.")),
    "approve": (services.plan_approve, "can_approve_plan", _("Plan approved.")),
    "activate": (services.plan_activate, "can_approve_plan", _("Plan put into effect.")),
    "close": (services.plan_close, "can_approve_plan", _("Plan closed.")),
}


@login_required
@require_POST
def plan_action(request, pk, action):
    user = request.user
    plan = _plan(user, pk)
    if action == "return":
        if not policy.can_approve_plan(user, plan):
            raise Http404
        form = ReasonForm(request.POST)
        response = submit_form(
            request,
            form,
            run=lambda data: services.plan_return(actor=user, plan=plan, reason=data["reason"]),
            done=_("Plan returned to its writer."),
            success_url=reverse("workplans:detail", args=[plan.pk]),
        )
        if response is not None:
            return response
        return _detail(request, plan, status=400, return_form=form)
    if action not in ACTIONS:
        raise Http404
    service, rule, done = ACTIONS[action]
    if not getattr(policy, rule)(user, plan):
        raise Http404
    try:
        service(actor=user, plan=plan)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return _detail(request, _plan(user, pk), status=400)
    messages.success(request, str(done))
    return redirect("workplans:detail", pk=plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_create(request, pk):
    user = request.user
    plan = _editable(user, pk)
    form = ItemForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            services.item_create(
                actor=user, plan=plan, reason=form.cleaned_data["reason"], **form.item_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Item added."))
            return redirect("workplans:detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "workplans/item_form.html", {"form": form, "plan": plan}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request, pk, item_pk):
    user = request.user
    plan = _editable(user, pk)
    item = _item(user, plan, item_pk)
    form = ItemForm(request.POST or None, user=user, initial=ItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.item_update(
                actor=user, item=item, reason=form.cleaned_data["reason"], **form.item_fields()
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("Item saved."))
            return redirect("workplans:detail", pk=plan.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "workplans/item_form.html", {"form": form, "plan": plan, "item": item}, status=status
    )


@login_required
@require_POST
def item_delete(request, pk, item_pk):
    user = request.user
    plan = _editable(user, pk)
    item = _item(user, plan, item_pk)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        services.item_delete(actor=user, item=item, reason=form.cleaned_data.get("reason", ""))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("workplans:item_edit", pk=plan.pk, item_pk=item.pk)
    messages.success(request, _("Item removed from the plan."))
    return redirect("workplans:detail", pk=plan.pk)


def _occurrence(request, pk, item_pk, key):
    user = request.user
    plan = _plan(user, pk)
    item = _item(user, plan, item_pk)
    occurrence = selectors.find_occurrence(item, key)
    if occurrence is None:
        raise Http404
    return plan, item, occurrence


@login_required
@require_GET
def occurrence_detail(request, pk, item_pk, key):
    user = request.user
    plan, item, occurrence = _occurrence(request, pk, item_pk, key)
    may_link = policy.can_link_for_item(user, item) and WorkPlan.ACTIONS.allows(plan, "link")
    return render(
        request,
        "workplans/occurrence.html",
        {
            "plan": plan,
            "item": item,
            "occurrence": occurrence,
            "may_link": may_link,
            "proposals": selectors.proposals_for(user, occurrence) if may_link else [],
        },
    )


@login_required
@require_POST
def occurrence_link(request, pk, item_pk, key):
    user = request.user
    plan, item, occurrence = _occurrence(request, pk, item_pk, key)
    if not policy.can_link_for_item(user, item):
        raise Http404
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.occurrence_link(
                actor=user,
                item=item,
                occurrence_on=occurrence.starts_on,
                source=form.cleaned_data["source"],
                object_id=form.cleaned_data["object_id"],
                confirmed=form.cleaned_data["confirmed"],
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The record now counts for this occurrence."))
            return redirect("workplans:occurrence", pk=plan.pk, item_pk=item.pk, key=occurrence.key)
    errors_as_messages(request, form)
    return redirect("workplans:occurrence", pk=plan.pk, item_pk=item.pk, key=occurrence.key)


@login_required
@require_POST
def occurrence_unlink(request, pk, item_pk, key, link_pk):
    user = request.user
    plan, item, occurrence = _occurrence(request, pk, item_pk, key)
    link = policy.fetch_or_404(
        user, OccurrenceLink, queryset=OccurrenceLink.objects.filter(item=item), pk=link_pk
    )
    if not policy.can_link_for_item(user, item):
        raise Http404
    try:
        services.occurrence_unlink(actor=user, link=link)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The record no longer counts for this occurrence."))
    return redirect("workplans:occurrence", pk=plan.pk, item_pk=item.pk, key=occurrence.key)


@login_required
@require_GET
def plan_versions(request, pk):
    plan = _plan(request.user, pk)
    return render(
        request,
        "workplans/versions.html",
        {"plan": plan, "versions": selectors.versions_with_changes(plan)},
    )


@login_required
@require_GET
def plan_calendar(request, pk):
    plan = _plan(request.user, pk)
    rows = selectors.plan_occurrences(plan)
    month = selectors.month_of(plan, request.GET.get("month"))
    before, after = selectors.neighbours(plan, month)
    return render(
        request,
        "workplans/calendar.html",
        {
            "plan": plan,
            "months": plan.months(),
            "grid": selectors.semester_grid(plan, rows),
            "month_view": selectors.month_weeks(rows, month),
            "before": before,
            "after": after,
        },
    )


@login_required
@require_GET
def plan_year_end(request, pk):
    plan = _plan(request.user, pk)
    rows = selectors.plan_occurrences(plan)
    return render(
        request,
        "workplans/year_end.html",
        {"plan": plan, "rows": rows, "summary": selectors.plan_summary(rows)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def my_feed(request):
    user = request.user
    if request.method == "POST":
        services.calendar_feed_issue(actor=user)
        messages.success(request, _("A new calendar address was made; the old one no longer works."))
        return redirect("workplans:my_feed")
    feed = CalendarFeed.objects.filter(user=user).first()
    url = absolute_reverse("workplans:feed", feed.token, request=request) if feed else ""
    return render(
        request,
        "workplans/my_feed.html",
        {"feed_url": url, "occurrences": selectors.feed_occurrences(user)},
    )


@require_GET
def feed(request, token):
    """The iCal feed of one person's own items, for a calendar app: no login, the token is the key."""
    subscription = CalendarFeed.objects.filter(token=token).select_related("user").first()
    if subscription is None or not policy.is_active_staff(subscription.user):
        raise Http404
    body = calendar_text(selectors.feed_occurrences(subscription.user), host=request.get_host())
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")
