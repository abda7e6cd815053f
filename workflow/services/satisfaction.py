"""Writes of satisfaction feedback (SVC-7): a one-time link after a completed service, its answer,
and feedback given on paper and entered by staff."""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from core.selectors import centre_profile
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue
from workflow.models import Appointment, Case, SatisfactionSurvey

COMMENT_MAX_LENGTH = 2000


def satisfaction_link(survey: SatisfactionSurvey) -> str:
    """The absolute public address of a survey, as the resident's phone reaches it."""
    return absolute_reverse("portal:satisfaction", survey.token)


def _service_of(case: Case | None, appointment: Appointment | None) -> tuple:
    if case is None and appointment is None:
        raise ValidationError(_("Say which case or appointment the feedback is about."))
    resident = case.resident if case else appointment.resident
    counsellor = case.counsellor if case else appointment.counsellor
    return resident, counsellor


def _clean_rating(rating: int | str | None) -> int:
    try:
        value = int(rating)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= 5:
        raise ValidationError({"rating": _("Choose a rating from 1 to 5 stars.")})
    return value


def _clean_comment(comment: str) -> str:
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %(n)s characters.") % {"n": COMMENT_MAX_LENGTH}}
        )
    return comment


def _queue_link(survey: SatisfactionSurvey) -> None:
    resident = survey.resident
    if resident is None or not resident.phone:
        return
    # The resident reads this, not the member of staff whose request issued it.
    with translation.override(settings.LANGUAGE_CODE):
        centre = centre_profile().name
        subject = _("How was your visit to %(centre)s?") % {"centre": centre}
        body = _(
            "Thank you for visiting %(centre)s. Please tell us how it went (1 to 5 stars, under a "
            "minute): %(link)s This link works once, until %(until)s."
        ) % {
            "centre": centre,
            "link": satisfaction_link(survey),
            "until": timezone.localtime(survey.expires_at).strftime("%Y-%m-%d"),
        }
    notification_queue(
        kind=Notification.Kind.SATISFACTION_LINK,
        dedupe_key=f"satisfaction:{survey.pk}:link",
        subject=subject,
        body=body,
        recipient_name=resident.name,
        recipient_address=resident.phone,
        related=survey,
    )


@transaction.atomic
def satisfaction_survey_issue(
    *, actor, case: Case | None = None, appointment: Appointment | None = None
) -> SatisfactionSurvey:
    """Make a one-time feedback link for a completed service (a closed case or a completed
    appointment) and queue it to the resident's phone. The token is unguessable; the link expires
    after XINQIAO_SATISFACTION_LINK_DAYS. While a link for the same service is still open, that
    link is returned instead of a second one. A person issuing it must be able to work on the case
    (or see the appointment); ``actor=None`` is the system."""
    resident, counsellor = _service_of(case, appointment)
    completed = (case is not None and Case.ACTIONS.allows(case, "feedback")) or (
        appointment is not None and Appointment.ACTIONS.allows(appointment, "feedback")
    )
    if not completed:
        raise ValidationError(
            _("Feedback is asked for after the service: close the case or complete the appointment first.")
        )
    if actor is not None and not policy.can_collect_satisfaction(actor, case=case, appointment=appointment):
        raise PermissionDenied
    now = timezone.now()
    open_link = SatisfactionSurvey.objects.filter(
        channel=SatisfactionSurvey.Channel.LINK,
        case=case,
        appointment=appointment,
        answered_at__isnull=True,
        expires_at__gt=now,
    ).first()
    if open_link is not None:
        return open_link
    survey = SatisfactionSurvey(
        token=secrets.token_urlsafe(24),
        channel=SatisfactionSurvey.Channel.LINK,
        case=case,
        appointment=appointment,
        resident=resident,
        counsellor=counsellor,
        expires_at=now + timedelta(days=settings.XINQIAO_SATISFACTION_LINK_DAYS),
    )
    survey.full_clean()
    survey.save()
    audit_record(actor=actor, action="satisfaction.issued", obj=survey)
    _queue_link(survey)
    return survey


