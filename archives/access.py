"""Who sees residents and archives (ARC, CONF-2), and who is on an archive's clinical team.

An archive's clinical team is its responsible staff and their supervisors, the director for
people in scope, holders of an active access grant, and whatever the higher domains add: a
case's counsellor joins the team through ``register_team_source`` (workflow registers it), so
this module need not know about cases.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models

from confidentiality import policy
from confidentiality.permissions import VIEW_ACCESS_LIST
from confidentiality.policy import (
    active_grants,
    has_permission,
    in_scope,
    is_active_staff,
    register_filters,
    sees_clinical_content,
)
from confidentiality.roles import RESPONSIBLE_ROLES, Role

from .models import Archive, Resident
from .permissions import (
    ANONYMISE_RESIDENTS,
    CORRECT_RESIDENTS,
    EXPORT_ARCHIVE,
    MANAGE_ARCHIVES,
    REGISTER_RESIDENTS,
    VIEW_RESIDENTS,
)

# The bases of clinical_basis() on which a person works with the archive (rather than reads it
# under a grant): those may act, e.g. plan a follow-up or put someone on the watch list.
WORKING_BASES = frozenset({"responsible", "supervisor", "case_counsellor", "director"})

_TEAM_SOURCES: list[Callable] = []
_BASIS_SOURCES: list[Callable] = []


def register_team_source(source: Callable, basis: Callable) -> None:
    """A higher domain adds members to archives' teams.

    ``source(user)`` returns a ``Q`` on Archive for the archives it puts ``user`` on the team of;
    ``basis(user, archive)`` names why (``"case_counsellor"``…), or ``""``.
    """
    if source not in _TEAM_SOURCES:
        _TEAM_SOURCES.append(source)
        _BASIS_SOURCES.append(basis)


@policy.rule
def team_archive_ids(user):
    """Archives whose clinical content this person sees by role, assignment or grant."""
    if not sees_clinical_content(user):
        return Archive.objects.none().values("pk")
    team = models.Q(responsible=user) | models.Q(responsible__supervisor=user)
    team |= models.Q(pk__in=active_grants(user).values("archive_id"))
    for source in _TEAM_SOURCES:
        team |= source(user)
    if user.role == Role.DIRECTOR:
        team |= models.Q(resident__org_unit__path__startswith=user.org_unit.path)
    return Archive.objects.filter(team).values("pk")


@policy.rule
def filter_residents(user, queryset):
    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(archive__pk__in=team_archive_ids(user))
    if has_permission(user, VIEW_RESIDENTS):
        visible |= models.Q(org_unit__path__startswith=user.org_unit.path)
    elif not sees_clinical_content(user):
        return queryset.none()
    return queryset.filter(visible)


@policy.rule
def filter_archives(user, queryset):
    return queryset.filter(resident__in=filter_residents(user, Resident.objects.all()).values("pk"))


@policy.rule
def filter_clinical_archives(user, queryset):
    """Archives whose clinical content (risk level, assessments, sessions…) this person sees."""
    return queryset.filter(pk__in=team_archive_ids(user))


@policy.rule
def filter_clinical_residents(user, queryset):
    """Residents the person sees whose archive's clinical content they see too."""
    archives = filter_clinical_archives(user, Archive.objects.all())
    return filter_residents(user, queryset).filter(archive__pk__in=archives.values("pk"))


@policy.rule
def can_search_residents(user) -> bool:
    """Searching the resident register: those who may see residents, and clinical staff (who find
    the people of their caseload)."""
    return has_permission(user, VIEW_RESIDENTS) or sees_clinical_content(user)


@policy.rule
def can_see_clinical(user, archive) -> bool:
    return filter_clinical_archives(user, Archive.objects.filter(pk=archive.pk)).exists()


@policy.rule
def clinical_basis(user, archive) -> str:
    """Why this person sees the archive's clinical content ('' if they do not), for the audit log."""
    if not sees_clinical_content(user):
        return ""
    if archive.responsible.filter(pk=user.pk).exists():
        return "responsible"
    if archive.responsible.filter(supervisor=user).exists():
        return "supervisor"
    for source in _BASIS_SOURCES:
        basis = source(user, archive)
        if basis:
            return basis
    if user.role == Role.DIRECTOR and in_scope(user, archive.resident.org_unit):
        return "director"
    grant = active_grants(user).filter(archive=archive).order_by("-expires_at").first()
    if grant is not None:
        return "break_glass" if grant.kind == grant.Kind.BREAK_GLASS else "access_grant"
    return ""


@policy.rule
def can_manage_archive(user, archive) -> bool:
    """Manage an archive (responsible staff, paper location, status): archive managers in scope."""
    return has_permission(user, MANAGE_ARCHIVES) and in_scope(user, archive.resident.org_unit)


@policy.rule
def can_register_resident_in(user, unit) -> bool:
    """Register a resident (and open their archive) in a unit of one's scope."""
    return has_permission(user, REGISTER_RESIDENTS) and in_scope(user, unit)


@policy.rule
def can_correct_resident(user, resident) -> bool:
    """Correct a resident's details: those who may correct, for residents in their scope. (An
    anonymised record can no longer be corrected; the service says so in words.)"""
    return has_permission(user, CORRECT_RESIDENTS) and in_scope(user, resident.org_unit)


@policy.rule
def can_place_resident_in(user, unit) -> bool:
    """Move a resident to a unit (when correcting their details): only to a unit in one's scope."""
    return in_scope(user, unit)


@policy.rule
def can_export_archive(user, resident) -> bool:
    return has_permission(user, EXPORT_ARCHIVE) and in_scope(user, resident.org_unit)


@policy.rule
def can_anonymise_resident(user, resident) -> bool:
    return has_permission(user, ANONYMISE_RESIDENTS) and in_scope(user, resident.org_unit)


@policy.rule
def can_see_access_list(user, resident) -> bool:
    """Who opened this archive (the resident's right of access): for its keepers in scope."""
    return has_permission(user, VIEW_ACCESS_LIST) and in_scope(user, resident.org_unit)


@policy.rule
def can_be_responsible(person) -> bool:
    """Only active counsellors and therapists can be made responsible for an archive."""
    return person.is_active and person.role in RESPONSIBLE_ROLES


@policy.rule
def filter_responsible_candidates(user, queryset):
    """Whom an archive manager may make responsible: active counsellors and therapists who serve
    the manager's units, i.e. in one of them or in a unit above (a centre's counsellors serve its
    streets). Nobody from another branch of the tree."""
    if not is_active_staff(user) or user.org_unit_id is None:
        return queryset.none()
    path, steplen = user.org_unit.path, user.org_unit.steplen
    above = [path[:end] for end in range(steplen, len(path) + 1, steplen)]
    return queryset.filter(
        models.Q(org_unit__path__startswith=path) | models.Q(org_unit__path__in=above),
        is_active=True,
        role__in=RESPONSIBLE_ROLES,
    )


register_filters({Resident: filter_residents, Archive: filter_archives})
