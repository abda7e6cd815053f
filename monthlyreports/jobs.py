"""Periodic jobs of the monthly reports: reminders and the lock (registered from ``ready()``)."""

from __future__ import annotations

from datetime import timedelta

from lib.jobs import register_job

from .reminders import reminders_queue
from .services import reports_lock_due


@register_job("monthly_reports.remind", timedelta(hours=6))
def remind_monthly_reports() -> str:
    return f"{reminders_queue()} monthly-report reminders queued"


@register_job("monthly_reports.lock", timedelta(hours=6))
def lock_monthly_reports() -> str:
    return f"{reports_lock_due()} monthly reports locked"
