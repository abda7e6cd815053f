"""The access policy (CONF-2): the one place that decides who may see and do what.

Three things decide: the person's role (which permissions it holds, declared per domain in each
app's ``permissions.py``), their organisation-unit scope (their unit and every unit below it),
and, for clinical content, case assignment (added by the archive and case domains).

* ``has_permission`` / ``require_permission`` answer "may this role do this at all".
* ``can_*`` answer for one object.
* ``filter_*`` narrow a queryset to what the person may see.
* ``fetch_or_404`` is how every view and API endpoint loads an object: an object that exists
  but is out of reach raises the same 404 as one that does not exist, and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from accounts.permissions import MANAGE_USERS, VIEW_STAFF_DIRECTORY
from accounts.roles import CLINICAL_ROLES, Role
from orgs.models import OrgUnit, ServiceSite
from orgs.permissions import MANAGE_ORG_TREE, MANAGE_SITES, VIEW_ORG_TREE

from .models import AuditEntry
from .permissions import REGISTRY, VIEW_AUDIT_LOG, Permission

# ---------------------------------------------------------------------------------------------
# Roles and permissions


def is_active_staff(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active and getattr(user, "role", ""))


def has_permission(user, permission: Permission | str) -> bool:
    if isinstance(permission, str):
        permission = REGISTRY[permission]
    return is_active_staff(user) and user.role in permission.roles


def require_permission(user, permission: Permission | str) -> None:
    """For pages that are forbidden as a whole (403); single objects go through fetch_or_404."""
    if not has_permission(user, permission):
        raise PermissionDenied


def permissions_of(user) -> set[str]:
    return {code for code, permission in REGISTRY.items() if has_permission(user, permission)}


def sees_clinical_content(user) -> bool:
    """Whether the role may see clinical content at all (case assignment narrows it further)."""
    return is_active_staff(user) and user.role in CLINICAL_ROLES


# ---------------------------------------------------------------------------------------------
# Scope: a person sees their own organisation unit and every unit below it.


def scope_units(user) -> models.QuerySet[OrgUnit]:
    if not is_active_staff(user) or user.org_unit_id is None:
        return OrgUnit.objects.none()
    root = user.org_unit
    return OrgUnit.objects.filter(path__startswith=root.path)


def in_scope(user, unit: OrgUnit | None) -> bool:
    if unit is None or not is_active_staff(user) or user.org_unit_id is None:
        return False
    return unit.path.startswith(user.org_unit.path)


# ---------------------------------------------------------------------------------------------
# Organisation tree and sites (ORG-1, ORG-2)


def filter_org_units(user, queryset: models.QuerySet[OrgUnit]) -> models.QuerySet[OrgUnit]:
    if not has_permission(user, VIEW_ORG_TREE):
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(path__startswith=user.org_unit.path)


def can_manage_org_units(user) -> bool:
    return has_permission(user, MANAGE_ORG_TREE)


def filter_service_sites(user, queryset: models.QuerySet[ServiceSite]) -> models.QuerySet[ServiceSite]:
    if not has_permission(user, VIEW_ORG_TREE):
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(org_unit__path__startswith=user.org_unit.path)


def can_manage_sites(user) -> bool:
    return has_permission(user, MANAGE_SITES)


def can_manage_site(user, site: ServiceSite) -> bool:
    if not can_manage_sites(user):
        return False
    return user.role == Role.ADMIN or in_scope(user, site.org_unit)


# ---------------------------------------------------------------------------------------------
# Staff accounts


def filter_users(user, queryset):
    """The administrator sees every account; a director sees staff in scope; others only self."""
    if not is_active_staff(user):
        return queryset.none()
    if has_permission(user, MANAGE_USERS):
        return queryset
    if has_permission(user, VIEW_STAFF_DIRECTORY):
        return queryset.filter(org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(pk=user.pk)


def can_manage_users(user) -> bool:
    return has_permission(user, MANAGE_USERS)


def can_manage_user(user, target) -> bool:
    return can_manage_users(user) and target is not None


# ---------------------------------------------------------------------------------------------
# Audit log (CONF-6)


def filter_audit_entries(user, queryset: models.QuerySet[AuditEntry]) -> models.QuerySet[AuditEntry]:
    if not has_permission(user, VIEW_AUDIT_LOG):
        return queryset.none()
    return queryset


# ---------------------------------------------------------------------------------------------
# Residents and archives (ARC, CONF-2/3/4)
#
# Basic information: roles with VIEW_RESIDENTS see residents in their scope. Clinical content:
# a clinical role sees it for an archive when they are responsible for it, supervise someone who
# is, are the director with the resident in scope, or hold an unexpired access grant (approved
# request or break-the-glass). A grant also opens the basic information outside scope.


def _active_grants(user):
    from django.utils import timezone

    from .models import AccessGrant

    return AccessGrant.objects.filter(
        requester=user, status=AccessGrant.Status.APPROVED, expires_at__gt=timezone.now()
    )


def _team_archive_ids(user):
    """Archives whose clinical content this person sees by role, assignment or grant."""
    from archives.models import Archive

    if not sees_clinical_content(user):
        return Archive.objects.none().values("pk")
    from workflow.models import Case

    team = models.Q(responsible=user) | models.Q(responsible__supervisor=user)
    team |= models.Q(pk__in=_active_grants(user).values("archive_id"))
    # A case's counsellor (and their supervisor) join the archive's team (SVC-2). After a
    # transfer the previous counsellor is no longer on it, unless responsible for the archive.
    cases = Case.objects.filter(models.Q(counsellor=user) | models.Q(counsellor__supervisor=user))
    team |= models.Q(resident__in=cases.values("resident_id"))
    if user.role == Role.DIRECTOR:
        team |= models.Q(resident__org_unit__path__startswith=user.org_unit.path)
    return Archive.objects.filter(team).values("pk")


def filter_residents(user, queryset):
    from archives.permissions import VIEW_RESIDENTS

    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(archive__pk__in=_team_archive_ids(user))
    if has_permission(user, VIEW_RESIDENTS):
        visible |= models.Q(org_unit__path__startswith=user.org_unit.path)
    elif not sees_clinical_content(user):
        return queryset.none()
    return queryset.filter(visible)


def filter_archives(user, queryset):
    from archives.models import Resident

    return queryset.filter(resident__in=filter_residents(user, Resident.objects.all()).values("pk"))


def filter_clinical_archives(user, queryset):
    """Archives whose clinical content (risk level, assessments, sessions…) this person sees."""
    return queryset.filter(pk__in=_team_archive_ids(user))


def filter_clinical_residents(user, queryset):
    """Residents the person sees whose archive's clinical content they see too."""
    from archives.models import Archive

    archives = filter_clinical_archives(user, Archive.objects.all())
    return filter_residents(user, queryset).filter(archive__pk__in=archives.values("pk"))


