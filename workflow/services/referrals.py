"""Writes of referrals (SVC-8): the directory of institutions, referrals from a case, the referral
letter (a CONF-5 disclosure each time it is made) and closing the loop (receipt, outcome)."""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from confidentiality import policy
from confidentiality.selectors import consent_disclosure_basis
from confidentiality.services import audit_record, disclosure_create
from lib.identity import display_phone
from lib.pdf import render_pdf
from workflow.models import Case, Institution, Referral

# What a referral letter holds, and so what its disclosure lists: the client's identification and
# contact, why and how urgently, and who to call back. Never the ID number, sessions or notes.
LETTER_FIELDS = {
    "name": gettext_lazy("Client's name"),
    "sex": gettext_lazy("Sex"),
    "birth_date": gettext_lazy("Birth date and age"),
    "phone": gettext_lazy("Contact phone"),
    "reason": gettext_lazy("Reason for referral"),
    "urgency": gettext_lazy("Urgency"),
    "counsellor": gettext_lazy("Referring counsellor"),
    "centre": gettext_lazy("Centre contact"),
}


def _require_manage_institutions(actor) -> None:
    if not policy.can_manage_institutions(actor):
        raise PermissionDenied


def _require_work_on_case(actor, case: Case) -> None:
    if not policy.can_work_on_case(actor, case):
        raise PermissionDenied


def _fill_institution(institution: Institution, **values: str) -> None:
    for name, value in values.items():
        setattr(institution, name, (value or "").strip())
    try:
        institution.full_clean()
    except ValidationError as exc:
        # The model says "Institution with this Name already exists"; say it as staff would.
        if hasattr(exc, "error_dict") and any(
            error.code == "unique" for error in exc.error_dict.get("name", [])
        ):
            raise ValidationError(
                {"name": _("An institution with this name is already in the directory.")}
            ) from exc
        raise


# ---------------------------------------------------------------------------------------------
# Directory of institutions


@transaction.atomic
def institution_create(
    *,
    actor,
    name: str,
    kind: str,
    department: str = "",
    contact_person: str = "",
    phone: str = "",
    address: str = "",
) -> Institution:
    """Add an institution to the directory (those who keep the directory only); names are unique."""
    _require_manage_institutions(actor)
    institution = Institution()
    _fill_institution(
        institution,
        name=name,
        kind=kind,
        department=department,
        contact_person=contact_person,
        phone=phone,
        address=address,
    )
    institution.save()
    audit_record(actor=actor, action="institution.created", obj=institution)
    return institution


@transaction.atomic
def institution_update(
    *,
    actor,
    institution: Institution,
    name: str,
    kind: str,
    department: str = "",
    contact_person: str = "",
    phone: str = "",
    address: str = "",
    is_active: bool = True,
) -> Institution:
    """Change an institution's details, or deactivate it. Institutions are never deleted: past
    referrals keep pointing at them; an inactive one is only no longer offered for new referrals."""
    _require_manage_institutions(actor)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    was_active = institution.is_active
    institution.is_active = is_active
    _fill_institution(
        institution,
        name=name,
        kind=kind,
        department=department,
        contact_person=contact_person,
        phone=phone,
        address=address,
    )
    institution.save(
        update_fields=["name", "kind", "department", "contact_person", "phone", "address", "is_active"]
    )
    action = "institution.updated"
    if was_active and not is_active:
        action = "institution.deactivated"
    elif is_active and not was_active:
        action = "institution.reactivated"
    audit_record(actor=actor, action=action, obj=institution)
    return institution


# ---------------------------------------------------------------------------------------------
# Referrals


@transaction.atomic
def referral_create(*, actor, case: Case, institution: Institution, reason: str, urgency: str) -> Referral:
    """Refer a case's client to an institution of the directory.

    Only someone who may work on the case (its counsellor, their supervisor, the director in
    scope) refers; the institution must be active; the case must be open (make the referral, then
    close the case with the outcome "referred").
    """
    _require_work_on_case(actor, case)
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not Case.ACTIONS.allows(case, "refer"):
        raise ValidationError(
            _(
                "Case %(number)s is closed: a referral is made from an open case. Make the referral "
                "first, then close the case with the outcome “referred”."
            )
            % {"number": case.number}
        )
    institution = Institution.objects.get(pk=institution.pk)
    if not institution.is_active:
        raise ValidationError(
            {"institution": _("This institution is no longer active in the directory: choose another.")}
        )
    if urgency not in Referral.Urgency.values:
        raise ValidationError({"urgency": _("Choose the urgency from the list.")})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the client is referred.")})
    referral = Referral(
        case=case,
        institution=institution,
        reason=reason,
        urgency=urgency,
        referred_at=timezone.now(),
        referred_by=actor,
    )
    referral.full_clean()
    referral.save()
    audit_record(
        actor=actor,
        action="referral.created",
        obj=referral,
        details={"case": case.pk, "institution": institution.pk, "urgency": urgency},
    )
    return referral


def referral_record_view(*, actor, referral: Referral) -> None:
    """Opening a referral shows its reason and outcome (clinical content): the read is audited."""
    audit_record(actor=actor, action="referral.viewed", obj=referral, details={"case": referral.case_id})


