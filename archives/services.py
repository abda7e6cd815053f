"""Writes of the residents-and-archives domain. Each one is audited through audit_record."""

from __future__ import annotations

import functools
import json
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confidentiality import policy
from confidentiality.models import Consent
from confidentiality.services import audit_record, disclosure_create
from lib.encryption import blind_index
from lib.identity import (
    InvalidIdNumber,
    InvalidPhone,
    normalise_id_number,
    normalise_phone,
    parse_prc_id_number,
)
from lib.numbers import next_number, save_with_next_number
from lib.pinyin import name_initials, name_pinyin

from .models import (
    Archive,
    ArchiveStatus,
    ArchiveStatusChange,
    Correction,
    DocumentType,
    Resident,
    ResidentTag,
    RiskLevel,
    RiskLevelChange,
    Sex,
)
from .permissions import (
    SET_RISK_LEVEL,
)

ID_INDEX_PURPOSE = "resident.id_number"
PHONE_INDEX_PURPOSE = "resident.phone"
ADULT_AGE = 18

# Lazy: this table is built at import time, the messages are read in the user's language later.
ID_ERRORS = {
    "format": gettext_lazy("An ID card number has 17 digits followed by a digit or X."),
    "checksum": gettext_lazy(
        "This ID card number is not valid: its check digit does not match. Check each digit."
    ),
    "birth_date": gettext_lazy("This ID card number does not contain a valid birth date."),
}


class DuplicateResident(Exception):
    """A resident with this document number or phone already exists."""

    def __init__(self, existing: Resident, field: str):
        super().__init__(field)
        self.existing = existing
        self.field = field


def _id_index(document_type: str, number: str) -> str:
    return blind_index(f"{document_type}:{number}", purpose=ID_INDEX_PURPOSE) if number else ""


def _phone_index(phone: str) -> str:
    return blind_index(phone, purpose=PHONE_INDEX_PURPOSE) if phone else ""


def _clean_identity(*, document_type: str, id_number: str, birth_date: date | None, sex: str) -> tuple:
    """Validate the document; for an ID card, take birth date and sex from the number."""
    id_number = normalise_id_number(id_number or "")
    if document_type == DocumentType.PRC_ID and id_number:
        try:
            facts = parse_prc_id_number(id_number, today=timezone.localdate())
        except InvalidIdNumber as exc:
            raise ValidationError({"id_number": ID_ERRORS[exc.reason]}) from exc
        if birth_date and birth_date != facts.birth_date:
            raise ValidationError(
                {"birth_date": _("The birth date differs from the one in the ID card number.")}
            )
        if sex not in ("", Sex.UNKNOWN, facts.sex):
            raise ValidationError({"sex": _("The sex differs from the one in the ID card number.")})
        return facts.number, facts.birth_date, facts.sex
    if document_type == DocumentType.NONE and id_number:
        raise ValidationError({"id_number": _("Choose the document type for this number.")})
    return id_number, birth_date, sex or Sex.UNKNOWN


def _clean_phone(value: str, field: str) -> str:
    if not value or not value.strip():
        return ""
    try:
        return normalise_phone(value)
    except InvalidPhone as exc:
        raise ValidationError(
            {field: _("Enter a valid phone number, e.g. 13912345678 or 0571-88001234.")}
        ) from exc


def find_duplicate(
    *, document_type: str, id_number: str, phone: str, exclude_pk=None
) -> tuple[Resident, str] | None:
    """The existing resident with this document or phone, and which of the two matched."""
    candidates = Resident.objects.exclude(pk=exclude_pk) if exclude_pk else Resident.objects.all()
    if id_number:
        match = candidates.filter(
            document_type=document_type, id_number_index=_id_index(document_type, id_number)
        ).first()
        if match:
            return match, "id_number"
    if phone:
        match = candidates.filter(phone_index=_phone_index(phone)).first()
        if match:
            return match, "phone"
    return None


def _next_archive_number(year: int) -> str:
    return next_number(Archive.objects.all(), field="number", prefix=f"XQ{year}-", width=6)


