"""Who sees and gives assessments (ASM)."""

from __future__ import annotations

from archives.access import can_see_clinical, filter_clinical_archives
from archives.models import Archive
from confidentiality import policy
from confidentiality.policy import has_permission, register_filters

from .models import Assessment
from .permissions import ADMINISTER_ASSESSMENTS


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


register_filters({Assessment: filter_assessments})
