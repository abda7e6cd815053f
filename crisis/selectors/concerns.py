"""Reads behind the concern-report and risk-flag pages."""

from __future__ import annotations

from django.db.models import QuerySet

from archives.models import Resident
from confidentiality import policy
from crisis.models import ConcernReport


def concern_residents(*, user) -> QuerySet[Resident]:
    """The residents a reporter may name: those they see, never an anonymised record."""
    return policy.filter_residents(user, Resident.objects.all()).filter(is_anonymised=False)


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
