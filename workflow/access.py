"""Who sees and works on appointments, cases, follow-ups, hotline entries and feedback (SVC).

A case's counsellor and their supervisor join the client's archive team (SVC-2): this module
registers that with the archives' team sources, so the archive rules need not know about cases.
After a transfer the previous counsellor is no longer on the team, unless responsible for the
archive.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from archives.access import (
    WORKING_BASES,
    can_see_clinical,
    clinical_basis,
    filter_residents,
    register_team_source,
    team_archive_ids,
)
from archives.models import Resident
from confidentiality import policy
from confidentiality.policy import (
    has_permission,
    in_scope,
    is_active_staff,
    register_filters,
    sees_clinical_content,
)
from confidentiality.roles import Role
from notifications.access import register_related

from . import models as wf
from .models import Appointment, Case
from .permissions import (
    CASE_HOLDER_ROLES,
    LOG_HOTLINE,
    MANAGE_APPOINTMENTS,
    MANAGE_CASES,
    MANAGE_INSTITUTIONS,
    TRANSFER_CASES,
    VIEW_SERVICE_QUALITY,
)


def _case_team(user) -> models.Q:
    cases = Case.objects.filter(models.Q(counsellor=user) | models.Q(counsellor__supervisor=user))
    return models.Q(resident__in=cases.values("resident_id"))


def _case_basis(user, archive) -> str:
    cases = Case.objects.filter(resident_id=archive.resident_id)
    if cases.filter(counsellor=user).exists():
        return "case_counsellor"
    if cases.filter(counsellor__supervisor=user).exists():
        return "supervisor"
    return ""


register_team_source(_case_team, _case_basis)


@policy.rule
def filter_appointments(user, queryset):
    if not has_permission(user, MANAGE_APPOINTMENTS):
        return queryset.none()
    visible = (
        models.Q(counsellor=user)
        # The second staff member of a home visit goes there too, so sees it.
        | models.Q(companion=user)
        | models.Q(counsellor__supervisor=user)
        | models.Q(created_by=user)
        | models.Q(
            counsellor__isnull=True,
            status="requested",
            site__org_unit__path__startswith=user.org_unit.path,
        )
        | models.Q(resident__archive__pk__in=team_archive_ids(user))
    )
    if user.role == Role.DIRECTOR:
        visible |= models.Q(site__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


@policy.rule
def can_book_at_site(user, site) -> bool:
    return has_permission(user, MANAGE_APPOINTMENTS) and in_scope(user, site.org_unit)


@policy.rule
def filter_cases(user, queryset):
    if not sees_clinical_content(user):
        return queryset.none()
    return queryset.filter(resident__archive__pk__in=team_archive_ids(user))


@policy.rule
def can_work_on_case(user, case) -> bool:
    """Write to a case (intake, plan, sessions, referrals, closing): its counsellor, their
    supervisor, or the director with the client in scope."""
    if not has_permission(user, MANAGE_CASES):
        return False
    counsellor = case.counsellor
    if counsellor.pk == user.pk or counsellor.supervisor_id == user.pk:
        return True
    return user.role == Role.DIRECTOR and in_scope(user, case.resident.org_unit)


@policy.rule
def can_hold_cases(person) -> bool:
    """Whether a case can be given to this person at all: an active clinical case holder."""
    return (
        person is not None
        and is_active_staff(person)
        and person.role in CASE_HOLDER_ROLES
        and has_permission(person, MANAGE_CASES)
    )


@policy.rule
def can_assign_case_to(actor, counsellor, resident) -> bool:
    """One opens a case for oneself; a supervisor for someone they supervise; the director for
    any case holder in their scope, when the client is in their scope too."""
    if counsellor.pk == actor.pk or counsellor.supervisor_id == actor.pk:
        return True
    return (
        actor.role == Role.DIRECTOR
        and in_scope(actor, resident.org_unit)
        and in_scope(actor, counsellor.org_unit)
    )


@policy.rule
def filter_case_assignees(actor, queryset, *, resident=None):
    """The active case holders in ``queryset`` whom ``actor`` may give a case (of ``resident``,
    when known): ``can_assign_case_to`` as a query, for the choices of a form."""
    may = models.Q(pk=actor.pk) | models.Q(supervisor=actor)
    if (
        actor.role == Role.DIRECTOR
        and actor.org_unit_id
        and (resident is None or in_scope(actor, resident.org_unit))
    ):
        may |= models.Q(org_unit__path__startswith=actor.org_unit.path)
    return queryset.filter(may, is_active=True, role__in=CASE_HOLDER_ROLES)


@policy.rule
def can_open_case_for(actor, resident) -> bool:
    """Opening a case makes its counsellor part of the archive's team (and so a reader of every
    earlier case and session), so it is for those already on the team, or for anyone who may see
    the resident while nobody has ever taken them on (no responsible staff, no case, open or
    closed). The rule holds however the case is opened, from the archive or from an appointment:
    booking an appointment must not be a way onto someone else's client's team. A client in
    someone's care reaches another counsellor through a transfer or the archive manager."""
    if not has_permission(actor, MANAGE_CASES):
        return False
    if not filter_residents(actor, Resident.objects.filter(pk=resident.pk)).exists():
        return False
    archive = resident.archive
    if can_see_clinical(actor, archive):
        return True
    taken = archive.responsible.exists() or Case.objects.filter(resident=resident).exists()
    return not taken


