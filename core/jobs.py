"""Periodic jobs, registered here and nowhere else (PLT-4).

Each job names how often it runs. ``run_due_jobs()`` runs every job whose interval has passed
since it last started; Huey calls it once a minute (``core.tasks``) and cron or a test can call
``manage.py run_due_jobs`` instead. A row lock per job keeps two workers from running the same job.
Later domains add their jobs to ``JOBS`` below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from .models import JobRun

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]


def _clear_expired_sessions() -> str:
    from django.contrib.sessions.models import Session

    from accounts.models import LoginSession

    expired = Session.objects.filter(expire_date__lt=timezone.now())
    keys = list(expired.values_list("session_key", flat=True))
    LoginSession.objects.filter(session_key__in=keys).delete()
    deleted, _ = expired.delete()
    return f"{deleted} expired sessions removed"


def _verify_audit_chain() -> str:
    from confidentiality.selectors import audit_verify_chain

    report = audit_verify_chain()
    if not report.intact:
        log.error("audit chain broken: %s", report.problem)
        raise RuntimeError(report.problem)
    return f"{report.checked} audit entries verified"


def _remind_appointments() -> str:
    from workflow.services.appointments import appointment_reminders_queue

    return f"{appointment_reminders_queue()} appointment reminders queued"


def _remind_follow_ups() -> str:
    from workflow.services.followups import follow_up_reminders_queue

    return f"{follow_up_reminders_queue()} follow-up reminders queued"


def _retry_notifications() -> str:
    from notifications.services import notifications_retry_failed

    return f"{notifications_retry_failed()} notifications delivered on retry"


def _escalate_alerts() -> str:
    from crisis.services.escalation import alerts_escalate_due

    return f"{alerts_escalate_due()} alerts escalated"


def _remind_watch_reviews() -> str:
    from crisis.services.watch import watch_reviews_remind_due

    return f"{watch_reviews_remind_due()} watch-list review reminders queued"


def _remind_crisis_checks() -> str:
    from crisis.services.cases import crisis_checks_remind_due

    return f"{crisis_checks_remind_due()} crisis-case check reminders queued"


JOBS: list[Job] = [
    Job("sessions.clear_expired", timedelta(hours=1), _clear_expired_sessions),
    Job("audit.verify_chain", timedelta(days=1), _verify_audit_chain),
    Job("appointments.remind", timedelta(minutes=15), _remind_appointments),
    Job("follow_ups.remind_due", timedelta(hours=1), _remind_follow_ups),
    Job("notifications.retry", timedelta(minutes=10), _retry_notifications),
    # Every minute; a little under it, so a tick that comes early never waits for the next one.
    Job("alerts.escalate", timedelta(seconds=50), _escalate_alerts),
    Job("crisis.checks_due", timedelta(minutes=15), _remind_crisis_checks),
    # Reminds once a day (the outbox key names the day); run hourly so that no day is skipped.
    Job("watch_list.review_due", timedelta(hours=1), _remind_watch_reviews),
]


def job_named(name: str) -> Job:
    for job in JOBS:
        if job.name == name:
            return job
    raise KeyError(name)


def _claim(job: Job, now) -> bool:
    """Mark ``job`` as started if it is due; False if it is not due or another worker has it."""
    with transaction.atomic():
        record, _ = JobRun.objects.get_or_create(name=job.name)
        record = JobRun.objects.select_for_update().get(pk=record.pk)
        if record.last_started_at and now - record.last_started_at < job.every:
            return False
        record.last_started_at = now
        record.save(update_fields=["last_started_at"])
        return True


def run_due_jobs(*, now=None, only: str | None = None) -> list[tuple[str, bool, str]]:
    """Run every job that is due once; return (name, ok, message) for each job that ran."""
    now = now or timezone.now()
    results = []
    for job in JOBS:
        if only and job.name != only:
            continue
        if not _claim(job, now):
            continue
        try:
            message, ok = job.run(), True
        except Exception as exc:  # a failing job must not stop the others
            log.exception("periodic job %s failed", job.name)
            message, ok = f"{type(exc).__name__}: {exc}", False
        JobRun.objects.filter(name=job.name).update(
            last_finished_at=timezone.now(), last_ok=ok, last_message=message[:2000]
        )
        results.append((job.name, ok, message))
    return results