def _audit_refused_duplicate(function):
    """Audit a refused duplicate after the registration's transaction rolled back: inside it,
    the audit entry would be rolled back too."""

    @functools.wraps(function)
    def wrapper(*, actor, **kwargs):
        try:
            return function(actor=actor, **kwargs)
        except DuplicateResident as duplicate:
            audit_record(
                actor=actor,
                action="resident.duplicate_refused",
                obj=duplicate.existing,
                details={"by": duplicate.field},
            )
            raise

    return wrapper


def _archive_open(*, resident: Resident, year: int) -> Archive:
    """Open the resident's archive under the next free number of the year (lib.numbers: a
    registration at the same moment that took the number makes this one take the next)."""
    archive = Archive(resident=resident, last_activity_at=timezone.now())
    archive.full_clean(exclude=["resident", "number"])
    save_with_next_number(archive, field="number", number=lambda: _next_archive_number(year))
    return archive


@_audit_refused_duplicate
@transaction.atomic
def resident_register(
    *,
    actor,
    name: str,
    org_unit,
    document_type: str = DocumentType.PRC_ID,
    id_number: str = "",
    sex: str = "",
    birth_date: date | None = None,
    phone: str = "",
    address: str = "",
    student_number: str = "",
    tags: list[str] | tuple = (),
    guardian_name: str = "",
    guardian_relation: str = "",
    guardian_phone: str = "",
    emergency_name: str = "",
    emergency_relation: str = "",
    emergency_phone: str = "",
) -> Resident:
    """Register a resident and open their archive.

    The document number is validated (an ID card's check digit too) and gives the birth date and
    sex; the phone must be a real number. A minor needs a guardian. A document number or phone
    that is already registered raises DuplicateResident and creates nothing: one person, one record.
    """
    if not policy.can_register_resident_in(actor, org_unit):
        raise PermissionDenied
    id_number, birth_date, sex = _clean_identity(
        document_type=document_type, id_number=id_number, birth_date=birth_date, sex=sex
    )
    phone = _clean_phone(phone, "phone")
    guardian_phone = _clean_phone(guardian_phone, "guardian_phone")
    emergency_phone = _clean_phone(emergency_phone, "emergency_phone")
    today = timezone.localdate()
    if birth_date and birth_date > today:
        raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
    resident = Resident(
        name=name.strip(),
        name_pinyin=name_pinyin(name),
        name_initials=name_initials(name),
        sex=sex,
        birth_date=birth_date,
        document_type=document_type,
        id_number=id_number,
        id_number_index=_id_index(document_type, id_number),
        phone=phone,
        phone_index=_phone_index(phone),
        address=address.strip(),
        student_number=student_number.strip(),
        org_unit=org_unit,
        guardian_name=guardian_name.strip(),
        guardian_relation=guardian_relation.strip(),
        guardian_phone=guardian_phone,
        emergency_name=emergency_name.strip(),
        emergency_relation=emergency_relation.strip(),
        emergency_phone=emergency_phone,
        created_by=actor,
    )
    age = resident.age_on(today)
    if age is not None and age < ADULT_AGE and not (resident.guardian_name and resident.guardian_phone):
        raise ValidationError(
            {"guardian_name": _("A minor needs a guardian with a name and a phone number.")}
        )
    duplicate = find_duplicate(document_type=document_type, id_number=id_number, phone=phone)
    if duplicate:
        raise DuplicateResident(*duplicate)  # audited by _audit_refused_duplicate
    resident.full_clean(exclude=["created_by"])
    try:
        with transaction.atomic():
            resident.save()
    except IntegrityError as exc:  # a concurrent registration of the same document won the race
        duplicate = find_duplicate(document_type=document_type, id_number=id_number, phone="")
        if duplicate:
            raise DuplicateResident(*duplicate) from exc
        raise
    for tag in sorted(set(tags)):
        ResidentTag.objects.create(resident=resident, tag=tag)
    archive = _archive_open(resident=resident, year=today.year)
    audit_record(actor=actor, action="resident.registered", obj=resident, details={"archive": archive.number})
    return resident


CORRECTABLE_FIELDS = (
    "name",
    "sex",
    "birth_date",
    "document_type",
    "id_number",
    "phone",
    "address",
    "student_number",
    "org_unit",
    "guardian_name",
    "guardian_relation",
    "guardian_phone",
    "emergency_name",
    "emergency_relation",
    "emergency_phone",
)


