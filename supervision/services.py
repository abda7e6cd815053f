"""Writes of case supervision (STF-3): recording a session, its recommendations, and following
each recommendation through to done or not adopted."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import require_not_too_far_ahead
from workflow.models import Case

from .models import Recommendation, SupervisionSession


def _check_people(*, actor, kind, supervisor, external_supervisor, external_qualification, attendees) -> None:
    errors: dict[str, str] = {}
    if supervisor is not None and external_supervisor:
        errors["supervisor"] = _("Choose a supervisor from the staff or name an external one, not both.")
    elif supervisor is None and not external_supervisor:
        errors["supervisor"] = _("Choose the supervisor from the staff, or name the external supervisor.")
    elif (
        supervisor is not None
        and not policy.supervision_supervisor_choices(actor, User.objects.filter(pk=supervisor.pk)).exists()
    ):
        errors["supervisor"] = _("%(name)s cannot be named as a supervisor.") % {"name": supervisor.full_name}
    if external_supervisor and not external_qualification:
        errors["external_qualification"] = _("Give the external supervisor's qualification.")
    pks = {person.pk for person in attendees}
    allowed = set(
        policy.supervision_attendee_choices(actor, User.objects.filter(pk__in=pks)).values_list(
            "pk", flat=True
        )
    )
    if not pks:
        errors["attendees"] = _("Name who attended.")
    elif allowed != pks:
        errors["attendees"] = _("Some of the attendees cannot be named here.")
    elif kind == SupervisionSession.Kind.INDIVIDUAL and len(pks) != 1:
        errors["attendees"] = _("An individual supervision has one attendee, the counsellor supervised.")
    elif kind != SupervisionSession.Kind.INDIVIDUAL and len(pks) < 2:
        errors["attendees"] = _("A group or peer supervision has at least two attendees.")
    elif supervisor is not None and supervisor.pk in pks:
        errors["attendees"] = _("The supervisor is not one of the attendees.")
    if not errors and actor.pk not in pks and (supervisor is None or supervisor.pk != actor.pk):
        errors["attendees"] = _("A session is recorded by its supervisor or by one of its attendees.")
    if errors:
        raise ValidationError(errors)


def _check_cases(*, actor, supervisor, cases: list[Case]) -> None:
    """Only cases the recorder may see are discussed, and, with a supervisor from the staff, cases
    that supervisor may see too (the workflow's case rules, through the policy)."""
    if not cases:
        return
    pks = [case.pk for case in cases]
    mine = set(policy.filter_cases(actor, Case.objects.filter(pk__in=pks)).values_list("pk", flat=True))
    if mine != set(pks):
        raise ValidationError(
            {"cases": _("One of the cases is not one you may see: it cannot be discussed here.")}
        )
    if supervisor is not None and supervisor.pk != actor.pk:
        theirs = set(
            policy.filter_cases(supervisor, Case.objects.filter(pk__in=pks)).values_list("pk", flat=True)
        )
        hidden = sorted(case.number for case in cases if case.pk not in theirs)
        if hidden:
            raise ValidationError(
                {
                    "cases": _(
                        "The supervisor may not see case %(numbers)s: it cannot be discussed with them."
                    )
                    % {"numbers": "、".join(hidden)}
                }
            )


@transaction.atomic
def supervision_session_record(
    *,
    actor,
    kind: str,
    held_on: date,
    duration_minutes: int,
    summary: str,
    attendees: Iterable[User],
    cases: Iterable[Case] = (),
    supervisor: User | None = None,
    external_supervisor: str = "",
    external_qualification: str = "",
) -> SupervisionSession:
    """Record a supervision session that has taken place (not a future date).

    One supervisor, from the staff or external with their qualification; an individual session
    has one attendee, a group or peer one at least two; the recorder is the supervisor or an
    attendee. Only cases the recorder, and a staff supervisor, may see can be discussed.
    """
    if not policy.can_record_supervision(actor):
        raise PermissionDenied
    attendees = list(attendees)
    cases = list(cases)
    external_supervisor = (external_supervisor or "").strip()
    external_qualification = (external_qualification or "").strip()
    if kind not in SupervisionSession.Kind.values:
        raise ValidationError({"kind": _("Choose individual, group or peer supervision.")})
    if held_on is None:
        raise ValidationError({"held_on": _("Give the date of the session.")})
    if held_on > timezone.localdate():
        raise ValidationError({"held_on": _("A supervision session is recorded once it has taken place.")})
    _check_people(
        actor=actor,
        kind=kind,
        supervisor=supervisor,
        external_supervisor=external_supervisor,
        external_qualification=external_qualification,
        attendees=attendees,
    )
    _check_cases(actor=actor, supervisor=supervisor, cases=cases)
    session = SupervisionSession(
        kind=kind,
        supervisor=supervisor,
        external_supervisor=external_supervisor,
        external_qualification=external_qualification,
        held_on=held_on,
        duration_minutes=duration_minutes,
        summary=(summary or "").strip(),
        recorded_by=actor,
    )
    session.full_clean()
    session.save()
    session.attendees.set(attendees)
    session.cases.set(cases)
    audit_record(
        actor=actor,
        action="supervision_session.recorded",
        obj=session,
        details={"cases": [case.pk for case in cases], "attendees": [p.pk for p in attendees]},
    )
    return session


def supervision_session_record_view(*, actor, session) -> None:
    """A session names the cases discussed: each opening of it is audited."""
    audit_record(actor=actor, action="supervision_session.viewed", obj=session)


@transaction.atomic
def recommendation_add(
    *, actor, session: SupervisionSession, text: str, owner: User, due_on: date
) -> Recommendation:
    """Add a recommendation to a session: by its supervisor or recorder, owned by one of its
    attendees, due on or after the session's day and within a year."""
    if not policy.can_add_recommendation(actor, session):
        raise PermissionDenied
    text = (text or "").strip()
    errors: dict[str, str] = {}
    if not text:
        errors["text"] = _("Write the recommendation.")
    if owner is None or not session.attendees.filter(pk=owner.pk).exists():
        errors["owner"] = _("The owner is one of the session's attendees.")
    if due_on is None:
        errors["due_on"] = _("Give the due date.")
    elif due_on < session.held_on:
        errors["due_on"] = _("The due date cannot be before the session (%(day)s).") % {
            "day": session.held_on.isoformat()
        }
    if errors:
        raise ValidationError(errors)
    require_not_too_far_ahead(due_on, field="due_on")
    recommendation = Recommendation(session=session, text=text, owner=owner, due_on=due_on, created_by=actor)
    recommendation.full_clean()
    recommendation.save()
    audit_record(actor=actor, action="supervision_recommendation.added", obj=recommendation)
    return recommendation


def _decide(
    *, actor, recommendation: Recommendation, action: str, status: str, reason: str = ""
) -> Recommendation:
    if not policy.can_decide_recommendation(actor, recommendation):
        raise PermissionDenied
    # Locked: two people deciding at once must not both win.
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    Recommendation.ACTIONS.require(
        recommendation,
        action,
        _("This recommendation is already “%(state)s”: it cannot be changed.")
        % {"state": recommendation.get_status_display()},
    )
    recommendation.status = status
    recommendation.reason = reason
    recommendation.decided_by = actor
    recommendation.decided_at = timezone.now()
    recommendation.full_clean()
    recommendation.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(
        actor=actor,
        action="supervision_recommendation.decided",
        obj=recommendation,
        details={"status": status},
    )
    return recommendation


@transaction.atomic
def recommendation_complete(*, actor, recommendation: Recommendation) -> Recommendation:
    """An open recommendation is marked done by its owner, the session's supervisor or recorder,
    or the owner's supervisor; a decided one stays as it is."""
    return _decide(
        actor=actor, recommendation=recommendation, action="complete", status=Recommendation.Status.DONE
    )


@transaction.atomic
def recommendation_decline(*, actor, recommendation: Recommendation, reason: str) -> Recommendation:
    """An open recommendation is not adopted only with a reason; a decided one stays as it is."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the recommendation is not adopted.")})
    return _decide(
        actor=actor,
        recommendation=recommendation,
        action="decline",
        status=Recommendation.Status.NOT_ADOPTED,
        reason=reason,
    )
