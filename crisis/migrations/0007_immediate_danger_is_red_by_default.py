"""Immediate danger is red, whoever reports it (issue 18; docs/crisis.md, "Immediate danger").

Adds two red default rules: a concern report whose reporter ticked "in danger now", and a hotline
risk check with thoughts of suicide, a plan and the means together (even without "in danger now"
ticked). The red immediate-danger rules get names in the one wording of "in danger now".

Only what is still at its default changes: a rule of the same code the centre already has is left
as it is, and a rule is renamed only while its name, level and condition are those migration 0002
gave it. ``DEFAULT_RULES`` is the full list of default rules after this migration.
"""

from importlib import import_module

from django.db import migrations

SHIPPED = import_module("crisis.migrations.0002_default_warning_rules")
HOTLINE, CONCERN, RED = SHIPPED.HOTLINE, SHIPPED.CONCERN, SHIPPED.RED

NEW_RULES = [
    # code, source, level, condition, name
    (
        "concern-immediate-danger",
        CONCERN,
        RED,
        {"immediate_danger": True},
        "关注报告：此人目前可能处于危险中",
    ),
    (
        "hotline-thoughts-plan-means",
        HOTLINE,
        RED,
        {"all_flags": ["suicidal_thoughts", "plan", "means"]},
        "热线风险评估：有自杀念头、计划和手段",
    ),
]

RENAMED = [
    # code, name given by 0002, name now
    ("counsellor-immediate-danger", "咨询师标记：危险迫在眉睫", "咨询师标记：此人目前可能处于危险中"),
    ("hotline-immediate-danger", "热线风险评估：危险迫在眉睫", "热线风险评估：此人目前可能处于危险中"),
    ("external-immediate-danger", "外部系统：危险迫在眉睫", "外部系统：此人目前可能处于危险中"),
]

_NEW_NAMES = {code: new for code, _old, new in RENAMED}
DEFAULT_RULES = [
    (code, source, level, condition, _NEW_NAMES.get(code, name))
    for code, source, level, condition, name in SHIPPED.DEFAULT_RULES
] + NEW_RULES


def _shipped(code):
    return next(rule for rule in SHIPPED.DEFAULT_RULES if rule[0] == code)


def apply_new_defaults(apps, schema_editor):
    AlertRule = apps.get_model("crisis", "AlertRule")
    for code, source, level, condition, name in NEW_RULES:
        AlertRule.objects.get_or_create(
            code=code, defaults={"source": source, "level": level, "condition": condition, "name": name}
        )
    for code, old_name, new_name in RENAMED:
        _code, source, level, condition, _name = _shipped(code)
        # Filtering on the JSON condition differs between databases: compare in Python.
        for rule in AlertRule.objects.filter(code=code, source=source, level=level, name=old_name):
            if rule.condition == condition:
                rule.name = new_name
                rule.save(update_fields=["name"])


def revert_new_defaults(apps, schema_editor):
    AlertRule = apps.get_model("crisis", "AlertRule")
    Alert = apps.get_model("crisis", "Alert")
    AlertEvent = apps.get_model("crisis", "AlertEvent")
    for code, old_name, new_name in RENAMED:
        AlertRule.objects.filter(code=code, name=new_name).update(name=old_name)
    # A rule some alert points to stays: its history must keep saying why the alert was raised.
    used = set(Alert.objects.values_list("rule__code", flat=True))
    used |= set(AlertEvent.objects.values_list("rule__code", flat=True))
    AlertRule.objects.filter(code__in=[rule[0] for rule in NEW_RULES]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("crisis", "0006_risk_signals_live_in_crisis")]

    operations = [migrations.RunPython(apply_new_defaults, revert_new_defaults)]
