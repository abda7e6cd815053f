"""Reads of the monthly reports (PRG-6). Completeness is ONE selector (``completeness``): the
page, the API and the benchmark all read it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from confidentiality import policy
from crisis.selectors.concerns import concern_residents

from . import calendar as periods
from .models import ConcernReview, ConcernRow, MonthlyReport, ReportingAssignment


def expected_assignments(*, unit, period: date) -> QuerySet[ReportingAssignment]:
    """The assignments that owe a report for ``period`` under ``unit``: active, and not a month off."""
    return ReportingAssignment.objects.filter(is_active=True, org_unit__path__startswith=unit.path).exclude(
        months_off__contains=f",{period.month},"
    )


def _submitted(period: date):
    return MonthlyReport.objects.filter(
        assignment=OuterRef("pk"), period=period, first_submitted_at__isnull=False
    )


def _rate(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Completeness:
    unit: object
    period: date
    expected: int
    submitted: int
    on_time: int
    missing: list = field(default_factory=list)

    @property
    def reporting_rate(self) -> float | None:
        return _rate(self.submitted, self.expected)

    @property
    def on_time_rate(self) -> float | None:
        return _rate(self.on_time, self.expected)

    @property
    def late(self) -> int:
        return self.submitted - self.on_time

    def as_dict(self) -> dict:
        return {
            "unit": self.unit.pk,
            "period": periods.period_label(self.period),
            "expected": self.expected,
            "submitted": self.submitted,
            "on_time": self.on_time,
            "late": self.late,
            "reporting_rate": self.reporting_rate,
            "on_time_rate": self.on_time_rate,
        }


def completeness(*, unit, period: date | str, with_missing: bool = False) -> Completeness:
    """Expected, submitted (a first submission, zero reports included) and on time (the first
    submission by the due day plus the timely window), for the units under ``unit`` in a month.
    One query for the figures; ``with_missing`` adds the drill-down (who has not submitted)."""
    period = periods.parse_period(period)
    assignments = expected_assignments(unit=unit, period=period)
    submitted = _submitted(period)
    figures = assignments.aggregate(
        expected=Count("pk"),
        submitted=Count("pk", filter=Q(Exists(submitted))),
        on_time=Count("pk", filter=Q(Exists(submitted.filter(on_time=True)))),
    )
    result = Completeness(unit=unit, period=period, **figures)
    if with_missing:
        result.missing = list(
            assignments.exclude(Exists(submitted))
            .select_related("org_unit", "reporter", "first_approver")
            .annotate(started=Exists(MonthlyReport.objects.filter(assignment=OuterRef("pk"), period=period)))
            .order_by("org_unit__path")
        )
    return result


def assignment_units(*, user):
    """The units a manager may name a reporter for: the classes and grids in their scope."""
    return policy.scope_units(user).filter(kind__in=["class", "grid"]).order_by("path")


def assignable_staff(*, user):
    """Who a manager may name as reporter or approver: active staff within their own scope (no
    directory of everyone's names)."""
    from accounts.models import User

    return (
        User.objects.filter(is_active=True, org_unit__in=policy.scope_units(user))
        .exclude(role="")
        .order_by("full_name")
    )


def completeness_units(*, user):
    """The units whose completeness a person may read: those in their scope."""
    return policy.scope_units(user).filter(
        kind__in=["district", "subdistrict", "community", "school", "grade"]
    )


def reports_for_list(*, user, period: date | None = None, state: str = "") -> QuerySet[MonthlyReport]:
    reports = policy.filter_monthly_reports(user, MonthlyReport.objects.all())
    if period is not None:
        reports = reports.filter(period=period)
    if state:
        reports = reports.filter(state=state)
    return reports.select_related("org_unit", "assignment__reporter", "submitted_by").order_by(
        "-period", "org_unit__path"
    )


def my_assignments(*, user) -> QuerySet[ReportingAssignment]:
    return ReportingAssignment.objects.filter(reporter=user, is_active=True).select_related("org_unit")


def reports_waiting_for(*, user) -> QuerySet[MonthlyReport]:
    """Reports waiting for this person's decision: submitted ones they accept, accepted ones
    they approve (the navigation's and the home card's count)."""
    return MonthlyReport.objects.filter(
        Q(state=MonthlyReport.State.SUBMITTED, assignment__first_approver=user)
        | Q(state=MonthlyReport.State.ACCEPTED, assignment__second_approver=user)
    ).exclude(submitted_by=user)


def my_reports_to_write(*, user, today: date | None = None) -> list[dict]:
    """This month and last month for each of the person's assignments: what is due, its state."""
    current = periods.current_period(today)
    rows = []
    assignments = list(my_assignments(user=user))
    wanted = [current, periods.previous_period(current)]
    reports = {
        (r.assignment_id, r.period): r
        for r in MonthlyReport.objects.filter(assignment__in=assignments, period__in=wanted)
    }
    for assignment in assignments:
        for period in wanted:
            if assignment.is_month_off(period):
                continue
            if periods.period_is_locked(period, lock_days=assignment.lock_days, today=today):
                continue
            rows.append(
                {
                    "assignment": assignment,
                    "period": period,
                    "label": periods.period_label(period),
                    "due_on": assignment.due_on(period),
                    "report": reports.get((assignment.pk, period)),
                }
            )
    return rows


def nameable_resident(*, user, pk):
    """The resident ``pk`` if ``user`` may name them on a report (one they see, never an
    anonymised record: the rule of a concern report), else None; a pk that is not a number too."""
    if pk is None or not str(pk).isdigit():
        return None
    return concern_residents(user=user).filter(pk=int(pk)).first()


def report_offers(*, user, report: MonthlyReport) -> dict:
    """What the report's page offers ``user`` (the services check each again): editing to its
    reporter while the state table allows it and the month is open; reviewing to an approver
    who did not submit it; withdrawing an approval from the second level up; linking a person
    described in words to a resident (and searching residents) to those who may search them."""
    level = policy.monthly_report_level(user, report)
    is_open = not report.is_locked
    searches = policy.can_search_residents(user)
    editable = (
        policy.can_write_monthly_report(user, report.assignment)
        and MonthlyReport.ACTIONS.allows(report, "edit")
        and is_open
    )
    return {
        "is_reporter": policy.is_monthly_report_reporter(user, report),
        "level": level,
        "editable": editable,
        "can_search": editable and searches,
        "may_review": level >= 1 and report.submitted_by_id != user.pk and is_open,
        "may_unapprove": level >= 2 and is_open,
        "may_register": level >= 1 and is_open and searches,
    }


def report_concerns(*, report: MonthlyReport) -> QuerySet[ConcernRow]:
    return report.concerns.select_related("resident").order_by("pk")


def concerns_seen_by(*, user, report: MonthlyReport, rows=None) -> list[ConcernRow]:
    """The rows of people of concern as ``user`` may see them, each with ``shown_person`` and
    ``shown_resident``.

    The reporter sees only the rows they wrote (not those of whoever reported for the unit
    before them), and each as they wrote it: a person they described in words stays that
    description after an approver links it to a resident's record, which is what followed.
    Approvers and managers see every row and the resident it names. ``rows`` takes rows already
    fetched (the API's prefetch); otherwise they are read here.
    """
    rows = list(report_concerns(report=report) if rows is None else rows)
    if policy.is_monthly_report_reporter(user, report):
        rows = [row for row in rows if row.created_by_id == user.pk]
        for row in rows:
            row.shown_resident = None if row.person_description else row.resident
            row.shown_person = row.person_description or row.resident.name
    else:
        for row in rows:
            row.shown_resident = row.resident
            row.shown_person = row.resident.name if row.resident else row.person_description
    return rows


def report_history(*, report: MonthlyReport):
    return report.events.select_related("actor").order_by("at", "pk")


def report_snapshot(*, report: MonthlyReport) -> dict:
    """The answers and the people listed, as kept for the first version and compared by the diff."""
    return {
        "answers": dict(report.answers),
        "is_zero": report.is_zero,
        "concerns": [
            {
                # What the reporter wrote: linking a described person to a record later is
                # not a change in the report.
                "person": str(row.person_description or row.resident.name),
                "category": row.category,
                "urgency": row.urgency,
                "days": row.days,
                "signs": row.signs,
            }
            for row in report.concerns.select_related("resident").order_by("pk")
        ],
    }


def report_diff(*, report: MonthlyReport, user) -> list[dict]:
    """What changed since the first submission: one row per answer or person that differs.

    The reporter is shown the answers only: the people listed are theirs to see row by row
    (``concerns_seen_by``), and the first version may hold a predecessor's rows."""
    if not report.first_version:
        return []
    from .report_forms import report_form

    form = report_form(report.form_code, report.form_version)
    now = report_snapshot(report=report)
    first = report.first_version
    rows = []
    for spec in form.fields:
        before, after = first["answers"].get(spec["key"]), now["answers"].get(spec["key"])
        if before != after:
            rows.append({"what": form.text(spec["label"]), "before": before, "after": after})
    if policy.is_monthly_report_reporter(user, report):
        return rows
    before_people = {(c["person"], c["category"], c["urgency"]) for c in first["concerns"]}
    after_people = {(c["person"], c["category"], c["urgency"]) for c in now["concerns"]}
    for person in sorted(before_people - after_people):
        rows.append({"what": person[0], "before": person[2], "after": None})
    for person in sorted(after_people - before_people):
        rows.append({"what": person[0], "before": None, "after": person[2]})
    return rows


def concern_reviews_open(*, user) -> QuerySet[ConcernReview]:
    return policy.filter_concern_reviews(
        user, ConcernReview.objects.filter(state=ConcernReview.State.OPEN)
    ).select_related("resident", "org_unit")