def can_search_residents(user) -> bool:
    """Searching the resident register: those who may see residents, and clinical staff (who find
    the people of their caseload)."""
    from archives.permissions import VIEW_RESIDENTS

    return has_permission(user, VIEW_RESIDENTS) or sees_clinical_content(user)


def can_see_clinical(user, archive) -> bool:
    from archives.models import Archive

    return filter_clinical_archives(user, Archive.objects.filter(pk=archive.pk)).exists()


def clinical_basis(user, archive) -> str:
    """Why this person sees the archive's clinical content ('' if they do not), for the audit log."""
    from workflow.models import Case

    if not sees_clinical_content(user):
        return ""
    if archive.responsible.filter(pk=user.pk).exists():
        return "responsible"
    if archive.responsible.filter(supervisor=user).exists():
        return "supervisor"
    cases = Case.objects.filter(resident_id=archive.resident_id)
    if cases.filter(counsellor=user).exists():
        return "case_counsellor"
    if cases.filter(counsellor__supervisor=user).exists():
        return "supervisor"
    if user.role == Role.DIRECTOR and in_scope(user, archive.resident.org_unit):
        return "director"
    grant = _active_grants(user).filter(archive=archive).order_by("-expires_at").first()
    if grant is not None:
        return "break_glass" if grant.kind == grant.Kind.BREAK_GLASS else "access_grant"
    return ""


def can_manage_archive(user, archive) -> bool:
    from archives.permissions import MANAGE_ARCHIVES

    return has_permission(user, MANAGE_ARCHIVES) and in_scope(user, archive.resident.org_unit)


