"""Who sees and acts on monthly reports (PRG-6).

A report is seen by its reporter, the two approvers its assignment names, and those who manage
reporting or oversee the scope of its unit. The reporter (often a student) sees their own rows of
people of concern and "received", never what followed: signals and alerts are clinical and reached
only through the crisis pages.

Levels: 1 the first-level approver, 2 the second-level approver, 3 a director whose scope holds
the unit. Un-approving takes level 2 or above.
"""

from __future__ import annotations

from django.db import models

from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, is_active_staff, oversees_scope, register_filters
from notifications.access import register_related

from .models import ConcernReview, MonthlyReport, ReportingAssignment
from .permissions import (
    MANAGE_REPORTING,
    REVIEW_FLAGGED_PEOPLE,
    REVIEW_MONTHLY_REPORTS,
    WRITE_MONTHLY_REPORTS,
)


def _manages(user) -> bool:
    return has_permission(user, MANAGE_REPORTING) or oversees_scope(user)


@policy.rule
def filter_reporting_assignments(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    named = models.Q(reporter=user) | models.Q(first_approver=user) | models.Q(second_approver=user)
    if _manages(user) and user.org_unit_id is not None:
        named |= models.Q(org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(named)


@policy.rule
def filter_monthly_reports(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    named = (
        models.Q(assignment__reporter=user)
        | models.Q(assignment__first_approver=user)
        | models.Q(assignment__second_approver=user)
    )
    if _manages(user) and user.org_unit_id is not None:
        named |= models.Q(org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(named)


@policy.rule
def can_write_monthly_report(user, assignment) -> bool:
    return has_permission(user, WRITE_MONTHLY_REPORTS) and assignment.reporter_id == user.pk


@policy.rule
def monthly_report_level(user, report) -> int:
    """1 first-level approver, 2 second-level approver, 3 a director over the unit, 0 none."""
    if not has_permission(user, REVIEW_MONTHLY_REPORTS):
        return 0
    if oversees_scope(user) and in_scope(user, report.org_unit):
        return 3
    if report.assignment.second_approver_id == user.pk:
        return 2
    if report.assignment.first_approver_id == user.pk:
        return 1
    return 0


@policy.rule
def is_monthly_report_reporter(user, report) -> bool:
    """The reporter's view: their own rows and "received", nothing of what followed."""
    return report.assignment.reporter_id == user.pk and monthly_report_level(user, report) == 0


@policy.rule
def can_use_monthly_reports(user) -> bool:
    """The monthly report pages and API at all: a person who writes, reviews or manages them
    (which reports they then see is ``filter_monthly_reports``)."""
    return any(
        has_permission(user, p) for p in (WRITE_MONTHLY_REPORTS, REVIEW_MONTHLY_REPORTS, MANAGE_REPORTING)
    )


@policy.rule
def can_manage_reporting(user) -> bool:
    return has_permission(user, MANAGE_REPORTING)


@policy.rule
def can_manage_assignment_unit(user, unit) -> bool:
    return has_permission(user, MANAGE_REPORTING) and in_scope(user, unit)


@policy.rule
def can_enter_paper_reports(user, assignment) -> bool:
    """Enter the paper forms of a unit (bulk entry): who manages reporting over its scope."""
    return has_permission(user, MANAGE_REPORTING) and in_scope(user, assignment.org_unit)


@policy.rule
def filter_concern_reviews(user, queryset):
    if not has_permission(user, REVIEW_FLAGGED_PEOPLE) or user.org_unit_id is None:
        return queryset.none()
    return queryset.filter(
        models.Q(counsellor=user) | models.Q(org_unit__path__startswith=user.org_unit.path)
    )


register_filters(
    {
        ReportingAssignment: filter_reporting_assignments,
        MonthlyReport: filter_monthly_reports,
        ConcernReview: filter_concern_reviews,
    }
)
register_related(MonthlyReport, filter_monthly_reports)
