"""Running the periodic jobs (PLT-4) that the apps register in ``lib.jobs``.

Each job names how often it runs. ``run_due_jobs()`` runs every job whose interval has passed
since it last started; Huey calls it once a minute (``core.tasks``) and cron or a test can call
``manage.py run_due_jobs`` instead. A row lock per job keeps two workers from running the same job.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from lib.jobs import Job, registered_jobs

from .models import JobRun

log = logging.getLogger(__name__)


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
    for job in registered_jobs():
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
