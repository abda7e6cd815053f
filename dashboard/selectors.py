"""Reads for the staff home pages: each role's tiles and lists (RPT-1), from every domain's selectors."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from accounts.models import User
from archives.models import Archive, Resident
from archives.permissions import MANAGE_ARCHIVES, VIEW_RESIDENTS
from archives.selectors import archives_due_for_review
from articles.selectors import article_work
from assessments.labels import signal_labels
from confidentiality import policy
from confidentiality.models import AuditEntry
from confidentiality.permissions import DECIDE_ACCESS, REVIEW_BREAK_GLASS
from confidentiality.roles import Role
from confidentiality.selectors import break_glass_to_review, pending_access_requests
from core.models import JobRun
from crisis.models import RiskSignal
from crisis.permissions import HANDLE_ALERTS
from crisis.selectors.alerts import open_alert_counts
from notifications.channels import outbox_only
from notifications.permissions import RELAY_MESSAGES, SEE_DELIVERY_SETUP
from orgs.models import OrgUnit, ServiceSite
from orgs.selectors import sites_with_rooms_and_hours


def open_today(*, sites) -> list[dict]:
    """Sites with their opening periods for today's weekday, in local time."""
    weekday = timezone.localdate().weekday()
    rows = []
    for site in sites_with_rooms_and_hours(sites=sites.filter(is_active=True)):
        periods = [hours for hours in site.opening_hours.all() if hours.weekday == weekday]
        rows.append({"site": site, "periods": periods})
    return rows


def _service_work(user) -> dict:
    """The day's service work (RPT-1): today's appointments, requests waiting, open cases,
    follow-ups due, and for supervisors and directors the team's overdue follow-ups."""
    from workflow.models import Case
    from workflow.permissions import MANAGE_APPOINTMENTS, MANAGE_CASES, VIEW_SERVICE_QUALITY
    from workflow.selectors.appointments import appointments_for_list
    from workflow.selectors.followups import my_follow_ups, team_overdue_summary
    from workflow.selectors.referrals import referrals_awaiting_receipt

    data: dict = {}
    if policy.has_permission(user, MANAGE_APPOINTMENTS):
        today = appointments_for_list(user=user, show="today").exclude(status__in=["cancelled"])
        if not policy.oversees_scope(user):
            today = today.filter(counsellor=user)
        data["appointments_today"] = list(today.order_by("starts_at")[:8])
        data["requests_waiting"] = appointments_for_list(user=user, show="requests").count()
        data["to_rearrange"] = appointments_for_list(user=user, show="rearrange").count()
    if policy.has_permission(user, MANAGE_CASES):
        data["my_open_cases"] = Case.objects.filter(counsellor=user, status=Case.Status.OPEN).count()
        mine = my_follow_ups(user=user)
        data["follow_ups_due_today"] = mine["due_today"].count()
        data["follow_ups_overdue"] = mine["overdue"].count()
        data["referrals_awaiting_receipt"] = referrals_awaiting_receipt(user=user).count()
    if policy.has_permission(user, VIEW_SERVICE_QUALITY):
        data["team_overdue"] = team_overdue_summary(user=user)
    return data


def _monthly_reports(user) -> dict:
    """The monthly reports card (PRG-6): what the person has to write this month and last, and
    the reports waiting for their decision (the navigation's count, from the same selector)."""
    from monthlyreports.selectors import my_reports_to_write, reports_waiting_for

    writes = policy.has_permission(user, "monthlyreports.write")
    if not writes and not policy.has_permission(user, "monthlyreports.review"):
        return {}
    to_write = []
    if writes:
        to_write = [
            row
            for row in my_reports_to_write(user=user)
            if row["report"] is None or row["report"].first_submitted_at is None
        ]
    return {"monthly_reports": {"to_write": to_write, "waiting": reports_waiting_for(user=user).count()}}


