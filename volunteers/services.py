"""Writes of the volunteers domain (PRG-5): profiles, training, assignments, visits, hours,
star levels and the contact reminders. Each service checks the actor's access again (the
policy's named rules in ``volunteers.access``) and the state through the models' StateTables."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.models import Resident
from confidentiality import policy
from confidentiality.models import ConsentKind, ConsentText
from confidentiality.services import audit_record
from lib.dates import in_range

from . import conf, selectors
from .models import (
    VISIT_MAX_MINUTES,
    StarLevelChange,
    TrainingRecord,
    Visit,
    VisitAssignment,
    VolunteerProfile,
)

TEXT_MAX = 2000
# How far back a visit may be logged: a volunteer catching up after a holiday, not last year.
VISIT_BACK_DAYS = 60
PASSED_ON = "已转交心理老师"  # what the volunteer sees of a passed-on worry (the spec's words)


def _text(value, *, field: str, limit: int = TEXT_MAX) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise ValidationError({field: _("Keep this under %(limit)s characters.") % {"limit": limit}})
    return text


def _require_coordinator(actor, profile: VolunteerProfile) -> None:
    if not policy.can_coordinate_volunteer(actor, profile):
        raise PermissionDenied


def _check_coordinator(coordinator) -> None:
    if coordinator is None or not policy.can_be_coordinator(coordinator):
        raise ValidationError({"coordinator": _("Choose a staff member who coordinates volunteers.")})


# ---------------------------------------------------------------------------------------------
# Profiles and training


@transaction.atomic
def volunteer_profile_create(
    *,
    actor,
    user,
    coordinator,
    kind: str = VolunteerProfile.Kind.VOLUNTEER,
    skills: str = "",
    dialects: str = "",
    availability: str = "",
) -> VolunteerProfile:
    """Register a volunteer or peer counsellor as an applicant.

    Rules: the actor coordinates volunteers and has the account in scope (or coordinates it
    themselves); the account is a volunteer's, with no profile yet; the coordinator is someone
    who coordinates volunteers.
    """
    if not policy.can_be_coordinator(actor):
        raise PermissionDenied
    if user is None or not policy.can_be_volunteer(user):
        raise ValidationError({"user": _("Choose a volunteer's account.")})
    if VolunteerProfile.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This volunteer already has a profile.")})
    _check_coordinator(coordinator)
    profile = VolunteerProfile(
        user=user,
        coordinator=coordinator,
        kind=kind,
        skills=_text(skills, field="skills", limit=200),
        dialects=_text(dialects, field="dialects", limit=100),
        availability=_text(availability, field="availability", limit=200),
        created_by=actor,
    )
    profile.full_clean()
    # Checked against the saved row too: "in my scope or mine to coordinate".
    if not (coordinator.pk == actor.pk or policy.can_coordinate_volunteer(actor, profile)):
        raise PermissionDenied
    profile.save()
    audit_record(actor=actor, action="volunteer.created", obj=profile, details={"kind": kind})
    return profile


@transaction.atomic
def volunteer_profile_update(
    *, actor, profile: VolunteerProfile, coordinator, kind: str, skills: str, dialects: str, availability: str
) -> VolunteerProfile:
    """Change a profile's details and coordinator (not its status: see volunteer_transition)."""
    _require_coordinator(actor, profile)
    VolunteerProfile.ACTIONS.require(profile, "edit", _("An exited volunteer's profile is kept as it was."))
    _check_coordinator(coordinator)
    profile.coordinator = coordinator
    profile.kind = kind
    profile.skills = _text(skills, field="skills", limit=200)
    profile.dialects = _text(dialects, field="dialects", limit=100)
    profile.availability = _text(availability, field="availability", limit=200)
    profile.full_clean()
    profile.save()
    audit_record(actor=actor, action="volunteer.updated", obj=profile)
    return profile


