"""Reads of activities, rosters, statistics and the parent school (PRG-1, PRG-7): one number,
one selector, used alike by the pages, the API, the export and the benchmark."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from archives.timeline import TimelineEntry
from confidentiality import policy
from lib.queries import count_many
from workflow.models import SatisfactionSurvey

from .models import Activity, AudienceGroup, CreditEntry, Family, Headcount, Registration, SchoolTarget

RStatus = Registration.Status


def with_counts(queryset):
    """Annotate confirmed (seat holders), waiting and requested counts, in the same query."""
    return queryset.annotate(
        n_confirmed=Count(
            "registrations", filter=Q(registrations__status__in=Registration.COUNTED), distinct=True
        ),
        n_waiting=Count(
            "registrations", filter=Q(registrations__status__in=Registration.WAITING), distinct=True
        ),
        n_requested=Count("registrations", filter=Q(registrations__status=RStatus.REQUESTED), distinct=True),
        n_present=Count(
            "registrations", filter=Q(registrations__status__in=Registration.PRESENT), distinct=True
        ),
    )


def activities_for_list(*, user, kind: str = "", status: str = "", query: str = ""):
    rows = policy.filter_for(user, Activity).select_related("site", "room", "organiser")
    if kind:
        rows = rows.filter(kind=kind)
    if status:
        rows = rows.filter(status=status)
    if query:
        rows = rows.filter(title__icontains=query)
    return with_counts(rows).order_by("-starts_at", "-pk")


def activity_for_page(*, user, pk) -> Activity:
    return policy.fetch_or_404(
        user,
        Activity,
        queryset=with_counts(
            Activity.objects.select_related("site__org_unit", "room", "speaker", "organiser")
        ),
        pk=pk,
    )


def roster(activity: Activity) -> dict:
    """The roster, seat holders first, then those waiting (in their order), then the rest."""
    rows = list(activity.registrations.select_related("resident", "family").order_by("created_at", "pk"))
    confirmed = [r for r in rows if r.status in Registration.COUNTED]
    waiting = sorted(
        (r for r in rows if r.status in Registration.WAITING), key=lambda r: (r.waitlisted_at, r.pk)
    )
    requested = [r for r in rows if r.status == RStatus.REQUESTED]
    others = [r for r in rows if r not in confirmed and r not in waiting and r not in requested]
    return {
        "confirmed": confirmed,
        "waiting": waiting,
        "requested": requested,
        "others": others,
        "present": sum(1 for r in rows if r.status in Registration.PRESENT),
        "headcounts": list(activity.headcounts.select_related("recorded_by")),
    }


def seats_summary(activity) -> str:
    """ "28/30 已确认 + 3 候补": confirmed and waiting shown apart (the counts annotated)."""
    confirmed, waiting = activity.n_confirmed, activity.n_waiting
    if activity.capacity is None:
        text = _("%(confirmed)s confirmed") % {"confirmed": confirmed}
    else:
        text = _("%(confirmed)s/%(capacity)s confirmed") % {
            "confirmed": confirmed,
            "capacity": activity.capacity,
        }
    if waiting:
        text += " + " + _("%(n)s waiting") % {"n": waiting}
    return text


def portal_activities(*, now: datetime | None = None):
    """What the portal lists: published activities that take names and have not ended."""
    now = now or timezone.now()
    return with_counts(
        Activity.objects.filter(
            status__in=(Activity.Status.PUBLISHED, Activity.Status.REGISTRATION_CLOSED), ends_at__gt=now
        )
        .exclude(registration_mode=Activity.Mode.INVITE)
        .select_related("site", "room")
    ).order_by("starts_at", "pk")


def activity_feedback(activity: Activity) -> dict:
    """The feedback answered about this activity's registrations (the satisfaction links)."""
    ids = [str(pk) for pk in activity.registrations.values_list("pk", flat=True)]
    surveys = SatisfactionSurvey.objects.filter(related_type="activities.registration", related_id__in=ids)
    answered = surveys.filter(answered_at__isnull=False)
    stats = answered.aggregate(
        n=Count("pk"), good=Count("pk", filter=Q(rating__gte=4)), avg=models.Avg("rating")
    )
    return {
        "issued": surveys.count(),
        "answered": stats["n"],
        "satisfied": stats["good"],
        "average": stats["avg"],
    }


# ---------------------------------------------------------------------------------------------
# The archive's timeline: attendance is not clinical content


