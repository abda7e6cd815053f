"""Writes of crisis cases (CRI-3): opening one from an alert, the structured risk assessment, the
safety plan, the action log (contacts outside the team are CONF-5 disclosures), the checks at
24 h, 72 h and 7 days, and closing with an outcome that a supervisor reviews.

Whoever acts must hold ``crisis.handle_alerts`` and see the case's alert under the policy (a
crisis case is seen with its alert). A closed case is read-only, except that its checks can still
be marked done (the person may be informed after the closing). Every change and every read of the
case's content is audited; clinical text never goes into the audit log, only ids and kinds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from archives.models import Archive, RiskLevel, RiskLevelChange
from confidentiality import policy
from confidentiality.models import DisclosureBasis
from confidentiality.roles import Role
from confidentiality.services import audit_record, clinical_consent_missing, disclosure_create
from crisis.models import Alert, CrisisAction, CrisisCase, CrisisCheck, SafetyPlan
from crisis.permissions import HANDLE_ALERTS
from lib.pdf import render_pdf
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue

# The clocks started when a case opens, counted from the opening.
CHECK_DELAYS = {
    CrisisCheck.Kind.H24: timedelta(hours=24),
    CrisisCheck.Kind.H72: timedelta(hours=72),
    CrisisCheck.Kind.D7: timedelta(days=7),
}
# Where consent was bypassed, the person is told afterwards what was done and disclosed.
INFORM_PERSON_DELAY = timedelta(days=7)
# The reminder job warns the assignee of a check this long before it is due.
CHECK_REMINDER_AHEAD = timedelta(hours=1)
# Times typed for an action may run a little ahead of the server's clock.
CLOCK_SLACK = timedelta(minutes=5)

# What may be told to a guardian, the police or a hospital in a crisis: the disclosure lists the
# items actually told, never more than these (CONF-5, minimal fields).
DISCLOSURE_FIELDS = {
    "name": gettext_lazy("The person's name"),
    "situation": gettext_lazy("Current situation and risk"),
    "location": gettext_lazy("Where the person is"),
    "contact": gettext_lazy("Contact details"),
    "health": gettext_lazy("Health and medication"),
}
DEFAULT_DISCLOSED = ("name", "situation")


def case_path(crisis_case: CrisisCase) -> str:
    """The crisis case page's address as a message reader opens it."""
    return absolute_reverse("crisis:case_detail", crisis_case.pk)


# ---------------------------------------------------------------------------------------------
# Helpers


def _require_handler(actor, alert: Alert) -> None:
    if not policy.has_permission(actor, HANDLE_ALERTS) or not policy.can_handle_alert(actor, alert):
        raise PermissionDenied


def _lock(actor, crisis_case: CrisisCase, *, writable: bool = True) -> CrisisCase:
    """Refuse whoever may not handle the case's alert; lock the row and read its current state."""
    _require_handler(actor, crisis_case.alert)
    # of=("self",): the person is a nullable join, which PostgreSQL will not lock.
    locked = CrisisCase.objects.select_for_update(of=("self",)).select_related("alert", "resident", "owner")
    crisis_case = locked.get(pk=crisis_case.pk)
    if writable:
        CrisisCase.ACTIONS.require(
            crisis_case, "action", _("This crisis case is closed: nothing more can be recorded on it.")
        )
    return crisis_case


