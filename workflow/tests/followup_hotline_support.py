"""Shared setup of the follow-up and hotline tests: clients with archives, and cases made with
the ORM (the case services are written elsewhere and must not be needed here)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from archives.services import archive_set_responsible, resident_register
from workflow.models import Case, FollowUpTask


def client_of(people, unit, name: str, responsible=(), phone: str = ""):
    """A resident registered by the archive manager, with these counsellors responsible."""
    resident = resident_register(actor=people.archivist, name=name, org_unit=unit, phone=phone)
    if responsible:
        archive_set_responsible(actor=people.archivist, archive=resident.archive, staff=list(responsible))
    return resident


def make_case(resident, counsellor, number: str, *, closed_at: datetime | None = None) -> Case:
    case = Case(
        number=number,
        resident=resident,
        counsellor=counsellor,
        presenting_problem="睡眠不好，情绪低落",
        opened_at=timezone.now(),
        opened_by=counsellor,
    )
    if closed_at is not None:
        case.status = Case.Status.CLOSED
        case.closed_at = closed_at
        case.closed_by = counsellor
        case.outcome = Case.Outcome.RESOLVED
        case.closing_summary = "情绪好转"
    case.save()
    return case


def make_task(resident, *, due_on, assignee=None, source=FollowUpTask.Source.MANUAL, **extra) -> FollowUpTask:
    """A follow-up written straight to the database, for reads and actions on existing tasks."""
    return FollowUpTask.objects.create(
        resident=resident,
        source=source,
        reason=extra.pop("reason", "电话回访"),
        due_on=due_on,
        assignee=assignee,
        **extra,
    )
