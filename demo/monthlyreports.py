"""Demo data of the monthly reports (PRG-6): who reports for the demo school's four classes and
one grid, and a month of reports for the classes — one approved, one late, one zero report, and
one naming a person as urgent (紧急), whose signal the crisis pages show. The current month is
left for ``teacher`` to fill. Everything goes through the services, with the times the reports
would have been written at."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from archives.models import Resident
from monthlyreports import calendar as periods
from monthlyreports import services
from orgs.models import OrgUnit, UnitKind

ANSWERS = {"climate": 4, "activities_held": 1, "talks_held": 6, "notes": "本月开展“情绪小管家”主题班会一次。"}


def _at(day, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


def _demo_month(assignment) -> object:
    """The latest month whose late submissions already lie in the past, and is not a month off."""
    now = timezone.now()
    period = periods.previous_period(periods.current_period())
    while (
        assignment.is_month_off(period) or _at(assignment.on_time_until(period) + timedelta(days=1), 10) > now
    ):
        period = periods.previous_period(period)
    return period


def seed_monthly_reports() -> dict[str, int]:
    director = User.objects.get(username="director")
    lead = User.objects.get(username="lead")
    counsellor = User.objects.get(username="counsellor")
    teacher = User.objects.get(username="teacher")
    worker = User.objects.get(username="worker")
    classes = list(OrgUnit.objects.filter(kind=UnitKind.CLASS).order_by("path"))
    assignments = [
        services.assignment_save(
            actor=director,
            org_unit=classes[0],
            reporter=teacher,
            first_approver=lead,
            second_approver=counsellor,
            months_off=[2, 8],
        )
    ]
    for n, unit in enumerate(classes[1:], start=2):
        member, _password = user_create(
            actor=None,
            username=f"psych_member{n}",
            full_name=f"心理委员 {unit.name}",
            role=teacher.role,  # students on the committee hold the homeroom teacher's role
            org_unit=unit,
        )
        assignments.append(
            services.assignment_save(
                actor=director,
                org_unit=unit,
                reporter=member,
                first_approver=teacher,
                second_approver=counsellor,
                months_off=[2, 8],
            )
        )
    grid = worker.org_unit
    services.assignment_save(
        actor=director, org_unit=grid, reporter=worker, first_approver=counsellor, second_approver=director
    )

    period = _demo_month(assignments[0])
    due = assignments[0].due_on(period)
    on_time, late = _at(due, 16), _at(assignments[0].on_time_until(period) + timedelta(days=1), 10)
    written = _at(due - timedelta(days=2), 15)
    counts = {"monthly_reports": 0}

    def report(assignment, *, when, zero=False, concern=None):
        reporter = assignment.reporter
        draft = services.report_start(actor=reporter, assignment=assignment, period=period, now=written)
        services.report_save(
            actor=reporter, report=draft, answers={} if zero else ANSWERS, is_zero=zero, now=written
        )
        if concern is not None:
            services.concern_add(actor=reporter, report=draft, now=written, **concern)
        counts["monthly_reports"] += 1
        return services.report_submit(actor=reporter, report=draft, now=when)

    first = report(assignments[0], when=on_time)
    services.report_accept(actor=lead, report=first, now=on_time + timedelta(hours=18))
    services.report_approve(actor=counsellor, report=first, now=on_time + timedelta(days=1, hours=20))
    report(assignments[1], when=late)
    zero = report(assignments[2], when=on_time, zero=True)
    services.report_accept(actor=teacher, report=zero, now=on_time + timedelta(days=1))
    student = Resident.objects.filter(org_unit=classes[3], is_anonymised=False).order_by("pk").first()
    concern = {
        "category": "emotion",
        "signs": "近两周常独自流泪，在周记里写“活着没意思”。",
        "days": 14,
        "urgency": "urgent",
    }
    if student is not None:
        concern["resident"] = student
    else:
        concern["person_description"] = f"{classes[3].name} 一名女生"
    report(assignments[3], when=on_time, concern=concern)
    return counts
