"""Writes of cases (SVC-2), intake (SVC-3) and service plans (SVC-4).

Every write checks the policy itself (the views check it too, for the right answer code), runs in
one transaction with its audit entry, and touches the archive's last activity.
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from archives.models import Archive, Resident
from confidentiality import policy
from confidentiality.services import audit_record, require_clinical_consent
from lib.dates import AHEAD_DAYS_LONG, require_not_too_far_ahead
from lib.numbers import next_number, save_with_next_number
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue
from workflow.models import (
    Appointment,
    Case,
    CaseAssessment,
    CaseReopening,
    CaseTransfer,
    Intake,
    Modality,
    ServicePlan,
)

# Roles a case can be assigned to: those who work cases themselves.
from workflow.permissions import (
    MANAGE_CASES,
)

INTAKE_FIELDS = ("held_on", "chief_complaint", "history", "observations", "risk_notes", "impression")


def touch_archive(resident_id: int) -> None:
    """Clinical work keeps the archive out of the review list (ARC-7)."""
    Archive.objects.filter(resident_id=resident_id).update(last_activity_at=timezone.now())


def _require_work(actor, case: Case) -> None:
    if not policy.can_work_on_case(actor, case):
        raise PermissionDenied


def _require(case: Case, action: str) -> None:
    """Refuse what the case's status does not allow (Case.ACTIONS): on a closed case, nothing is
    recorded, transferred or closed until it is reopened."""
    Case.ACTIONS.require(
        case, action, _("Case %(number)s is closed: reopen it first.") % {"number": case.number}
    )


def _next_case_number(year: int) -> str:
    return next_number(Case.objects.all(), field="number", prefix=f"C{year}-", width=4)


@transaction.atomic
def case_open(
    *,
    actor,
    resident: Resident | None,
    counsellor,
    presenting_problem: str,
    source_appointment: Appointment | None = None,
    opened_at: datetime | None = None,
) -> Case:
    """Open a case at intake, numbered C<year>-0001 onwards.

    The client must have valid clinical consent. Opened from an appointment, the appointment must
    be checked in with its resident known; the case takes that resident and the appointment is
    linked to it (one case per appointment); from the archive, see policy.can_open_case_for.
    The counsellor must be able to hold cases, and the opener is the counsellor, their supervisor,
    or the director with the client in scope.
    """
    if not policy.has_permission(actor, MANAGE_CASES):
        raise PermissionDenied
    if source_appointment is not None:
        # Locked: a double submit must not open two cases from one appointment.
        source_appointment = Appointment.objects.select_for_update().get(pk=source_appointment.pk)
        Appointment.ACTIONS.require(
            source_appointment,
            "open_case",
            _("A case is opened from an appointment once the client has checked in."),
        )
        if source_appointment.resident_id is None:
            raise ValidationError(_("Match the appointment to a resident at check-in before opening a case."))
        if resident is not None and resident.pk != source_appointment.resident_id:
            raise ValidationError(_("This appointment belongs to another resident."))
        if source_appointment.case_id is not None:
            raise ValidationError(_("A case is already open from this appointment."))
        if not policy.filter_appointments(
            actor, Appointment.objects.filter(pk=source_appointment.pk)
        ).exists():
            raise PermissionDenied
        resident = source_appointment.resident
        if not policy.can_open_case_for(actor, resident):
            raise ValidationError(
                _(
                    "This client is already in the care of other staff. Ask their counsellor for a "
                    "transfer, or ask the archive manager to make you responsible for the archive."
                )
            )
    elif resident is None:
        raise ValidationError(_("Choose the client of the case."))
    elif not policy.can_open_case_for(actor, resident):
        raise PermissionDenied
    if not policy.can_hold_cases(counsellor):
        raise ValidationError({"counsellor": _("Choose an active counsellor or therapist.")})
    if not policy.can_assign_case_to(actor, counsellor, resident):
        raise ValidationError(
            {
                "counsellor": _(
                    "You can open a case for yourself, or for a counsellor you supervise "
                    "(the director: for anyone, for clients in scope)."
                )
            }
        )
    if not (presenting_problem or "").strip():
        raise ValidationError({"presenting_problem": _("Describe the presenting problem.")})
    now = timezone.now()
    opened_at = opened_at or now
    if opened_at > now:
        raise ValidationError({"opened_at": _("The opening time cannot be in the future.")})
    require_clinical_consent(resident=resident)
    case = Case(
        number="pending",
        resident=resident,
        counsellor=counsellor,
        presenting_problem=presenting_problem.strip(),
        status=Case.Status.OPEN,
        opened_at=opened_at,
        opened_by=actor,
        source_appointment=source_appointment,
    )
    case.full_clean(exclude=["number"])
    year = timezone.localdate(opened_at).year
    save_with_next_number(case, field="number", number=lambda: _next_case_number(year))
    if source_appointment is not None:
        source_appointment.case = case
        source_appointment.save(update_fields=["case"])
    touch_archive(resident.pk)
    audit_record(
        actor=actor,
        action="case.opened",
        obj=case,
        details={
            "number": case.number,
            "counsellor": counsellor.pk,
            "appointment": source_appointment.pk if source_appointment else None,
        },
    )
    return case


def case_record_view(*, actor, case: Case) -> None:
    """Every opening of a case is written to the audit log."""
    audit_record(actor=actor, action="case.viewed", obj=case, details={"resident": case.resident_id})


@transaction.atomic
def case_transfer(*, actor, case: Case, to_counsellor, reason: str) -> CaseTransfer:
    """Hand an open case to another counsellor, with a reason; the history keeps every transfer.

    The new counsellor (and their supervisor) join the archive's team through the case; the
    previous one leaves it unless responsible for the archive. The new counsellor must hold cases
    and be in the transferring person's scope.
    """
    if not policy.can_transfer_case(actor, case):
        raise PermissionDenied
    _require(case, "transfer")
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the transfer.")})
    if to_counsellor is None or not policy.can_hold_cases(to_counsellor):
        raise ValidationError({"to_counsellor": _("Choose an active counsellor or therapist.")})
    if to_counsellor.pk == case.counsellor_id:
        raise ValidationError({"to_counsellor": _("The case is already with this counsellor.")})
    if not policy.can_transfer_case_to(actor, to_counsellor):
        raise ValidationError({"to_counsellor": _("Choose a counsellor in your organisation unit.")})
    transfer = CaseTransfer(
        case=case,
        from_counsellor_id=case.counsellor_id,
        to_counsellor=to_counsellor,
        reason=reason.strip(),
        by=actor,
    )
    transfer.full_clean()
    transfer.save()
    case.counsellor = to_counsellor
    case.save(update_fields=["counsellor"])
    touch_archive(case.resident_id)
    audit_record(
        actor=actor,
        action="case.transferred",
        obj=case,
        # The reason stays on the CaseTransfer row: it may be clinical, and the audit log is also
        # read by the administrator.
        details={"from": transfer.from_counsellor_id, "to": to_counsellor.pk},
    )
    _tell_of_transfer(transfer, actor=actor)
    return transfer


def _tell_of_transfer(transfer: CaseTransfer, *, actor) -> None:
    """The new holder learns the case is theirs now, and the previous one that it was taken from
    them when someone else (a director, a supervisor) moved it; nobody is told of their own act.
    The message names the case number only, never the client or the reason: the outbox is read by
    its keepers too."""
    case = transfer.case
    link = absolute_reverse("workflow:case_detail", case.pk)
    by = actor.get_full_name()
    with translation.override(settings.LANGUAGE_CODE):
        messages = [
            (
                transfer.to_counsellor,
                _("A case has been transferred to you"),
                _("Case %(number)s has been transferred to you by %(by)s. Open it in Xinqiao: %(link)s"),
            ),
            (
                transfer.from_counsellor,
                _("A case of yours has been transferred"),
                _("Case %(number)s has been transferred to another counsellor by %(by)s: %(link)s"),
            ),
        ]
        for recipient, subject, body in messages:
            if recipient is None or recipient.pk == actor.pk:
                continue
            notification_queue(
                kind=Notification.Kind.OTHER,
                dedupe_key=f"case:{case.pk}:transfer:{transfer.pk}:{recipient.pk}",
                subject=str(subject),
                body=body % {"number": case.number, "by": by, "link": link},
                recipient_user=recipient,
                related=case,
            )


@transaction.atomic
def case_close(*, actor, case: Case, outcome: str, summary: str) -> Case:
    """Close an open case with an outcome and a summary.

    The outcome feeds the resolution rate. Closing plans the follow-ups (1 and 3 months, a
    setting) and issues the one-time satisfaction link, in the same transaction.
    """
    from workflow.services.followups import follow_ups_create_for_closed_case
    from workflow.services.satisfaction import satisfaction_survey_issue

    _require_work(actor, case)
    _require(case, "close")
    if outcome not in Case.Outcome.values:
        raise ValidationError({"outcome": _("Choose the outcome of the case.")})
    if not (summary or "").strip():
        raise ValidationError({"summary": _("Write a closing summary.")})
    case.status = Case.Status.CLOSED
    case.outcome = outcome
    case.closing_summary = summary.strip()
    case.closed_at = timezone.now()
    case.closed_by = actor
    case.full_clean()
    case.save(update_fields=["status", "outcome", "closing_summary", "closed_at", "closed_by"])
    follow_ups_create_for_closed_case(actor=actor, case=case)
    satisfaction_survey_issue(actor=actor, case=case)
    touch_archive(case.resident_id)
    audit_record(actor=actor, action="case.closed", obj=case, details={"outcome": outcome})
    return case


@transaction.atomic
def case_reopen(*, actor, case: Case, reason: str) -> Case:
    """Reopen a closed case with a reason. The reason, the earlier outcome and closing date are
    kept on a ``CaseReopening`` (the reason encrypted: the audit log, which the administrator
    reads, names only the ids); closing again plans no duplicate follow-ups for the same dates."""
    _require_work(actor, case)
    case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
    Case.ACTIONS.require(case, "reopen", _("The case is already open."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for reopening the case.")})
    reopening = CaseReopening(
        case=case,
        reason=reason,
        previous_outcome=case.outcome,
        previous_closed_at=case.closed_at,
        by=actor,
        at=timezone.now(),
    )
    reopening.full_clean(exclude=["case", "by"])
    reopening.save()
    case.status = Case.Status.OPEN
    case.outcome = ""
    case.closed_at = None
    case.closed_by = None
    case.save(update_fields=["status", "outcome", "closed_at", "closed_by"])
    touch_archive(case.resident_id)
    audit_record(actor=actor, action="case.reopened", obj=case, details={"reopening": reopening.pk})
    return case


# ---------------------------------------------------------------------------------------------
# Intake (SVC-3)


@transaction.atomic
def intake_record(
    *,
    actor,
    case: Case,
    held_on: date,
    chief_complaint: str,
    history: str = "",
    observations: str = "",
    risk_notes: str = "",
    impression: str = "",
) -> Intake:
    """Record the case's intake, or edit it: one intake per case, written by the case's team while
    the case is open. Every edit is audited with the fields that changed."""
    _require_work(actor, case)
    _require(case, "record")
    if not (chief_complaint or "").strip():
        raise ValidationError({"chief_complaint": _("Write the chief complaint.")})
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": _("The date cannot be in the future.")})
    values = {
        "held_on": held_on,
        "chief_complaint": chief_complaint.strip(),
        "history": (history or "").strip(),
        "observations": (observations or "").strip(),
        "risk_notes": (risk_notes or "").strip(),
        "impression": (impression or "").strip(),
    }
    intake = Intake.objects.select_for_update().filter(case=case).first()
    if intake is None:
        require_clinical_consent(resident=case.resident)
        intake = Intake(case=case, recorded_by=actor, **values)
        intake.full_clean()
        intake.save()
        action, changed = "intake.recorded", list(INTAKE_FIELDS)
    else:
        changed = [field for field in INTAKE_FIELDS if getattr(intake, field) != values[field]]
        if not changed:
            return intake
        for field in changed:
            setattr(intake, field, values[field])
        intake.full_clean()
        intake.save(update_fields=changed)
        action = "intake.updated"
    touch_archive(case.resident_id)
    audit_record(actor=actor, action=action, obj=case, details={"intake": intake.pk, "fields": changed})
    return intake


# ---------------------------------------------------------------------------------------------
# Service plans (SVC-4)


def _lock_case(case: Case) -> None:
    """Serialise numbering (plan versions, session numbers) per case."""
    Case.objects.select_for_update().filter(pk=case.pk).values_list("pk", flat=True).first()


@transaction.atomic
def service_plan_create(
    *,
    actor,
    case: Case,
    goals: str,
    content: str,
    modality: str,
    frequency: str,
    period_start: date,
    period_end: date,
    agreed_on: date | None = None,
    agreement: str = "",
    revision_reason: str = "",
) -> ServicePlan:
    """Save the case's plan as a new version (the first is version 1). From version 2 on, a
    revision needs its reason; earlier versions stay as they were written. The client's agreement
    (date and how) may be recorded with it or later."""
    _require_work(actor, case)
    _require(case, "record")
    require_clinical_consent(resident=case.resident)
    _lock_case(case)
    previous = ServicePlan.objects.filter(case=case).aggregate(last=Max("version"))["last"] or 0
    if previous and not (revision_reason or "").strip():
        raise ValidationError({"revision_reason": _("Give the reason for revising the plan.")})
    if modality not in Modality.values:
        raise ValidationError({"modality": _("Choose a modality.")})
    if agreed_on and agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": _("The date cannot be in the future.")})
    require_not_too_far_ahead(period_start, field="period_start")
    require_not_too_far_ahead(period_end, field="period_end", days=AHEAD_DAYS_LONG)
    plan = ServicePlan(
        case=case,
        version=previous + 1,
        goals=(goals or "").strip(),
        content=(content or "").strip(),
        modality=modality,
        frequency=(frequency or "").strip(),
        period_start=period_start,
        period_end=period_end,
        agreed_on=agreed_on,
        agreement=agreement or "",
        revision_reason=(revision_reason or "").strip() if previous else "",
        created_by=actor,
    )
    plan.full_clean()
    try:
        with transaction.atomic():
            plan.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Someone saved a new version of this plan at the same moment. Reload the case and try again.")
        ) from exc
    touch_archive(case.resident_id)
    audit_record(
        actor=actor,
        action="service_plan.created" if plan.version == 1 else "service_plan.revised",
        obj=case,  # the revision reason stays on the plan (clinical text stays out of the audit log)
        details={"plan": plan.pk, "version": plan.version},
    )
    return plan


def current_plan(case: Case) -> ServicePlan | None:
    return ServicePlan.objects.filter(case=case).order_by("-version").first()


@transaction.atomic
def service_plan_record_agreement(
    *, actor, plan: ServicePlan, agreed_on: date, agreement: str
) -> ServicePlan:
    """Record the client's agreement (date and how it was given) on the plan's current version.
    An earlier version stays as it was, and an agreement once recorded is not rewritten."""
    case = plan.case
    _require_work(actor, case)
    _require(case, "record")
    latest = current_plan(case)
    if latest is None or latest.pk != plan.pk:
        raise ValidationError(_("Only the current version of the plan can be agreed to."))
    if plan.agreed_on:
        raise ValidationError(_("The client's agreement to this version is already recorded."))
    if not agreed_on:
        raise ValidationError({"agreed_on": _("Give the date the client agreed.")})
    if agreed_on > timezone.localdate():
        raise ValidationError({"agreed_on": _("The date cannot be in the future.")})
    if agreement not in ServicePlan.Agreement.values:
        raise ValidationError({"agreement": _("Choose how the client agreed.")})
    plan.agreed_on = agreed_on
    plan.agreement = agreement
    plan.full_clean()
    plan.save(update_fields=["agreed_on", "agreement"])
    audit_record(
        actor=actor,
        action="service_plan.agreed",
        obj=case,
        details={"plan": plan.pk, "version": plan.version, "agreement": agreement},
    )
    return plan


# ---------------------------------------------------------------------------------------------
# Assessments given in a case (SVC-3 / ASM-3)


@transaction.atomic
def case_assessment_link(*, actor, case: Case, assessment, phase: str) -> CaseAssessment:
    """Link an assessment of the case's client to the open case, at intake, review or closing."""
    _require_work(actor, case)
    _require(case, "record")
    if phase not in CaseAssessment.Phase.values:
        raise ValidationError({"phase": _("Choose the stage: intake, review or closing.")})
    if assessment.resident_id != case.resident_id:
        raise ValidationError(_("This assessment belongs to another resident."))
    if CaseAssessment.objects.filter(assessment=assessment).exists():
        raise ValidationError(_("This assessment is already linked to a case."))
    link = CaseAssessment(case=case, assessment=assessment, phase=phase)
    link.full_clean()
    link.save()
    audit_record(
        actor=actor,
        action="case.assessment_linked",
        obj=case,
        details={"assessment": assessment.pk, "phase": phase},
    )
    return link


@transaction.atomic
def case_assessment_give(*, actor, case: Case, phase: str, instrument_code: str, answers):
    """Give an instrument from the case: the assessment is stored exactly as from the archive
    (consent, scoring, signals) and linked to the case in the same transaction."""
    from assessments.services import assessment_record

    _require_work(actor, case)
    _require(case, "record")
    assessment = assessment_record(
        actor=actor, resident=case.resident, instrument_code=instrument_code, answers=answers
    )
    case_assessment_link(actor=actor, case=case, assessment=assessment, phase=phase)
    return assessment