@policy.rule
def can_keep_private_note(user, session) -> bool:
    """Process notes are kept by the clinician doing the work: the session's recorder or the case's
    counsellor, while they may work on the case. Supervisors and the director keep none on others'
    sessions, and nobody reads anyone else's (``filter_private_notes``)."""
    if not is_active_staff(user):
        return False
    if user.pk not in (session.recorded_by_id, session.case.counsellor_id):
        return False
    return can_work_on_case(user, session.case)


@policy.rule
def filter_transfer_targets(actor, queryset):
    """The active case holders in the transferring person's scope (a transfer's choices)."""
    if not is_active_staff(actor) or actor.org_unit_id is None:
        return queryset.none()
    return queryset.filter(
        is_active=True, role__in=CASE_HOLDER_ROLES, org_unit__path__startswith=actor.org_unit.path
    )


@policy.rule
def counts_toward_home_visit(person) -> bool:
    """Who counts towards the people of a home visit: active staff, and a volunteer only when
    XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS is on."""
    if not is_active_staff(person):
        return False
    return person.role != Role.VOLUNTEER or settings.XINQIAO_HOME_VISIT_VOLUNTEER_COUNTS


@policy.rule
def can_transfer_case_to(actor, counsellor) -> bool:
    """A case goes only to a counsellor in the transferring person's unit or below."""
    return in_scope(actor, counsellor.org_unit)


@policy.rule
def can_transfer_case(user, case) -> bool:
    return has_permission(user, TRANSFER_CASES) and can_work_on_case(user, case)


@policy.rule
def filter_case_children(user, queryset):
    """Rows that belong to one case (sessions, plans, intakes, referrals, transfers)."""
    return queryset.filter(case__in=filter_cases(user, Case.objects.all()))