@transaction.atomic
def satisfaction_survey_issue_for_subject(
    *, actor, subject, label: str, resident=None
) -> tuple[SatisfactionSurvey, bool]:
    """A one-time feedback link about something other than a case or an appointment (an
    activity's registration, from a higher domain that has checked the person may collect its
    feedback). One link per subject, ever: issuing again returns the first, and ``False``. The
    caller tells the person (it knows their phone)."""
    related_type, related_id = subject._meta.label_lower, str(subject.pk)
    existing = SatisfactionSurvey.objects.filter(related_type=related_type, related_id=related_id).first()
    if existing is not None:
        return existing, False
    survey = SatisfactionSurvey(
        token=secrets.token_urlsafe(24),
        channel=SatisfactionSurvey.Channel.LINK,
        resident=resident,
        related_type=related_type,
        related_id=related_id,
        subject_label=label[:120],
        expires_at=timezone.now() + timedelta(days=settings.XINQIAO_SATISFACTION_LINK_DAYS),
    )
    survey.full_clean()
    survey.save()
    audit_record(actor=actor, action="satisfaction.issued", obj=survey, details={"about": related_type})
    return survey, True


def satisfaction_link_problem(survey: SatisfactionSurvey, *, now=None) -> str:
    """Why this link can no longer be answered, in words for the resident; "" while it can."""
    now = now or timezone.now()
    if survey.answered_at is not None or survey.channel != SatisfactionSurvey.Channel.LINK:
        return _("This feedback link has already been used. Each link can be answered only once.")
    if survey.expires_at <= now:
        return _("This feedback link has expired.")
    return ""


@transaction.atomic
def satisfaction_submit(*, token: str, rating: int | str, comment: str = "") -> SatisfactionSurvey:
    """Answer a feedback link, once. The answer is stored by one conditional UPDATE (only while
    the link is unanswered and unexpired), so of two submits racing each other exactly one is
    stored and the other is refused; a used or expired link changes nothing."""
    rating = _clean_rating(rating)
    comment = _clean_comment(comment)
    survey = SatisfactionSurvey.objects.filter(token=token).first()
    if survey is None:
        raise ValidationError(_("This feedback link is not valid."))
    now = timezone.now()
    problem = satisfaction_link_problem(survey, now=now)
    if problem:
        raise ValidationError(problem)
    stored = SatisfactionSurvey.objects.filter(
        pk=survey.pk,
        channel=SatisfactionSurvey.Channel.LINK,
        answered_at__isnull=True,
        expires_at__gt=now,
    ).update(rating=rating, comment=comment, answered_at=now)
    if stored != 1:
        # Someone answered between our read and our write.
        raise ValidationError(
            satisfaction_link_problem(SatisfactionSurvey.objects.get(pk=survey.pk), now=now)
        )
    survey.refresh_from_db()
    audit_record(actor=None, action="satisfaction.answered", obj=survey, details={"rating": rating})
    return survey


@transaction.atomic
def satisfaction_paper_entry(
    *,
    actor,
    case: Case | None = None,
    appointment: Appointment | None = None,
    rating: int | str,
    comment: str = "",
) -> SatisfactionSurvey:
    """Record feedback a client gave on paper. Only those who may work on the case (or, for an
    appointment, who see it) enter it; the entry names them."""
    resident, counsellor = _service_of(case, appointment)
    if not policy.can_collect_satisfaction(actor, case=case, appointment=appointment):
        raise PermissionDenied
    rating = _clean_rating(rating)
    comment = _clean_comment(comment)
    now = timezone.now()
    survey = SatisfactionSurvey(
        # Paper feedback has no link, but the column is unique: a fresh token nobody is given.
        token=secrets.token_urlsafe(24),
        channel=SatisfactionSurvey.Channel.PAPER,
        case=case,
        appointment=appointment,
        resident=resident,
        counsellor=counsellor,
        rating=rating,
        comment=comment,
        expires_at=now,
        answered_at=now,
        entered_by=actor,
    )
    survey.full_clean()
    survey.save()
    audit_record(actor=actor, action="satisfaction.paper_entered", obj=survey, details={"rating": rating})
    return survey
