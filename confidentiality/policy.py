"""The access policy (CONF-2): the one mechanism that decides who may see and do what.

Three things decide: the person's role (which permissions it holds, declared per domain in each
app's ``permissions.py``), their organisation-unit scope (their unit and every unit below it),
and, for clinical content, the archive's team (responsible staff, case assignment, grants).

This module holds the primitives and the registry; it imports no domain app. Each domain keeps
its own rules in its ``access.py`` and registers them here from ``AppConfig.ready()``:

* ``has_permission`` / ``require_permission`` answer "may this role do this at all".
* ``@policy.rule`` registers a named decision (``can_*``) or filter (``filter_*``) of a domain;
  it is then reached as ``policy.<name>`` by views, the API, services and templates alike, so a
  caller never needs to know which domain decides.
* ``register_filters`` says which filter narrows each model, for ``filter_for``/``fetch_or_404``.
* ``fetch_or_404`` is how every view and API endpoint loads an object: an object that exists
  but is out of reach raises the same 404 as one that does not exist, and the refusal is audited.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import models
from django.http import Http404

from .models import AccessGrant, AuditEntry
from .permissions import DECIDE_ACCESS, REGISTRY, REVIEW_BREAK_GLASS, VIEW_AUDIT_LOG, Permission
from .roles import CLINICAL_ROLES, Role

# ---------------------------------------------------------------------------------------------
# The registry: each domain's named rules and its model -> filter map

_RULES: dict[str, Callable] = {}
_FILTERS: dict[type[models.Model], Callable] = {}


def rule(function: Callable) -> Callable:
    """Register a domain's named decision or filter under its function name (``policy.<name>``)."""
    name = function.__name__
    if _RULES.get(name, function) is not function:
        raise ImproperlyConfigured(f"Two access rules are named {name!r}.")
    _RULES[name] = function
    return function


def register_filters(filters: dict[type[models.Model], Callable]) -> None:
    """Say which filter narrows each of a domain's models; a model with none is refused entirely."""
    for model, function in filters.items():
        if _FILTERS.get(model, function) is not function:
            raise ImproperlyConfigured(f"{model._meta.label} has two access filters.")
        _FILTERS[model] = function


def __getattr__(name: str):
    try:
        return _RULES[name]
    except KeyError:
        message = f"No access rule named {name!r} is registered (see the domains' access.py)."
        raise AttributeError(message) from None


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


def oversees_scope(user) -> bool:
    """The director oversees all the work in their scope (not only their own and their team's)."""
    return is_active_staff(user) and user.role == Role.DIRECTOR


def is_supervisor(user) -> bool:
    """A clinical supervisor, who oversees the counsellors assigned to them."""
    return is_active_staff(user) and user.role == Role.SUPERVISOR


# ---------------------------------------------------------------------------------------------
# Scope: a person sees their own organisation unit and every unit below it.


def _org_unit_model():
    # The unit model comes with the user model's field: the organisation domain sits above this one.
    from django.apps import apps

    return apps.get_model(settings.AUTH_USER_MODEL)._meta.get_field("org_unit").related_model


def scope_units(user) -> models.QuerySet:
    units = _org_unit_model().objects
    if not is_active_staff(user) or user.org_unit_id is None:
        return units.none()
    return units.filter(path__startswith=user.org_unit.path)


def in_scope(user, unit) -> bool:
    if unit is None or not is_active_staff(user) or user.org_unit_id is None:
        return False
    return unit.path.startswith(user.org_unit.path)


# ---------------------------------------------------------------------------------------------
# The confidentiality domain's own records: the audit log (CONF-6) and access grants (CONF-4)


def filter_audit_entries(user, queryset: models.QuerySet[AuditEntry]) -> models.QuerySet[AuditEntry]:
    if not has_permission(user, VIEW_AUDIT_LOG):
        return queryset.none()
    return queryset


def active_grants(user):
    """The person's approved, unexpired access grants (requests and break-the-glass)."""
    from django.utils import timezone

    return AccessGrant.objects.filter(
        requester=user, status=AccessGrant.Status.APPROVED, expires_at__gt=timezone.now()
    )


def filter_access_grants(user, queryset):
    """Requests a person made, plus those an approver may decide (archives in their scope)."""
    if not is_active_staff(user):
        return queryset.none()
    visible = models.Q(requester=user)
    if has_permission(user, DECIDE_ACCESS) or has_permission(user, REVIEW_BREAK_GLASS):
        visible |= models.Q(archive__resident__org_unit__path__startswith=user.org_unit.path)
    return queryset.filter(visible)


def can_decide_access_request(user, grant) -> bool:
    """Approve or deny a request: approvers, for archives in their scope (never their own: the
    service says so in words)."""
    return has_permission(user, DECIDE_ACCESS) and in_scope(user, grant.archive.resident.org_unit)


def can_review_break_glass(user, grant) -> bool:
    return has_permission(user, REVIEW_BREAK_GLASS) and in_scope(user, grant.archive.resident.org_unit)


register_filters({AuditEntry: filter_audit_entries, AccessGrant: filter_access_grants})


# ---------------------------------------------------------------------------------------------
# Fetching single objects


def filter_for(
    user,
    model: type[models.Model],
    queryset: models.QuerySet | None = None,
    policy_filter: Callable | None = None,
) -> models.QuerySet:
    """The queryset of ``model`` that ``user`` may see; unknown models are refused entirely.

    ``policy_filter`` names another registered filter for the same model, where a page asks
    a different question (e.g. "whose screening report may this person read").
    """
    queryset = model._default_manager.all() if queryset is None else queryset
    policy_filter = policy_filter or _FILTERS.get(model)
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
