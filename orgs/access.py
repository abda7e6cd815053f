"""Who may see and change the organisation tree, sites and the duty roster (ORG-1/2/3)."""

from __future__ import annotations

from django.db import models

from confidentiality import policy
from confidentiality.policy import has_permission, in_scope
from confidentiality.roles import DUTY_ROLES, Role

from .models import DutyException, DutyShift, OrgUnit, ServiceSite
from .permissions import MANAGE_ORG_TREE, MANAGE_ROSTER, MANAGE_SITES, VIEW_ORG_TREE, VIEW_ROSTER


@policy.rule
def filter_org_units(user, queryset: models.QuerySet[OrgUnit]) -> models.QuerySet[OrgUnit]:
    if not has_permission(user, VIEW_ORG_TREE):
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(path__startswith=user.org_unit.path)


@policy.rule
def can_manage_org_units(user) -> bool:
    return has_permission(user, MANAGE_ORG_TREE)


@policy.rule
def filter_service_sites(user, queryset: models.QuerySet[ServiceSite]) -> models.QuerySet[ServiceSite]:
    if not has_permission(user, VIEW_ORG_TREE):
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(org_unit__path__startswith=user.org_unit.path)


@policy.rule
def can_manage_sites(user) -> bool:
    return has_permission(user, MANAGE_SITES)


@policy.rule
def can_manage_site(user, site: ServiceSite) -> bool:
    if not can_manage_sites(user):
        return False
    return user.role == Role.ADMIN or in_scope(user, site.org_unit)


@policy.rule
def filter_duty_shifts(user, queryset):
    if not has_permission(user, VIEW_ROSTER):
        return queryset.none()
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(room__site__org_unit__path__startswith=user.org_unit.path)


@policy.rule
def filter_duty_exceptions(user, queryset):
    """Leave is personal: a person sees their own, roster managers see those in scope."""
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


@policy.rule
def can_manage_roster(user) -> bool:
    return has_permission(user, MANAGE_ROSTER)


@policy.rule
def can_be_on_duty(person) -> bool:
    """Only active counselling staff are put on the duty roster."""
    return person.is_active and person.role in DUTY_ROLES


@policy.rule
def filter_duty_staff(user, queryset):
    """Counselling staff a roster manager may put on duty: active, among the staff they see."""
    return policy.filter_users(user, queryset.filter(is_active=True, role__in=DUTY_ROLES))


policy.register_filters(
    {
        OrgUnit: filter_org_units,
        ServiceSite: filter_service_sites,
        DutyShift: filter_duty_shifts,
        DutyException: filter_duty_exceptions,
    }
)
