"""The watch list (CRI-4, 重点关注人群): people under watch after an open or recent crisis.

A person has at most one active entry. Opening a crisis case puts the person on the list
(``watch_entry_ensure``); clinical staff may also add someone by hand. Each entry has a next
review date: a daily job reminds the person's team when it comes (``watch_reviews_remind_due``),
and a review sets the next one. Removing someone is refused while they have an open alert or an
open crisis case. Reasons are clinical: they are encrypted and never written to the audit log,
which records only who, which entry and which dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.roles import Role
from confidentiality.services import audit_record
from crisis.models import Alert, CrisisCase, WatchListEntry, WatchReview
from crisis.permissions import HANDLE_ALERTS
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue

# A review date further away than this is almost certainly a typing slip.
LONGEST_REVIEW_INTERVAL = timedelta(days=366)


def first_review_on(today: date | None = None) -> date:
    """The first review of a new entry: ``XINQIAO_WATCH_REVIEW_DAYS`` days from today."""
    today = today or timezone.localdate()
    return today + timedelta(days=settings.XINQIAO_WATCH_REVIEW_DAYS)


def _active_entry_locked(resident_id: int) -> WatchListEntry | None:
    return (
        WatchListEntry.objects.select_for_update(of=("self",))
        .filter(resident_id=resident_id, removed_at__isnull=True)
        .first()
    )


def _actor_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------
# Who may add, review and remove


# ---------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def watch_entry_ensure(
    *, resident, crisis_case: CrisisCase | None = None, reason: str, actor=None
) -> WatchListEntry:
    """Make sure the person is on the watch list, e.g. when a crisis case opens for them.

    Already on it: the entry is kept (its ``added_at`` stays the earliest), linked to the crisis
    case if one is given, the new reason added to the old one, and the next review brought forward
    to ``XINQIAO_WATCH_REVIEW_DAYS`` from today if it was later. Not on it: a new entry, first
    reviewed in ``XINQIAO_WATCH_REVIEW_DAYS`` days. The caller has checked that ``actor`` may act
    for the person (opening a crisis case is its own permission); a system call passes no actor.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the person is put on the watch list.")})
    if crisis_case is not None and crisis_case.resident_id not in (None, resident.pk):
        raise ValidationError(_("The crisis case is about another person."))
    now = timezone.now()
    review_on = first_review_on(timezone.localdate(now))
    entry = _active_entry_locked(resident.pk)
    if entry is None:
        entry = WatchListEntry(
            resident=resident,
            crisis_case=crisis_case,
            reason=reason,
            added_at=now,
            added_by=_actor_or_none(actor),
            review_on=review_on,
        )
        entry.full_clean(exclude=["resident", "crisis_case", "added_by"])
        try:
            with transaction.atomic():
                entry.save()
        except IntegrityError:
            # Another request put the person on the list a moment ago: refresh that entry instead.
            entry = _active_entry_locked(resident.pk)
            if entry is None:
                raise
        else:
            audit_record(
                actor=actor,
                action="watch.added",
                obj=entry,
                details={
                    "resident": resident.pk,
                    "crisis_case": crisis_case.pk if crisis_case is not None else None,
                    "review_on": review_on.isoformat(),
                },
            )
            return entry
    fields = []
    if crisis_case is not None and entry.crisis_case_id != crisis_case.pk:
        entry.crisis_case = crisis_case
        fields.append("crisis_case")
    if reason not in entry.reason:
        entry.reason = f"{entry.reason}\n{reason}" if entry.reason else reason
        fields.append("reason")
    if review_on < entry.review_on:
        entry.review_on = review_on
        fields.append("review_on")
    if fields:
        entry.full_clean(exclude=["resident", "crisis_case", "added_by"])
        entry.save(update_fields=fields)
        audit_record(
            actor=actor,
            action="watch.refreshed",
            obj=entry,
            details={
                "resident": resident.pk,
                "crisis_case": entry.crisis_case_id,
                "review_on": entry.review_on.isoformat(),
                "changed": sorted(fields),
            },
        )
    return entry