def _required_text(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


# ---------------------------------------------------------------------------------------------
# Opening


@transaction.atomic
def crisis_case_open(*, actor, alert: Alert) -> CrisisCase:
    """Open the crisis case of an open alert; the actor owns it.

    Only someone who can handle the alert may, and an alert has one crisis case at most. A new
    alert is acknowledged by the actor on the way (opening a case is taking it on), and the alert
    moves to "intervening". Without the person's clinical consent on file the case is opened all
    the same, on the basis of danger to life or safety (``consent_bypassed``), and a task to
    inform the person afterwards is created. Checks at 24 h, 72 h and 7 days are created for the
    owner, and a known resident is put on the watch list.
    """
    from crisis.services import alerts as alert_services

    _require_handler(actor, alert)
    alert = Alert.objects.select_for_update(of=("self",)).select_related("resident").get(pk=alert.pk)
    if CrisisCase.objects.filter(alert=alert).exists():
        raise ValidationError(_("This alert already has a crisis case."))
    Alert.ACTIONS.require(alert, "open_case", _("A crisis case can be opened only for an open alert."))
    now = timezone.now()
    resident = alert.resident
    # An anonymous person has no record to consent to; for a known one, no consent on file does
    # not stop the intervention: the basis is recorded instead (CRI-3, PIPL art. 13(4)).
    bypassed = resident is not None and bool(clinical_consent_missing(resident=resident))
    crisis_case = CrisisCase(
        alert=alert,
        resident=resident,
        owner=actor,
        status=CrisisCase.Status.OPEN,
        opened_at=now,
        opened_by=actor,
        consent_bypassed=bypassed,
    )
    crisis_case.full_clean(exclude=["alert", "resident", "owner", "opened_by"])
    crisis_case.save()
    kinds = dict(CHECK_DELAYS)
    if bypassed:
        kinds[CrisisCheck.Kind.INFORM_PERSON] = INFORM_PERSON_DELAY
    CrisisCheck.objects.bulk_create(
        CrisisCheck(crisis_case=crisis_case, kind=kind, due_at=now + delay, assignee=actor)
        for kind, delay in kinds.items()
    )
    audit_record(
        actor=actor,
        action="crisis_case.opened",
        obj=crisis_case,
        reason=str(DisclosureBasis.DANGER.label) if bypassed else "",
        details={
            "alert": alert.pk,
            "consent_bypassed": bypassed,
            "basis": DisclosureBasis.DANGER.value if bypassed else "",
        },
    )
    note = _("Crisis case #%(number)s opened.") % {"number": crisis_case.pk}
    if alert.state == Alert.State.NEW:
        alert_services.alert_acknowledge(actor=actor, alert=alert)
    if alert.state == Alert.State.ACKNOWLEDGED:
        alert_services.alert_start_intervention(actor=actor, alert=alert, note=note)
    else:
        alert_services.alert_add_note(actor=actor, alert=alert, note=note)
    if resident is not None:
        # The watch list belongs to its own area; its service decides what "ensure" means.
        from crisis.services.watch import watch_entry_ensure

        watch_entry_ensure(
            resident=resident,
            crisis_case=crisis_case,
            reason=_("Crisis case #%(number)s opened (alert level: %(level)s).")
            % {"number": crisis_case.pk, "level": alert.get_level_display()},
            actor=actor,
        )
    return crisis_case


def crisis_case_record_view(*, actor, crisis_case: CrisisCase) -> None:
    """Opening a crisis case (who is at risk, the assessment, the plan) is written to the audit log."""
    audit_record(actor=actor, action="crisis_case.viewed", obj=crisis_case)


# ---------------------------------------------------------------------------------------------
# Risk assessment and safety plan


@transaction.atomic
def crisis_risk_assessment_record(
    *,
    actor,
    crisis_case: CrisisCase,
    ideation: str,
    plan: str,
    means: str,
    history: str,
    protective_factors: str,
    risk_summary: str,
) -> CrisisCase:
    """Record the structured risk assessment (docs/crisis.md names its source).

    Every domain must be answered (write "none" where there is none: an empty box cannot be told
    apart from a question not asked), and the formulation sums them up. A later assessment
    replaces the earlier one on the case; the audit log keeps when and by whom each was made.
    """
    crisis_case = _lock(actor, crisis_case)
    domains = {
        "ideation": ideation,
        "plan": plan,
        "means": means,
        "history": history,
        "protective_factors": protective_factors,
        "risk_summary": risk_summary,
    }
    errors = {}
    for field, value in domains.items():
        value = (value or "").strip()
        if not value:
            errors[field] = _("Answer this part; write “none” if there is none.")
        domains[field] = value
    if errors:
        raise ValidationError(errors)
    for field, value in domains.items():
        setattr(crisis_case, field, value)
    crisis_case.assessed_at = timezone.now()
    crisis_case.assessed_by = actor
    crisis_case.save(update_fields=[*domains, "assessed_at", "assessed_by"])
    audit_record(actor=actor, action="crisis_case.risk_assessed", obj=crisis_case)
    return crisis_case


@transaction.atomic
def safety_plan_save(
    *,
    actor,
    crisis_case: CrisisCase,
    warning_signs: str,
    coping_steps: str,
    people_places: str,
    professionals: str,
    means_restriction: str,
) -> SafetyPlan:
    """Save the client's safety plan as a new version (the newest is the plan in force; earlier
    versions stay as they were). Warning signs, coping steps and professionals to call are
    required: a plan without them gives the person nothing to do in a crisis."""
    crisis_case = _lock(actor, crisis_case)
    last = crisis_case.safety_plans.order_by("-version").values_list("version", flat=True).first()
    plan = SafetyPlan(
        crisis_case=crisis_case,
        version=(last or 0) + 1,
        warning_signs=(warning_signs or "").strip(),
        coping_steps=(coping_steps or "").strip(),
        people_places=(people_places or "").strip(),
        professionals=(professionals or "").strip(),
        means_restriction=(means_restriction or "").strip(),
        written_at=timezone.now(),
        written_by=actor,
    )
    plan.full_clean(exclude=["crisis_case", "written_by"])
    plan.save()
    audit_record(
        actor=actor,
        action="safety_plan.saved",
        obj=crisis_case,
        details={"safety_plan": plan.pk, "version": plan.version},
    )
    return plan


def safety_plan_record_print(*, actor, crisis_case: CrisisCase, plan: SafetyPlan) -> None:
    """Printing the plan for the client is a read of clinical content: audited."""
    _require_handler(actor, crisis_case.alert)
    audit_record(
        actor=actor,
        action="safety_plan.printed",
        obj=crisis_case,
        details={"safety_plan": plan.pk, "version": plan.version},
    )


def safety_plan_pdf(*, actor, crisis_case: CrisisCase, plan: SafetyPlan, context: dict) -> bytes:
    """The safety plan as PDF for the client. Only the plan: no risk assessment, no staff notes.
    The download is audited once the PDF exists."""
    _require_handler(actor, crisis_case.alert)
    # Rendered outside any transaction: WeasyPrint takes a while and must not hold the write lock.
    content = render_pdf(render_to_string("crisis/safety_plan_pdf.html", context))
    audit_record(
        actor=actor,
        action="safety_plan.pdf_downloaded",
        obj=crisis_case,
        details={"safety_plan": plan.pk, "version": plan.version},
    )
    return content


# ---------------------------------------------------------------------------------------------
# Action log


@transaction.atomic
def crisis_action_record(
    *,
    actor,
    crisis_case: CrisisCase,
    kind: str,
    text: str,
    recipient: str = "",
    at: datetime | None = None,
    disclosed: Sequence[str] | None = None,
) -> CrisisAction:
    """Add an entry to the action log.

    A contact outside the team (guardian, police, hospital, other) is a disclosure: it needs the
    person contacted and the items told (``disclosed``, keys of DISCLOSURE_FIELDS; name and
    situation when not given), and a CONF-5 disclosure is recorded with the basis "danger to life
    or safety" and linked on the entry. An anonymous person has no record for a disclosure to
    belong to: the entry is written without one. The time may be earlier (written up afterwards),
    never in the future.
    """
    crisis_case = _lock(actor, crisis_case)
    if kind not in CrisisAction.Kind.values:
        raise ValidationError({"kind": _("Choose what was done.")})
    text = _required_text(text, "text", _("Write what was done and said."))
    recipient = (recipient or "").strip()
    now = timezone.now()
    at = at or now
    if at > now + CLOCK_SLACK:
        raise ValidationError({"at": _("The time cannot be in the future.")})
    disclosing = kind in CrisisAction.DISCLOSING
    fields: list[str] = []
    if disclosing:
        if not recipient:
            raise ValidationError({"recipient": _("Say whom you contacted (name and role).")})
        keys = list(DEFAULT_DISCLOSED if disclosed is None else disclosed)
        unknown = [key for key in keys if key not in DISCLOSURE_FIELDS]
        if unknown or not keys:
            raise ValidationError({"disclosed": _("Tick what you told them.")})
        fields = [str(DISCLOSURE_FIELDS[key]) for key in DISCLOSURE_FIELDS if key in keys]
    action = CrisisAction(crisis_case=crisis_case, kind=kind, at=at, by=actor, recipient=recipient, text=text)
    action.full_clean(exclude=["crisis_case", "by", "disclosure"])
    if disclosing and crisis_case.resident_id is not None:
        # The right to disclose comes from handling the crisis, not from the archive team (the
        # person on duty may be neither): hence disclosure_create, after the check above.
        action.disclosure = disclosure_create(
            actor=actor,
            resident=crisis_case.resident,
            recipient=recipient[:120],
            fields=fields,
            purpose=(
                _("Crisis intervention (crisis case #%(number)s): %(kind)s")
                % {"number": crisis_case.pk, "kind": CrisisAction.Kind(kind).label}
            )[:200],
            basis=DisclosureBasis.DANGER,
        )
    action.save()
    audit_record(
        actor=actor,
        action="crisis_action.recorded",
        obj=crisis_case,
        details={"action": action.pk, "kind": kind, "disclosure": action.disclosure_id},
    )
    return action


# ---------------------------------------------------------------------------------------------
# Checks


@transaction.atomic
def crisis_check_complete(*, actor, check: CrisisCheck, note: str) -> CrisisCheck:
    """Mark a check (or the task to inform the person) done, with its result. Anyone handling the
    case may do it, also after the case is closed; a check is done once."""
    _lock(actor, check.crisis_case, writable=False)
    check = CrisisCheck.objects.select_for_update(of=("self",)).get(pk=check.pk)
    if check.done_at is not None:
        raise ValidationError(_("This check has already been done."))
    if check.waived_at is not None:
        raise ValidationError(_("This check was waived."))
    note = _required_text(note, "note", _("Write what you found."))
    check.done_at = timezone.now()
    check.done_by = actor
    check.note = note
    check.save(update_fields=["done_at", "done_by", "note"])
    audit_record(
        actor=actor,
        action="crisis_check.completed",
        obj=check.crisis_case,
        details={"check": check.pk, "kind": check.kind},
    )
    return check


@transaction.atomic
def crisis_check_waive(*, actor, check: CrisisCheck, reason: str) -> CrisisCheck:
    """Waive a follow-up check (24 h, 72 h, 7 days) that cannot or need not happen, with the
    reason (e.g. the person is in hospital, has moved away, cannot be reached). Only while the case
    is not closed, only a check neither done nor waived, and never the task to inform the person:
    that is owed to them whatever happens. The waiver is kept on the check and audited (the kind,
    never the reason); it is what lets a case close before a later check's time has come."""
    _lock(actor, check.crisis_case)
    check = CrisisCheck.objects.select_for_update(of=("self",)).get(pk=check.pk)
    if check.kind not in CrisisCheck.FOLLOW_UP:
        raise ValidationError(_("Only the checks at 24 hours, 72 hours and 7 days can be waived."))
    if check.done_at is not None:
        raise ValidationError(_("This check has already been done."))
    if not check.can_be_waived:
        raise ValidationError(_("This check was waived."))
    reason = _required_text(reason, "reason", _("Say why this check will not take place."))
    check.waived_at = timezone.now()
    check.waived_by = actor
    check.waive_reason = reason
    check.save(update_fields=["waived_at", "waived_by", "waive_reason"])
    audit_record(
        actor=actor,
        action="crisis_check.waived",
        obj=check.crisis_case,
        details={"check": check.pk, "kind": check.kind},
    )
    return check


def close_refusal(crisis_case: CrisisCase) -> str:
    """Why the case cannot close yet ("" when it can): the follow-up checks still open, by name.
    The closing services refuse with this sentence and the case's page shows it instead of the
    closing form."""
    from crisis.selectors.cases import checks_blocking_close

    blocking = checks_blocking_close(crisis_case=crisis_case)
    if not blocking:
        return ""
    return _(
        "The case cannot close while these checks are open: %(checks)s. Record each one's result, "
        "or waive it with the reason."
    ) % {"checks": "、".join(str(check.get_kind_display()) for check in blocking)}


def crisis_checks_remind_due(*, now: datetime | None = None) -> int:
    """The periodic job: one outbox message to the assignee of every check not done that is due
    within the hour (or overdue) on a case not closed — and of the task to inform the person,
    which outlives the case's closing. Each check is reminded once however often the job runs
    (the outbox's dedupe key). The message names nobody and nothing clinical."""
    now = now or timezone.now()
    due = (
        CrisisCheck.objects.filter(
            done_at__isnull=True,
            waived_at__isnull=True,
            due_at__lte=now + CHECK_REMINDER_AHEAD,
            assignee__is_active=True,
        )
        .exclude(Q(crisis_case__status=CrisisCase.Status.CLOSED) & ~Q(kind=CrisisCheck.Kind.INFORM_PERSON))
        .select_related("assignee", "crisis_case")
        .order_by("due_at", "pk")
    )
    checks = list(due)
    keys = {check.pk: f"crisis_check:{check.pk}:due" for check in checks}
    already = set(
        Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True)
    )
    queued = 0
    for check in checks:
        if keys[check.pk] in already:
            continue
        when = timezone.localtime(check.due_at).strftime("%Y-%m-%d %H:%M")
        notification_queue(
            kind=Notification.Kind.OTHER,
            dedupe_key=keys[check.pk],
            subject=_("Crisis case check due: %(kind)s") % {"kind": check.get_kind_display()},
            body="\n".join(
                [
                    _("A check on crisis case #%(number)s is due at %(time)s: %(kind)s.")
                    % {"number": check.crisis_case_id, "time": when, "kind": check.get_kind_display()},
                    _("Open the crisis case: %(path)s") % {"path": case_path(check.crisis_case)},
                ]
            ),
            recipient_user=check.assignee,
            related=check.crisis_case,
        )
        queued += 1
    return queued


