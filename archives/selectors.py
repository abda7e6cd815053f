"""Reads of the residents-and-archives domain: search, the archive timeline, review lists."""

from __future__ import annotations

import re
from contextlib import suppress
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from confidentiality import policy
from confidentiality.models import AuditEntry
from lib.encryption import blind_index
from lib.identity import InvalidPhone, normalise_id_number, normalise_phone

from .models import Archive, Resident, ResidentTag, RiskLevelChange
from .services import ID_INDEX_PURPOSE, PHONE_INDEX_PURPOSE
from .timeline import TimelineEntry, provided_entries

_ASCII_LETTERS = re.compile(r"^[a-zA-Z ]+$")
_DIGITS = re.compile(r"^[\d\sXx+-]{6,}$")


def resident_search(
    *, user, query: str = "", org_unit=None, tag: str = "", risk_level: str = ""
) -> QuerySet[Resident]:
    """Residents the person may see, matching the search, with what the list shows pre-loaded.

    Names match on Chinese characters, full pinyin or initials ("zhangsan", "zs" → 张三); ID
    numbers and phones match exactly through their blind indexes, so the encrypted columns are
    never decrypted to search. Risk level is clinical: it only narrows archives the person may
    see clinically. The query count does not depend on the page size.
    """
    residents = policy.filter_residents(user, Resident.objects.all())
    query = query.strip()
    if query:
        if _DIGITS.match(query):
            number = normalise_id_number(query)
            matches = Q(
                id_number_index__in=[
                    blind_index(f"{kind}:{number}", purpose=ID_INDEX_PURPOSE)
                    for kind in ("prc_id", "passport", "hk_macao", "taiwan", "foreign_residence")
                ]
            )
            with suppress(InvalidPhone):
                matches |= Q(phone_index=blind_index(normalise_phone(query), purpose=PHONE_INDEX_PURPOSE))
            residents = residents.filter(matches)
        elif _ASCII_LETTERS.match(query):
            letters = query.replace(" ", "").lower()
            residents = residents.filter(
                Q(name_pinyin__startswith=letters) | Q(name_initials__startswith=letters)
            )
        else:
            residents = residents.filter(name__contains=query)
    if org_unit is not None:
        residents = residents.filter(org_unit__path__startswith=org_unit.path)
    if tag:
        residents = residents.filter(pk__in=ResidentTag.objects.filter(tag=tag).values("resident_id"))
    if risk_level:
        clinical = policy.filter_clinical_archives(user, Archive.objects.all())
        residents = residents.filter(archive__in=clinical.filter(risk_level=risk_level))
    return (
        residents.select_related("org_unit", "archive")
        .prefetch_related(Prefetch("tags", queryset=ResidentTag.objects.order_by("tag")))
        .order_by("name_pinyin", "pk")
    )


def clinical_archive_ids(*, user, archives) -> set[int]:
    """Of these archives, the ones whose clinical content the person sees (one query)."""
    ids = [archive.pk for archive in archives]
    return set(
        policy.filter_clinical_archives(user, Archive.objects.filter(pk__in=ids)).values_list("pk", flat=True)
    )


def consent_state(*, resident: Resident) -> dict:
    """Which consents are signed and valid now, by kind."""
    valid = {}
    for consent in resident.consents.select_related("text").filter(withdrawn_at__isnull=True):
        valid.setdefault(consent.text.kind, consent)
    return valid


