"""The main navigation: each entry shows only to those the policy lets use it."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import MANAGE_USERS
from archives.permissions import MANAGE_ARCHIVES, VIEW_RESIDENTS
from assessments.permissions import ADMINISTER_ASSESSMENTS, MANAGE_CAMPAIGNS, MANAGE_INSTRUMENTS
from confidentiality import policy
from confidentiality.permissions import (
    DECIDE_ACCESS,
    MANAGE_CONSENT_TEXTS,
    REQUEST_ACCESS,
    REVIEW_BREAK_GLASS,
    VIEW_AUDIT_LOG,
    Permission,
)
from core.permissions import MANAGE_CENTRE_PROFILE
from crisis.permissions import HANDLE_ALERTS, MANAGE_ALERT_RULES, REPORT_CONCERN
from notifications.permissions import VIEW_OUTBOX
from orgs.permissions import VIEW_ORG_TREE, VIEW_ROSTER
from workflow.permissions import (
    LOG_HOTLINE,
    MANAGE_APPOINTMENTS,
    MANAGE_CASES,
    MANAGE_INSTITUTIONS,
    VIEW_SERVICE_QUALITY,
)


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Shown when the person holds any of these (or always, when empty).
    permissions: tuple[Permission, ...] = ()


NAV_ITEMS = [
    NavItem(_("Home"), "dashboard:home"),
    NavItem(_("Alerts"), "crisis:alert_list", (HANDLE_ALERTS,)),
    NavItem(_("Crisis cases"), "crisis:case_list", (HANDLE_ALERTS,)),
    NavItem(_("Watch list"), "crisis:watch_list", (HANDLE_ALERTS,)),
    NavItem(_("Residents"), "archives:list", (VIEW_RESIDENTS,)),
    NavItem(_("Appointments"), "workflow:appointment_list", (MANAGE_APPOINTMENTS,)),
    NavItem(_("Cases"), "workflow:case_list", (MANAGE_CASES,)),
    NavItem(_("Follow-ups"), "workflow:followup_list", (MANAGE_CASES,)),
    NavItem(_("Hotline log"), "workflow:hotline_list", (LOG_HOTLINE,)),
    NavItem(_("Referrals"), "workflow:referral_list", (MANAGE_CASES,)),
    NavItem(_("Institutions"), "workflow:institution_list", (MANAGE_INSTITUTIONS,)),
    NavItem(_("Satisfaction"), "workflow:satisfaction_list", (VIEW_SERVICE_QUALITY,)),
    NavItem(_("Duty roster"), "orgs:roster", (VIEW_ROSTER,)),
    NavItem(_("Outbox"), "notifications:outbox", (VIEW_OUTBOX, MANAGE_APPOINTMENTS)),
    NavItem(
        _("Access requests"),
        "confidentiality:access_requests",
        (REQUEST_ACCESS, DECIDE_ACCESS, REVIEW_BREAK_GLASS),
    ),
    NavItem(_("Review list"), "archives:review_list", (MANAGE_ARCHIVES,)),
    NavItem(_("Screening"), "screening:campaigns", (MANAGE_CAMPAIGNS,)),
    NavItem(_("Instruments"), "assessments:library", (MANAGE_INSTRUMENTS, ADMINISTER_ASSESSMENTS)),
    NavItem(_("Warning rules"), "crisis:rule_list", (MANAGE_ALERT_RULES,)),
    NavItem(_("Organisation"), "orgs:tree", (VIEW_ORG_TREE,)),
    NavItem(_("Service sites"), "orgs:site_list", (VIEW_ORG_TREE,)),
    NavItem(_("Staff accounts"), "accounts:user_list", (MANAGE_USERS,)),
    NavItem(_("Consent texts"), "confidentiality:consent_texts", (MANAGE_CONSENT_TEXTS,)),
    NavItem(_("Audit log"), "confidentiality:audit_log", (VIEW_AUDIT_LOG,)),
    NavItem(_("Centre profile"), "core:centre_profile", (MANAGE_CENTRE_PROFILE,)),
    NavItem(_("Report a concern"), "crisis:concern_create", (REPORT_CONCERN,)),
]


def nav_for(user, current_path: str) -> list[dict]:
    items = []
    for item in NAV_ITEMS:
        if item.permissions and not any(policy.has_permission(user, p) for p in item.permissions):
            continue
        url = reverse(item.url_name)
        active = current_path == url if url == "/staff/" else current_path.startswith(url)
        items.append({"label": item.label, "url": url, "active": active})
    return items