@transaction.atomic
def volunteer_training_record(
    *, actor, profile: VolunteerProfile, course: str, completed_on: date, hours: Decimal
) -> TrainingRecord:
    """Record a training the volunteer completed (not in the future)."""
    _require_coordinator(actor, profile)
    VolunteerProfile.ACTIONS.require(profile, "record_training")
    if completed_on is None or not in_range(completed_on) or completed_on > timezone.localdate():
        raise ValidationError(
            {"completed_on": _("Give the day the training was completed (not in the future).")}
        )
    record = TrainingRecord(
        profile=profile,
        course=_text(course, field="course", limit=120),
        completed_on=completed_on,
        hours=hours,
        recorded_by=actor,
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor, action="volunteer.training_recorded", obj=profile, details={"training": record.pk}
    )
    return record


def current_agreement_text() -> ConsentText | None:
    """The volunteers' confidentiality agreement in force (consent texts of kind VOLUNTEER)."""
    return ConsentText.objects.filter(kind=ConsentKind.VOLUNTEER, is_current=True).first()


@transaction.atomic
def volunteer_agreement_sign(*, actor, profile: VolunteerProfile, signed_on: date) -> VolunteerProfile:
    """Record that the volunteer signed the confidentiality agreement: the current consent text
    of kind VOLUNTEER (its version), the day (not in the future; a paper signature may predate
    the text's publication here) and who recorded it. A volunteer may sign a newer version again."""
    _require_coordinator(actor, profile)
    VolunteerProfile.ACTIONS.require(profile, "sign_agreement")
    text = current_agreement_text()
    if text is None:
        raise ValidationError(_("No confidentiality agreement text is published yet: ask the administrator."))
    if signed_on is None or not in_range(signed_on) or signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The signing date cannot be in the future.")})
    if profile.agreement_text_id == text.pk:
        raise ValidationError(_("The volunteer has already signed this version of the agreement."))
    profile.agreement_text = text
    profile.agreement_signed_on = signed_on
    profile.agreement_recorded_by = actor
    profile.agreement_recorded_at = timezone.now()
    profile.save(
        update_fields=[
            "agreement_text",
            "agreement_signed_on",
            "agreement_recorded_by",
            "agreement_recorded_at",
        ]
    )
    audit_record(
        actor=actor, action="volunteer.agreement_signed", obj=profile, details={"version": text.version}
    )
    return profile


_TRANSITIONS = {
    "train": VolunteerProfile.Status.TRAINED,
    "activate": VolunteerProfile.Status.ACTIVE,
    "pause": VolunteerProfile.Status.PAUSED,
    "resume": VolunteerProfile.Status.ACTIVE,
    "exit": VolunteerProfile.Status.EXITED,
}


@transaction.atomic
def volunteer_transition(*, actor, profile: VolunteerProfile, action: str) -> VolunteerProfile:
    """Move a volunteer along applicant → trained → active → paused → exited.

    Rules: "train" needs a training record; "activate" and "resume" need the confidentiality
    agreement signed; "pause" and "exit" are refused while assignments are active or proposed
    (end or hand them over first), so no resident waits for a visitor who will not come.
    """
    _require_coordinator(actor, profile)
    if action not in _TRANSITIONS:
        raise ValidationError(_("Unknown action."))
    VolunteerProfile.ACTIONS.require(profile, action)
    if action == "train" and not profile.trainings.exists():
        raise ValidationError(_("Record the training first."))
    if action in ("activate", "resume") and not profile.agreement_signed:
        raise ValidationError(
            _(
                "Only a volunteer who has signed the confidentiality agreement can be active: "
                "record the signature first."
            )
        )
    if action in ("pause", "exit"):
        open_ones = profile.assignments.exclude(status=VisitAssignment.Status.ENDED)
        if open_ones.exists():
            raise ValidationError(_("End this volunteer's assignments first (or give them to someone else)."))
    before = profile.status
    profile.status = _TRANSITIONS[action]
    profile.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action="volunteer.status_changed",
        obj=profile,
        details={"from": before, "to": profile.status},
    )
    return profile


# ---------------------------------------------------------------------------------------------
# Assignments