# ---------------------------------------------------------------------------------------------
# Closing and its review


def _reviewers(crisis_case: CrisisCase) -> list:
    """Who is asked to review a closing: the owner's supervisor if they may review it, else every
    supervisor whose scope holds the alert's unit, else every director whose scope holds it."""
    from crisis.routing import ancestor_paths

    supervisor = crisis_case.owner.supervisor
    if (
        supervisor is not None
        and supervisor.is_active
        and policy.can_review_crisis_case(supervisor, crisis_case)
    ):
        return [supervisor]
    paths = ancestor_paths(crisis_case.alert.org_unit)
    staff = get_user_model().objects.filter(is_active=True, org_unit__path__in=paths).order_by("pk")
    for role in (Role.SUPERVISOR, Role.DIRECTOR):
        found = [user for user in staff.filter(role=role) if policy.can_review_crisis_case(user, crisis_case)]
        if found:
            return found
    return []


def _case_message(*, crisis_case: CrisisCase, recipient, key: str, subject: str, lead: str) -> None:
    notification_queue(
        kind=Notification.Kind.OTHER,
        dedupe_key=f"crisis_case:{crisis_case.pk}:{key}:{recipient.pk}"[:120],
        subject=subject,
        body="\n".join([lead, _("Open the crisis case: %(path)s") % {"path": case_path(crisis_case)}]),
        recipient_user=recipient,
        related=crisis_case,
    )


