"""Every write of the monthly reports (PRG-6).

States (``MonthlyReport.ACTIONS``): draft → submitted → (returned → submitted) → accepted (first
level) → approved (second level) → locked. No row is "not started". Approved and locked reports
cannot change ("已审核锁定，如需修改请先退回"); a month past its lock day cannot change either,
whether or not the lock job has run (``MonthlyReport.is_locked`` reads the calendar).
"""

from __future__ import annotations

from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Resident
from confidentiality import policy
from confidentiality.services import audit_record
from notifications.services import notification_queue

from . import calendar as periods
from . import selectors
from .models import (
    ConcernReview,
    ConcernRow,
    MonthlyReport,
    ReportEvent,
    ReportingAssignment,
    months_off_text,
)
from .report_forms import current_form, report_form

SIGNS_MAX = 1000
PERSON_MAX = 200
REASON_MAX = 1000
MAX_DAYS = 366


class ReportLocked(ValidationError):
    """A change to an approved or locked report (the API answers 409)."""


def _locked_message() -> str:
    return _("Approved and locked: to change it, return it first.")


def _month_locked(assignment, period) -> ReportLocked:
    return ReportLocked(
        _("This month is locked since %(day)s: nothing can be changed.")
        % {"day": assignment.locks_on(period).isoformat()},
        code="locked",
    )


def _require_open(report: MonthlyReport, action: str, now: datetime | None = None) -> None:
    """Refuse any change to a report that is approved, locked, or in a month past its lock day."""
    if report.state in (MonthlyReport.State.APPROVED, MonthlyReport.State.LOCKED) and action != "unapprove":
        raise ReportLocked(_locked_message(), code="locked")
    if report.locked_by(timezone.localdate(now) if now else None):
        raise _month_locked(report.assignment, report.period)
    MonthlyReport.ACTIONS.require(report, action)


def _event(report, action, actor, at, reason=""):
    ReportEvent.objects.create(report=report, action=action, actor=actor, at=at, reason=reason)