def archive_timeline(*, user, archive: Archive, clinical: bool) -> list[TimelineEntry]:
    """The archive's one timeline, newest first. Clinical entries appear only to those who may
    see clinical content; the domains above add their entries through archives.timeline."""
    from django.utils.translation import gettext as _

    resident = archive.resident
    entries: list[TimelineEntry] = [
        TimelineEntry(archive.opened_at, "opened", _("Archive opened"), archive.number),
    ]
    for consent in resident.consents.select_related("text"):
        entries.append(
            TimelineEntry(
                datetime.combine(
                    consent.signed_on, datetime.min.time(), tzinfo=timezone.get_current_timezone()
                ),
                "consent",
                _("Consent signed: %(title)s") % {"title": consent.text.title},
                " · ".join(
                    [
                        f"v{consent.text.version}",
                        f"{consent.get_signer_display()} {consent.signer_name}",
                        consent.get_channel_display(),
                    ]
                ),
            )
        )
        if consent.withdrawn_at:
            entries.append(
                TimelineEntry(
                    consent.withdrawn_at,
                    "consent",
                    _("Consent withdrawn: %(title)s") % {"title": consent.text.title},
                    consent.withdrawn_reason,
                )
            )
    for disclosure in resident.disclosures.all():
        entries.append(
            TimelineEntry(
                disclosure.at,
                "disclosure",
                _("Disclosed to %(recipient)s") % {"recipient": disclosure.recipient},
                f"{disclosure.get_basis_display()} · {disclosure.purpose}",
                clinical=True,
            )
        )
    for change in archive.status_changes.all():
        entries.append(TimelineEntry(change.at, "status", change.get_to_status_display(), change.reason))
    for correction in resident.corrections.all():
        entries.append(TimelineEntry(correction.at, "correction", _("Details corrected"), correction.reason))
    for change in archive.risk_changes.select_related("changed_by"):
        entries.append(
            TimelineEntry(
                change.at,
                "risk",
                _("Risk level: %(old)s → %(new)s")
                % {"old": change.get_from_level_display(), "new": change.get_to_level_display()},
                f"{change.get_source_display()} · {change.reason}",
                clinical=True,
            )
        )
    entries.extend(provided_entries(resident=resident, clinical=clinical))
    visible = [entry for entry in entries if clinical or not entry.clinical]
    return sorted(visible, key=lambda entry: entry.at, reverse=True)


# How many residents a picker (booking for a resident, naming the person of a concern) offers.
PICKER_LIMIT = 10


def resident_picker_matches(*, user, query: str) -> list[Resident]:
    """A few residents the person sees matching a name (or pinyin, initials, ID number or phone,
    as on the residents page), never an anonymised record: only what picking the right one needs.
    The caller audits the search (``resident_search_record``), as the residents page does."""
    query = query.strip()
    if not query:
        return []
    matches = resident_search(user=user, query=query).filter(is_anonymised=False)
    return list(matches.select_related("org_unit").order_by("name", "pk")[:PICKER_LIMIT])


def risk_level_basis(*, archive: Archive) -> RiskLevelChange | None:
    """Why the archive's risk level is what it is: the last decision about it (what set it, when,
    by whom, and the reason), or None while it has never been set."""
    return archive.risk_changes.select_related("changed_by").order_by("-at", "-pk").first()


def archive_access_list(*, archive: Archive) -> QuerySet[AuditEntry]:
    """Who opened, searched into or asked for this archive, from the audit log (the resident's
    right of access under PIPL)."""
    return AuditEntry.objects.filter(
        Q(object_type="archives.archive", object_id=str(archive.pk))
        | Q(object_type="archives.resident", object_id=str(archive.resident_id))
    ).order_by("-seq")


def archives_due_for_review(*, user, months: int | None = None) -> QuerySet[Archive]:
    """Open archives in scope not updated for N months (a setting), oldest first."""
    months = months or settings.XINQIAO_ARCHIVE_REVIEW_MONTHS
    cutoff = timezone.now() - timedelta(days=30 * months)
    return (
        policy.filter_archives(user, Archive.objects.filter(status="open", last_activity_at__lt=cutoff))
        .select_related("resident", "resident__org_unit")
        .order_by("last_activity_at")
    )


def responsible_candidates(*, user) -> QuerySet:
    """The staff this archive manager may make responsible for an archive (the form's choices)."""
    from django.contrib.auth import get_user_model

    return policy.filter_responsible_candidates(user, get_user_model().objects.all()).order_by("username")