@policy.rule
def filter_private_notes(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    return queryset.filter(author=user)


@policy.rule
def filter_follow_ups(user, queryset):
    """A person's own follow-ups, and those about clients whose archive team they are on."""
    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(assignee=user)
    if sees_clinical_content(user):
        visible |= models.Q(resident__archive__pk__in=team_archive_ids(user))
        visible |= models.Q(assignee__supervisor=user)
    return queryset.filter(visible)


@policy.rule
def can_plan_follow_up(user, resident) -> bool:
    """Plan a follow-up for a client: clinical staff on the archive's team by role or assignment."""
    return has_permission(user, MANAGE_CASES) and clinical_basis(user, resident.archive) in WORKING_BASES


@policy.rule
def can_work_on_follow_up(user, task) -> bool:
    """Complete, reassign or cancel a follow-up: its assignee, the assignee's supervisor, whoever
    may work on its case, and the client's archive team by role or assignment."""
    if not has_permission(user, MANAGE_CASES):
        return False
    if task.assignee_id is not None and (
        task.assignee_id == user.pk or task.assignee.supervisor_id == user.pk
    ):
        return True
    if task.case_id is not None and can_work_on_case(user, task.case):
        return True
    return can_plan_follow_up(user, task.resident)


@policy.rule
def filter_hotline_entries(user, queryset):
    """Hotline entries: their recorder, the recorder's supervisor, the director for recorders in
    scope, and the team of a linked client."""
    if not has_permission(user, LOG_HOTLINE):
        return queryset.none()
    visible = (
        models.Q(recorded_by=user)
        | models.Q(recorded_by__supervisor=user)
        | models.Q(resident__archive__pk__in=team_archive_ids(user))
    )
    if user.role == Role.DIRECTOR:
        visible |= models.Q(recorded_by__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


@policy.rule
def annotate_hotline_links(user, queryset):
    """An entry may be seen by someone (the recorder's supervisor, the director) who may not see
    the resident or case it is linked to: mark each link as visible or not, in the same query, so
    pages name the person only to those the policy lets see them."""
    residents = filter_residents(user, Resident.objects.filter(pk=models.OuterRef("resident_id")))
    cases = filter_cases(user, Case.objects.filter(pk=models.OuterRef("case_id")))
    return queryset.annotate(resident_visible=models.Exists(residents), case_visible=models.Exists(cases))


@policy.rule
def filter_satisfaction_surveys(user, queryset):
    """Answers are seen with the case; supervisors and directors also see their team's answers
    for quality work (QUA-1)."""
    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(case__in=filter_cases(user, Case.objects.all())) | models.Q(counsellor=user)
    if has_permission(user, VIEW_SERVICE_QUALITY):
        visible |= models.Q(counsellor__supervisor=user)
        if user.role == Role.DIRECTOR:
            visible |= models.Q(counsellor__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


@policy.rule
def can_collect_satisfaction(user, *, case=None, appointment=None) -> bool:
    """Issue a feedback link, show its QR code or enter paper feedback for a service: whoever
    works on the case, or for an appointment without a case, whoever sees the appointment. A
    reader of the case (an access grant) never: the link is the client's, to be used once."""
    if case is not None:
        return can_work_on_case(user, case)
    if appointment is None:
        return False
    return filter_appointments(user, Appointment.objects.filter(pk=appointment.pk)).exists()


@policy.rule
def satisfaction_collectable_ids(user, surveys) -> set[int]:
    """Of these surveys, the ids whose service the person may collect feedback for, in at most one
    query (cases are answered from their loaded counsellor and client)."""
    surveys = list(surveys)
    ids = {s.pk for s in surveys if s.case_id is not None and can_work_on_case(user, s.case)}
    by_appointment = {s.appointment_id: s.pk for s in surveys if s.case_id is None and s.appointment_id}
    if by_appointment:
        seen = filter_appointments(user, Appointment.objects.filter(pk__in=list(by_appointment)))
        ids |= {by_appointment[pk] for pk in seen.values_list("pk", flat=True)}
    return ids


@policy.rule
def filter_institutions(user, queryset):
    if has_permission(user, MANAGE_CASES) or has_permission(user, MANAGE_INSTITUTIONS):
        return queryset
    return queryset.none()


@policy.rule
def can_manage_institutions(user) -> bool:
    return has_permission(user, MANAGE_INSTITUTIONS)


register_filters(
    {
        wf.Appointment: filter_appointments,
        wf.Case: filter_cases,
        wf.Intake: filter_case_children,
        wf.ServicePlan: filter_case_children,
        wf.SessionRecord: filter_case_children,
        wf.Referral: filter_case_children,
        wf.CaseTransfer: filter_case_children,
        wf.CaseAssessment: filter_case_children,
        wf.PrivateNote: filter_private_notes,
        wf.FollowUpTask: filter_follow_ups,
        wf.HotlineEntry: filter_hotline_entries,
        wf.SatisfactionSurvey: filter_satisfaction_surveys,
        wf.Institution: filter_institutions,
    }
)

# Messages about these rows are seen by those who see the row.
register_related(wf.Appointment, filter_appointments)
register_related(wf.SatisfactionSurvey, filter_satisfaction_surveys)
register_related(wf.FollowUpTask, filter_follow_ups)