def _reason(value: str, *, required_message: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ValidationError({"reason": required_message})
    if len(text) > REASON_MAX:
        raise ValidationError({"reason": _("Keep this under %(limit)s characters.") % {"limit": REASON_MAX}})
    return text


def _tell(*, user, report, what: str, subject: str, body: str) -> None:
    if user is None:
        return
    notification_queue(
        kind="other",
        dedupe_key=f"monthly_report:{report.pk}:{what}:{user.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
        subject=subject,
        body=body,
        recipient_user=user,
        related=report,
    )


def _link(report) -> str:
    return reverse("monthlyreports:detail", args=[report.pk])


# ---------------------------------------------------------------------------------------------
# Assignments


@transaction.atomic
def assignment_save(
    *,
    actor,
    org_unit,
    reporter,
    first_approver,
    second_approver,
    unit_head=None,
    months_off=(),
    due_day: int | None = None,
    timely_days: int = 3,
    lock_days: int = 15,
    assignment: ReportingAssignment | None = None,
) -> ReportingAssignment:
    """Say who reports for a unit (a class or a grid) and who accepts and approves.

    Rules: MANAGE_REPORTING over the unit's scope; the unit is a class or a grid; the reporter,
    the first and the second level are three different people (nobody approves their own report);
    one active assignment per unit.
    """
    if actor is not None and not policy.can_manage_assignment_unit(actor, org_unit):
        raise PermissionDenied
    if org_unit.kind not in ("class", "grid"):
        raise ValidationError({"org_unit": _("Monthly reports are written for a class or a grid.")})
    if len({reporter.pk, first_approver.pk, second_approver.pk}) < 3:
        raise ValidationError(
            {
                "first_approver": _(
                    "The reporter, the first level and the second level must be three different people."
                )
            }
        )
    try:
        months_off = sorted({int(m) for m in months_off or []})
    except (TypeError, ValueError):
        months_off = [0]
    if any(not 1 <= m <= 12 for m in months_off):
        raise ValidationError({"months_off": _("Months are numbered 1 to 12.")})
    assignment = assignment or ReportingAssignment()
    if assignment.pk is None:
        clash = ReportingAssignment.objects.filter(org_unit=org_unit, is_active=True)
        if clash.exists():
            raise ValidationError({"org_unit": _("This unit already has someone reporting for it.")})
    assignment.org_unit = org_unit
    assignment.reporter = reporter
    assignment.first_approver = first_approver
    assignment.second_approver = second_approver
    assignment.unit_head = unit_head
    assignment.months_off = months_off_text(months_off)
    assignment.due_day = due_day
    assignment.timely_days = timely_days
    assignment.lock_days = lock_days
    assignment.full_clean(validate_constraints=False)
    assignment.save()
    audit_record(actor=actor, action="monthly_assignment.saved", obj=assignment)
    return assignment


# ---------------------------------------------------------------------------------------------
# The reporter's writes


@transaction.atomic
def report_start(*, actor, assignment: ReportingAssignment, period: date | str, now: datetime | None = None):
    """Open the draft of a month (or return the one already there).

    Rules: only the assignment's reporter; not a month off; not a month already locked; not a
    month that has not begun.
    """
    if not policy.can_write_monthly_report(actor, assignment) or not assignment.is_active:
        raise PermissionDenied
    period = periods.parse_period(period)
    existing = MonthlyReport.objects.filter(assignment=assignment, period=period).first()
    if existing is not None:
        return existing
    return _start(actor=actor, assignment=assignment, period=period, now=now)


def _start(*, actor, assignment: ReportingAssignment, period: date, now: datetime | None) -> MonthlyReport:
    """The draft of a month with no report yet (the access is checked by the caller)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    if assignment.is_month_off(period):
        raise ValidationError(
            {
                "period": _("No report is due for %(month)s: it is a month off.")
                % {"month": periods.period_label(period)}
            }
        )
    if period > periods.current_period(today):
        raise ValidationError({"period": _("This month has not begun yet.")})
    if periods.period_is_locked(period, lock_days=assignment.lock_days, today=today):
        raise _month_locked(assignment, period)
    form = current_form(assignment.form_code)
    report = MonthlyReport(
        assignment=assignment,
        org_unit=assignment.org_unit,
        period=period,
        form_code=form.code,
        form_version=form.version,
        created_by=actor,
    )
    report.full_clean(validate_constraints=False)
    report.save()
    _event(report, "start", actor, now or timezone.now())
    return report


def _require_reporter(actor, report) -> None:
    if not policy.can_write_monthly_report(actor, report.assignment):
        raise PermissionDenied


@transaction.atomic
def report_save(
    *, actor, report: MonthlyReport, answers: dict, is_zero: bool = False, now: datetime | None = None
) -> MonthlyReport:
    """Keep the answers of a draft or returned report (a draft may be incomplete).

    Rules: the reporter only, while the report is a draft or returned and its month not locked.
    """
    report = MonthlyReport.objects.select_for_update().select_related("assignment").get(pk=report.pk)
    _require_reporter(actor, report)
    _require_open(report, "edit", now)
    form = report_form(report.form_code, report.form_version)
    report.answers = form.clean_answers(answers, complete=False)
    report.is_zero = bool(is_zero)
    report.full_clean(validate_constraints=False)
    report.save()
    audit_record(actor=actor, action="monthly_report.saved", obj=report)
    return report


def _raise_signal(*, actor, row: ConcernRow, urgent: bool) -> None:
    from crisis.models import RiskSignal
    from crisis.services.intake import signal_raise

    report = row.report
    lines = [
        _("Monthly report of %(unit)s, %(month)s.")
        % {"unit": report.org_unit.name, "month": report.period_label},
        f"{row.get_category_display()} · {row.get_urgency_display()} · "
        + _("%(days)s days") % {"days": row.days},
        row.signs,
    ]
    signal, _alert = signal_raise(
        source=RiskSignal.Source.CONCERN,
        resident=row.resident,
        urgent=urgent,
        note="\n".join(lines),
        reported_by=actor,
        subject_note=row.person_description,
        org_unit=row.resident.org_unit if row.resident is not None else report.org_unit,
    )
    row.signal = signal
    row.save(update_fields=["signal"])


@transaction.atomic
def concern_add(
    *,
    actor,
    report: MonthlyReport,
    category: str,
    signs: str,
    days: int,
    urgency: str,
    resident: Resident | None = None,
    person_description: str = "",
    now: datetime | None = None,
) -> ConcernRow:
    """Add a person of concern to a draft or returned report.

    Rules: the reporter only, while the report may be edited. A named resident must be one the
    reporter sees (the resident search); anyone else is described in words for the community
    worker to register. An urgent row (紧急) raises a CRI-1 signal at once, in this transaction,
    even on a draft; a row needing attention (需关注) raises its signal on submission.
    """
    report = (
        MonthlyReport.objects.select_for_update().select_related("assignment", "org_unit").get(pk=report.pk)
    )
    _require_reporter(actor, report)
    return _concern_add(
        actor=actor,
        author=actor,
        report=report,
        category=category,
        signs=signs,
        days=days,
        urgency=urgency,
        resident=resident,
        person_description=person_description,
        now=now,
    )


def _concern_add(
    *, actor, author, report, category, signs, days, urgency, resident, person_description, now
) -> ConcernRow:
    """Add the row to a report already locked for update (the access is checked by the caller).
    ``author`` wrote the row (the reporter sees their own rows); ``actor`` entered it, and is
    the one the signal names."""
    _require_open(report, "edit", now)
    person_description = (person_description or "").strip()
    signs = (signs or "").strip()
    if resident is not None:
        if selectors.nameable_resident(user=actor, pk=resident.pk) is None:
            raise ValidationError(
                {
                    "resident": _(
                        "You can only name people registered in your area. Describe the person in words instead."  # noqa: E501
                    )
                }
            )
    elif not person_description:
        raise ValidationError(
            {
                "person_description": _(
                    "Choose the person, or describe them in words (name, age, where they live or study)."
                )
            }
        )
    if len(person_description) > PERSON_MAX:
        raise ValidationError(
            {"person_description": _("Keep this under %(limit)s characters.") % {"limit": PERSON_MAX}}
        )
    if not signs:
        raise ValidationError({"signs": _("Describe what you saw or heard.")})
    if len(signs) > SIGNS_MAX:
        raise ValidationError({"signs": _("Keep this under %(limit)s characters.") % {"limit": SIGNS_MAX}})
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number.")}) from None
    if not 0 <= days <= MAX_DAYS:
        raise ValidationError(
            {"days": _("Enter a number from %(low)s to %(high)s.") % {"low": 0, "high": MAX_DAYS}}
        )
    row = ConcernRow(
        report=report,
        resident=resident,
        person_description=person_description,
        category=category,
        signs=signs,
        days=days,
        urgency=urgency,
        created_by=author,
    )
    row.full_clean(exclude=["report", "resident", "created_by", "signal"])
    row.save()
    if report.is_zero:
        report.is_zero = False
        report.save(update_fields=["is_zero", "updated_at"])
    if row.urgency == ConcernRow.Urgency.URGENT:
        _raise_signal(actor=actor, row=row, urgent=True)
    audit_record(
        actor=actor,
        action="monthly_concern.added",
        obj=report,
        details={"row": row.pk, "urgency": row.urgency, "resident": resident.pk if resident else None},
    )
    return row


@transaction.atomic
def concern_remove(*, actor, row: ConcernRow) -> None:
    """Take a row off a draft or returned report. A signal already raised stays: it is clinical."""
    report = MonthlyReport.objects.select_for_update().select_related("assignment").get(pk=row.report_id)
    _require_reporter(actor, report)
    _require_open(report, "edit")
    audit_record(actor=actor, action="monthly_concern.removed", obj=report, details={"row": row.pk})
    row.delete()


@transaction.atomic
def concern_row_register(*, actor, row: ConcernRow, resident: Resident) -> ConcernRow:
    """The community worker (or another approver of the report) registers the person a row
    describes in words: the row then names the resident.

    Rules: the report's approvers only (level 1 or above), not once its month is locked; only a
    row without a resident; a resident the approver sees. What the reporter wrote stays as it is.
    """
    report = MonthlyReport.objects.select_related("assignment", "org_unit").get(pk=row.report_id)
    if policy.monthly_report_level(actor, report) < 1:
        raise PermissionDenied
    if report.is_locked:
        raise _month_locked(report.assignment, report.period)
    row = ConcernRow.objects.select_for_update().get(pk=row.pk)
    if row.resident_id is not None:
        raise ValidationError(_("This person is registered already."))
    if selectors.nameable_resident(user=actor, pk=resident.pk) is None:
        raise ValidationError({"resident": _("Choose a resident registered in your area.")})
    row.resident = resident
    row.save(update_fields=["resident"])
    audit_record(
        actor=actor,
        action="monthly_concern.registered",
        obj=report,
        details={"row": row.pk, "resident": resident.pk},
    )
    return row


def _flagged_three_months(*, report, now) -> None:
    """Someone on this report and on the two previous months' reports: a review task for a
    counsellor (the archive's responsible counsellor, else the counsellors of the unit's scope)."""
    residents = {row.resident_id for row in report.concerns.all() if row.resident_id}
    for resident_id in residents:
        months = set(
            ConcernRow.objects.filter(
                resident_id=resident_id,
                report__period__in=[
                    periods.previous_period(report.period, 1),
                    periods.previous_period(report.period, 2),
                ],
            ).values_list("report__period", flat=True)
        )
        if (
            len(months) < 2
            or ConcernReview.objects.filter(resident_id=resident_id, period=report.period).exists()
        ):
            continue
        resident = Resident.objects.select_related("org_unit").get(pk=resident_id)
        archive = getattr(resident, "archive", None)
        counsellor = archive.responsible.filter(is_active=True).first() if archive is not None else None
        review = ConcernReview.objects.create(
            resident=resident, org_unit=resident.org_unit, period=report.period, counsellor=counsellor
        )
        if counsellor is not None:
            notification_queue(
                kind="other",
                dedupe_key=f"concern_review:{review.pk}",
                subject=_("Someone flagged on monthly reports three months running"),
                body=_(
                    "A person in your care has been on the monthly reports three months running; please review: %(link)s"  # noqa: E501
                )
                % {"link": reverse("monthlyreports:review_list")},
                recipient_user=counsellor,
            )


@transaction.atomic
def report_submit(*, actor, report: MonthlyReport, now: datetime | None = None) -> MonthlyReport:
    """Submit a draft or a returned report.

    Rules: the reporter only; every required field filled, unless it is a zero report (nothing to
    report), which is a submission too but has no people of concern. Rows needing attention
    (需关注) raise their signals now. The first submission decides "on time" (by the due day plus
    the timely window) and is kept as the first version; the same person on this and the two
    previous months' reports gets a counsellor's review.
    """
    now = now or timezone.now()
    report = (
        MonthlyReport.objects.select_for_update().select_related("assignment", "org_unit").get(pk=report.pk)
    )
    _require_reporter(actor, report)
    _require_open(report, "submit", now)
    return _submit(actor=actor, report=report, now=now, submitted_by=actor, submitted_at=now)


def _submit(*, actor, report, now, submitted_by, submitted_at) -> MonthlyReport:
    """Submit a locked report that may be submitted (checked by the caller). ``submitted_at``
    decides "on time"; a paper form's is the day it was filled in."""
    rows = list(report.concerns.select_related("resident"))
    form = report_form(report.form_code, report.form_version)
    if report.is_zero:
        if rows:
            raise ValidationError({"is_zero": _("A report with people of concern is not a zero report.")})
        report.answers = form.clean_answers(report.answers, complete=False)
    else:
        report.answers = form.clean_answers(report.answers, complete=True)
    for row in rows:
        if row.urgency == ConcernRow.Urgency.ATTENTION and row.signal_id is None:
            _raise_signal(actor=actor, row=row, urgent=False)
    if report.first_submitted_at is None:
        report.first_submitted_at = submitted_at
        report.on_time = timezone.localdate(submitted_at) <= report.assignment.on_time_until(report.period)
        report.first_version = selectors.report_snapshot(report=report)
    report.submitted_at = submitted_at
    report.submitted_by = submitted_by
    report.state = MonthlyReport.State.SUBMITTED
    report.save()
    _event(report, "submit", actor, now)
    _flagged_three_months(report=report, now=now)
    audit_record(actor=actor, action="monthly_report.submitted", obj=report)
    _tell(
        user=report.assignment.first_approver,
        report=report,
        what="submitted",
        subject=_("Monthly report to accept"),
        body=_("The monthly report of %(unit)s for %(month)s was submitted: %(link)s")
        % {"unit": report.org_unit.name, "month": report.period_label, "link": _link(report)},
    )
    return report


class ConcernRowInvalid(ValidationError):
    """A person of concern of a paper report was refused; ``index`` is its place in the list."""

    def __init__(self, error: ValidationError, *, index: int):
        super().__init__(error.error_dict if hasattr(error, "error_dict") else error.messages)
        self.index = index


@transaction.atomic
def report_enter_from_paper(
    *,
    actor,
    assignment: ReportingAssignment,
    period: date | str,
    filled_on: date,
    answers: dict,
    is_zero: bool = False,
    concerns: list[dict] = (),
    now: datetime | None = None,
) -> MonthlyReport:
    """Enter a monthly report filled in on paper (the printable blank form) as submitted.

    Rules: the actor manages reporting over the unit (policy.can_enter_paper_reports); the unit
    has no report for that month yet (an approved or locked one: "已审核锁定，如需修改请先退回");
    not a month off and not a locked month (as when the reporter starts it); the day it was filled
    in lies in the month or after it and not in the future, and decides "on time". Each person of
    concern is checked and stored as ``concern_add`` does it (described in words, for the
    community worker to register): an urgent row (紧急) raises its CRI-1 signal as it is written,
    a row needing attention (需关注) on the submission, as on the page. The report is the
    reporter's (their rows, "received"); the actor is recorded as having entered it.
    """
    if not policy.can_enter_paper_reports(actor, assignment) or not assignment.is_active:
        raise PermissionDenied
    now = now or timezone.now()
    period = periods.parse_period(period)
    existing = MonthlyReport.objects.filter(assignment=assignment, period=period).first()
    if existing is not None:
        if existing.state in (MonthlyReport.State.APPROVED, MonthlyReport.State.LOCKED):
            raise ReportLocked(_locked_message(), code="locked")
        raise ValidationError(
            {
                "period": _(
                    "This unit already has a report for %(month)s (%(state)s): open it on its page instead."
                )
                % {"month": periods.period_label(period), "state": existing.get_state_display()}
            }
        )
    if filled_on is None or filled_on < period or filled_on > timezone.localdate(now):
        raise ValidationError(
            {
                "filled_on": _(
                    "Give the day the form was filled in: in %(month)s or later, and not in the future."
                )
                % {"month": periods.period_label(period)}
            }
        )
    report = _start(actor=actor, assignment=assignment, period=period, now=now)
    report = (
        MonthlyReport.objects.select_for_update().select_related("assignment", "org_unit").get(pk=report.pk)
    )
    form = report_form(report.form_code, report.form_version)
    if is_zero and concerns:
        raise ValidationError({"is_zero": _("A report with people of concern is not a zero report.")})
    report.answers = form.clean_answers(answers, complete=not is_zero)
    report.is_zero = bool(is_zero)
    report.save()
    for index, row in enumerate(concerns):
        try:
            _concern_add(
                actor=actor,
                author=assignment.reporter,
                report=report,
                category=row.get("category", ""),
                signs=row.get("signs", ""),
                days=row.get("days"),
                urgency=row.get("urgency", ""),
                resident=None,
                person_description=row.get("person_description", ""),
                now=now,
            )
        except ValidationError as exc:
            raise ConcernRowInvalid(exc, index=index) from None
    _event(report, "paper", actor, now)
    audit_record(
        actor=actor, action="monthly_report.entered_from_paper", obj=report, details={"rows": len(concerns)}
    )
    submitted_at = timezone.make_aware(datetime.combine(filled_on, time(12)))
    return _submit(
        actor=actor, report=report, now=now, submitted_by=assignment.reporter, submitted_at=submitted_at
    )


# ---------------------------------------------------------------------------------------------
# The approvers' writes


def _lock_for_review(actor, report, action, now=None):
    report = (
        MonthlyReport.objects.select_for_update().select_related("assignment", "org_unit").get(pk=report.pk)
    )
    level = policy.monthly_report_level(actor, report)
    if (
        level == 0
        and not policy.filter_monthly_reports(actor, MonthlyReport.objects.filter(pk=report.pk)).exists()
    ):
        raise PermissionDenied
    _require_open(report, action, now)
    if report.submitted_by_id == actor.pk:
        raise ValidationError(_("You cannot review a report you submitted."))
    return report, level


@transaction.atomic
def report_return(*, actor, report: MonthlyReport, reason: str, now: datetime | None = None) -> MonthlyReport:
    """Send a submitted or accepted report back to its reporter with a reason.

    Rules: the first level or above, never the submitter; a reason is required. The reporter edits
    and submits again; the first version stays.
    """
    now = now or timezone.now()
    report, level = _lock_for_review(actor, report, "return", now)
    if level < 1:
        raise ValidationError(_("Only the report's approvers can return it."))
    reason = _reason(reason, required_message=_("Say why the report goes back."))
    report.state = MonthlyReport.State.RETURNED
    report.return_reason = reason
    report.accepted_by = None
    report.accepted_at = None
    report.save()
    _event(report, "return", actor, now, reason)
    audit_record(actor=actor, action="monthly_report.returned", obj=report, reason=reason)
    _tell(
        user=report.assignment.reporter,
        report=report,
        what="returned",
        subject=_("Your monthly report was returned"),
        body=_("Your monthly report for %(month)s was returned: %(reason)s %(link)s")
        % {"month": report.period_label, "reason": reason, "link": _link(report)},
    )
    return report


@transaction.atomic
def report_accept(*, actor, report: MonthlyReport, now: datetime | None = None) -> MonthlyReport:
    """First level: accept a submitted report. Rules: the first-level approver (or above), never
    the submitter; only a submitted report."""
    now = now or timezone.now()
    report, level = _lock_for_review(actor, report, "accept", now)
    if level < 1:
        raise ValidationError(_("Only the report's first-level approver can accept it."))
    report.state = MonthlyReport.State.ACCEPTED
    report.accepted_by = actor
    report.accepted_at = now
    report.save()
    _event(report, "accept", actor, now)
    audit_record(actor=actor, action="monthly_report.accepted", obj=report)
    _tell(
        user=report.assignment.second_approver,
        report=report,
        what="accepted",
        subject=_("Monthly report to approve"),
        body=_(
            "The monthly report of %(unit)s for %(month)s was accepted and waits for your approval: %(link)s"
        )
        % {"unit": report.org_unit.name, "month": report.period_label, "link": _link(report)},
    )
    return report


@transaction.atomic
def report_approve(*, actor, report: MonthlyReport, now: datetime | None = None) -> MonthlyReport:
    """Second level: approve an accepted report. Rules: the second-level approver or a director
    over the unit, never the submitter; the first level must have accepted it first."""
    now = now or timezone.now()
    locked = MonthlyReport.objects.select_related("assignment").get(pk=report.pk)
    if locked.state == MonthlyReport.State.SUBMITTED:
        raise ValidationError(
            _("The first level must accept the report before it is approved."), code="order"
        )
    report, level = _lock_for_review(actor, report, "approve", now)
    if level < 2:
        raise ValidationError(_("Only the second-level approver can approve the report."))
    report.state = MonthlyReport.State.APPROVED
    report.approved_by = actor
    report.approved_at = now
    report.save()
    _event(report, "approve", actor, now)
    audit_record(actor=actor, action="monthly_report.approved", obj=report)
    return report


@transaction.atomic
def report_unapprove(
    *, actor, report: MonthlyReport, reason: str, now: datetime | None = None
) -> MonthlyReport:
    """Withdraw an approval: back to accepted, the submitter told.

    Rules: only the approver or a level above (a first-level approver never can); a reason is
    required; not once the month is locked.
    """
    now = now or timezone.now()
    report, level = _lock_for_review(actor, report, "unapprove", now)
    approver_level = policy.monthly_report_level(report.approved_by, report) if report.approved_by else 2
    if level < 2 or (actor.pk != report.approved_by_id and level <= approver_level):
        raise ValidationError(_("Only the approver or a level above can withdraw the approval."))
    reason = _reason(reason, required_message=_("Say why the approval is withdrawn."))
    report.state = MonthlyReport.State.ACCEPTED
    report.approved_by = None
    report.approved_at = None
    report.save()
    _event(report, "unapprove", actor, now, reason)
    audit_record(actor=actor, action="monthly_report.unapproved", obj=report, reason=reason)
    _tell(
        user=report.submitted_by or report.assignment.reporter,
        report=report,
        what="unapproved",
        subject=_("The approval of your monthly report was withdrawn"),
        body=_("The approval of your monthly report for %(month)s was withdrawn: %(reason)s")
        % {"month": report.period_label, "reason": reason},
    )
    return report


def reports_lock_due(*, today: date | None = None) -> int:
    """Lock every report whose month is past its lock day (the periodic job; the services refuse
    changes by the calendar already, so this only makes the state say so)."""
    today = today or timezone.localdate()
    count = 0
    candidates = MonthlyReport.objects.exclude(state=MonthlyReport.State.LOCKED).select_related("assignment")
    for report in candidates.filter(period__lt=periods.current_period(today)):
        if periods.period_is_locked(report.period, lock_days=report.assignment.lock_days, today=today):
            with transaction.atomic():
                report.state = MonthlyReport.State.LOCKED
                report.locked_at = timezone.now()
                report.save(update_fields=["state", "locked_at", "updated_at"])
                _event(report, "lock", None, report.locked_at)
                audit_record(actor=None, action="monthly_report.locked", obj=report)
            count += 1
    return count


@transaction.atomic
def concern_review_complete(*, actor, review: ConcernReview, note: str) -> ConcernReview:
    """A counsellor records the review of someone flagged three months running."""
    if not policy.filter_concern_reviews(actor, ConcernReview.objects.filter(pk=review.pk)).exists():
        raise PermissionDenied
    ConcernReview.ACTIONS.require(review, "complete")
    review.note = _reason(note, required_message=_("Say what the review found."))
    review.state = ConcernReview.State.DONE
    review.done_by = actor
    review.done_at = timezone.now()
    review.save()
    audit_record(actor=actor, action="concern_review.completed", obj=review)
    return review


def report_record_view(*, actor, report) -> None:
    audit_record(actor=actor, action="monthly_report.viewed", obj=report)