@transaction.atomic
def assignment_propose(
    *,
    actor,
    volunteer: VolunteerProfile,
    resident: Resident,
    reason: str,
    frequency_days: int,
    reason_note: str = "",
) -> VisitAssignment:
    """Propose that a volunteer visits a resident.

    Rules: the actor coordinates the volunteer and sees the resident (policy.filter_residents);
    the volunteer is active; one open assignment per volunteer and resident.
    """
    _require_coordinator(actor, volunteer)
    if (
        resident is None
        or not policy.filter_residents(actor, Resident.objects.filter(pk=resident.pk)).exists()
    ):
        raise ValidationError({"resident": _("Choose a resident in your area.")})
    VolunteerProfile.ACTIONS.require(volunteer, "assign", _("Only an active volunteer can be given visits."))
    assignment = VisitAssignment(
        volunteer=volunteer,
        resident=resident,
        reason=reason,
        reason_note=_text(reason_note, field="reason_note", limit=200),
        frequency_days=frequency_days,
        created_by=actor,
    )
    assignment.full_clean(validate_constraints=False)
    if (
        VisitAssignment.objects.filter(volunteer=volunteer, resident=resident)
        .exclude(status="ended")
        .exists()
    ):
        raise ValidationError(_("This volunteer already visits this resident."))
    assignment.save()
    audit_record(actor=actor, action="visit_assignment.proposed", obj=assignment)
    return assignment


@transaction.atomic
def assignment_record_consent(
    *, actor, assignment: VisitAssignment, consent_on: date, channel: str
) -> VisitAssignment:
    """Record the resident's consent to the visits (when, and how it was given)."""
    if not policy.can_manage_assignment(actor, assignment):
        raise PermissionDenied
    VisitAssignment.ACTIONS.require(assignment, "record_consent")
    from confidentiality.models import Consent

    if channel not in Consent.Channel.values:
        raise ValidationError({"consent_channel": _("Say how the consent was given.")})
    if consent_on is None or not in_range(consent_on) or consent_on > timezone.localdate():
        raise ValidationError({"consent_on": _("The consent date cannot be in the future.")})
    assignment.consent_on = consent_on
    assignment.consent_channel = channel
    assignment.save(update_fields=["consent_on", "consent_channel"])
    audit_record(actor=actor, action="visit_assignment.consent_recorded", obj=assignment)
    return assignment


@transaction.atomic
def assignment_activate(
    *, actor, assignment: VisitAssignment, now: datetime | None = None
) -> VisitAssignment:
    """Start the visits: the resident's consent is recorded, the volunteer is active and has fewer
    than the maximum active assignments (XINQIAO_VOLUNTEER_MAX_ASSIGNMENTS, default 5). The
    contact clock starts now."""
    if not policy.can_manage_assignment(actor, assignment):
        raise PermissionDenied
    VisitAssignment.ACTIONS.require(assignment, "activate")
    if assignment.consent_on is None:
        raise ValidationError(_("Record the resident's consent to the visits first."))
    # Locked so that two coordinators activating at once cannot pass the limit together.
    volunteer = VolunteerProfile.objects.select_for_update().get(pk=assignment.volunteer_id)
    VolunteerProfile.ACTIONS.require(volunteer, "assign", _("Only an active volunteer can be given visits."))
    limit = conf.max_active_assignments()
    if selectors.active_assignment_count(profile=volunteer) >= limit:
        raise ValidationError(
            _("This volunteer already has %(n)s active assignments, the most allowed.") % {"n": limit}
        )
    assignment.status = VisitAssignment.Status.ACTIVE
    assignment.activated_at = now or timezone.now()
    assignment.save(update_fields=["status", "activated_at"])
    audit_record(actor=actor, action="visit_assignment.activated", obj=assignment)
    return assignment


@transaction.atomic
def assignment_end(*, actor, assignment: VisitAssignment, reason: str) -> VisitAssignment:
    """End an assignment, with the reason; its visits stay."""
    if not policy.can_manage_assignment(actor, assignment):
        raise PermissionDenied
    VisitAssignment.ACTIONS.require(assignment, "end", _("This assignment has already ended."))
    reason = _text(reason, field="end_reason", limit=200)
    if not reason:
        raise ValidationError({"end_reason": _("Give the reason for ending the visits.")})
    assignment.status = VisitAssignment.Status.ENDED
    assignment.ended_at = timezone.now()
    assignment.end_reason = reason
    assignment.save(update_fields=["status", "ended_at", "end_reason"])
    audit_record(actor=actor, action="visit_assignment.ended", obj=assignment, reason=reason)
    return assignment


