"""Reads behind the concern-report and risk-flag pages."""

from __future__ import annotations

from django.db.models import QuerySet

from archives.models import Resident
from archives.selectors import resident_search
from confidentiality import policy
from crisis.models import ConcernReport

PICKER_LIMIT = 10


def concern_residents(*, user) -> QuerySet[Resident]:
    """The residents a reporter may name: those they see, never an anonymised record."""
    return policy.filter_residents(user, Resident.objects.all()).filter(is_anonymised=False)


def concern_resident_matches(*, user, query: str) -> list[Resident]:
    """A few residents in the reporter's scope matching a name (or pinyin, initials, ID number or
    phone, as on the residents page): only what picking the right person needs."""
    query = query.strip()
    if not query:
        return []
    matches = resident_search(user=user, query=query).filter(is_anonymised=False)
    return list(matches.select_related("org_unit").order_by("name", "pk")[:PICKER_LIMIT])


def my_concern_reports(*, user) -> QuerySet[ConcernReport]:
    """The reporter's own reports, and nothing of what came of them (no signal, no alert)."""
    reports = policy.filter_concern_reports(user, ConcernReport.objects.all())
    return reports.select_related("resident").only(
        "pk", "created_at", "urgent", "person_description", "resident", "resident__name"
    )


def flag_resident(*, user, pk) -> Resident:
    """A resident whose clinical content the person sees (404 otherwise, the refusal audited)."""

    queryset = Resident.objects.select_related("archive", "org_unit")
    return policy.fetch_or_404(
        user, Resident, queryset=queryset, policy_filter=policy.filter_clinical_residents, pk=pk
    )