def _as_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "pk"):
        return f"{value.pk}:{value}"
    return str(value)


@transaction.atomic
def resident_correct(*, actor, resident: Resident, changes: dict, reason: str) -> list[Correction]:
    """Correct a resident's details with a reason; each changed field keeps its old value.

    The same validation as registration applies, and a correction may not turn the record into
    a duplicate of another resident.
    """
    if not policy.can_correct_resident(actor, resident):
        raise PermissionDenied
    if resident.is_anonymised:
        raise ValidationError(_("This resident is anonymised: their details can no longer be changed."))
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the correction.")})
    values = {field: getattr(resident, field) for field in CORRECTABLE_FIELDS}
    values.update({k: v for k, v in changes.items() if k in CORRECTABLE_FIELDS})
    if values["org_unit"] != resident.org_unit and not policy.can_place_resident_in(
        actor, values["org_unit"]
    ):
        raise ValidationError({"org_unit": _("You can only move a resident to a unit in your scope.")})
    id_number, birth_date, sex = _clean_identity(
        document_type=values["document_type"],
        id_number=values["id_number"],
        birth_date=values["birth_date"] if "birth_date" in changes else None,
        sex=values["sex"] if "sex" in changes else "",
    )
    values.update(
        id_number=id_number,
        birth_date=birth_date or values["birth_date"],
        sex=sex if sex != Sex.UNKNOWN else values["sex"],
        phone=_clean_phone(values["phone"], "phone"),
        guardian_phone=_clean_phone(values["guardian_phone"], "guardian_phone"),
        emergency_phone=_clean_phone(values["emergency_phone"], "emergency_phone"),
    )
    # The registration's date and guardian rules hold for corrections too.
    today = timezone.localdate()
    if values["birth_date"] and values["birth_date"] > today:
        raise ValidationError({"birth_date": _("The birth date cannot be in the future.")})
    age = Resident(birth_date=values["birth_date"]).age_on(today)
    has_guardian = bool(values["guardian_name"].strip() and values["guardian_phone"])
    if age is not None and age < ADULT_AGE and not has_guardian:
        raise ValidationError(
            {"guardian_name": _("A minor needs a guardian with a name and a phone number.")}
        )
    duplicate = find_duplicate(
        document_type=values["document_type"],
        id_number=id_number,
        phone=values["phone"],
        exclude_pk=resident.pk,
    )
    if duplicate:
        raise ValidationError(_("Another resident already has this document number or phone."))
    corrections = []
    for field in CORRECTABLE_FIELDS:
        old, new = getattr(resident, field), values[field]
        if _as_text(old) == _as_text(new):
            continue
        corrections.append(
            Correction(
                resident=resident,
                field=field,
                old_value=_as_text(old),
                new_value=_as_text(new),
                reason=reason.strip(),
                corrected_by=actor,
            )
        )
        setattr(resident, field, new)
    if not corrections:
        return []
    resident.name_pinyin = name_pinyin(resident.name)
    resident.name_initials = name_initials(resident.name)
    resident.id_number_index = _id_index(resident.document_type, resident.id_number)
    resident.phone_index = _phone_index(resident.phone)
    resident.full_clean(exclude=["created_by"])
    resident.save()
    Correction.objects.bulk_create(corrections)
    Archive.objects.filter(resident=resident).update(last_activity_at=timezone.now())
    audit_record(
        actor=actor,
        action="resident.corrected",
        obj=resident,
        reason=reason.strip(),
        details={"fields": [c.field for c in corrections]},
    )
    return corrections


@transaction.atomic
def resident_set_tags(*, actor, resident: Resident, tags: list[str]) -> None:
    ResidentTag.objects.filter(resident=resident).exclude(tag__in=tags).delete()
    for tag in set(tags) - set(resident.tags.values_list("tag", flat=True)):
        ResidentTag.objects.create(resident=resident, tag=tag)
    audit_record(actor=actor, action="resident.tags_set", obj=resident, details={"tags": sorted(set(tags))})


def _require_manage(actor, archive: Archive) -> None:
    if not policy.can_manage_archive(actor, archive):
        raise PermissionDenied