def filter_access_grants(user, queryset):
    """Requests a person made, plus those an approver may decide (archives in their scope)."""
    from archives.permissions import DECIDE_ACCESS, REVIEW_BREAK_GLASS

    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(requester=user)
    if has_permission(user, DECIDE_ACCESS) or has_permission(user, REVIEW_BREAK_GLASS):
        visible |= models.Q(archive__resident__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


def filter_assessments(user, queryset):
    """Assessments are clinical content: visible with the archive's clinical content only."""
    from archives.models import Archive

    return queryset.filter(resident__archive__in=filter_clinical_archives(user, Archive.objects.all()))


def can_see_campaign_positives(user) -> bool:
    """The named list of a campaign's positive results (with bands and flags) is clinical: for
    those who run campaigns and see clinical content. A project lead who runs a campaign sees
    its distribution, not the people."""
    from assessments.permissions import MANAGE_CAMPAIGNS

    return has_permission(user, MANAGE_CAMPAIGNS) and sees_clinical_content(user)


def filter_campaigns(user, queryset):
    """Campaigns whose target units are all in the person's scope (campaign managers only)."""
    from assessments.permissions import MANAGE_CAMPAIGNS

    if not has_permission(user, MANAGE_CAMPAIGNS):
        return queryset.none()
    units_outside = OrgUnit.objects.exclude(path__startswith=user.org_unit.path)
    outside = queryset.model.objects.filter(target_units__in=units_outside).values("pk")
    return queryset.exclude(pk__in=outside)


def filter_campaign_reports(user, queryset):
    """Campaigns whose report this person may open: managers' campaigns in full, and for those
    with the summary permission the campaigns that reach their own unit."""
    from assessments.permissions import VIEW_SCREENING_SUMMARY

    if has_permission(user, "assessments.manage_campaigns"):
        return filter_campaigns(user, queryset)
    if not has_permission(user, VIEW_SCREENING_SUMMARY):
        return queryset.none()
    mine = user.org_unit.path
    reaching = [
        campaign_id
        for campaign_id, path in queryset.values_list("pk", "target_units__path")
        if path and (mine.startswith(path) or path.startswith(mine))
    ]
    return queryset.filter(pk__in=reaching)


# ---------------------------------------------------------------------------------------------
# Duty roster (ORG-3)


def filter_duty_shifts(user, queryset):
    from orgs.permissions import VIEW_ROSTER

    if not has_permission(user, VIEW_ROSTER):
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(room__site__org_unit__path__startswith=user.org_unit.path)


def filter_duty_exceptions(user, queryset):
    """Leave is personal: a person sees their own, roster managers see those in scope."""
    from orgs.permissions import MANAGE_ROSTER, VIEW_ROSTER

    if not has_permission(user, VIEW_ROSTER):
        return queryset.none()
    if has_permission(user, MANAGE_ROSTER):
        if user.role == Role.ADMIN:
            return queryset
        return queryset.filter(
            models.Q(counsellor__org_unit__path__startswith=user.org_unit.path)
            | models.Q(room__site__org_unit__path__startswith=user.org_unit.path)
            | models.Q(counsellor__isnull=True, room__isnull=True)
        )
    return queryset.filter(models.Q(counsellor=user) | models.Q(counsellor__isnull=True))


def can_manage_roster(user) -> bool:
    from orgs.permissions import MANAGE_ROSTER

    return has_permission(user, MANAGE_ROSTER)


# ---------------------------------------------------------------------------------------------
# Service workflow (SVC)
#
# A case, its intake, plans, sessions, referrals and satisfaction answers are clinical content of
# the client's archive: the archive's team sees them (responsible staff, the case counsellor, their
# supervisor, the director in scope, holders of a grant). Working on a case (writing) is for its
# counsellor, their supervisor and the director in scope; a grant only lets one read.
# Private process notes are their author's alone: no role, grant or supervisor sees them.
# Appointments show who asked for help: the assigned counsellor, their supervisor, the director in
# scope and the archive's team see them; a request nobody has taken yet is open to every
# appointment keeper of the site's units while it waits, so that it can be picked up.


def filter_appointments(user, queryset):
    from workflow.permissions import MANAGE_APPOINTMENTS

    if not has_permission(user, MANAGE_APPOINTMENTS):
        return queryset.none()
    visible = (
        models.Q(counsellor=user)
        | models.Q(counsellor__supervisor=user)
        | models.Q(created_by=user)
        | models.Q(
            counsellor__isnull=True,
            status="requested",
            site__org_unit__path__startswith=user.org_unit.path,
        )
        | models.Q(resident__archive__pk__in=_team_archive_ids(user))
    )
    if user.role == Role.DIRECTOR:
        visible |= models.Q(site__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


def can_book_at_site(user, site) -> bool:
    from workflow.permissions import MANAGE_APPOINTMENTS

    return has_permission(user, MANAGE_APPOINTMENTS) and in_scope(user, site.org_unit)


def filter_cases(user, queryset):
    if not sees_clinical_content(user):
        return queryset.none()
    return queryset.filter(resident__archive__pk__in=_team_archive_ids(user))


def can_work_on_case(user, case) -> bool:
    """Write to a case (intake, plan, sessions, referrals, closing): its counsellor, their
    supervisor, or the director with the client in scope."""
    from workflow.permissions import MANAGE_CASES

    if not has_permission(user, MANAGE_CASES):
        return False
    counsellor = case.counsellor
    if counsellor.pk == user.pk or counsellor.supervisor_id == user.pk:
        return True
    return user.role == Role.DIRECTOR and in_scope(user, case.resident.org_unit)


def can_hold_cases(person) -> bool:
    """Whether a case can be given to this person at all: an active clinical case holder."""
    from workflow.permissions import CASE_HOLDER_ROLES, MANAGE_CASES

    return (
        person is not None
        and is_active_staff(person)
        and person.role in CASE_HOLDER_ROLES
        and has_permission(person, MANAGE_CASES)
    )


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


def filter_case_assignees(actor, queryset, *, resident=None):
    """The active case holders in ``queryset`` whom ``actor`` may give a case (of ``resident``,
    when known): ``can_assign_case_to`` as a query, for the choices of a form."""
    from workflow.permissions import CASE_HOLDER_ROLES

    may = models.Q(pk=actor.pk) | models.Q(supervisor=actor)
    if (
        actor.role == Role.DIRECTOR
        and actor.org_unit_id
        and (resident is None or in_scope(actor, resident.org_unit))
    ):
        may |= models.Q(org_unit__path__startswith=actor.org_unit.path)
    return queryset.filter(may, is_active=True, role__in=CASE_HOLDER_ROLES)


def can_open_case_for(actor, resident) -> bool:
    """Opening a case makes its counsellor part of the archive's team (and so a reader of every
    earlier case and session), so it is for those already on the team, or for anyone who may see
    the resident while nobody has ever taken them on (no responsible staff, no case, open or
    closed). The rule holds however the case is opened, from the archive or from an appointment:
    booking an appointment must not be a way onto someone else's client's team. A client in
    someone's care reaches another counsellor through a transfer or the archive manager."""
    from archives.models import Resident
    from workflow.models import Case
    from workflow.permissions import MANAGE_CASES

    if not has_permission(actor, MANAGE_CASES):
        return False
    if not filter_residents(actor, Resident.objects.filter(pk=resident.pk)).exists():
        return False
    archive = resident.archive
    if can_see_clinical(actor, archive):
        return True
    taken = archive.responsible.exists() or Case.objects.filter(resident=resident).exists()
    return not taken


def can_keep_private_note(user, session) -> bool:
    """Process notes are kept by the clinician doing the work: the session's recorder or the case's
    counsellor, while they may work on the case. Supervisors and the director keep none on others'
    sessions, and nobody reads anyone else's (``filter_private_notes``)."""
    if not is_active_staff(user):
        return False
    if user.pk not in (session.recorded_by_id, session.case.counsellor_id):
        return False
    return can_work_on_case(user, session.case)


def can_transfer_case(user, case) -> bool:
    from workflow.permissions import TRANSFER_CASES

    return has_permission(user, TRANSFER_CASES) and can_work_on_case(user, case)


def filter_case_children(user, queryset):
    """Rows that belong to one case (sessions, plans, intakes, referrals, transfers)."""
    from workflow.models import Case

    return queryset.filter(case__in=filter_cases(user, Case.objects.all()))


def filter_private_notes(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    return queryset.filter(author=user)


def filter_follow_ups(user, queryset):
    """A person's own follow-ups, and those about clients whose archive team they are on."""
    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(assignee=user)
    if sees_clinical_content(user):
        visible |= models.Q(resident__archive__pk__in=_team_archive_ids(user))
        visible |= models.Q(assignee__supervisor=user)
    return queryset.filter(visible)


# Bases of clinical access that let one act, not only read: an access grant lets one read.
WORKING_BASES = frozenset({"responsible", "supervisor", "case_counsellor", "director"})


def can_plan_follow_up(user, resident) -> bool:
    """Plan a follow-up for a client: clinical staff on the archive's team by role or assignment."""
    from workflow.permissions import MANAGE_CASES

    return has_permission(user, MANAGE_CASES) and clinical_basis(user, resident.archive) in WORKING_BASES


def can_work_on_follow_up(user, task) -> bool:
    """Complete, reassign or cancel a follow-up: its assignee, the assignee's supervisor, whoever
    may work on its case, and the client's archive team by role or assignment."""
    from workflow.permissions import MANAGE_CASES

    if not has_permission(user, MANAGE_CASES):
        return False
    if task.assignee_id is not None and (
        task.assignee_id == user.pk or task.assignee.supervisor_id == user.pk
    ):
        return True
    if task.case_id is not None and can_work_on_case(user, task.case):
        return True
    return can_plan_follow_up(user, task.resident)


def filter_hotline_entries(user, queryset):
    """Hotline entries: their recorder, the recorder's supervisor, the director for recorders in
    scope, and the team of a linked client."""
    from workflow.permissions import LOG_HOTLINE

    if not has_permission(user, LOG_HOTLINE):
        return queryset.none()
    visible = (
        models.Q(recorded_by=user)
        | models.Q(recorded_by__supervisor=user)
        | models.Q(resident__archive__pk__in=_team_archive_ids(user))
    )
    if user.role == Role.DIRECTOR:
        visible |= models.Q(recorded_by__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


def annotate_hotline_links(user, queryset):
    """An entry may be seen by someone (the recorder's supervisor, the director) who may not see
    the resident or case it is linked to: mark each link as visible or not, in the same query, so
    pages name the person only to those the policy lets see them."""
    from archives.models import Resident
    from workflow.models import Case

    residents = filter_residents(user, Resident.objects.filter(pk=models.OuterRef("resident_id")))
    cases = filter_cases(user, Case.objects.filter(pk=models.OuterRef("case_id")))
    return queryset.annotate(resident_visible=models.Exists(residents), case_visible=models.Exists(cases))


def filter_satisfaction_surveys(user, queryset):
    """Answers are seen with the case; supervisors and directors also see their team's answers
    for quality work (QUA-1)."""
    from workflow.models import Case
    from workflow.permissions import VIEW_SERVICE_QUALITY

    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(case__in=filter_cases(user, Case.objects.all())) | models.Q(counsellor=user)
    if has_permission(user, VIEW_SERVICE_QUALITY):
        visible |= models.Q(counsellor__supervisor=user)
        if user.role == Role.DIRECTOR:
            visible |= models.Q(counsellor__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


def can_collect_satisfaction(user, *, case=None, appointment=None) -> bool:
    """Issue a feedback link, show its QR code or enter paper feedback for a service: whoever
    works on the case, or for an appointment without a case, whoever sees the appointment. A
    reader of the case (an access grant) never: the link is the client's, to be used once."""
    from workflow.models import Appointment

    if case is not None:
        return can_work_on_case(user, case)
    if appointment is None:
        return False
    return filter_appointments(user, Appointment.objects.filter(pk=appointment.pk)).exists()


def satisfaction_collectable_ids(user, surveys) -> set[int]:
    """Of these surveys, the ids whose service the person may collect feedback for, in at most one
    query (cases are answered from their loaded counsellor and client)."""
    from workflow.models import Appointment

    surveys = list(surveys)
    ids = {s.pk for s in surveys if s.case_id is not None and can_work_on_case(user, s.case)}
    by_appointment = {s.appointment_id: s.pk for s in surveys if s.case_id is None and s.appointment_id}
    if by_appointment:
        seen = filter_appointments(user, Appointment.objects.filter(pk__in=list(by_appointment)))
        ids |= {by_appointment[pk] for pk in seen.values_list("pk", flat=True)}
    return ids


def filter_institutions(user, queryset):
    from workflow.permissions import MANAGE_CASES, MANAGE_INSTITUTIONS

    if has_permission(user, MANAGE_CASES) or has_permission(user, MANAGE_INSTITUTIONS):
        return queryset
    return queryset.none()


def can_manage_institutions(user) -> bool:
    from workflow.permissions import MANAGE_INSTITUTIONS

    return has_permission(user, MANAGE_INSTITUTIONS)


# ---------------------------------------------------------------------------------------------
# Crisis early warning (CRI)
#
# An alert names a person at risk, so it is clinical. Those who must be able to act see it: its
# owner and whoever it was escalated to, the archive's team, and clinical staff whose scope holds
# the alert's organisation unit (someone on duty must never be kept from a red alert by case
# assignment). Concern reports: the reporter sees only their own, and never what came of them.


def filter_alerts(user, queryset):
    from crisis.permissions import HANDLE_ALERTS

    if not has_permission(user, HANDLE_ALERTS):
        return queryset.none()
    visible = (
        models.Q(owner=user)
        | models.Q(events__to_user=user)
        | models.Q(org_unit__path__startswith=user.org_unit.path)
        | models.Q(resident__archive__pk__in=_team_archive_ids(user))
    )
    return queryset.filter(visible).distinct()


def can_handle_alert(user, alert) -> bool:
    from crisis.models import Alert

    return filter_alerts(user, Alert.objects.filter(pk=alert.pk)).exists()


def filter_alert_handlers(alert, queryset):
    """The staff in ``queryset`` who may handle ``alert``: ``filter_alerts`` read the other way
    round (the owner, those it was escalated or assigned to, staff whose unit holds the alert's
    unit, and the clinical team of the person's archive). Whom an alert can be given to."""
    from django.utils import timezone

    from archives.models import Archive
    from crisis.permissions import HANDLE_ALERTS

    from .models import AccessGrant

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


def filter_crisis_cases(user, queryset):
    """A crisis case is seen with its alert."""
    from crisis.models import Alert

    return queryset.filter(alert__in=filter_alerts(user, Alert.objects.all()))


def filter_crisis_children(user, queryset):
    """Rows of one crisis case (safety plans, actions, checks)."""
    from crisis.models import CrisisCase

    return queryset.filter(crisis_case__in=filter_crisis_cases(user, CrisisCase.objects.all()))


def can_review_crisis_case(user, crisis_case, *, visible: bool | None = None) -> bool:
    """A requested closing is confirmed by a supervisor or the director who sees the case — never
    by its owner or by the person who asked to close it. ``visible`` spares the visibility query
    for rows that already came through ``filter_crisis_cases``."""
    from crisis.models import CrisisCase
    from crisis.permissions import REVIEW_CRISIS_CASES

    if crisis_case.status != CrisisCase.Status.AWAITING_REVIEW or not has_permission(
        user, REVIEW_CRISIS_CASES
    ):
        return False
    if user.pk in (crisis_case.owner_id, crisis_case.close_requested_by_id):
        return False
    return visible if visible is not None else can_handle_alert(user, crisis_case.alert)


def can_flag_risk(user, resident) -> bool:
    """A counsellor's risk flag needs FLAG_RISK and the resident's clinical content in sight."""
    from crisis.permissions import FLAG_RISK

    archive = getattr(resident, "archive", None)
    return archive is not None and has_permission(user, FLAG_RISK) and can_see_clinical(user, archive)


def can_add_to_watch_list(user, resident) -> bool:
    """Adding someone by hand: clinical staff who handle alerts and work with the person's
    clinical content by role or assignment (an access grant lets one read, not act)."""
    from crisis.permissions import HANDLE_ALERTS

    if not has_permission(user, HANDLE_ALERTS):
        return False
    archive = getattr(resident, "archive", None)
    return archive is not None and clinical_basis(user, archive) in WORKING_BASES


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


def filter_watch_entries(user, queryset):
    """The watch list: clinical staff who handle alerts, for people in their scope or on their team."""
    from crisis.permissions import HANDLE_ALERTS

    if not has_permission(user, HANDLE_ALERTS):
        return queryset.none()
    return queryset.filter(
        models.Q(resident__org_unit__path__startswith=user.org_unit.path)
        | models.Q(resident__archive__pk__in=_team_archive_ids(user))
    )


def filter_concern_reports(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    return queryset.filter(reporter=user)


def can_manage_alert_rules(user) -> bool:
    from crisis.permissions import MANAGE_ALERT_RULES

    return has_permission(user, MANAGE_ALERT_RULES)


# ---------------------------------------------------------------------------------------------
# Notifications (PRT-2)


def filter_notifications(user, queryset):
    """Messages to oneself; those about appointments one sees; the whole outbox for its keepers."""
    from notifications.permissions import VIEW_OUTBOX
    from workflow.models import Appointment

    if not is_active_staff(user):
        return queryset.none()
    if has_permission(user, VIEW_OUTBOX):
        return queryset
    from workflow.models import FollowUpTask, SatisfactionSurvey

    def about(model, filter_function):
        ids = filter_function(user, model.objects.all()).values_list("pk", flat=True)
        return models.Q(related_type=model._meta.label_lower, related_id__in=[str(pk) for pk in ids])

    return queryset.filter(
        models.Q(recipient_user=user)
        | about(Appointment, filter_appointments)
        | about(SatisfactionSurvey, filter_satisfaction_surveys)
        | about(FollowUpTask, filter_follow_ups)
    )


# ---------------------------------------------------------------------------------------------
# Fetching single objects


def _user_model():
    from django.contrib.auth import get_user_model

    return get_user_model()


def _filters() -> dict[type[models.Model], Callable]:
    from archives.models import Archive, Resident
    from assessments.models import Assessment, Campaign
    from crisis.models import (
        Alert,
        ConcernReport,
        CrisisAction,
        CrisisCase,
        CrisisCheck,
        SafetyPlan,
        WatchListEntry,
    )
    from notifications.models import Notification
    from orgs.models import DutyException, DutyShift
    from workflow import models as wf

    from .models import AccessGrant

    return {
        Alert: filter_alerts,
        ConcernReport: filter_concern_reports,
        CrisisCase: filter_crisis_cases,
        SafetyPlan: filter_crisis_children,
        CrisisAction: filter_crisis_children,
        CrisisCheck: filter_crisis_children,
        WatchListEntry: filter_watch_entries,
        DutyShift: filter_duty_shifts,
        DutyException: filter_duty_exceptions,
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
        Notification: filter_notifications,
        Assessment: filter_assessments,
        Campaign: filter_campaigns,
        Resident: filter_residents,
        Archive: filter_archives,
        AccessGrant: filter_access_grants,
        OrgUnit: filter_org_units,
        ServiceSite: filter_service_sites,
        _user_model(): filter_users,
        AuditEntry: filter_audit_entries,
    }


def filter_for(
    user,
    model: type[models.Model],
    queryset: models.QuerySet | None = None,
    policy_filter: Callable | None = None,
) -> models.QuerySet:
    """The queryset of ``model`` that ``user`` may see; unknown models are refused entirely.

    ``policy_filter`` names another filter of this module for the same model, where a page asks
    a different question (e.g. "whose screening report may this person read").
    """
    queryset = model._default_manager.all() if queryset is None else queryset
    policy_filter = policy_filter or _filters().get(model)
    if policy_filter is None:
        return queryset.none()
    return policy_filter(user, queryset)


def fetch_or_404(
    user,
    model: type[models.Model],
    *,
    queryset: models.QuerySet | None = None,
    policy_filter: Callable | None = None,
    **lookup,
):
    """Load one object the person may see, or raise Http404 whether it is missing or forbidden.

    When the object exists but the policy hides it, the refusal is written to the audit log, so
    that probing for records leaves a trace even though the caller learns nothing.
    """
    from .services import audit_record

    visible = filter_for(user, model, queryset, policy_filter)
    try:
        return visible.get(**lookup)
    except (model.DoesNotExist, ValueError, TypeError, model.MultipleObjectsReturned):
        pass
    base = model._default_manager.all() if queryset is None else queryset
    try:
        hidden = base.filter(**lookup).values_list("pk", flat=True).first()
    except (ValueError, TypeError):
        hidden = None
    if hidden is not None:
        audit_record(
            actor=user,
            action="access.refused",
            object_type=model._meta.label_lower,
            object_id=hidden,
        )
    raise Http404
