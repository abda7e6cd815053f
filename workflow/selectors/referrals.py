"""Reads of referrals (SVC-8): the directory, the referrals a person sees, and those still waiting
for the institution to confirm it received the client."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from confidentiality import policy
from confidentiality.models import AuditEntry, Disclosure
from workflow.models import Case, Institution, Referral


def institution_directory(*, user) -> QuerySet[Institution]:
    """Institutions the person may see; inactive ones only for those who keep the directory."""
    institutions = policy.filter_institutions(user, Institution.objects.all())
    if not policy.can_manage_institutions(user):
        institutions = institutions.filter(is_active=True)
    return institutions.order_by("-is_active", "name")


def institution_choices(*, user) -> QuerySet[Institution]:
    """Institutions a new referral may go to: active ones of the directory."""
    return policy.filter_institutions(user, Institution.objects.filter(is_active=True)).order_by("name")


def _with_list_columns(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    # What the lists show (case number, client, institution, referrer) in one query.
    return referrals.select_related(
        "case", "case__resident", "case__counsellor", "institution", "referred_by"
    )


def referrals_visible(*, user) -> QuerySet[Referral]:
    """Referrals of cases the person sees (the archive's team), newest first."""
    return _with_list_columns(policy.filter_case_children(user, Referral.objects.all())).order_by(
        "-referred_at", "-pk"
    )


def receipt_deadline(*, now: datetime | None = None) -> datetime:
    """Referrals made before this moment and still unconfirmed are overdue for their receipt."""
    now = now or timezone.now()
    return now - timedelta(days=settings.XINQIAO_REFERRAL_RECEIPT_DAYS)


def referrals_awaiting_receipt(*, user, now: datetime | None = None) -> QuerySet[Referral]:
    """Referrals the person sees with no confirmed receipt XINQIAO_REFERRAL_RECEIPT_DAYS after
    they were made, oldest first, so that someone chases the institution: those who work on the
    case (policy.filter_cases_worked_on), so a transferred case's referral is the new holder's."""
    worked_on = policy.filter_cases_worked_on(user, Case.objects.all())
    return (
        referrals_visible(user=user)
        .filter(
            case__in=worked_on,
            receipt_confirmed_at__isnull=True,
            referred_at__lte=receipt_deadline(now=now),
        )
        .order_by("referred_at", "pk")
    )


def case_referrals(*, user, case: Case) -> QuerySet[Referral]:
    """One case's referrals, for the case page (empty when the person does not see the case)."""
    return referrals_visible(user=user).filter(case=case)


def referral_letters(*, referral: Referral) -> QuerySet[Disclosure]:
    """Every copy of the referral's letter that was made, each a disclosure, newest first.

    The audit entry of each letter names its disclosure; the referral itself keeps only the first.
    """
    entries = AuditEntry.objects.filter(
        action="referral.letter_generated", object_type="workflow.referral", object_id=str(referral.pk)
    )
    disclosure_ids = [entry.get("disclosure") for entry in entries.values_list("details", flat=True)]
    return Disclosure.objects.filter(pk__in=[pk for pk in disclosure_ids if pk]).select_related(
        "disclosed_by"
    )