def assignment_record_view(*, actor, assignment: VisitAssignment) -> None:
    """Opening an assignment shows a resident's contact details: audited like any other read."""
    audit_record(actor=actor, action="visit_assignment.viewed", obj=assignment)


# ---------------------------------------------------------------------------------------------
# Visits


def _visit_note(visit: Visit) -> str:
    """The signal's note for the counsellors: what the volunteer wrote, and the mood."""
    lines = [
        _("Volunteer visit on %(day)s.") % {"day": timezone.localtime(visit.visited_at).date().isoformat()}
    ]
    if visit.mood:
        lines.append(_("Mood: %(mood)s") % {"mood": visit.get_mood_display()})
    if visit.concern_text:
        lines.append(visit.concern_text)
    return "\n".join(lines)


@transaction.atomic
def visit_log(
    *,
    actor,
    assignment: VisitAssignment,
    visited_at: datetime,
    mode: str,
    contact_made: bool | None,
    duration_minutes: int | None = 0,
    mood: str = "",
    needs: list[str] | None = None,
    notes: str = "",
    concern: bool = False,
    concern_text: str = "",
    submission_key: uuid.UUID | str | None = None,
    now: datetime | None = None,
) -> tuple[Visit, bool]:
    """Log a visit or a contact attempt; returns (visit, created).

    Rules: only the assigned volunteer, on an active assignment; the time is not in the future
    and not more than 60 days back (nor before the assignment started); whether contact was
    made is required; a concern needs its text. A concern, or a mood of "very low", raises a
    CRI-1 signal (crisis.services.intake.signal_raise) in the same transaction; the volunteer is
    only told it was passed on. The same ``submission_key`` twice (Back and resubmit, a retry
    after a dropped connection) returns the visit already written.
    """
    if not policy.can_log_visit(actor, assignment):
        raise PermissionDenied
    if submission_key:
        try:
            submission_key = uuid.UUID(str(submission_key))
        except ValueError:
            submission_key = None
    if submission_key:
        existing = Visit.objects.filter(submission_key=submission_key, created_by=actor).first()
        if existing is not None:
            return existing, False
    VisitAssignment.ACTIONS.require(
        assignment, "log_visit", _("This assignment has ended: visits can no longer be logged for it.")
    )
    now = now or timezone.now()
    errors: dict[str, str] = {}
    if visited_at is None:
        errors["visited_at"] = _("Say when the visit was.")
    elif visited_at > now + timedelta(minutes=5):
        errors["visited_at"] = _("The visit cannot be in the future.")
    elif visited_at < now - timedelta(days=VISIT_BACK_DAYS) or (
        assignment.activated_at and visited_at < assignment.activated_at - timedelta(days=1)
    ):
        errors["visited_at"] = _("Give a time after the assignment started and within the last 60 days.")
    if mode not in Visit.Mode.values:
        errors["mode"] = _("Choose how you were in touch.")
    if contact_made is None:
        errors["contact_made"] = _("Say whether you reached the person.")
    duration = duration_minutes or 0
    if duration < 0 or duration > VISIT_MAX_MINUTES:
        errors["duration_minutes"] = _("Give the duration in minutes (at most 720).")
    if mood and mood not in Visit.Mood.values:
        errors["mood"] = _("Choose one of the moods.")
    needs = list(dict.fromkeys(needs or []))
    if any(need not in Visit.Need.values for need in needs):
        errors["needs"] = _("Choose from the needs listed.")
    concern_text = (concern_text or "").strip()
    if concern and not concern_text:
        errors["concern_text"] = _("Say what worries you.")
    if len(concern_text) > TEXT_MAX:
        errors["concern_text"] = _("Keep this under %(limit)s characters.") % {"limit": TEXT_MAX}
    if errors:
        raise ValidationError(errors)
    visit = Visit(
        assignment=assignment,
        visited_at=visited_at,
        mode=mode,
        contact_made=bool(contact_made),
        duration_minutes=duration,
        mood=mood if contact_made else "",
        needs=needs,
        notes=_text(notes, field="notes"),
        concern=bool(concern),
        concern_text=concern_text if concern else "",
        created_by=actor,
    )
    if submission_key:
        visit.submission_key = submission_key
    visit.full_clean(exclude=["signal"])
    try:
        with transaction.atomic():
            visit.save()
    except IntegrityError:
        # The same key written a moment ago by a second, simultaneous submit.
        return Visit.objects.get(submission_key=visit.submission_key, created_by=actor), False
    if visit.concern or visit.mood == Visit.Mood.VERY_LOW:
        from crisis.models import RiskSignal
        from crisis.services.intake import signal_raise

        signal, _alert = signal_raise(
            source=RiskSignal.Source.CONCERN,
            resident=assignment.resident,
            note=_visit_note(visit),
            reported_by=actor,
            org_unit=assignment.resident.org_unit,
        )
        visit.signal = signal
        visit.save(update_fields=["signal"])
    audit_record(
        actor=actor,
        action="visit.logged",
        obj=visit,
        details={"contact_made": visit.contact_made, "passed_on": visit.passed_on},
    )
    return visit, True


