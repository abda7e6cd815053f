"""Huey tasks of the assessments domain."""

from huey.contrib.djhuey import db_task


@db_task()
def run_import(job_id: int) -> None:
    """Run one bulk import of campaign results (SCR-2) in the background."""
    from .imports import import_job_run

    import_job_run(job_id)
