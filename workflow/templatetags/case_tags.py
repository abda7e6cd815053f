"""The "Cases" section of a resident's archive page, read through the policy (not the template)."""

from __future__ import annotations

from django import template

from confidentiality import policy
from workflow.permissions import LOG_HOTLINE
from workflow.selectors.cases import resident_cases

register = template.Library()


@register.inclusion_tag("workflow/cases/_resident_cases.html", takes_context=True)
def resident_case_section(context, resident):
    user = context["request"].user
    return {
        "resident": resident,
        "cases": resident_cases(user=user, resident=resident),
        "can_open": not resident.is_anonymised and policy.can_open_case_for(user, resident),
        "can_follow_up": not resident.is_anonymised and policy.can_plan_follow_up(user, resident),
        "can_log_hotline": not resident.is_anonymised and policy.has_permission(user, LOG_HOTLINE),
        "printing": context.get("printing", False),
    }