@transaction.atomic
def archive_set_responsible(*, actor, archive: Archive, staff: list) -> None:
    """Make these counsellors or therapists responsible for the archive (they see its clinical content)."""
    _require_manage(actor, archive)
    for person in staff:
        if not policy.can_be_responsible(person):
            raise ValidationError({"staff": _("Only active counsellors and therapists can be responsible.")})
    before = set(archive.responsible.values_list("pk", flat=True))
    archive.responsible.set(staff)
    archive.last_activity_at = timezone.now()
    archive.save(update_fields=["last_activity_at"])
    audit_record(
        actor=actor,
        action="archive.responsible_set",
        obj=archive,
        details={"before": sorted(before), "after": sorted(p.pk for p in staff)},
    )


@transaction.atomic
def archive_set_paper_location(*, actor, archive: Archive, paper_location: str) -> None:
    _require_manage(actor, archive)
    archive.paper_location = paper_location.strip()
    archive.full_clean(exclude=["resident"])
    archive.save(update_fields=["paper_location"])
    audit_record(actor=actor, action="archive.paper_location_set", obj=archive)


@transaction.atomic
def archive_change_status(*, actor, archive: Archive, to_status: str, reason: str) -> None:
    """Close and archive (归档) an open archive, or reopen an archived one (Archive.ACTIONS):
    reopening needs a reason."""
    _require_manage(actor, archive)
    action = {ArchiveStatus.ARCHIVED: "archive", ArchiveStatus.OPEN: "reopen"}.get(to_status)
    if action is None:
        raise ValidationError(_("Unknown archive state."))
    Archive.ACTIONS.require(archive, action, _("The archive is already in that state."))
    if to_status == ArchiveStatus.OPEN and not reason.strip():
        raise ValidationError({"reason": _("Give the reason for reopening the archive.")})
    archive.status = to_status
    archive.last_activity_at = timezone.now()
    archive.save(update_fields=["status", "last_activity_at"])
    ArchiveStatusChange.objects.create(
        archive=archive, to_status=to_status, reason=reason.strip(), changed_by=actor
    )
    audit_action = {ArchiveStatus.OPEN: "archive.open", ArchiveStatus.ARCHIVED: "archive.archived"}[to_status]
    audit_record(actor=actor, action=audit_action, obj=archive, reason=reason.strip())