def visit_record_view(*, actor, visit: Visit) -> None:
    audit_record(actor=actor, action="visit.viewed", obj=visit)


# ---------------------------------------------------------------------------------------------
# Hours and star levels


@transaction.atomic
def visit_hours_decide(*, actor, visit: Visit, approve: bool, now: datetime | None = None) -> Visit:
    """The coordinator approves (or refuses) the hours of a visit; approved hours count towards
    the star levels, which are then recomputed."""
    visit = Visit.objects.select_for_update().select_related("assignment__volunteer__user").get(pk=visit.pk)
    profile = visit.assignment.volunteer
    _require_coordinator(actor, profile)
    action = "approve_hours" if approve else "reject_hours"
    Visit.ACTIONS.require(visit, action, _("The hours of this visit have already been decided."))
    if visit.created_by_id == actor.pk:
        raise ValidationError(_("Your own hours are approved by another coordinator."))
    visit.hours_status = Visit.Hours.APPROVED if approve else Visit.Hours.REJECTED
    visit.hours_decided_by = actor
    visit.hours_decided_at = now or timezone.now()
    visit.save(update_fields=["hours_status", "hours_decided_by", "hours_decided_at"])
    audit_record(actor=actor, action="visit.hours_decided", obj=visit, details={"approved": bool(approve)})
    star_level_refresh(profile=profile, now=now)
    return visit


@transaction.atomic
def star_level_refresh(*, profile: VolunteerProfile, now: datetime | None = None) -> StarLevelChange | None:
    """List a change of star level when approved hours reach another level; make a listed change
    final after 5 working days (crisis.services.escalation.add_working_days: Monday to Friday,
    public holidays not taken out); withdraw a listed change the hours no longer support."""
    from crisis.services.escalation import add_working_days

    now = now or timezone.now()
    profile = VolunteerProfile.objects.select_for_update().get(pk=profile.pk)
    target = selectors.level_for_hours(selectors.approved_hours(profile=profile))
    listed = profile.level_changes.filter(status=StarLevelChange.Status.LISTED).first()
    if listed is not None:
        if listed.to_level != target:
            listed.status = StarLevelChange.Status.WITHDRAWN
            listed.save(update_fields=["status"])
            listed = None
        elif listed.final_after <= now:
            listed.status = StarLevelChange.Status.FINAL
            listed.save(update_fields=["status"])
            profile.star_level = listed.to_level
            profile.save(update_fields=["star_level"])
            audit_record(
                actor=None, action="volunteer.level_final", obj=profile, details={"level": listed.to_level}
            )
            return listed
        else:
            return listed
    if target == profile.star_level:
        return None
    change = StarLevelChange.objects.create(
        profile=profile,
        from_level=profile.star_level,
        to_level=target,
        hours=selectors.approved_hours(profile=profile),
        listed_at=now,
        final_after=add_working_days(now, conf.star_listing_working_days()),
    )
    audit_record(actor=None, action="volunteer.level_listed", obj=profile, details={"level": target})
    return change


