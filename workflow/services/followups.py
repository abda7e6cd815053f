"""Writes of follow-ups (SVC-6)."""

from __future__ import annotations

import calendar
from datetime import date

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from confidentiality.services import audit_record
from workflow.models import Case, FollowUpTask


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year = day.year + month // 12
    month = month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


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
) -> FollowUpTask:
    """Plan one follow-up for a resident."""
    task = FollowUpTask(
        resident=resident,
        source=source,
        reason=reason[:200],
        due_on=due_on,
        method=method,
        assignee=assignee,
        case=case,
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
    for months in settings.XINQIAO_FOLLOW_UP_MONTHS:
        due = add_months(closed_on, months)
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
            continue
        created.append(task)
    return created
