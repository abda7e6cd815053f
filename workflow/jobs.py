"""Periodic jobs of the service workflow (registered from AppConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from lib.jobs import register_job

from .services.appointments import appointment_reminders_queue
from .services.followups import follow_up_reminders_queue


@register_job("appointments.remind", timedelta(minutes=15))
def remind_appointments() -> str:
    return f"{appointment_reminders_queue()} appointment reminders queued"


@register_job("follow_ups.remind_due", timedelta(hours=1))
def remind_follow_ups() -> str:
    return f"{follow_up_reminders_queue()} follow-up reminders queued"
