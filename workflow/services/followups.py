"""Writes of follow-ups (SVC-6)."""

from __future__ import annotations

import calendar
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import require_not_too_far_ahead
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue
from workflow.models import Case, FollowUpTask
from workflow.selectors.followups import follow_up_assignees


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_assignee(assignee, resident, field: str = "assignee") -> None:
    if assignee is not None and not follow_up_assignees(resident=resident).filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                field: _(
                    "Choose an active counsellor, therapist, supervisor or director who works with "
                    "this client or has their unit in scope."
                )
            }
        )


@transaction.atomic
def follow_up_create(
    *,
    actor,
    resident,
    reason: str,
    due_on: date,
    source: str = FollowUpTask.Source.MANUAL,
    method: str = FollowUpTask.Method.PHONE,
    assignee=None,
    case: Case | None = None,
    campaign=None,
    assessment=None,
) -> FollowUpTask:
    """Plan one follow-up for a resident.

    A follow-up planned by hand (source ``manual``) is for clinical staff on the client's team (an
    access grant only lets one read); it needs a reason, a date that is not past, an assignee who
    may work with the client, and a case of the same client if one is named. Automatic follow-ups
    (case closure, screening: with the campaign and the result that called for it) are created by
    services that have checked their own rules; the model's constraints still hold for them (one
    screening follow-up per person and campaign).
    """
    if source == FollowUpTask.Source.MANUAL:
        if not policy.can_plan_follow_up(actor, resident):
            raise PermissionDenied
        if not reason.strip():
            raise ValidationError({"reason": _("Say what the follow-up is for.")})
        if due_on < timezone.localdate():
            raise ValidationError({"due_on": _("The due date cannot be in the past.")})
        require_not_too_far_ahead(due_on, field="due_on")
        if case is not None and case.resident_id != resident.pk:
            raise ValidationError(_("The case belongs to another client."))
        _check_assignee(assignee, resident)
    task = FollowUpTask(
        resident=resident,
        source=source,
        reason=reason.strip()[:200],
        due_on=due_on,
        method=method,
        assignee=assignee,
        case=case,
        campaign=campaign,
        assessment=assessment,
    )
    task.full_clean()
    task.save()
    audit_record(actor=actor, action="follow_up.created", obj=task, details={"source": source})
    return task


@transaction.atomic
def follow_ups_create_for_closed_case(*, actor, case: Case) -> list[FollowUpTask]:
    """After a case closes, one follow-up per month in ``XINQIAO_FOLLOW_UP_MONTHS`` (default 1 and
    3), assigned to the case's counsellor. Closing again never doubles them (one per date)."""
    closed_on = timezone.localdate(case.closed_at) if case.closed_at else timezone.localdate()
    created = []
    planned = set(
        FollowUpTask.objects.filter(case=case, source=FollowUpTask.Source.CASE_CLOSURE).values_list(
            "due_on", flat=True
        )
    )
    for months in settings.XINQIAO_FOLLOW_UP_MONTHS:
        due = add_months(closed_on, months)
        if due in planned:
            continue
        reason = _("Follow-up %(months)s month(s) after closing case %(number)s") % {
            "months": months,
            "number": case.number,
        }
        try:
            with transaction.atomic():
                task = follow_up_create(
                    actor=actor,
                    resident=case.resident,
                    reason=reason,
                    due_on=due,
                    source=FollowUpTask.Source.CASE_CLOSURE,
                    assignee=case.counsellor,
                    case=case,
                )
        except IntegrityError:
            continue  # a concurrent closing planned this date a moment ago
        created.append(task)
    return created


def _lock_for(task: FollowUpTask, action: str) -> FollowUpTask:
    """The task's current row, locked for the change; an action its status does not allow
    (FollowUpTask.ACTIONS: a task done or cancelled is kept as it is) is refused."""
    current = FollowUpTask.objects.select_for_update().get(pk=task.pk)
    FollowUpTask.ACTIONS.require(current, action, _("This follow-up is already done or cancelled."))
    return current


@transaction.atomic
def follow_up_complete(
    *,
    actor,
    task: FollowUpTask,
    outcome: str,
    completed_at: datetime | None = None,
    method: str | None = None,
) -> FollowUpTask:
    """Record that a follow-up was done, how (``method``, if it differed from the plan) and with
    what outcome. The outcome is required and the time may not be in the future. Only the
    assignee, their supervisor or someone who may work on the client's case or archive may do it."""
    if not policy.can_work_on_follow_up(actor, task):
        raise PermissionDenied
    if not (outcome or "").strip():
        raise ValidationError({"outcome": _("Write down the outcome of the follow-up.")})
    now = timezone.now()
    completed_at = completed_at or now
    if timezone.is_naive(completed_at):
        raise ValidationError({"completed_at": _("Give the time with its time zone.")})
    if completed_at > now:
        raise ValidationError({"completed_at": _("The follow-up cannot be done in the future.")})
    current = _lock_for(task, "complete")
    current.outcome = outcome.strip()
    current.method = method or current.method
    current.status = FollowUpTask.Status.DONE
    current.completed_at = completed_at
    current.completed_by = actor
    current.full_clean()
    current.save(update_fields=["outcome", "method", "status", "completed_at", "completed_by"])
    audit_record(actor=actor, action="follow_up.completed", obj=current, details={"method": current.method})
    return current


