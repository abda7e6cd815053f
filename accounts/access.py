"""Who may see and manage staff accounts."""

from __future__ import annotations

from confidentiality import policy
from confidentiality.policy import has_permission, is_active_staff

from .models import User
from .permissions import MANAGE_USERS, VIEW_STAFF_DIRECTORY


@policy.rule
def filter_users(user, queryset):
    """The administrator sees every account; a director sees staff in scope; others only self."""
    if not is_active_staff(user):
        return queryset.none()
    if has_permission(user, MANAGE_USERS):
        return queryset
    if has_permission(user, VIEW_STAFF_DIRECTORY):
        return queryset.filter(org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(pk=user.pk)


@policy.rule
def can_manage_users(user) -> bool:
    return has_permission(user, MANAGE_USERS)


@policy.rule
def can_manage_user(user, target) -> bool:
    return can_manage_users(user) and target is not None


policy.register_filters({User: filter_users})
