"""Who sees and works on supervision sessions, their recommendations and hour ledgers (STF-3).

A session is seen by its supervisor, its recorder, its attendees and the supervisors of its
attendees; the director sees those with an attendee in their scope. Seeing a session is not
seeing its cases: each discussed case shows the client only to those the workflow's case rules
(``policy.filter_cases``, the case team) let see it; others read the case number alone
(``supervision.selectors.discussed_cases``).
"""

from __future__ import annotations

from django.db import models

from confidentiality import policy
from confidentiality.policy import has_permission, in_scope, register_filters
from confidentiality.roles import Role

from .models import Recommendation, SupervisionSession
from .permissions import RECORD_SUPERVISION, VIEW_HOUR_LEDGERS

# Who can attend a supervision (the clinical staff) and who can supervise from among the staff.
ATTENDEE_ROLES = (Role.COUNSELLOR, Role.THERAPIST, Role.SUPERVISOR, Role.DIRECTOR)
SUPERVISOR_ROLES = (Role.SUPERVISOR, Role.DIRECTOR)


def _sessions_seen(user) -> models.Q:
    seen = (
        models.Q(supervisor=user)
        | models.Q(recorded_by=user)
        | models.Q(attendees=user)
        | models.Q(attendees__supervisor=user)
    )
    if user.role == Role.DIRECTOR and user.org_unit_id:
        seen |= models.Q(attendees__org_unit__path__startswith=user.org_unit.path)
    return seen


@policy.rule
def filter_supervision_sessions(user, queryset):
    if not has_permission(user, RECORD_SUPERVISION):
        return queryset.none()
    # Through the ids: the attendees' join would repeat a session once per matching attendee.
    seen = SupervisionSession.objects.filter(_sessions_seen(user)).values("pk")
    return queryset.filter(pk__in=seen)


@policy.rule
def can_record_supervision(user) -> bool:
    return has_permission(user, RECORD_SUPERVISION)


@policy.rule
def can_add_recommendation(user, session) -> bool:
    """Recommendations are written by the session's supervisor or whoever recorded it."""
    return has_permission(user, RECORD_SUPERVISION) and user.pk in (
        session.supervisor_id,
        session.recorded_by_id,
    )


@policy.rule
def filter_recommendations(user, queryset):
    """Recommendations of sessions the person sees, and those they own."""
    if not has_permission(user, RECORD_SUPERVISION):
        return queryset.none()
    sessions = filter_supervision_sessions(user, SupervisionSession.objects.all())
    return queryset.filter(models.Q(session__in=sessions) | models.Q(owner=user))


@policy.rule
def can_decide_recommendation(user, recommendation) -> bool:
    """Mark a recommendation done or not adopted: its owner, the session's supervisor or
    recorder, or the owner's own supervisor."""
    if not has_permission(user, RECORD_SUPERVISION):
        return False
    session = recommendation.session
    return user.pk in (
        recommendation.owner_id,
        session.supervisor_id,
        session.recorded_by_id,
        recommendation.owner.supervisor_id,
    )


register_filters({SupervisionSession: filter_supervision_sessions, Recommendation: filter_recommendations})


@policy.rule
def supervision_attendee_choices(user, queryset):
    """Who may be named as attending: active clinical staff in the recorder's scope, and the
    recorder's own supervisees wherever they work."""
    if not has_permission(user, RECORD_SUPERVISION) or not user.org_unit_id:
        return queryset.none()
    return queryset.filter(
        models.Q(org_unit__path__startswith=user.org_unit.path)
        | models.Q(supervisor=user)
        | models.Q(pk=user.pk),
        is_active=True,
        role__in=ATTENDEE_ROLES,
    )


@policy.rule
def supervision_supervisor_choices(user, queryset):
    """Who may be named as the supervisor from among the staff: active supervisors and directors
    (a counsellor records a session led by a supervisor of the district)."""
    if not has_permission(user, RECORD_SUPERVISION):
        return queryset.none()
    return queryset.filter(is_active=True, role__in=SUPERVISOR_ROLES)


@policy.rule
def can_see_hour_ledger(user, person) -> bool:
    """A counsellor's hours: themself, their supervisor, and the director with them in scope."""
    if not has_permission(user, VIEW_HOUR_LEDGERS):
        return False
    if person.pk == user.pk or person.supervisor_id == user.pk:
        return True
    return user.role == Role.DIRECTOR and in_scope(user, person.org_unit)


@policy.rule
def filter_hour_ledger_people(user, queryset):
    """``can_see_hour_ledger`` as a query, over active clinical staff."""
    if not has_permission(user, VIEW_HOUR_LEDGERS):
        return queryset.none()
    mine = models.Q(pk=user.pk) | models.Q(supervisor=user)
    if user.role == Role.DIRECTOR and user.org_unit_id:
        mine |= models.Q(org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(mine, is_active=True, role__in=ATTENDEE_ROLES)