def _centre_contact() -> dict:
    # Imported here: the platform's selectors read from many domains, this one included.
    from core.selectors import centre_profile

    profile = centre_profile()
    return {"name": profile.name, "address": profile.address, "phone": profile.phone, "email": profile.email}


def referral_letter_data(*, referral: Referral) -> dict:
    """The letter's content: exactly the fields of LETTER_FIELDS, nothing else of the archive."""
    resident = referral.case.resident
    today = timezone.localdate()
    counsellor = referral.referred_by
    return {
        "reference": f"R{referral.pk:05d}",
        "date": today,
        "institution": referral.institution,
        "client": {
            "name": resident.name,
            "sex": resident.get_sex_display(),
            "birth_date": resident.birth_date,
            "age": resident.age_on(today) if resident.birth_date else None,
            "phone": display_phone(resident.phone),
        },
        "reason": referral.reason,
        "urgency": referral.get_urgency_display(),
        # A minor's guardian signed: the letter and its disclosure say so.
        "basis": consent_disclosure_basis(resident=resident),
        "counsellor": counsellor.full_name or counsellor.get_username(),
        "centre": _centre_contact(),
        # The letter's headings and the disclosure's list are the same words, so they always agree.
        "labels": {key: str(label) for key, label in LETTER_FIELDS.items()},
        "fields": [str(label) for label in LETTER_FIELDS.values()],
    }


def _disclosure_recipient(institution: Institution) -> str:
    recipient = institution.name
    if institution.department:
        recipient = f"{recipient} {institution.department}"
    return recipient[:120]


def referral_letter_pdf(*, actor, referral: Referral) -> bytes:
    """The referral letter as PDF, recorded as a disclosure to the institution on the client's
    consent, or the guardian's when a guardian signed it. Every copy made is a new disclosure
    (every copy may leave); the first one is kept on the referral. Only those who may work on the
    case make the letter.
    """
    _require_work_on_case(actor, referral.case)
    data = referral_letter_data(referral=referral)
    # Rendered before the transaction: WeasyPrint takes a while and must not hold the write lock.
    # Should rendering fail, nothing is recorded; should recording fail, the PDF is dropped.
    content = render_pdf(render_to_string("workflow/referrals/letter_pdf.html", {"letter": data}))
    _referral_letter_record(actor=actor, referral=referral, fields=data["fields"], basis=data["basis"])
    return content


@transaction.atomic
def _referral_letter_record(*, actor, referral: Referral, fields: list[str], basis: str) -> None:
    referral = (
        Referral.objects.select_for_update()
        .select_related("case__resident", "institution")
        .get(pk=referral.pk)
    )
    disclosure = disclosure_create(
        actor=actor,
        resident=referral.case.resident,
        recipient=_disclosure_recipient(referral.institution),
        fields=fields,
        purpose=_("Referral letter (case %(number)s)") % {"number": referral.case.number},
        basis=basis,
    )
    first = referral.disclosure_id is None
    if first:
        referral.disclosure = disclosure
        referral.save(update_fields=["disclosure"])
    audit_record(
        actor=actor,
        action="referral.letter_generated",
        obj=referral,
        details={"disclosure": disclosure.pk, "first": first},
    )


@transaction.atomic
def referral_confirm_receipt(*, actor, referral: Referral, received_at: datetime, note: str = "") -> Referral:
    """The institution confirmed it received the client. Once only; not before the referral was
    made nor in the future. A closed case may still close its referral's loop."""
    _require_work_on_case(actor, referral.case)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.receipt_confirmed_at is not None:
        raise ValidationError(_("The receipt of this referral is already confirmed."))
    if received_at is None or timezone.is_naive(received_at):
        raise ValidationError({"received_at": _("Give the date and time of the receipt.")})
    if received_at > timezone.now():
        raise ValidationError({"received_at": _("The receipt cannot be in the future.")})
    # The form gives minutes: a receipt in the very minute of the referral is not "before" it.
    if received_at < referral.referred_at.replace(second=0, microsecond=0):
        raise ValidationError({"received_at": _("The receipt cannot be before the referral was made.")})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": _("Keep the note under 200 characters.")})
    referral.receipt_confirmed_at = received_at
    referral.receipt_note = note
    referral.full_clean()
    referral.save(update_fields=["receipt_confirmed_at", "receipt_note"])
    audit_record(actor=actor, action="referral.receipt_confirmed", obj=referral)
    return referral


@transaction.atomic
def referral_record_outcome(*, actor, referral: Referral, outcome: str) -> Referral:
    """What came of the referral, as the institution reported it. The receipt comes first: an
    outcome for a client nobody confirmed receiving would close the loop on a guess. Recording it
    again replaces the text; the audit log keeps that it changed."""
    _require_work_on_case(actor, referral.case)
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.receipt_confirmed_at is None:
        raise ValidationError(
            _("Confirm that the institution received the client before recording the outcome.")
        )
    outcome = (outcome or "").strip()
    if not outcome:
        raise ValidationError({"outcome": _("Describe the outcome of the referral.")})
    first = not referral.outcome
    referral.outcome = outcome
    referral.outcome_recorded_at = timezone.now()
    referral.full_clean()
    referral.save(update_fields=["outcome", "outcome_recorded_at"])
    audit_record(actor=actor, action="referral.outcome_recorded", obj=referral, details={"first": first})
    return referral
