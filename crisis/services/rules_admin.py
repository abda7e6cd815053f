"""Writes of the warning rules (CRI-4): the director adds rules, changes their conditions and
levels, and switches them on and off. Rules are never deleted: switched off, they keep their
history in the audit log."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from assessments.library import available_instruments
from confidentiality import policy
from confidentiality.services import audit_record
from crisis.models import AlertRule, Level
from crisis.rules import condition_fit_problems, condition_problems, empty_condition_message


def _check(*, level: str, source: str, condition: dict | None, may_be_empty: bool = False) -> None:
    """The level, and the condition unless ``None`` (a condition that is not being changed or
    switched on is left as it is: a rule must stay switchable off even if its instrument changed).

    An empty condition matches every signal of the source: only the default rules for "any other
    signal" of a source have one, and they keep it (``may_be_empty``); a new rule, or a condition
    changed to nothing, is refused, since a forgotten condition would alert on everything."""
    errors: dict[str, list[str]] = {}
    if level not in Level.values:
        errors["level"] = [_("Choose red, orange or yellow.")]
    if condition is not None:
        problems = [] if condition or may_be_empty else [empty_condition_message(source)]
        problems = problems or condition_problems(condition)
        if not problems:
            problems = condition_fit_problems(condition, source=source, instruments=available_instruments())
        if problems:
            errors["condition"] = problems
    if errors:
        raise ValidationError(errors)


def _keep_a_red_rule(*, leaving: AlertRule, locked: list[AlertRule]) -> None:
    """Refuse to switch off or lower the last active red rule.

    Red alerts are how immediate danger reaches someone within minutes; without any active red
    rule, nothing would ever be red. ``locked`` holds the rule and every active red rule, locked
    together in one query in the order of their keys, so that two directors switching off the
    last two at once cannot both succeed, nor wait on each other.
    """
    others = [rule for rule in locked if rule.pk != leaving.pk and rule.is_active and rule.level == Level.RED]
    if not others:
        raise ValidationError(
            {
                "level": _(
                    "This is the last active red rule: keep it red and active, or first make "
                    "another rule red."
                )
            }
        )


def _snapshot(rule: AlertRule) -> dict:
    return {"name": rule.name, "condition": rule.condition, "level": rule.level, "is_active": rule.is_active}


@transaction.atomic
def alert_rule_create(
    *,
    actor,
    code: str,
    name: str,
    source: str,
    condition: dict,
    level: str,
    is_active: bool = True,
) -> AlertRule:
    """Add a warning rule.

    Only those the policy lets manage the rules (the director) may. The code is unique and never
    changes; the condition must be well formed (crisis.rules) and able to match what the source's
    signals carry (an instrument in the library, its bands, items and answer points). The rule
    applies to signals from now on.
    """
    if not policy.can_manage_alert_rules(actor):
        raise PermissionDenied
    condition = dict(condition or {})
    _check(level=level, source=source, condition=condition)
    rule = AlertRule(
        code=code.strip(),
        name=name.strip(),
        source=source,
        condition=condition,
        level=level,
        is_active=bool(is_active),
        updated_by=actor,
    )
    rule.full_clean()
    try:
        with transaction.atomic():
            rule.save()
    except IntegrityError as exc:  # the same code saved a moment ago in another tab
        raise ValidationError({"code": _("A rule with this code already exists.")}) from exc
    audit_record(
        actor=actor, action="alert_rule.created", obj=rule, details={"code": rule.code, **_snapshot(rule)}
    )
    return rule


@transaction.atomic
def alert_rule_update(
    *,
    actor,
    rule: AlertRule,
    level: str,
    is_active: bool,
    name: str | None = None,
    condition: dict | None = None,
) -> AlertRule:
    """Change a warning rule's level, whether it is active and, when given, its name and condition.

    Only those the policy lets manage the rules (the director) may; the level must be one of red,
    orange and yellow and a changed condition, or one being switched on, must pass the same checks
    as a new rule's (switching off is always possible). The source never
    changes (a rule about other signals is a new rule). The last active red rule can be neither
    lowered nor switched off. The change applies to signals from now on: alerts already raised keep
    their level. Old and new values go to the audit log; a save that changes nothing writes nothing.
    """
    if not policy.can_manage_alert_rules(actor):
        raise PermissionDenied
    locked = list(
        AlertRule.objects.select_for_update()
        .filter(Q(pk=rule.pk) | Q(level=Level.RED, is_active=True))
        .order_by("pk")
    )
    rule = next(row for row in locked if row.pk == rule.pk)
    name = rule.name if name is None else name.strip()
    condition = rule.condition if condition is None else dict(condition)
    switched_on = bool(is_active) and not rule.is_active
    _check(
        level=level,
        source=rule.source,
        condition=condition if condition != rule.condition or switched_on else None,
        may_be_empty=condition == rule.condition,
    )
    before = _snapshot(rule)
    after = {"name": name, "condition": condition, "level": level, "is_active": bool(is_active)}
    if before == after:
        return rule
    was_red = rule.is_active and rule.level == Level.RED
    if was_red and not (after["is_active"] and level == Level.RED):
        _keep_a_red_rule(leaving=rule, locked=locked)
    rule.name, rule.condition, rule.level, rule.is_active = name, condition, level, bool(is_active)
    rule.updated_by = actor
    rule.full_clean()
    rule.save(update_fields=["name", "condition", "level", "is_active", "updated_by", "updated_at"])
    changed = [key for key in after if before[key] != after[key]]
    audit_record(
        actor=actor,
        action="alert_rule.updated",
        obj=rule,
        details={
            "code": rule.code,
            "before": {key: before[key] for key in changed},
            "after": {key: after[key] for key in changed},
        },
    )
    return rule