@transaction.atomic
def crisis_case_request_close(
    *,
    actor,
    crisis_case: CrisisCase,
    outcome: str,
    summary: str,
    risk_level: str = "",
    risk_reason: str = "",
) -> CrisisCase:
    """Ask to close an open case with its outcome (stabilised, referred, hospitalised, lost to
    contact, other) and a summary, once every follow-up check is done or waived (close_refusal).
    For a person on file, the closer also says which risk level the archive keeps after the crisis
    and why (a closed crisis is not the absence of risk: the level is a clinician's judgement, never
    lowered silently); it is set on the archive when the review confirms the closing. The case
    waits for the review of a supervisor or director who is neither its owner nor the person
    asking; they are told through the outbox."""
    crisis_case = _lock(actor, crisis_case)
    CrisisCase.ACTIONS.require(crisis_case, "close", _("This crisis case is already waiting for its review."))
    refusal = close_refusal(crisis_case)
    if refusal:
        raise ValidationError(refusal, code="checks_open")
    errors = {}
    if outcome not in CrisisCase.Outcome.values:
        errors["outcome"] = _("Choose the outcome.")
    if not (summary or "").strip():
        errors["summary"] = _("Sum up the intervention and how the person is now.")
    risk_reason = (risk_reason or "").strip()
    if crisis_case.resident_id is not None:
        if risk_level not in RiskLevel.values:
            errors["risk_level"] = _("Choose the risk level the archive keeps after the crisis.")
        if not risk_reason:
            errors["risk_reason"] = _("Say why this is the risk level now.")
    else:
        risk_level, risk_reason = "", ""
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    crisis_case.status = CrisisCase.Status.AWAITING_REVIEW
    crisis_case.outcome = outcome
    crisis_case.closing_summary = summary.strip()
    crisis_case.close_requested_at = now
    crisis_case.close_requested_by = actor
    crisis_case.closing_risk_level = risk_level
    crisis_case.closing_risk_reason = risk_reason
    crisis_case.save(
        update_fields=[
            "status",
            "outcome",
            "closing_summary",
            "close_requested_at",
            "close_requested_by",
            "closing_risk_level",
            "closing_risk_reason",
        ]
    )
    audit_record(
        actor=actor,
        action="crisis_case.close_requested",
        obj=crisis_case,
        details={"outcome": outcome, "risk_level": risk_level},
    )
    stamp = now.strftime("%Y%m%d%H%M%S%f")
    for reviewer in _reviewers(crisis_case):
        if reviewer.pk == actor.pk:
            continue
        _case_message(
            crisis_case=crisis_case,
            recipient=reviewer,
            key=f"review:{stamp}",
            subject=_("A crisis case waits for your review"),
            lead=_("The closing of crisis case #%(number)s (outcome: %(outcome)s) waits for your review.")
            % {"number": crisis_case.pk, "outcome": crisis_case.get_outcome_display()},
        )
    return crisis_case