def home_for(user) -> dict:
    """What the home page shows, by what the person's role may see."""
    data: dict = {
        "open_today": open_today(sites=policy.filter_service_sites(user, ServiceSite.objects.all())),
    }
    if policy.can_manage_users(user):
        staff = User.objects.aggregate(
            active=Count("pk", filter=Q(is_active=True)), inactive=Count("pk", filter=Q(is_active=False))
        )
        data["staff_counts"] = staff
        counts = User.objects.filter(is_active=True).values("role").annotate(n=Count("pk")).order_by("role")
        data["staff_by_role"] = [{"role": Role(row["role"]).label, "n": row["n"]} for row in counts]
        data["unit_count"] = OrgUnit.objects.filter(is_active=True).count()
    if policy.has_permission(user, DECIDE_ACCESS):
        data["pending_requests"] = pending_access_requests(user=user).count()
    if policy.has_permission(user, REVIEW_BREAK_GLASS):
        data["break_glass_to_review"] = break_glass_to_review(user=user).count()
    if policy.has_permission(user, MANAGE_ARCHIVES):
        data["archives_due"] = archives_due_for_review(user=user).count()
    if policy.has_permission(user, VIEW_RESIDENTS):
        data["residents_in_scope"] = policy.filter_residents(user, Resident.objects.all()).count()
        data["my_archives"] = user.responsible_archives.count()
    data.update(_service_work(user))
    if policy.can_organise_activities(user):
        from activities.selectors import organiser_summary

        data["activities_card"] = organiser_summary(user=user)
    from volunteers.selectors import coordinator_home, volunteer_home

    data["volunteer_visits"] = volunteer_home(user=user)
    data["volunteer_coordination"] = coordinator_home(user=user)
    data.update(_monthly_reports(user))
    from supervision.selectors import supervision_home

    data["supervision_card"] = supervision_home(user=user)  # STF-3: overdue recommendations
    from workplans.selectors import overdue_for_owner

    # PRG-3: the owner's plan items past their month with nothing counted (3 days' grace).
    data["work_plan_overdue"] = overdue_for_owner(user)
    # The director answers for residents being told; while nothing but the outbox is set up,
    # nobody is told unless staff phone them, and the home page says so.
    if policy.has_permission(user, SEE_DELIVERY_SETUP) and outbox_only():
        data["outbox_only"] = {"may_relay": policy.has_permission(user, RELAY_MESSAGES)}
    # Working-day deadlines count weekends only in a year whose holidays nobody has entered.
    if policy.has_permission(user, "core.manage_calendar"):
        from core.workdays import years_missing_holidays

        data["calendar_missing_years"] = years_missing_holidays()
    if policy.has_permission(user, HANDLE_ALERTS):
        data["alert_counts"] = open_alert_counts(user=user)
        from crisis.selectors.watch import watch_reviews_due_count

        data["watch_reviews_due"] = watch_reviews_due_count(user=user)
    if policy.sees_clinical_content(user):
        clinical = policy.filter_clinical_archives(user, Archive.objects.all())
        signals = RiskSignal.objects.filter(handled_at__isnull=True, resident__archive__in=clinical)
        data["open_signals"] = signals.count()
        recent = list(signals.select_related("resident", "assessment").order_by("-created_at")[:5])
        for signal in recent:
            signal.band_label, signal.flag_names = signal_labels(signal)
        data["recent_signals"] = recent
    if policy.can_work_on_articles(user):
        data["article_work"] = article_work(user)
    if policy.can_create_group(user):
        from groupcounselling.selectors import led_programmes

        data["my_groups"] = list(led_programmes(user)[:5])
    audit = policy.filter_audit_entries(user, AuditEntry.objects.all())
    if policy.has_permission(user, "confidentiality.view_audit_log"):
        data["recent_refusals"] = list(audit.filter(action="access.refused").order_by("-seq")[:5])
        data["recent_failed_logins"] = audit.filter(
            action="auth.login_failed", at__gte=timezone.now() - timedelta(days=1)
        ).count()
        data["chain_check"] = JobRun.objects.filter(name="audit.verify_chain").first()
    return data
