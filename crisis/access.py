"""Who sees and handles alerts, crisis cases and the watch list, and who may flag a risk (CRI)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from archives.access import WORKING_BASES, can_see_clinical, clinical_basis, team_archive_ids
from archives.models import Archive
from confidentiality import policy
from confidentiality.models import AccessGrant
from confidentiality.policy import has_permission, in_scope, is_active_staff, register_filters
from confidentiality.roles import CLINICAL_ROLES, Role

from .models import (
    Alert,
    ConcernReport,
    CrisisAction,
    CrisisCase,
    CrisisCheck,
    SafetyPlan,
    WatchListEntry,
)
from .permissions import FLAG_RISK, HANDLE_ALERTS, MANAGE_ALERT_RULES, REVIEW_CRISIS_CASES


@policy.rule
def filter_alerts(user, queryset):
    if not has_permission(user, HANDLE_ALERTS):
        return queryset.none()
    visible = (
        models.Q(owner=user)
        | models.Q(events__to_user=user)
        | models.Q(org_unit__path__startswith=user.org_unit.path)
        | models.Q(resident__archive__pk__in=team_archive_ids(user))
    )
    return queryset.filter(visible).distinct()


@policy.rule
def can_handle_alert(user, alert) -> bool:
    return filter_alerts(user, Alert.objects.filter(pk=alert.pk)).exists()


@policy.rule
def filter_alert_handlers(alert, queryset):
    """The staff in ``queryset`` who may handle ``alert``: ``filter_alerts`` read the other way
    round (the owner, those it was escalated or assigned to, staff whose unit holds the alert's
    unit, and the clinical team of the person's archive). Whom an alert can be given to."""

    def units_above(unit) -> list[str]:
        return [unit.path[:end] for end in range(unit.steplen, len(unit.path) + 1, unit.steplen)]

    may = models.Q(org_unit__path__in=units_above(alert.org_unit))
    may |= models.Q(pk__in=alert.events.exclude(to_user=None).values("to_user_id"))
    if alert.owner_id is not None:
        may |= models.Q(pk=alert.owner_id)
    archive = (
        Archive.objects.filter(resident_id=alert.resident_id).select_related("resident__org_unit").first()
    )
    if archive is not None:
        team = (
            models.Q(responsible_archives=archive)
            | models.Q(supervisees__responsible_archives=archive)
            | models.Q(cases__resident_id=alert.resident_id)
            | models.Q(supervisees__cases__resident_id=alert.resident_id)
            | models.Q(
                pk__in=AccessGrant.objects.filter(
                    archive=archive, status=AccessGrant.Status.APPROVED, expires_at__gt=timezone.now()
                ).values("requester_id")
            )
            | models.Q(role=Role.DIRECTOR, org_unit__path__in=units_above(archive.resident.org_unit))
        )
        may |= team & models.Q(role__in=CLINICAL_ROLES)
    return queryset.filter(may, is_active=True, role__in=HANDLE_ALERTS.roles).distinct()


@policy.rule
def filter_crisis_cases(user, queryset):
    """A crisis case is seen with its alert."""
    return queryset.filter(alert__in=filter_alerts(user, Alert.objects.all()))


@policy.rule
def filter_crisis_children(user, queryset):
    """Rows of one crisis case (safety plans, actions, checks)."""
    return queryset.filter(crisis_case__in=filter_crisis_cases(user, CrisisCase.objects.all()))


@policy.rule
def can_review_crisis_case(user, crisis_case, *, visible: bool | None = None) -> bool:
    """A requested closing is confirmed by a supervisor or the director who sees the case — never
    by its owner or by the person who asked to close it. ``visible`` spares the visibility query
    for rows that already came through ``filter_crisis_cases``."""
    if crisis_case.status != CrisisCase.Status.AWAITING_REVIEW or not has_permission(
        user, REVIEW_CRISIS_CASES
    ):
        return False
    if user.pk in (crisis_case.owner_id, crisis_case.close_requested_by_id):
        return False
    return visible if visible is not None else can_handle_alert(user, crisis_case.alert)


@policy.rule
def can_flag_risk(user, resident) -> bool:
    """A counsellor's risk flag needs FLAG_RISK and the resident's clinical content in sight."""
    archive = getattr(resident, "archive", None)
    return archive is not None and has_permission(user, FLAG_RISK) and can_see_clinical(user, archive)


@policy.rule
def can_add_to_watch_list(user, resident) -> bool:
    """Adding someone by hand: clinical staff who handle alerts and work with the person's
    clinical content by role or assignment (an access grant lets one read, not act)."""
    if not has_permission(user, HANDLE_ALERTS):
        return False
    archive = getattr(resident, "archive", None)
    return archive is not None and clinical_basis(user, archive) in WORKING_BASES


@policy.rule
def can_manage_watch_entry(user, entry) -> bool:
    """Reviewing or removing an entry: those who see it because the person is in their scope, or
    who work with the person's clinical content by role or assignment. An access grant shows the
    entry but lets one read it, not act on it."""
    if not filter_watch_entries(user, type(entry).objects.filter(pk=entry.pk)).exists():
        return False
    resident = entry.resident
    if in_scope(user, resident.org_unit):
        return True
    archive = getattr(resident, "archive", None)
    return archive is not None and clinical_basis(user, archive) in WORKING_BASES


@policy.rule
def filter_watch_entries(user, queryset):
    """The watch list: clinical staff who handle alerts, for people in their scope or on their team."""
    if not has_permission(user, HANDLE_ALERTS):
        return queryset.none()
    return queryset.filter(
        models.Q(resident__org_unit__path__startswith=user.org_unit.path)
        | models.Q(resident__archive__pk__in=team_archive_ids(user))
    )


@policy.rule
def filter_concern_reports(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    return queryset.filter(reporter=user)


@policy.rule
def can_manage_alert_rules(user) -> bool:
    return has_permission(user, MANAGE_ALERT_RULES)


register_filters(
    {
        Alert: filter_alerts,
        ConcernReport: filter_concern_reports,
        CrisisCase: filter_crisis_cases,
        SafetyPlan: filter_crisis_children,
        CrisisAction: filter_crisis_children,
        CrisisCheck: filter_crisis_children,
        WatchListEntry: filter_watch_entries,
    }
)
