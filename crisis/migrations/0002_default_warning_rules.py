"""The default warning rules (CRI-4), documented in docs/crisis.md.

The director may switch them off or change their level in the UI afterwards; this migration only
adds the rules that are missing, so running it again never overwrites a director's choice. Names
are data shown in the UI, in Chinese like the rest of the data.
"""

from django.db import migrations

ASSESSMENT, HOTLINE, COUNSELLOR, CONCERN, EXTERNAL = (
    "assessment",
    "hotline",
    "counsellor",
    "concern",
    "external",
)
RED, ORANGE, YELLOW = "red", "orange", "yellow"

DEFAULT_RULES = [
    # code, source, level, condition, name
    (
        "asq-acute-suicide-risk",
        ASSESSMENT,
        RED,
        {"instrument": "asq", "flag": "acute_suicide_risk"},
        "ASQ 急性自杀风险",
    ),
    ("phq9-item9-min2", ASSESSMENT, RED, {"instrument": "phq9", "item": 9, "min": 2}, "PHQ-9 第 9 题 ≥ 2"),
    ("counsellor-immediate-danger", COUNSELLOR, RED, {"immediate_danger": True}, "咨询师标记：危险迫在眉睫"),
    ("hotline-immediate-danger", HOTLINE, RED, {"immediate_danger": True}, "热线风险评估：危险迫在眉睫"),
    ("external-immediate-danger", EXTERNAL, RED, {"immediate_danger": True}, "外部系统：危险迫在眉睫"),
    (
        "phq9-suicidal-ideation",
        ASSESSMENT,
        ORANGE,
        {"instrument": "phq9", "flag": "suicidal_ideation"},
        "PHQ-9 自杀意念（第 9 题 = 1）",
    ),
    ("asq-suicide-risk", ASSESSMENT, ORANGE, {"instrument": "asq", "flag": "suicide_risk"}, "ASQ 自杀风险"),
    ("phq9-severe", ASSESSMENT, ORANGE, {"instrument": "phq9", "band": "severe"}, "PHQ-9 重度抑郁"),
    ("k10-very-high", ASSESSMENT, ORANGE, {"instrument": "k10", "band": "very_high"}, "K10 极高度心理困扰"),
    ("concern-urgent", CONCERN, ORANGE, {"urgent": True}, "紧急的关注报告"),
    ("counsellor-flag", COUNSELLOR, ORANGE, {}, "咨询师标记的风险"),
    (
        "hotline-suicide-risk",
        HOTLINE,
        ORANGE,
        {"any_flag": ["suicidal_thoughts", "plan", "means"]},
        "热线风险评估：自杀念头、计划或手段",
    ),
    ("hotline-harm-to-others", HOTLINE, ORANGE, {"flag": "harm_to_others"}, "热线风险评估：伤害他人"),
    ("external-urgent", EXTERNAL, ORANGE, {"urgent": True}, "外部系统：紧急"),
    (
        "phq9-moderately-severe",
        ASSESSMENT,
        YELLOW,
        {"instrument": "phq9", "band": "moderately_severe"},
        "PHQ-9 中重度抑郁",
    ),
    ("k10-high", ASSESSMENT, YELLOW, {"instrument": "k10", "band": "high"}, "K10 高度心理困扰"),
    ("unanswered-critical", ASSESSMENT, YELLOW, {"flag": "unanswered_critical"}, "关键题未作答"),
    ("gad7-severe", ASSESSMENT, YELLOW, {"instrument": "gad7", "band": "severe"}, "GAD-7 重度焦虑"),
    (
        "pcl5-probable-ptsd",
        ASSESSMENT,
        YELLOW,
        {"instrument": "pcl5", "band": "probable_ptsd"},
        "PCL-5 可能存在创伤后应激障碍",
    ),
    ("k6-serious", ASSESSMENT, YELLOW, {"instrument": "k6", "band": "serious"}, "K6 严重心理困扰"),
    (
        "gds15-moderate-severe",
        ASSESSMENT,
        YELLOW,
        {"instrument": "gds15", "band": "moderate_severe"},
        "GDS-15 中重度抑郁",
    ),
    ("concern-report", CONCERN, YELLOW, {}, "关注报告"),
    ("external-signal", EXTERNAL, YELLOW, {}, "外部系统信号"),
]


def add_default_rules(apps, schema_editor):
    AlertRule = apps.get_model("crisis", "AlertRule")
    for code, source, level, condition, name in DEFAULT_RULES:
        AlertRule.objects.get_or_create(
            code=code, defaults={"source": source, "level": level, "condition": condition, "name": name}
        )


def remove_default_rules(apps, schema_editor):
    AlertRule = apps.get_model("crisis", "AlertRule")
    Alert = apps.get_model("crisis", "Alert")
    AlertEvent = apps.get_model("crisis", "AlertEvent")
    # A rule some alert points to stays: its history must keep saying why the alert was raised.
    used = set(Alert.objects.values_list("rule__code", flat=True))
    used |= set(AlertEvent.objects.values_list("rule__code", flat=True))
    AlertRule.objects.filter(code__in=[rule[0] for rule in DEFAULT_RULES]).exclude(code__in=used).delete()


class Migration(migrations.Migration):
    dependencies = [("crisis", "0001_alerts_rules_concern_reports")]

    operations = [migrations.RunPython(add_default_rules, remove_default_rules)]
