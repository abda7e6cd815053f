"""Reads of the confidentiality domain."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from . import policy
from .models import GENESIS_HASH, AccessGrant, AuditEntry, Consent, ConsentKind, ConsentText, DisclosureBasis


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        return self.first_bad_seq is None


def audit_verify_chain(*, batch_size: int = 2000) -> ChainReport:
    """Walk the chain from the start; report the first entry whose hash or link does not hold.

    A gap in ``seq`` means an entry was removed; a stored hash that differs from the recomputed
    one means the entry was edited (or forged and inserted, which shifts the ones after it).
    """
    expected_prev = GENESIS_HASH
    expected_seq = 1
    checked = 0
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch_size):
        if entry.seq != expected_seq:
            return ChainReport(
                checked, entry.seq, f"entry {entry.seq} follows entry {expected_seq - 1}: entries are missing"
            )
        if entry.prev_hash != expected_prev:
            return ChainReport(checked, entry.seq, f"entry {entry.seq} does not link to the entry before it")
        if entry.compute_hash() != entry.entry_hash:
            return ChainReport(checked, entry.seq, f"entry {entry.seq} was changed after it was written")
        expected_prev = entry.entry_hash
        expected_seq += 1
        checked += 1
    return ChainReport(checked)


def audit_entries_for_listing(*, queryset, action: str = "", actor: str = "", object_type: str = ""):
    """Audit entries for the log page, newest first, narrowed by the filters given."""
    if action:
        queryset = queryset.filter(action__startswith=action)
    if actor:
        queryset = queryset.filter(actor_username__iexact=actor)
    if object_type:
        queryset = queryset.filter(object_type=object_type)
    return queryset.order_by("-seq")


# ---------------------------------------------------------------------------------------------
# Consent texts (CONF-1)


def consent_disclosure_basis(*, resident) -> str:
    """On whose consent the resident's information leaves the team: the guardian's when the
    sensitive-information consent in force was signed by a guardian, otherwise the resident's."""
    signer = (
        Consent.objects.filter(
            resident=resident, text__kind=ConsentKind.SENSITIVE_INFO, withdrawn_at__isnull=True
        )
        .order_by("-signed_on", "-pk")
        .values_list("signer", flat=True)
        .first()
    )
    if signer == Consent.Signer.GUARDIAN:
        return DisclosureBasis.GUARDIAN
    return DisclosureBasis.CONSENT


def consent_text_versions() -> QuerySet[ConsentText]:
    """Every version of every consent text, by kind, newest first (the administrator's list)."""
    return ConsentText.objects.order_by("kind", "-created_at")


# ---------------------------------------------------------------------------------------------
# Access requests and break-the-glass (CONF-3, CONF-4)


def archive_by_number(*, number: str):
    """The archive with this number, or None, for someone asking for access they lack.

    Looked up without the policy on purpose: only the fact that the number exists is revealed,
    never the resident. The archive's model comes with the grant's foreign key: this domain sits
    below the archives.
    """
    archive_model = AccessGrant._meta.get_field("archive").related_model
    return (
        archive_model.objects.select_related("resident", "resident__org_unit")
        .filter(number=number.strip())
        .first()
    )


def pending_access_requests(*, user) -> QuerySet[AccessGrant]:
    """Requests waiting for a decision that this approver may take (never their own), oldest first."""
    return (
        policy.filter_access_grants(user, AccessGrant.objects.filter(status=AccessGrant.Status.PENDING))
        .exclude(requester=user)
        .select_related("archive", "archive__resident", "requester")
        .order_by("requested_at")
    )


def break_glass_to_review(*, user) -> QuerySet[AccessGrant]:
    """Emergency accesses in this reviewer's scope not reviewed yet (never their own), oldest first."""
    return (
        policy.filter_access_grants(
            user, AccessGrant.objects.filter(kind=AccessGrant.Kind.BREAK_GLASS, reviewed_at__isnull=True)
        )
        .exclude(requester=user)
        .select_related("archive", "archive__resident", "requester")
        .order_by("requested_at")
    )


def my_access_grants(*, user) -> QuerySet[AccessGrant]:
    """The person's own requests and emergency accesses, newest first."""
    return AccessGrant.objects.filter(requester=user).select_related("archive").order_by("-requested_at")