@transaction.atomic
def follow_up_reassign(*, actor, task: FollowUpTask, assignee, reason: str = "") -> FollowUpTask:
    """Give an open follow-up to someone else who may work with the client. Taking a task nobody
    had needs no reason; moving it away from its assignee does, and both names are audited."""
    if not policy.can_work_on_follow_up(actor, task):
        raise PermissionDenied
    current = _lock_for(task, "reassign")
    if assignee is None:
        raise ValidationError({"assignee": _("Choose who takes the follow-up.")})
    if current.assignee_id == assignee.pk:
        raise ValidationError({"assignee": _("The follow-up is already assigned to this person.")})
    if current.assignee_id is not None and not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for handing the follow-up over.")})
    _check_assignee(assignee, current.resident)
    before = current.assignee_id
    current.assignee = assignee
    current.save(update_fields=["assignee"])
    audit_record(
        actor=actor,
        action="follow_up.reassigned",
        obj=current,
        reason=(reason or "").strip(),
        details={"from": before, "to": assignee.pk},
    )
    if assignee.pk != actor.pk:
        # Handed to someone who did not take it themselves: they learn it is theirs now (the
        # task number only, nothing about the client). Each hand-over is its own message.
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("A follow-up has been assigned to you")
            body = _(
                "Follow-up no. %(number)s (due %(date)s) has been assigned to you by %(by)s. "
                "Open it in Xinqiao: %(link)s"
            ) % {
                "number": current.pk,
                "date": current.due_on.isoformat(),
                "by": actor.get_full_name(),
                "link": absolute_reverse("workflow:followup_detail", current.pk),
            }
        notification_queue(
            kind=Notification.Kind.OTHER,
            dedupe_key=f"follow_up:{current.pk}:assigned:{assignee.pk}:{timezone.now():%Y%m%d%H%M%S%f}",
            subject=subject,
            body=body,
            recipient_user=assignee,
            related=current,
        )
    return current


@transaction.atomic
def follow_up_cancel(*, actor, task: FollowUpTask, reason: str) -> FollowUpTask:
    """Cancel an open follow-up that is no longer needed (e.g. the client moved away or came back
    for a new case). The reason is required and kept as the task's closing note."""
    if not policy.can_work_on_follow_up(actor, task):
        raise PermissionDenied
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Give the reason for cancelling the follow-up.")})
    current = _lock_for(task, "cancel")
    current.status = FollowUpTask.Status.CANCELLED
    current.outcome = reason.strip()
    current.save(update_fields=["status", "outcome"])
    # The reason is kept as the task's (encrypted) outcome, not in the audit log.
    audit_record(actor=actor, action="follow_up.cancelled", obj=current)
    return current


def follow_up_record_view(*, actor, task: FollowUpTask) -> None:
    """Reading a follow-up's outcome (a note about the client) is written to the audit log."""
    audit_record(actor=actor, action="follow_up.outcome_viewed", obj=task)


def _reminder_key(task_pk: int) -> str:
    return f"follow_up:{task_pk}:due"


@transaction.atomic
def follow_up_reminders_queue(*, now: datetime | None = None) -> int:
    """Queue one reminder to the assignee of each open follow-up due today; returns how many were
    queued now. A task is reminded once however often the job runs (the outbox's dedupe key).
    The message names no client and nothing clinical: the outbox is read by its keepers too."""
    today = timezone.localdate(now or timezone.now())
    due = FollowUpTask.objects.filter(
        status=FollowUpTask.Status.OPEN, due_on=today, assignee__isnull=False, assignee__is_active=True
    ).select_related("assignee")
    tasks = list(due.order_by("pk"))
    already = set(
        Notification.objects.filter(dedupe_key__in=[_reminder_key(task.pk) for task in tasks]).values_list(
            "dedupe_key", flat=True
        )
    )
    queued = 0
    for task in tasks:
        if _reminder_key(task.pk) in already:
            continue
        link = absolute_reverse("workflow:followup_detail", task.pk)
        notification_queue(
            kind=Notification.Kind.FOLLOW_UP_DUE,
            dedupe_key=_reminder_key(task.pk),
            subject=_("A follow-up is due today"),
            body=_("Follow-up no. %(number)s is due today (%(date)s). Open it in Xinqiao: %(link)s")
            % {"number": task.pk, "date": today.isoformat(), "link": link},
            recipient_user=task.assignee,
            related=task,
        )
        queued += 1
    return queued
