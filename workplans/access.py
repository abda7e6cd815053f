"""Who sees and works on which work plans (PRG-3).

Holders of the view permission see the plans of the units in their scope; the owner of an item
sees the plan it belongs to (and links records to their own occurrences). Writing plans and
approving them are separate permissions, both within scope; nobody approves a plan they
submitted themselves (the service says so).
"""

from __future__ import annotations

from django.db.models import Q

from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, is_active_staff, register_filters

from .models import OccurrenceLink, PlanItem, PlanVersion, WorkPlan
from .permissions import APPROVE_PLANS, MANAGE_PLANS, VIEW_PLANS


@policy.rule
def filter_work_plans(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    owned = Q(pk__in=PlanItem.objects.filter(owner=user).values("plan_id"))
    if user.org_unit_id is None or not (
        has_permission(user, VIEW_PLANS) or has_permission(user, MANAGE_PLANS)
    ):
        return queryset.filter(owned)
    return queryset.filter(Q(org_unit__path__startswith=user.org_unit.path) | owned)


@policy.rule
def filter_plan_rows(user, queryset):
    """Items, versions and links: seen with their plan."""
    plans = filter_work_plans(user, WorkPlan.objects.all())
    if queryset.model is OccurrenceLink:
        return queryset.filter(item__plan__in=plans)
    return queryset.filter(plan__in=plans)


@policy.rule
def can_write_plans(user) -> bool:
    """Create plans at all (the unit must still be in scope: ``can_plan_for``)."""
    return has_permission(user, MANAGE_PLANS)


@policy.rule
def can_plan_for(user, unit) -> bool:
    return has_permission(user, MANAGE_PLANS) and in_scope(user, unit)


@policy.rule
def can_edit_plan(user, plan) -> bool:
    """Edit the plan and its items, submit it, revise it after approval."""
    return has_permission(user, MANAGE_PLANS) and in_scope(user, plan.org_unit)


@policy.rule
def can_approve_plan(user, plan) -> bool:
    """Approve (or return), activate and close the plans of units in scope."""
    return has_permission(user, APPROVE_PLANS) and in_scope(user, plan.org_unit)


@policy.rule
def can_link_for_item(user, item) -> bool:
    """Link records to an item's occurrences: its owner, and whoever edits the plan."""
    return is_active_staff(user) and (item.owner_id == user.pk or can_edit_plan(user, item.plan))


@policy.rule
def filter_plan_owner_choices(actor, queryset):
    """Who may own an item: active staff in the writer's scope."""
    if actor.org_unit_id is None:
        return queryset.none()
    return queryset.filter(is_active=True, org_unit__path__startswith=actor.org_unit.path)


register_filters(
    {
        WorkPlan: filter_work_plans,
        PlanItem: filter_plan_rows,
        PlanVersion: filter_plan_rows,
        OccurrenceLink: filter_plan_rows,
    }
)
