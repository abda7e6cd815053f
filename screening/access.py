"""Who runs screening campaigns and who reads their reports (SCR)."""

from __future__ import annotations

from assessments.models import Campaign
from assessments.permissions import MANAGE_CAMPAIGNS, VIEW_SCREENING_SUMMARY
from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, register_filters, sees_clinical_content
from orgs.models import OrgUnit


@policy.rule
def can_see_campaign_positives(user) -> bool:
    """The named list of a campaign's positive results (with bands and flags) is clinical: for
    those who run campaigns and see clinical content. A project lead who runs a campaign sees
    its distribution, not the people."""
    return has_permission(user, MANAGE_CAMPAIGNS) and sees_clinical_content(user)


@policy.rule
def filter_campaigns(user, queryset):
    """Campaigns whose target units are all in the person's scope (campaign managers only)."""
    if not has_permission(user, MANAGE_CAMPAIGNS):
        return queryset.none()
    units_outside = OrgUnit.objects.exclude(path__startswith=user.org_unit.path)
    outside = queryset.model.objects.filter(target_units__in=units_outside).values("pk")
    return queryset.exclude(pk__in=outside)


@policy.rule
def filter_campaign_reports(user, queryset):
    """Campaigns whose report this person may open: managers' campaigns in full, and for those
    with the summary permission the campaigns that reach their own unit."""
    if has_permission(user, MANAGE_CAMPAIGNS):
        return filter_campaigns(user, queryset)
    if not has_permission(user, VIEW_SCREENING_SUMMARY):
        return queryset.none()
    mine = user.org_unit.path
    reaching = [
        campaign_id
        for campaign_id, path in queryset.values_list("pk", "target_units__path")
        if path and (mine.startswith(path) or path.startswith(mine))
    ]
    return queryset.filter(pk__in=reaching)


@policy.rule
def can_target_unit(user, unit) -> bool:
    """A campaign is for units in its creator's scope."""
    return in_scope(user, unit)


register_filters({Campaign: filter_campaigns})