def _archive_take_closing_level(*, actor, crisis_case: CrisisCase) -> None:
    """The archive's risk level becomes the one set on closing (ARC-3 history names the case)."""
    from archives.services import risk_level_set

    if crisis_case.resident_id is None or not crisis_case.closing_risk_level:
        return
    archive = Archive.objects.filter(resident_id=crisis_case.resident_id).first()
    if archive is None:
        return
    requester = crisis_case.close_requested_by
    risk_level_set(
        actor=actor,
        archive=archive,
        level=crisis_case.closing_risk_level,
        # Names the case and the people, not the clinician's reason: that stays encrypted on the
        # case, whereas this reason is kept in clear here and in the audit log.
        reason=_(
            "Crisis case #%(number)s closed (outcome: %(outcome)s). Level set by %(requester)s on "
            "closing, confirmed by %(reviewer)s; the reason is on the crisis case."
        )
        % {
            "number": crisis_case.pk,
            "outcome": crisis_case.get_outcome_display(),
            "requester": requester.full_name or requester.username,
            "reviewer": actor.full_name or actor.username,
        },
        source=RiskLevelChange.Source.CRISIS_CASE,
        confirm=True,
    )


@transaction.atomic
def crisis_case_review(*, actor, crisis_case: CrisisCase, approve: bool, note: str) -> CrisisCase:
    """A supervisor or director confirms or returns a requested closing (policy.
    can_review_crisis_case: not the owner; and never the person who asked to close).

    Approved: the case is closed, its alert is resolved with the same outcome and closed (an
    alert already resolved is only closed), and the person's archive takes the risk level given
    with the request (source "crisis case closed", the reason naming the case, who set the level
    and who confirmed it, never the clinician's words; kept as an entry even when the level stays
    the same). Returned: the case is open again, the note says why, and the owner is told.
    """
    from crisis.services import alerts as alert_services

    # Decide on the case as it is now, not as the caller last read it.
    crisis_case = CrisisCase.objects.select_related("alert").get(pk=crisis_case.pk)
    if not policy.can_review_crisis_case(actor, crisis_case):
        if not CrisisCase.ACTIONS.allows(crisis_case, "review"):
            raise ValidationError(_("Nobody has asked to close this crisis case."))
        if actor.pk == crisis_case.close_requested_by_id != crisis_case.owner_id:
            raise ValidationError(_("You asked to close this case: someone else must review it."))
        raise PermissionDenied
    crisis_case = _lock(actor, crisis_case)
    # The status may have changed while we waited for the lock.
    CrisisCase.ACTIONS.require(crisis_case, "review", _("Nobody has asked to close this crisis case."))
    note = (note or "").strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say what must still be done before the case can close.")})
    # A closing asked before this rule existed may still wait with a check open.
    refusal = close_refusal(crisis_case) if approve else ""
    if refusal:
        raise ValidationError(refusal, code="checks_open")
    now = timezone.now()
    crisis_case.reviewed_by = actor
    crisis_case.reviewed_at = now
    crisis_case.review_note = note
    fields = ["reviewed_by", "reviewed_at", "review_note", "status"]
    if approve:
        crisis_case.status = CrisisCase.Status.CLOSED
        crisis_case.closed_at = now
        fields.append("closed_at")
    else:
        crisis_case.status = CrisisCase.Status.OPEN
    crisis_case.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="crisis_case.closed" if approve else "crisis_case.close_returned",
        obj=crisis_case,
        details={"outcome": crisis_case.outcome},
    )
    if approve:
        alert = crisis_case.alert
        alert.refresh_from_db()
        closing = _("Crisis case #%(number)s closed after review.") % {"number": crisis_case.pk}
        if alert.state in (Alert.State.ACKNOWLEDGED, Alert.State.INTERVENING):
            # The two outcome lists share their values; the alert's adds only "no risk found".
            alert = alert_services.alert_resolve(
                actor=actor, alert=alert, outcome=crisis_case.outcome, note=crisis_case.closing_summary
            )
        if alert.state == Alert.State.RESOLVED:
            alert_services.alert_close(actor=actor, alert=alert, note=closing)
        _archive_take_closing_level(actor=actor, crisis_case=crisis_case)
    elif crisis_case.owner_id != actor.pk:
        _case_message(
            crisis_case=crisis_case,
            recipient=crisis_case.owner,
            key=f"returned:{now.strftime('%Y%m%d%H%M%S%f')}",
            subject=_("A crisis case was returned to you"),
            lead=_("The closing of crisis case #%(number)s was not confirmed: see the review note.")
            % {"number": crisis_case.pk},
        )
    return crisis_case
