"""Reminders of monthly reports not yet submitted (PRG-6): 3 days before the due day to the
reporter, the day after it to the first-level approver, 5 days after it to the unit's head.

Each reminder is due from its day until the month locks, so a job that did not run on the day
still sends it; the outbox's dedupe key sends each one once.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.services import notification_queue

from . import calendar as periods
from .models import MonthlyReport, ReportingAssignment


def reminders_queue(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    current = periods.current_period(today)
    queued = 0
    assignments = ReportingAssignment.objects.filter(is_active=True).select_related(
        "org_unit", "reporter", "first_approver", "second_approver", "unit_head"
    )
    for period in (periods.previous_period(current), current):
        submitted = set(
            MonthlyReport.objects.filter(period=period, first_submitted_at__isnull=False).values_list(
                "assignment_id", flat=True
            )
        )
        for assignment in assignments:
            if assignment.pk in submitted or assignment.is_month_off(period):
                continue
            if periods.period_is_locked(period, lock_days=assignment.lock_days, today=today):
                continue
            due = assignment.due_on(period)
            steps = (
                ("reporter", assignment.reporter, due - timedelta(days=3)),
                ("first_level", assignment.first_approver, due + timedelta(days=1)),
                ("head", assignment.head, due + timedelta(days=5)),
            )
            for step, user, day in steps:
                if today < day:
                    continue
                if step == "reporter" and today > due:
                    continue
                notification_queue(
                    kind="other",
                    dedupe_key=f"monthly_report:{assignment.pk}:{period:%Y-%m}:{step}",
                    subject=_("Monthly report due: %(unit)s, %(month)s")
                    % {"unit": assignment.org_unit.name, "month": periods.period_label(period)},
                    body=(
                        _(
                            "The monthly report of %(unit)s for %(month)s is due on %(day)s and not yet submitted."  # noqa: E501
                        )
                        % {
                            "unit": assignment.org_unit.name,
                            "month": periods.period_label(period),
                            "day": due.isoformat(),
                        }
                    )
                    + " "
                    + reverse("monthlyreports:home"),
                    recipient_user=user,
                )
                queued += 1
    return queued
