"""Writes of the warning rules (CRI-4): the director changes a rule's level or switches it off."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from crisis.models import AlertRule, Level


@transaction.atomic
def alert_rule_update(*, actor, rule: AlertRule, level: str, is_active: bool) -> AlertRule:
    """Change a warning rule's level and whether it is active.

    Only those the policy lets manage the rules (the director) may; the level must be one of red,
    orange and yellow. The change applies to signals from now on: alerts already raised keep their
    level. Old and new values go to the audit log; a save that changes nothing writes nothing.
    """
    if not policy.can_manage_alert_rules(actor):
        raise PermissionDenied
    if level not in Level.values:
        raise ValidationError({"level": _("Choose red, orange or yellow.")})
    rule = AlertRule.objects.select_for_update(of=("self",)).get(pk=rule.pk)
    before = {"level": rule.level, "is_active": rule.is_active}
    after = {"level": level, "is_active": bool(is_active)}
    if before == after:
        return rule
    rule.level, rule.is_active, rule.updated_by = level, bool(is_active), actor
    rule.full_clean()
    rule.save(update_fields=["level", "is_active", "updated_by", "updated_at"])
    audit_record(
        actor=actor,
        action="alert_rule.updated",
        obj=rule,
        details={"code": rule.code, "before": before, "after": after},
    )
    return rule
