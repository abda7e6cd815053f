"""Huey tasks of the platform. The one periodic task hands over to the job registry."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import run_due_jobs


@db_periodic_task(crontab(minute="*"))
def run_due_jobs_every_minute():
    return run_due_jobs()
