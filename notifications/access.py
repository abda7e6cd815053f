"""Who reads which messages (PRT-2).

A message can be about a record of a higher domain (an appointment, a follow-up…). Such a
domain says, through ``register_related``, which filter decides who sees that record; a person
then sees the messages about the records they see.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import models
from django.db.models.functions import Cast

from confidentiality import policy
from confidentiality.policy import has_permission, is_active_staff, register_filters

from .models import Notification
from .permissions import RELAY_MESSAGES, VIEW_OUTBOX

_RELATED: dict[type[models.Model], Callable] = {}


def register_related(model: type[models.Model], filter_function: Callable) -> None:
    """Messages about ``model`` rows are seen by those ``filter_function`` lets see the row."""
    _RELATED[model] = filter_function


@policy.rule
def filter_notifications(user, queryset):
    """Messages to oneself; those about records one sees; the whole outbox for its keepers."""
    if not is_active_staff(user):
        return queryset.none()
    if has_permission(user, VIEW_OUTBOX):
        return queryset

    def about(model, filter_function):
        # One subquery, not a list read first: the navigation counts this on every page.
        ids = filter_function(user, model.objects.all()).values_list(
            Cast("pk", output_field=models.CharField()), flat=True
        )
        return models.Q(related_type=model._meta.label_lower, related_id__in=ids)

    visible = models.Q(recipient_user=user)
    for model, filter_function in _RELATED.items():
        visible |= about(model, filter_function)
    return queryset.filter(visible)


@policy.rule
def may_relay_messages(user) -> bool:
    """Who works the 待电话转达 list: staff who handle appointments (not volunteers or teachers)."""
    return has_permission(user, RELAY_MESSAGES)


@policy.rule
def filter_relay_worklist(user, queryset):
    """The messages one may pass on by phone: those one sees in the outbox, for those who may
    relay at all (not volunteers or teachers, even for messages addressed to them)."""
    if not may_relay_messages(user):
        return queryset.none()
    return filter_notifications(user, queryset)


register_filters({Notification: filter_notifications})