@transaction.atomic
def watch_entry_add(*, actor, resident, reason: str, review_on: date) -> WatchListEntry:
    """Put a person on the watch list by hand, with the reason and the first review date.

    Only clinical staff who handle alerts and work with the person's clinical content
    (``policy.can_add_to_watch_list``); the date is today or later and within a year; a person already on the
    list is reviewed there instead of being added twice.
    """
    if not policy.can_add_to_watch_list(actor, resident):
        raise PermissionDenied
    reason = (reason or "").strip()
    errors = {}
    if not reason:
        errors["reason"] = _("Say why the person is put on the watch list.")
    _check_review_date(review_on, errors, field="review_on", allow_today=True)
    if errors:
        raise ValidationError(errors)
    existing = _active_entry_locked(resident.pk)
    if existing is not None:
        raise ValidationError(
            _("%(name)s has been on the watch list since %(date)s: review the entry there instead.")
            % {"name": resident.name, "date": _day(timezone.localdate(existing.added_at))}
        )
    now = timezone.now()
    entry = WatchListEntry(
        resident=resident, reason=reason, added_at=now, added_by=actor, review_on=review_on
    )
    entry.full_clean(exclude=["resident", "crisis_case", "added_by"])
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError as exc:
        raise ValidationError(_("Someone has just put this person on the watch list.")) from exc
    audit_record(
        actor=actor,
        action="watch.added",
        obj=entry,
        details={"resident": resident.pk, "crisis_case": None, "review_on": review_on.isoformat()},
    )
    return entry


@transaction.atomic
def watch_entry_review(*, actor, entry: WatchListEntry, next_review_on: date, note: str) -> WatchListEntry:
    """Record a review of the person's situation now: what it found, and when to review next.

    Whoever the policy shows the entry to may review it; the entry must still be active, the note
    must say what the review found, and the next date must be after today (and within a year).
    The review is kept (encrypted) beside the entry, so the next reviewer reads what the last one
    saw; the entry keeps the dates the reminders run on.
    """
    if not policy.can_manage_watch_entry(actor, entry):
        raise PermissionDenied
    entry = _lock_active(entry)
    errors: dict = {}
    note = (note or "").strip()
    if not note:
        errors["note"] = [_("Say what the review found.")]
    _check_review_date(next_review_on, errors, field="next_review_on", allow_today=False)
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    previous = entry.review_on
    review = WatchReview(
        entry=entry,
        reviewed_at=now,
        reviewed_by=actor,
        was_due=previous,
        next_review_on=next_review_on,
        note=note,
    )
    review.full_clean(exclude=["entry", "reviewed_by"])
    review.save()
    entry.last_reviewed_at = now
    entry.review_on = next_review_on
    entry.save(update_fields=["last_reviewed_at", "review_on"])
    audit_record(
        actor=actor,
        action="watch.reviewed",
        obj=entry,
        details={
            "resident": entry.resident_id,
            "review": review.pk,
            "was_due": previous.isoformat(),
            "review_on": next_review_on.isoformat(),
        },
    )
    return entry


@transaction.atomic
def watch_entry_remove(*, actor, entry: WatchListEntry, reason: str) -> WatchListEntry:
    """Take the person off the watch list, with the reason.

    Refused while the person has an open alert or a crisis case that is not closed: the watch
    ends only once the crisis has. Whoever the policy shows the entry to may remove it.
    """
    if not policy.can_manage_watch_entry(actor, entry):
        raise PermissionDenied
    entry = _lock_active(entry)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the person no longer needs to be watched.")})
    resident_id = entry.resident_id
    if Alert.objects.filter(resident_id=resident_id, state__in=Alert.OPEN_STATES).exists():
        raise ValidationError(
            _("The person still has an open alert: resolve it before taking them off the watch list.")
        )
    if CrisisCase.objects.filter(resident_id=resident_id).exclude(status=CrisisCase.Status.CLOSED).exists():
        raise ValidationError(
            _("The person's crisis case is still open: close it before taking them off the watch list.")
        )
    entry.removed_at = timezone.now()
    entry.removed_reason = reason
    entry.full_clean(exclude=["resident", "crisis_case", "added_by"])
    entry.save(update_fields=["removed_at", "removed_reason"])
    audit_record(actor=actor, action="watch.removed", obj=entry, details={"resident": resident_id})
    return entry


def _lock_active(entry: WatchListEntry) -> WatchListEntry:
    """The entry's current row, locked; an entry removed meanwhile (another tab) is refused."""
    current = WatchListEntry.objects.select_for_update(of=("self",)).filter(pk=entry.pk).first()
    if current is None or current.removed_at is not None:
        raise ValidationError(_("This person is no longer on the watch list."))
    current.resident = entry.resident
    return current


