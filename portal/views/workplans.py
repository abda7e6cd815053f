"""The work plans' public calendar (PRG-3) on the portal: approved plans' items by month and
their progress, with no staff names and nothing about any person."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from core.selectors import centre_profile
from workplans import selectors


@require_http_methods(["GET"])
def plan_list(request):
    return render(
        request,
        "portal/workplans/list.html",
        {"centre": centre_profile(), "plans": list(selectors.public_plans())},
    )


@require_http_methods(["GET"])
def plan_calendar(request, pk: int):
    plan = selectors.public_plans().filter(pk=pk).first()
    if plan is None:
        raise Http404
    rows = selectors.plan_occurrences(plan)
    month = selectors.month_of(plan, request.GET.get("month"))
    before, after = selectors.neighbours(plan, month)
    return render(
        request,
        "portal/workplans/calendar.html",
        {
            "centre": centre_profile(),
            "plan": plan,
            "months": plan.months(),
            "grid": selectors.semester_grid(plan, rows),
            "month_view": selectors.month_weeks(rows, month),
            "before": before,
            "after": after,
            "public": True,
        },
    )
