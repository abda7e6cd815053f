"""Who sees assessments and runs or reads screening campaigns (ASM, SCR)."""

from __future__ import annotations

from archives.access import can_see_clinical, filter_clinical_archives
from archives.models import Archive
from confidentiality import policy
from confidentiality.policy import has_permission, register_filters, sees_clinical_content
from orgs.models import OrgUnit

from .models import Assessment, Campaign
from .permissions import ADMINISTER_ASSESSMENTS, MANAGE_CAMPAIGNS, VIEW_SCREENING_SUMMARY


@policy.rule
def filter_assessments(user, queryset):
    """Assessments are clinical content: visible with the archive's clinical content only."""
    return queryset.filter(resident__archive__in=filter_clinical_archives(user, Archive.objects.all()))


@policy.rule
def can_assess_resident(user, resident) -> bool:
    """Administer an assessment to a person: assessing staff who see the archive's clinical content."""
    archive = getattr(resident, "archive", None)
    return (
        archive is not None
        and has_permission(user, ADMINISTER_ASSESSMENTS)
        and can_see_clinical(user, archive)
    )


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


register_filters({Assessment: filter_assessments, Campaign: filter_campaigns})
