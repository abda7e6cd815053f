"""The main navigation: entries grouped by area (service, crisis, archives, assessment,
programmes, administration), each shown only to those the policy lets use it, with the count of
work waiting where there is some.

Counts come from the same selectors as the home page's tiles (one number, one selector) and are
read together in one query (``lib.queries.count_many``), only when a page draws the navigation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts.permissions import MANAGE_USERS
from activities.permissions import MANAGE_ACTIVITIES, VIEW_ACTIVITY_STATISTICS
from activities.selectors import registrations_awaiting_decision
from archives.permissions import MANAGE_ARCHIVES, VIEW_RESIDENTS
from archives.selectors import archives_due_for_review
from articles.permissions import EDIT_NEWSLETTERS, REVIEW_ARTICLES, WRITE_ARTICLES
from articles.selectors import articles_awaiting_review
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
from confidentiality.selectors import break_glass_to_review, pending_access_requests
from core.permissions import MANAGE_CALENDAR, MANAGE_CENTRE_PROFILE
from crisis.permissions import HANDLE_ALERTS, MANAGE_ALERT_RULES, REPORT_CONCERN
from crisis.selectors.alerts import open_alerts
from crisis.selectors.watch import watch_reviews_due
from groupcounselling.permissions import RUN_GROUPS, VIEW_GROUP_REPORTS
from lib.queries import count_many
from monthlyreports.permissions import (
    MANAGE_REPORTING,
    REVIEW_FLAGGED_PEOPLE,
    REVIEW_MONTHLY_REPORTS,
    WRITE_MONTHLY_REPORTS,
)
from monthlyreports.selectors import concern_reviews_open, reports_waiting_for
from notifications.permissions import RELAY_MESSAGES, VIEW_OUTBOX
from notifications.selectors import relay_worklist
from orgs.permissions import VIEW_ORG_TREE, VIEW_ROSTER
from supervision.permissions import RECORD_SUPERVISION, VIEW_HOUR_LEDGERS
from supervision.selectors import overdue_recommendations_for
from volunteers.permissions import LOG_VISITS, MANAGE_VOLUNTEERS
from volunteers.selectors import contacts_due_for, hours_waiting
from workflow.permissions import (
    LOG_HOTLINE,
    MANAGE_APPOINTMENTS,
    MANAGE_CASES,
    MANAGE_INSTITUTIONS,
    VIEW_SERVICE_QUALITY,
)
from workflow.selectors.appointments import appointments_for_list
from workflow.selectors.followups import my_follow_ups
from workflow.selectors.referrals import referrals_awaiting_receipt
from workplans.permissions import MANAGE_PLANS, VIEW_PLANS


def _follow_ups_due(user) -> QuerySet:
    mine = my_follow_ups(user=user)
    return mine["due_today"] | mine["overdue"]


def _contacts_due(user) -> list[QuerySet]:
    # "My visits" (volunteers) and "Visit assignments" (coordinators): the same rule, and the two
    # permissions are held by different roles, so a person sees one of the two counts.
    return [contacts_due_for(user=user)]


def _access_decisions(user) -> list[QuerySet]:
    waiting = []
    if policy.has_permission(user, DECIDE_ACCESS):
        waiting.append(pending_access_requests(user=user))
    if policy.has_permission(user, REVIEW_BREAK_GLASS):
        waiting.append(break_glass_to_review(user=user))
    return waiting


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Shown when the person holds any of these (or always, when empty).
    permissions: tuple[Permission, ...] = ()
    # The work waiting behind this entry: querysets of the home page's selectors.
    waiting: Callable[[object], list[QuerySet]] | None = None
    # What the count means, read by screen readers and shown on hover.
    waiting_label: str | Promise = ""


@dataclass(frozen=True)
class NavGroup:
    label: str | Promise
    key: str
    items: tuple[NavItem, ...]


HOME = NavItem(_("Home"), "dashboard:home")

NAV_GROUPS = (
    NavGroup(
        _("Service"),
        "service",
        (
            NavItem(
                _("Appointments"),
                "workflow:appointment_list",
                (MANAGE_APPOINTMENTS,),
                lambda user: [
                    appointments_for_list(user=user, show="requests"),
                    appointments_for_list(user=user, show="rearrange"),
                ],
                _("requests waiting or appointments to rearrange"),
            ),
            NavItem(_("Appointment calendar"), "workflow:appointment_calendar", (MANAGE_APPOINTMENTS,)),
            NavItem(_("Cases"), "workflow:case_list", (MANAGE_CASES,)),
            NavItem(
                _("Follow-ups"),
                "workflow:followup_list",
                (MANAGE_CASES,),
                lambda user: [_follow_ups_due(user)],
                _("due today or overdue"),
            ),
            NavItem(_("Hotline log"), "workflow:hotline_list", (LOG_HOTLINE,)),
            NavItem(
                _("Referrals"),
                "workflow:referral_list",
                (MANAGE_CASES,),
                lambda user: [referrals_awaiting_receipt(user=user)],
                _("awaiting receipt"),
            ),
            NavItem(_("Institutions"), "workflow:institution_list", (MANAGE_INSTITUTIONS,)),
            NavItem(_("Satisfaction"), "workflow:satisfaction_list", (VIEW_SERVICE_QUALITY,)),
            NavItem(_("Outbox"), "notifications:outbox", (VIEW_OUTBOX, MANAGE_APPOINTMENTS)),
            NavItem(
                _("To relay by phone"),
                "notifications:relay_list",
                (RELAY_MESSAGES,),
                lambda user: [relay_worklist(user=user)],
                _("messages waiting to be relayed"),
            ),
        ),
    ),
    NavGroup(
        _("Crisis"),
        "crisis",
        (
            NavItem(
                _("Alerts"),
                "crisis:alert_list",
                (HANDLE_ALERTS,),
                lambda user: [open_alerts(user=user)],
                _("open alerts"),
            ),
            NavItem(_("Crisis cases"), "crisis:case_list", (HANDLE_ALERTS,)),
            NavItem(
                _("Watch list"),
                "crisis:watch_list",
                (HANDLE_ALERTS,),
                lambda user: [watch_reviews_due(user=user)],
                _("reviews due"),
            ),
            NavItem(_("Warning rules"), "crisis:rule_list", (MANAGE_ALERT_RULES,)),
            NavItem(_("Report a concern"), "crisis:concern_create", (REPORT_CONCERN,)),
        ),
    ),
    NavGroup(
        _("Archives"),
        "archives",
        (
            NavItem(_("Residents"), "archives:list", (VIEW_RESIDENTS,)),
            NavItem(
                _("Review list"),
                "archives:review_list",
                (MANAGE_ARCHIVES,),
                lambda user: [archives_due_for_review(user=user)],
                _("archives due for review"),
            ),
            NavItem(
                _("Access requests"),
                "confidentiality:access_requests",
                (REQUEST_ACCESS, DECIDE_ACCESS, REVIEW_BREAK_GLASS),
                _access_decisions,
                _("waiting for your decision or review"),
            ),
        ),
    ),
    NavGroup(
        _("Assessment"),
        "assessment",
        (
            NavItem(_("Screening"), "screening:campaigns", (MANAGE_CAMPAIGNS,)),
            NavItem(_("Instruments"), "assessments:library", (MANAGE_INSTRUMENTS, ADMINISTER_ASSESSMENTS)),
        ),
    ),
    NavGroup(
        _("Programmes"),
        "programmes",
        # The order of the work plans: activities and the parent school, groups, publicity, then
        # the volunteers' visits and the committees' monthly reports.
        (
            NavItem(_("Work plans"), "workplans:list", (VIEW_PLANS, MANAGE_PLANS)),
            NavItem(
                _("Activities"),
                "activities:list",
                (MANAGE_ACTIVITIES,),
                lambda user: [registrations_awaiting_decision(user=user)],
                _("registrations waiting for approval"),
            ),
            NavItem(_("Parent school"), "activities:families", (MANAGE_ACTIVITIES,)),
            NavItem(_("Activity statistics"), "activities:statistics", (VIEW_ACTIVITY_STATISTICS,)),
            NavItem(_("Group counselling"), "groupcounselling:list", (RUN_GROUPS, VIEW_GROUP_REPORTS)),
            NavItem(
                _("Articles"),
                "articles:articles",
                (WRITE_ARTICLES, REVIEW_ARTICLES),
                lambda user: [articles_awaiting_review(user)],
                _("articles waiting for your review"),
            ),
            NavItem(_("心语报 newsletter"), "articles:newsletters", (EDIT_NEWSLETTERS,)),
            NavItem(
                _("My visits"),
                "volunteers:my_visits",
                (LOG_VISITS,),
                _contacts_due,
                _("visits due"),
            ),
            NavItem(_("Volunteers"), "volunteers:profile_list", (MANAGE_VOLUNTEERS,)),
            NavItem(
                _("Visit assignments"),
                "volunteers:assignment_list",
                (MANAGE_VOLUNTEERS,),
                _contacts_due,
                _("contacts due"),
            ),
            NavItem(
                _("Volunteer hours"),
                "volunteers:hours_list",
                (MANAGE_VOLUNTEERS,),
                lambda user: [hours_waiting(user=user)],
                _("hours waiting for approval"),
            ),
            NavItem(
                _("Monthly reports"),
                "monthlyreports:home",
                (WRITE_MONTHLY_REPORTS, REVIEW_MONTHLY_REPORTS, MANAGE_REPORTING),
                lambda user: [reports_waiting_for(user=user)],
                _("reports waiting for your decision"),
            ),
            NavItem(
                _("People flagged three months running"),
                "monthlyreports:review_list",
                (REVIEW_FLAGGED_PEOPLE,),
                lambda user: [concern_reviews_open(user=user)],
                _("to review"),
            ),
        ),
    ),
    NavGroup(
        _("Staff and quality"),
        "quality",
        (
            NavItem(
                _("Case supervision"),
                "supervision:session_list",
                (RECORD_SUPERVISION,),
                lambda user: [overdue_recommendations_for(user=user)],
                _("recommendations overdue"),
            ),
            NavItem(_("Hour ledgers"), "supervision:ledger_list", (VIEW_HOUR_LEDGERS,)),
        ),
    ),
    NavGroup(
        _("Administration"),
        "admin",
        (
            NavItem(_("Duty roster"), "orgs:roster", (VIEW_ROSTER,)),
            NavItem(_("Organisation"), "orgs:tree", (VIEW_ORG_TREE,)),
            NavItem(_("Service sites"), "orgs:site_list", (VIEW_ORG_TREE,)),
            NavItem(_("Staff accounts"), "accounts:user_list", (MANAGE_USERS,)),
            NavItem(_("Consent texts"), "confidentiality:consent_texts", (MANAGE_CONSENT_TEXTS,)),
            NavItem(_("Audit log"), "confidentiality:audit_log", (VIEW_AUDIT_LOG,)),
            NavItem(_("Centre profile"), "core:centre_profile", (MANAGE_CENTRE_PROFILE,)),
            NavItem(_("Working-day calendar"), "core:calendar", (MANAGE_CALENDAR,)),
        ),
    ),
)

# Every entry, in the order shown (tests and the demo walk read them flat).
NAV_ITEMS = [HOME, *(item for group in NAV_GROUPS for item in group.items)]


def _allowed(user, item: NavItem) -> bool:
    return not item.permissions or any(policy.has_permission(user, p) for p in item.permissions)


def _is_active(url: str, current_path: str) -> bool:
    return current_path == url if url == reverse("dashboard:home") else current_path.startswith(url)


class Navigation:
    """What the layout draws: Home, then the groups the person has entries in. A group of one
    entry is drawn as a plain link. Counts are read on first use, in one query."""

    def __init__(self, user, current_path: str):
        self.user = user
        self.home = self._entry(HOME, current_path)
        self.groups = []
        for group in NAV_GROUPS:
            entries = [self._entry(item, current_path) for item in group.items if _allowed(user, item)]
            if entries:
                self.groups.append(
                    {
                        "key": group.key,
                        "label": group.label,
                        "entries": entries,
                        "active": any(entry["active"] for entry in entries),
                    }
                )
        self._counts: dict[str, int] | None = None

    def _entry(self, item: NavItem, current_path: str) -> dict:
        url = reverse(item.url_name)
        return {"label": item.label, "url": url, "active": _is_active(url, current_path), "item": item}

    @property
    def flat(self) -> list[dict]:
        return [self.home, *(entry for group in self.groups for entry in group["entries"])]

    def counts(self) -> dict[str, int]:
        if self._counts is None:
            querysets = {}
            for entry in self.flat:
                item = entry["item"]
                if item.waiting is not None:
                    for index, queryset in enumerate(item.waiting(self.user)):
                        querysets[f"{item.url_name}#{index}"] = queryset
            counted = count_many(querysets)
            self._counts = {}
            for key, value in counted.items():
                url_name = key.split("#")[0]
                self._counts[url_name] = self._counts.get(url_name, 0) + value
        return self._counts

    def drawn(self) -> dict:
        """Home and the groups with each entry's count and each group's total."""
        counts = self.counts()
        groups = []
        for group in self.groups:
            entries = [
                {
                    **entry,
                    "count": counts.get(entry["item"].url_name, 0),
                    "count_label": entry["item"].waiting_label,
                }
                for entry in group["entries"]
            ]
            groups.append({**group, "entries": entries, "count": sum(entry["count"] for entry in entries)})
        return {"home": self.home, "groups": groups}


def nav_for(user, current_path: str) -> list[dict]:
    """Every entry the person may use, flat, in the order shown."""
    return [
        {"label": entry["label"], "url": entry["url"], "active": entry["active"]}
        for entry in Navigation(user, current_path).flat
    ]
