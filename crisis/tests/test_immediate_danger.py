"""CRI-1 / CRI-2: immediate danger is red, whoever reports it (issue 18).

A reporter's "in danger now", a counsellor's flag of immediate danger, a hotline risk check with
immediate danger, or with thoughts, a plan and the means together: each raises a red alert with the
red response time, and the three forms ask about it in the same words."""

from __future__ import annotations

from datetime import datetime, timedelta
from importlib import import_module

import pytest
import time_machine
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone, translation

from archives.tests.conftest import client_for, register, valid_id
from crisis.forms.concerns import ConcernReportForm, RiskFlagForm
from crisis.models import Alert, AlertRule, ConcernReport
from crisis.services.concerns import concern_report_submit
from workflow.forms.hotline import HotlineEntryForm
from workflow.services.hotline import hotline_entry_record

pytestmark = pytest.mark.django_db

TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))
RED_DEADLINE = timedelta(minutes=15)
IN_DANGER_NOW = "紧急：此人目前可能处于危险中"
MIGRATION = import_module("crisis.migrations.0007_immediate_danger_is_red_by_default")


@pytest.fixture
def pupil(people, tree):
    return register(people.worker, tree.grid, name="张三", id_number=valid_id("11010119900307123"))


@time_machine.travel(TUESDAY, tick=False)
def test_a_teachers_concern_marked_in_danger_now_is_red_with_the_red_deadline(people):
    report = concern_report_submit(
        actor=people.teacher,
        person_description="初二（3）班男生",
        description="学生说不想活了，把自己锁在厕所里，敲门不应。",
        location="实验中学三楼厕所",
        urgent=True,
    )
    alert = Alert.objects.get(events__signal=report.signal)
    assert (alert.level, alert.rule.code) == ("red", "concern-immediate-danger")
    assert alert.respond_by == TUESDAY + RED_DEADLINE
    assert report.signal.immediate_danger and report.signal.urgent


def test_a_concern_ticked_in_danger_now_on_the_page_is_red(people, pupil):
    client = client_for(people.worker)
    client.post(
        reverse("crisis:concern_create"),
        {"description": "他锁在厕所里不出来", "resident": pupil.pk, "urgent": "on"},
    )
    assert ConcernReport.objects.get().urgent
    assert Alert.objects.get(resident=pupil).level == "red"


def _call(people, **risks):
    return hotline_entry_record(
        actor=people.counsellor,
        channel="phone",
        started_at=timezone.now() - timedelta(minutes=20),
        duration_minutes=15,
        topic="emotion",
        action="crisis",
        summary="已买好木炭，准备今晚自杀",
        **risks,
    )


@time_machine.travel(TUESDAY, tick=False)
def test_a_hotline_call_with_thoughts_a_plan_and_the_means_is_red_without_ticking_immediate_danger(
    people,
):
    entry = _call(people, risk_suicidal_thoughts=True, risk_plan=True, risk_means=True)
    alert = Alert.objects.get(events__signal=entry.signal)
    assert (alert.level, alert.rule.code) == ("red", "hotline-thoughts-plan-means")
    assert alert.respond_by == TUESDAY + RED_DEADLINE


def test_a_hotline_call_with_thoughts_and_a_plan_but_no_means_stays_orange(people):
    entry = _call(people, risk_suicidal_thoughts=True, risk_plan=True)
    assert Alert.objects.get(events__signal=entry.signal).level == "orange"


def test_the_three_forms_ask_about_danger_now_in_the_same_words():
    labels = [
        ConcernReportForm().fields["urgent"].label,
        RiskFlagForm().fields["immediate_danger"].label,
        HotlineEntryForm().fields["risk_immediate_danger"].label,
    ]
    with translation.override("en"):
        assert len({str(label) for label in labels}) == 1
    with translation.override("zh-hans"):
        assert {str(label) for label in labels} == {IN_DANGER_NOW}


def test_the_hotline_entry_shows_danger_now_in_the_same_words(people):
    entry = _call(people, risk_immediate_danger=True)
    html = (
        client_for(people.counsellor)
        .get(reverse("workflow:hotline_detail", args=[entry.pk]))
        .content.decode()
    )
    assert IN_DANGER_NOW in html


# ---------------------------------------------------------------------------------------------
# Existing installations: the data migration


def _as_shipped_before():
    """The rules as migration 0002 left them, with the two new rules not there yet."""
    AlertRule.objects.filter(code__in=[rule[0] for rule in MIGRATION.NEW_RULES]).delete()
    for code, old_name, _new_name in MIGRATION.RENAMED:
        AlertRule.objects.filter(code=code).update(name=old_name)


def test_the_migration_adds_the_red_rules_and_renames_only_rules_still_at_their_default():
    _as_shipped_before()
    # The centre renamed one rule and made another of the renamed ones orange.
    AlertRule.objects.filter(code="counsellor-immediate-danger").update(name="本中心：咨询师紧急标记")
    AlertRule.objects.filter(code="external-immediate-danger").update(level="orange")
    MIGRATION.apply_new_defaults(django_apps, None)
    stored = {rule.code: rule for rule in AlertRule.objects.all()}
    for code, source, level, condition, name in MIGRATION.NEW_RULES:
        rule = stored[code]
        assert (rule.source, rule.level, rule.condition, rule.name, rule.is_active) == (
            source,
            level,
            condition,
            name,
            True,
        )
    assert stored["counsellor-immediate-danger"].name == "本中心：咨询师紧急标记"
    assert stored["external-immediate-danger"].name == "外部系统：危险迫在眉睫"
    assert stored["hotline-immediate-danger"].name == "热线风险评估：此人目前可能处于危险中"


def test_the_migration_leaves_a_rule_the_centre_already_has_under_a_new_code_alone():
    _as_shipped_before()
    AlertRule.objects.create(
        code="concern-immediate-danger", source="concern", level="orange", condition={}, name="本中心"
    )
    MIGRATION.apply_new_defaults(django_apps, None)
    MIGRATION.apply_new_defaults(django_apps, None)  # running twice changes nothing more
    rule = AlertRule.objects.get(code="concern-immediate-danger")
    assert (rule.level, rule.condition, rule.name) == ("orange", {}, "本中心")
    assert AlertRule.objects.filter(code="hotline-thoughts-plan-means").count() == 1


def test_the_migration_goes_back_without_removing_a_rule_an_alert_points_to(people, pupil):
    concern_report_submit(actor=people.worker, resident=pupil, description="锁在厕所里", urgent=True)
    MIGRATION.revert_new_defaults(django_apps, None)
    assert AlertRule.objects.filter(code="concern-immediate-danger").exists()  # an alert names it
    assert not AlertRule.objects.filter(code="hotline-thoughts-plan-means").exists()
    assert AlertRule.objects.get(code="hotline-immediate-danger").name == "热线风险评估：危险迫在眉睫"
