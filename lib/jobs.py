"""The registry of periodic jobs (PLT-4): each app registers its own, none is listed centrally.

An app declares its jobs in its ``jobs.py`` with ``register_job`` and imports that module from
``AppConfig.ready()``; ``core.jobs.run_due_jobs`` runs whichever are due. Jobs run in the order
they were registered, i.e. the order of ``INSTALLED_APPS``.

Only the standard library is imported here: lib/ serves every app and knows none.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], str]


_JOBS: dict[str, Job] = {}


def register_job(name: str, every: timedelta) -> Callable[[Callable[[], str]], Callable[[], str]]:
    """Decorator: run the function every ``every``; it returns a line for the job log."""

    def decorate(function: Callable[[], str]) -> Callable[[], str]:
        existing = _JOBS.get(name)
        if existing is not None and existing.run is not function:
            raise ValueError(f"Two periodic jobs are named {name!r}.")
        _JOBS[name] = Job(name, every, function)
        return function

    return decorate


def registered_jobs() -> list[Job]:
    return list(_JOBS.values())


def job_named(name: str) -> Job:
    return _JOBS[name]
