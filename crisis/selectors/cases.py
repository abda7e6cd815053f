"""Reads of crisis cases (CRI-3): the list, one case with its plan, actions and checks, the
defaults of a new safety plan, the crisis-intervention success rate and the archive timeline's
crisis entries.

Which cases a person sees is ``confidentiality.policy.filter_crisis_cases`` alone (a case is seen
with its alert); these functions only order, count and load related rows.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.db import models
from django.db.models import Case, Count, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from confidentiality import policy
from crisis.models import CrisisAction, CrisisCase, CrisisCheck, SafetyPlan
from crisis.permissions import REVIEW_CRISIS_CASES

# A closed case counts as a success when its outcome is one of these (docs/crisis.md).
SUCCESSFUL_OUTCOMES = (
    CrisisCase.Outcome.STABILISED,
    CrisisCase.Outcome.REFERRED,
    CrisisCase.Outcome.HOSPITALISED,
)


def _visible_cases(user) -> models.QuerySet[CrisisCase]:
    # The alert filter behind the policy joins the alert's history and needs DISTINCT; reading
    # through ``pk__in`` keeps ordering and annotations on the cases themselves.
    return CrisisCase.objects.filter(
        pk__in=policy.filter_crisis_cases(user, CrisisCase.objects.all()).values("pk")
    )


def case_list(*, user) -> models.QuerySet[CrisisCase]:
    """The crisis cases this person sees: those waiting for a review first, then the open ones,
    then the closed ones; newest first within each. Each row carries its next check not done."""
    rank = Case(
        When(status=CrisisCase.Status.AWAITING_REVIEW, then=Value(0)),
        When(status=CrisisCase.Status.OPEN, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    next_check = (
        CrisisCheck.objects.filter(crisis_case=OuterRef("pk"), done_at__isnull=True, waived_at__isnull=True)
        .order_by("due_at")
        .values("due_at")[:1]
    )
    return (
        _visible_cases(user)
        .annotate(status_rank=rank, next_check_due=Subquery(next_check))
        .select_related("alert", "resident", "owner")
        .order_by("status_rank", "-opened_at", "-pk")
    )


def mark_reviewable(*, user, cases) -> None:
    """Mark each listed case this person may review now (rows of ``case_list`` are visible)."""
    for crisis_case in cases:
        crisis_case.reviewable = policy.can_review_crisis_case(user, crisis_case, visible=True)


def may_review_cases(*, user) -> bool:
    """Whether the list highlights cases waiting for a review (the single case decides finally:
    policy.can_review_crisis_case)."""
    return policy.has_permission(user, REVIEW_CRISIS_CASES)


def case_for_page(*, user, pk) -> CrisisCase:
    """One crisis case the person sees, or 404 (missing and forbidden alike, refusals audited)."""
    queryset = CrisisCase.objects.select_related(
        "alert", "alert__org_unit", "resident", "owner", "opened_by", "assessed_by", "reviewed_by"
    )
    return policy.fetch_or_404(user, CrisisCase, queryset=queryset, pk=pk)


def check_for_page(*, user, case_pk, pk) -> CrisisCheck:
    """One check of one case, under the policy (404 otherwise)."""
    queryset = CrisisCheck.objects.select_related("crisis_case", "crisis_case__alert")
    return policy.fetch_or_404(user, CrisisCheck, queryset=queryset, pk=pk, crisis_case_id=case_pk)


def case_checks(*, crisis_case: CrisisCase) -> models.QuerySet[CrisisCheck]:
    return crisis_case.checks.select_related("assignee", "done_by", "waived_by").order_by("due_at", "pk")


def checks_blocking_close(*, crisis_case: CrisisCase) -> list[CrisisCheck]:
    """The follow-up checks (24 h, 72 h, 7 days) neither done nor waived: while there is one, the
    case cannot be asked to close nor confirmed closed. The service refuses with this list and the
    page offers no closing while it is not empty: one decision, read in one place."""
    return list(
        CrisisCheck.objects.filter(
            crisis_case=crisis_case,
            kind__in=CrisisCheck.FOLLOW_UP,
            done_at__isnull=True,
            waived_at__isnull=True,
        ).order_by("due_at", "pk")
    )


def case_actions(*, crisis_case: CrisisCase) -> models.QuerySet[CrisisAction]:
    return crisis_case.actions.select_related("by", "disclosure").order_by("at", "pk")


def safety_plan_current(*, crisis_case: CrisisCase) -> SafetyPlan | None:
    """The plan in force: the newest version, or None before the first is written."""
    return crisis_case.safety_plans.select_related("written_by").order_by("-version").first()


def safety_plan_versions(*, crisis_case: CrisisCase) -> models.QuerySet[SafetyPlan]:
    return crisis_case.safety_plans.select_related("written_by").order_by("-version")


def safety_plan_professionals_default() -> str:
    """What a first safety plan offers under "professionals and hotlines": the centre's hotline,
    the national psychological assistance hotline, the police and the emergency service."""
    from core.selectors import centre_profile

    profile = centre_profile()
    lines = []
    if profile.hotline:
        line = _("%(centre)s psychological hotline: %(number)s") % {
            "centre": profile.name,
            "number": profile.hotline,
        }
        if profile.hotline_hours:
            line = f"{line} ({profile.hotline_hours})"
        lines.append(line)
    if profile.phone:
        lines.append(_("%(centre)s: %(number)s") % {"centre": profile.name, "number": profile.phone})
    lines += [
        _("National psychological assistance hotline: 12356"),
        _("Police: 110"),
        _("Medical emergency: 120"),
    ]
    return "\n".join(lines)


def safety_plan_context(*, crisis_case: CrisisCase, plan: SafetyPlan) -> dict:
    """What the client's printed plan shows: the plan, their name, the centre's contact. Nothing
    of the risk assessment, the action log or staff notes."""
    from core.selectors import centre_profile

    return {
        "crisis_case": crisis_case,
        "plan": plan,
        "person": crisis_case.resident.name if crisis_case.resident_id else "",
        "centre": centre_profile(),
    }


# ---------------------------------------------------------------------------------------------
# Success rate


def _period_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        datetime.combine(start, datetime.min.time(), tzinfo=tz),
        datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz),
    )


def crisis_success_rate(*, user, start: date, end: date) -> dict:
    """The crisis-intervention success rate over the crisis cases this person sees that were
    closed (after review) between ``start`` and ``end``, both days included, local time:

        successful = closed with outcome stabilised, referred or hospitalised
        rate = successful ÷ all closed in the period

    Lost to contact and other count as not successful. Cases still open or waiting for their
    review are not counted. ``rate`` is None when nothing was closed (no rate, rather than 0 %).
    """
    since, until = _period_bounds(start, end)
    closed = _visible_cases(user).filter(
        status=CrisisCase.Status.CLOSED, closed_at__gte=since, closed_at__lt=until
    )
    counts = closed.aggregate(
        closed=Count("pk"),
        successful=Count("pk", filter=Q(outcome__in=SUCCESSFUL_OUTCOMES)),
        **{f"outcome_{value}": Count("pk", filter=Q(outcome=value)) for value in CrisisCase.Outcome.values},
    )
    total, successful = counts["closed"], counts["successful"]
    return {
        "start": start,
        "end": end,
        "closed": total,
        "successful": successful,
        "rate": (successful / total) if total else None,
        "by_outcome": [
            (value, label, counts[f"outcome_{value}"]) for value, label in CrisisCase.Outcome.choices
        ],
    }


# ---------------------------------------------------------------------------------------------
# The archive's timeline


def archive_crisis_entries(resident, *, clinical: bool = True) -> list:
    """Crisis cases of one resident (opened, closed) as archive timeline entries, in one query.
    Only what identifies the event: the assessment and the plan stay on the case's page."""
    if not clinical:
        return []
    from archives.timeline import TimelineEntry
    from workflow.selectors.cases import url_or_blank

    entries = []
    for crisis_case in CrisisCase.objects.filter(resident=resident).select_related("owner", "alert"):
        url = url_or_blank("crisis:case_detail", crisis_case.pk)
        detail = crisis_case.owner.full_name or crisis_case.owner.get_username()
        if crisis_case.consent_bypassed:
            detail = f"{detail} · {_('opened without consent on file (danger to life or safety)')}"
        entries.append(
            TimelineEntry(
                crisis_case.opened_at,
                "crisis",
                _("Crisis case #%(number)s opened (%(level)s alert)")
                % {"number": crisis_case.pk, "level": crisis_case.alert.get_level_display()},
                detail,
                clinical=True,
                url=url,
            )
        )
        if crisis_case.status == CrisisCase.Status.CLOSED and crisis_case.closed_at:
            entries.append(
                TimelineEntry(
                    crisis_case.closed_at,
                    "crisis",
                    _("Crisis case #%(number)s closed: %(outcome)s")
                    % {"number": crisis_case.pk, "outcome": crisis_case.get_outcome_display()},
                    clinical=True,
                    url=url,
                )
            )
    return entries
