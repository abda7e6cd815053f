"""Periodic jobs of the volunteers domain (registered from AppConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from lib.jobs import register_job

from .services import contact_reminders_queue, star_levels_refresh_all


@register_job("volunteers.contact_reminders", timedelta(hours=1))
def remind_contact_due() -> str:
    return f"{contact_reminders_queue()} volunteer contact reminders queued"


@register_job("volunteers.star_levels", timedelta(hours=6))
def refresh_star_levels() -> str:
    return f"{star_levels_refresh_all()} star level changes made final"