def archive_activity_entries(resident, *, clinical: bool) -> list[TimelineEntry]:
    rows = (
        Registration.objects.filter(resident=resident, status__in=Registration.PRESENT)
        .select_related("activity")
        .order_by("activity__starts_at")
    )
    return [
        TimelineEntry(
            at=row.checked_in_at or row.activity.starts_at,
            kind="activity",
            title=_("Took part in the activity “%(title)s”") % {"title": row.activity.title},
            detail=row.activity.get_kind_display(),
        )
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------
# Statistics per type × audience × unit × month


@dataclass
class StatisticsRow:
    kind: str
    audience_group: str
    unit_id: int
    month: str  # "2026-05"
    sessions: int = 0
    person_times: int = 0  # 人次: attendances plus headcounts
    persons: int = 0  # 人数: distinct people named in the attendance
    people: set = field(default_factory=set, repr=False)


def person_key(resident_id, name_key: str, phone_index: str):
    """Who a person is for 人数: their archive when linked, else their name and phone."""
    return ("r", resident_id) if resident_id else ("p", name_key, phone_index)


HELD = (Activity.Status.HELD, Activity.Status.SUMMARISED)


def activity_statistics(
    *, user=None, activities=None, year: int | None = None, month: int | None = None
) -> dict:
    """Per (type, audience group, unit, month) of the activities held: sessions held, 人次
    (attendances plus headcounts) and 人数 (distinct named people). An activity counts as a
    session in each of its audience groups (declared, or met in its attendance or headcounts).
    Totals: sessions and 人次 add up; 人数 is distinct over the whole selection. Three queries,
    whatever the number of activities and registrations."""
    if activities is None:
        activities = policy.filter_statistics_activities(user, Activity.objects.all())
    activities = activities.filter(status__in=HELD)
    if year:
        activities = activities.filter(starts_at__year=year)
    if month:
        activities = activities.filter(starts_at__month=month)
    facts = {
        pk: (kind, unit_id, timezone.localtime(starts).strftime("%Y-%m"), groups or [])
        for pk, kind, unit_id, starts, groups in activities.values_list(
            "pk", "kind", "site__org_unit_id", "starts_at", "audience_groups"
        )
    }
    cells: dict[tuple, StatisticsRow] = {}
    sessions: dict[tuple, set] = defaultdict(set)

    def cell(activity_id: int, group: str) -> StatisticsRow:
        kind, unit_id, month_label, _groups = facts[activity_id]
        key = (kind, group, unit_id, month_label)
        if key not in cells:
            cells[key] = StatisticsRow(kind=kind, audience_group=group, unit_id=unit_id, month=month_label)
        sessions[key].add(activity_id)
        return cells[key]

    for activity_id, (_kind, _unit, _month, groups) in facts.items():
        for group in groups:
            cell(activity_id, group)
    everyone: set = set()
    present = Registration.objects.filter(
        activity__in=activities, status__in=Registration.PRESENT
    ).values_list("activity_id", "audience_group", "resident_id", "name_key", "phone_index")
    for activity_id, group, resident_id, name_key, phone_index in present.iterator(chunk_size=5000):
        row = cell(activity_id, group)
        row.person_times += 1
        person = person_key(resident_id, name_key, phone_index)
        row.people.add(person)
        everyone.add(person)
    for activity_id, group, count in Headcount.objects.filter(activity__in=activities).values_list(
        "activity_id", "audience_group", "count"
    ):
        cell(activity_id, group).person_times += count
    for key, row in cells.items():
        row.sessions = len(sessions[key])
        row.persons = len(row.people)
    rows = sorted(cells.values(), key=lambda r: (r.month, r.kind, r.audience_group, r.unit_id))
    return {
        "rows": rows,
        "sessions": len(facts),
        "person_times": sum(r.person_times for r in rows),
        "persons": len(everyone),
    }


def label_statistics(rows) -> list[StatisticsRow]:
    """Give the rows the words people read: type, audience group and unit name (one query)."""
    from orgs.models import OrgUnit

    units = dict(OrgUnit.objects.filter(pk__in={r.unit_id for r in rows}).values_list("pk", "name"))
    kinds, groups = dict(Activity.Kind.choices), dict(AudienceGroup.choices)
    for row in rows:
        row.kind_label = str(kinds.get(row.kind, row.kind))
        row.group_label = str(groups.get(row.audience_group, row.audience_group))
        row.unit_name = units.get(row.unit_id, "")
    return rows


# ---------------------------------------------------------------------------------------------
# The parent school


@dataclass
class FamilyProgress:
    family: Family
    year: int
    sessions: int
    hours: Decimal
    registered: int
    attendance_percent: int | None
    answered: int
    satisfaction_percent: int | None
    target: SchoolTarget

    @property
    def met(self) -> bool:
        """Every part of the target: sessions, hours, attendance, and satisfaction (which needs at
        least one answered feedback)."""
        t = self.target
        return (
            self.sessions >= t.sessions
            and self.hours >= t.hours
            and self.attendance_percent is not None
            and self.attendance_percent >= t.attendance_percent
            and self.satisfaction_percent is not None
            and self.satisfaction_percent >= t.satisfaction_percent
        )


def family_progress(family: Family, *, year: int | None = None) -> FamilyProgress:
    """A family's year (see ``families_progress``)."""
    return families_progress([family], year=year)[0]


def families_progress(families, *, year: int | None = None) -> list[FamilyProgress]:
    """The families' year, in five queries however many families: sessions and hours from each
    ledger; attendance = sessions attended of the held parent-school sessions the family was
    registered for; satisfaction = share of its answered feedback rated 4 or 5 stars."""
    year = year or timezone.localdate().year
    families = list(families)
    ids = [family.pk for family in families]
    ledgers = {
        row["family_id"]: row
        for row in CreditEntry.objects.filter(family__in=ids, year=year)
        .values("family_id")
        .annotate(n=Count("pk"), hours=models.Sum("hours"))
    }
    held = Registration.objects.filter(
        family__in=ids,
        activity__kind=Activity.Kind.PARENT_SCHOOL,
        activity__status__in=HELD,
        activity__starts_at__year=year,
        status__in=(*Registration.PRESENT, RStatus.NO_SHOW),
    ).values_list("pk", "family_id", "status")
    registered: dict[int, int] = defaultdict(int)
    attended: dict[int, int] = defaultdict(int)
    family_of: dict[str, int] = {}
    for pk, family_id, status in held:
        registered[family_id] += 1
        attended[family_id] += status in Registration.PRESENT
        family_of[str(pk)] = family_id
    answered: dict[int, int] = defaultdict(int)
    good: dict[int, int] = defaultdict(int)
    ratings = SatisfactionSurvey.objects.filter(
        related_type="activities.registration", related_id__in=list(family_of), answered_at__isnull=False
    ).values_list("related_id", "rating")
    for related_id, rating in ratings:
        answered[family_of[related_id]] += 1
        good[family_of[related_id]] += (rating or 0) >= 4
    targets = {
        t.school_id: t for t in SchoolTarget.objects.filter(school__in={f.school_id for f in families})
    }
    rows = []
    for family in families:
        ledger = ledgers.get(family.pk, {"n": 0, "hours": None})
        n_registered, n_answered = registered[family.pk], answered[family.pk]
        rows.append(
            FamilyProgress(
                family=family,
                year=year,
                sessions=ledger["n"],
                hours=ledger["hours"] or Decimal("0"),
                registered=n_registered,
                attendance_percent=round(100 * attended[family.pk] / n_registered) if n_registered else None,
                answered=n_answered,
                satisfaction_percent=round(100 * good[family.pk] / n_answered) if n_answered else None,
                # A school without a saved target has the defaults (4 sessions, 8 hours, 90 %, 90 %).
                target=targets.get(family.school_id) or SchoolTarget(school_id=family.school_id),
            )
        )
    return rows


def families_for_list(*, user):
    return policy.filter_for(user, Family).select_related("school").prefetch_related("students")


# ---------------------------------------------------------------------------------------------
# Work waiting, for the home page's card and the navigation's count (one number, one selector)


def registrations_awaiting_decision(*, user):
    """Registrations asking for approval, of activities the person works on."""
    return policy.filter_for(user, Registration).filter(
        status=RStatus.REQUESTED, activity__status__in=Activity.ACTIONS.states_allowing("edit")
    )


def organiser_summary(*, user, days: int = 14) -> dict:
    """The organiser's next two weeks: activities coming, requests to decide, people waiting."""
    now = timezone.now()
    coming = (
        policy.filter_for(user, Activity)
        .filter(starts_at__gte=now, starts_at__lt=now + timedelta(days=days))
        .exclude(status=Activity.Status.CANCELLED)
    )
    upcoming = list(with_counts(coming.select_related("site", "room")).order_by("starts_at")[:5])
    for activity in upcoming:
        activity.seats_text = seats_summary(activity)
    waiting = policy.filter_for(user, Registration).filter(
        status=RStatus.WAITLISTED, activity__starts_at__gte=now
    )
    counts = count_many(
        {"coming": coming, "requests": registrations_awaiting_decision(user=user), "waiting": waiting}
    )
    return {**counts, "upcoming": upcoming}


def school_target(school) -> SchoolTarget:
    """The school's yearly parent-school target: the saved one, or the defaults (4 sessions,
    8 hours, attendance and satisfaction at least 90 %) where none is saved."""
    return SchoolTarget.objects.filter(school=school).first() or SchoolTarget(school=school)


def schools_with_targets(schools) -> list[tuple]:
    """Each school with its target (saved or the defaults), in two queries however many schools."""
    schools = list(schools)
    saved = {t.school_id: t for t in SchoolTarget.objects.filter(school__in=schools)}
    return [(school, saved.get(school.pk) or SchoolTarget(school=school)) for school in schools]