def _check_review_date(value, errors: dict, *, field: str, allow_today: bool) -> None:
    today = timezone.localdate()
    if not isinstance(value, date):
        errors[field] = _("Give the date of the next review.")
    elif value < today or (value == today and not allow_today):
        errors[field] = (
            _("The review date cannot be in the past.")
            if allow_today
            else _("The next review must be after today.")
        )
    elif value > today + LONGEST_REVIEW_INTERVAL:
        errors[field] = _("Choose a review date within a year.")


def _day(value: date) -> str:
    return date_format(value, "SHORT_DATE_FORMAT")


# ---------------------------------------------------------------------------------------------
# Audited reads


# ---------------------------------------------------------------------------------------------
# Review reminders (the daily job ``watch_list.review_due``)


def _handles_alerts(user) -> bool:
    return user is not None and user.is_active and policy.has_permission(user, HANDLE_ALERTS)


def watch_review_recipients(entry: WatchListEntry) -> list:
    """Who is reminded of a review: the archive's responsible staff and the counsellor of the
    person's open case; if there is nobody, the nearest supervisors whose scope holds the person's
    unit, else the directors in scope. Only active staff who handle alerts."""
    from crisis.routing import ancestor_paths
    from workflow.models import Case

    resident = entry.resident
    team: dict[int, object] = {}
    archive = getattr(resident, "archive", None)
    if archive is not None:
        for user in archive.responsible.filter(is_active=True).order_by("pk"):
            if _handles_alerts(user):
                team.setdefault(user.pk, user)
    cases = Case.objects.filter(resident=resident, status=Case.Status.OPEN).select_related("counsellor")
    for case in cases.order_by("-opened_at", "-pk"):
        if _handles_alerts(case.counsellor):
            team.setdefault(case.counsellor_id, case.counsellor)
    if team:
        return list(team.values())
    paths = ancestor_paths(resident.org_unit)
    for role in (Role.SUPERVISOR, Role.DIRECTOR):
        staff = [
            user
            for user in get_user_model()
            .objects.filter(role=role, is_active=True, org_unit__path__in=paths)
            .select_related("org_unit")
            .order_by("pk")
            if _handles_alerts(user)
        ]
        if staff:
            nearest = max(len(user.org_unit.path) for user in staff)
            return [user for user in staff if len(user.org_unit.path) == nearest]
    return []


def _reminder_key(entry: WatchListEntry, today: date, user) -> str:
    return f"watch:{entry.pk}:review:{today.isoformat()}:{user.pk}"


def watch_reviews_remind_due(*, now: datetime | None = None) -> int:
    """Queue one outbox message per recipient for every active entry whose review is due today or
    overdue; returns how many were queued now. An entry is reminded once a day however often the
    job runs (the outbox's dedupe key names the entry, the day and the recipient), and again each
    day until someone reviews it. The message names no one and nothing clinical."""
    today = timezone.localdate(now or timezone.now())
    due = (
        WatchListEntry.objects.filter(removed_at__isnull=True, review_on__lte=today)
        .select_related("resident__org_unit", "resident__archive")
        .order_by("review_on", "pk")
    )
    link = absolute_reverse("crisis:watch_list")
    queued = 0
    for entry in due:
        recipients = watch_review_recipients(entry)
        keys = {user.pk: _reminder_key(entry, today, user) for user in recipients}
        already = set(
            Notification.objects.filter(dedupe_key__in=keys.values()).values_list("dedupe_key", flat=True)
        )
        overdue = entry.review_on < today
        for user in recipients:
            if keys[user.pk] in already:
                continue
            notification_queue(
                kind=Notification.Kind.OTHER,
                dedupe_key=keys[user.pk],
                subject=_("A watch-list review is overdue")
                if overdue
                else _("A watch-list review is due today"),
                body=_(
                    "Watch-list entry no. %(number)s is due for review (since %(date)s). "
                    "Open the watch list in Xinqiao: %(link)s"
                )
                % {"number": entry.pk, "date": entry.review_on.isoformat(), "link": link},
                recipient_user=user,
                related=entry,
            )
            queued += 1
    return queued