@transaction.atomic
def risk_level_set(
    *,
    actor,
    archive: Archive,
    level: str,
    reason: str,
    source: str = RiskLevelChange.Source.MANUAL,
    confirm: bool = False,
):
    """Change the archive's current risk level; the change, its source and reason are kept.

    The same level again changes nothing, unless ``confirm``: a clinician's decision to keep the
    level (e.g. on closing a crisis case) is then kept as an entry too, so that the archive shows
    who last decided the level and why, not only the event that first set it."""
    if source == RiskLevelChange.Source.MANUAL and not (
        policy.has_permission(actor, SET_RISK_LEVEL) and policy.can_see_clinical(actor, archive)
    ):
        raise PermissionDenied
    if level not in RiskLevel.values:
        raise ValidationError({"level": _("Unknown risk level.")})
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the change.")})
    if archive.risk_level == level and not confirm:
        return None
    change = RiskLevelChange.objects.create(
        archive=archive,
        from_level=archive.risk_level,
        to_level=level,
        source=source,
        reason=reason.strip(),
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    archive.risk_level = level
    archive.last_activity_at = timezone.now()
    archive.save(update_fields=["risk_level", "last_activity_at"])
    audit_record(
        actor=actor,
        action="archive.risk_level_set",
        obj=archive,
        reason=reason.strip(),
        details={"to": level},
    )
    return change


def archive_record_view(*, actor, archive: Archive, basis: str) -> None:
    """Every opening of an archive is written to the audit log, with the basis for clinical access."""
    audit_record(actor=actor, action="archive.viewed", obj=archive, details={"clinical_basis": basis})


def archive_record_print(*, actor, archive: Archive) -> None:
    audit_record(actor=actor, action="archive.printed", obj=archive)


def archive_record_access_list(*, actor, archive: Archive) -> None:
    audit_record(actor=actor, action="archive.access_list_viewed", obj=archive)


def resident_search_record(*, actor, filters: list[str]) -> None:
    """Searches are audited by which filters were used, never by the values (an ID number typed
    into the search box must not end up in the log in clear)."""
    audit_record(actor=actor, action="resident.searched", details={"filters": filters})


# ---------------------------------------------------------------------------------------------
# Export and the resident's rights (ARC-6, CONF-8)


@transaction.atomic
def archive_export(
    *,
    actor,
    resident: Resident,
    file_format: str,
    recipient: str,
    purpose: str,
    basis: str,
    legal_reference: str = "",
) -> tuple[bytes, str]:
    """Export one archive as PDF or JSON; the export is recorded as a disclosure first.

    Clinical parts are included only when the exporter may see them. Returns (content, mime type).
    """
    # Imported here: the export module reads through the selectors, which import this module.
    from .exports import archive_export_data, archive_export_pdf

    if not policy.can_export_archive(actor, resident):
        raise PermissionDenied
    if file_format not in ("pdf", "json"):
        raise ValidationError({"file_format": _("Choose PDF or JSON.")})
    clinical = policy.can_see_clinical(actor, resident.archive)
    data = archive_export_data(user=actor, resident=resident, clinical=clinical)
    disclosure_create(
        actor=actor,
        resident=resident,
        recipient=recipient,
        fields=[
            _("Whole archive") + (" (" + _("with clinical content") + ")" if clinical else ""),
            file_format.upper(),
        ],
        purpose=purpose,
        basis=basis,
        legal_reference=legal_reference,
    )
    audit_record(
        actor=actor, action="archive.exported", obj=resident.archive, details={"format": file_format}
    )
    if file_format == "json":
        return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"), "application/json"
    return archive_export_pdf(data=data), "application/pdf"


def retention_holds(*, resident: Resident) -> str:
    """The retention rule that keeps this record, or '' when none does (see docs/confidentiality.md).

    An archive is kept while it is open, for XINQIAO_RETENTION_YEARS after it was archived, and
    for a minor at least until they turn 18.
    """
    archive = resident.archive
    today = timezone.localdate()
    if not Archive.ACTIONS.allows(archive, "anonymise"):
        return _("The archive is still open: archive it first.")
    closed = archive.status_changes.filter(to_status=ArchiveStatus.ARCHIVED).order_by("-at").first()
    years = settings.XINQIAO_RETENTION_YEARS
    if closed and (today - timezone.localdate(closed.at)).days < 365 * years:
        return _("Archived records are kept for %(years)s years after archiving.") % {"years": years}
    age = resident.age_on(today)
    if age is not None and age < ADULT_AGE:
        return _("A minor's record is kept at least until they turn 18.")
    return ""


@transaction.atomic
def resident_anonymise(*, actor, resident: Resident, reason: str) -> Resident:
    """Anonymise a resident on their request, unless a retention rule still holds.

    Identifying data is erased (name, document, contacts, corrections' old values); what remains
    (unit, tags, birth year, the archive's events) keeps statistics true without naming anyone.
    """
    if not policy.can_anonymise_resident(actor, resident):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason, e.g. the resident's written request.")})
    if resident.is_anonymised:
        raise ValidationError(_("This resident is already anonymised."))
    rule = retention_holds(resident=resident)
    if rule:
        raise ValidationError(rule)
    resident.name = _("Anonymised resident %(number)s") % {"number": resident.pk}
    resident.name_pinyin = resident.name_initials = ""
    for field in (
        "id_number",
        "id_number_index",
        "phone",
        "phone_index",
        "address",
        "guardian_name",
        "guardian_relation",
        "guardian_phone",
        "emergency_name",
        "emergency_relation",
        "emergency_phone",
    ):
        setattr(resident, field, "")
    if resident.birth_date:
        resident.birth_date = resident.birth_date.replace(month=1, day=1)
    resident.document_type = DocumentType.NONE
    resident.is_anonymised = True
    resident.save()
    Consent.objects.filter(resident=resident).update(signer_name="")
    Correction.objects.filter(resident=resident).update(old_value="", new_value="")
    audit_record(actor=actor, action="resident.anonymised", obj=resident, reason=reason.strip())
    return resident
