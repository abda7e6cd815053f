"""Periodic jobs of crisis work (registered from AppConfig.ready())."""

from __future__ import annotations

from datetime import timedelta

from lib.jobs import register_job

from .services.cases import crisis_checks_remind_due
from .services.escalation import alerts_escalate_due
from .services.watch import watch_reviews_remind_due


# Every minute; a little under it, so a tick that comes early never waits for the next one.
@register_job("alerts.escalate", timedelta(seconds=50))
def escalate_alerts() -> str:
    return f"{alerts_escalate_due()} alerts escalated"


@register_job("crisis.checks_due", timedelta(minutes=15))
def remind_crisis_checks() -> str:
    return f"{crisis_checks_remind_due()} crisis-case check reminders queued"


# Reminds once a day (the outbox key names the day); run hourly so that no day is skipped.
@register_job("watch_list.review_due", timedelta(hours=1))
def remind_watch_reviews() -> str:
    return f"{watch_reviews_remind_due()} watch-list review reminders queued"