def star_levels_refresh_all(*, now: datetime | None = None) -> int:
    """The daily job: every profile with a listed change or approved hours; returns changes made final."""
    finals = 0
    candidates = VolunteerProfile.objects.exclude(status=VolunteerProfile.Status.EXITED)
    for profile in candidates.only("pk"):
        change = star_level_refresh(profile=profile, now=now)
        if change is not None and change.status == StarLevelChange.Status.FINAL:
            finals += 1
    return finals


# ---------------------------------------------------------------------------------------------
# Reminders


def _coordinator_away(coordinator, *, today: date) -> bool:
    """Marked away: leave on the duty roster covering today and lasting 14 days or more."""
    from orgs.models import DutyException

    leaves = DutyException.objects.filter(
        kind=DutyException.Kind.LEAVE, counsellor=coordinator, starts_on__lte=today, ends_on__gte=today
    )
    return any((leave.ends_on - leave.starts_on).days + 1 >= conf.coordinator_away_days() for leave in leaves)


def contact_reminders_queue(*, now: datetime | None = None) -> int:
    """Tell people about contact due, from the one contact-due selector. Each message has its
    dedupe key (assignment, step and due time), so running the job again sends nothing twice:

    - the volunteer, when contact is due;
    - the volunteer, "try again", 3 days after a visit without contact;
    - the coordinator, 7 days after due; the director(s) over the resident instead when the
      coordinator is on leave of 14 days or more.
    """
    from crisis.routing import directors_in_scope
    from notifications.models import Notification
    from notifications.services import notification_queue

    now = now or timezone.now()
    today = timezone.localdate(now)
    queued = 0

    def tell(user, key: str, subject: str, body: str, assignment) -> None:
        nonlocal queued
        if user is None or Notification.objects.filter(dedupe_key=key).exists():
            return
        notification_queue(
            kind=Notification.Kind.OTHER,
            dedupe_key=key,
            subject=subject,
            body=body,
            recipient_user=user,
            recipient_name=user.full_name or user.username,
            recipient_address=getattr(user, "phone", "") or "",
            related=assignment,
        )
        queued += 1

    base = VisitAssignment.objects.select_related(
        "volunteer__user", "volunteer__coordinator", "resident__org_unit"
    )
    for assignment in selectors.contact_due(base, now=now):
        due = timezone.localtime(assignment.contact_due_at).date().isoformat()
        tell(
            assignment.volunteer.user,
            f"volunteers:assignment:{assignment.pk}:due:{due}",
            _("Time to visit %(name)s") % {"name": assignment.resident.name},
            _("Contact with %(name)s is due (since %(day)s). Log the visit when you have been in touch.")
            % {"name": assignment.resident.name, "day": due},
            assignment,
        )
    for assignment in selectors.contact_try_again(base, now=now):
        attempt = timezone.localtime(assignment.last_attempt_at).date().isoformat()
        tell(
            assignment.volunteer.user,
            f"volunteers:assignment:{assignment.pk}:try_again:{attempt}",
            _("Try %(name)s again") % {"name": assignment.resident.name},
            _("On %(day)s you could not reach %(name)s. Please try again.")
            % {"name": assignment.resident.name, "day": attempt},
            assignment,
        )
    for assignment in selectors.contact_overdue(base, now=now):
        due = timezone.localtime(assignment.contact_due_at).date().isoformat()
        coordinator = assignment.volunteer.coordinator
        subject = _("Volunteer visit overdue: %(name)s") % {"name": assignment.resident.name}
        body = _("%(volunteer)s has not been in touch with %(name)s since contact was due on %(day)s.") % {
            "volunteer": assignment.volunteer,
            "name": assignment.resident.name,
            "day": due,
        }
        if _coordinator_away(coordinator, today=today):
            for director in directors_in_scope(unit=assignment.resident.org_unit):
                tell(
                    director,
                    f"volunteers:assignment:{assignment.pk}:director:{due}:{director.pk}",
                    subject,
                    body,
                    assignment,
                )
        else:
            tell(
                coordinator,
                f"volunteers:assignment:{assignment.pk}:coordinator:{due}",
                subject,
                body,
                assignment,
            )
    return queued
