"""CRI-1 / CRI-2: every signal goes through the warning rules in the same transaction — a new
alert with owner, deadline and message; a second signal for the same person joins the open alert
(raising its level); the archive's risk level follows upwards; every source is wired in."""

from __future__ import annotations

import io
import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from archives.models import RiskLevelChange
from archives.services import risk_level_set
from confidentiality.models import AuditEntry
from crisis import routing
from crisis.models import Alert, AlertEvent, AlertRule, RiskSignal
from crisis.services.intake import alert_from_signal, signal_raise
from notifications.models import Notification
from screening.imports import import_validate_and_store
from screening.services import SelfTestConsent, campaign_create, campaign_set_status, selftest_submit
from workflow.services.hotline import hotline_entry_record

from .engine_helpers import (
    PHQ9_ITEM9_1,
    PHQ9_ITEM9_2,
    PHQ9_MODERATELY_SEVERE,
    PHQ9_NONE,
    id_number,
    on_duty,
    resident_in,
    scored,
)

pytestmark = pytest.mark.django_db

# A Tuesday morning in Beijing time.
TUESDAY = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.get_fixed_timezone(8 * 60))


def raise_assessment(resident, answers, code="phq9", **extra):
    assessment = scored(code, answers, resident=resident, save=True)
    return signal_raise(source="assessment", assessment=assessment, **extra)


def outbox_for(user):
    return Notification.objects.filter(recipient_user=user)


# ---------------------------------------------------------------------------------------------
# A new alert


@time_machine.travel(TUESDAY, tick=False)
def test_a_red_signal_opens_a_red_alert_for_its_owner_with_a_deadline_and_a_message(
    people, tree, django_capture_on_commit_callbacks
):
    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    with django_capture_on_commit_callbacks(execute=True):
        signal, alert = raise_assessment(resident, PHQ9_ITEM9_2)
    assert (alert.level, alert.state, alert.resident, alert.source) == ("red", "new", resident, "assessment")
    assert alert.rule.code == "phq9-item9-min2" and alert.org_unit == tree.grid
    assert alert.owner == people.counsellor
    assert (alert.opened_at, alert.respond_by) == (TUESDAY, TUESDAY + timedelta(minutes=15))
    raised = AlertEvent.objects.get(alert=alert)
    assert (raised.kind, raised.signal, raised.to_level, raised.to_user) == (
        "raised",
        signal,
        "red",
        people.counsellor,
    )
    signal.refresh_from_db()
    assert signal.handled_at == TUESDAY
    message = outbox_for(people.counsellor).get()
    assert f"/staff/crisis/alerts/{alert.pk}/" in message.body and message.status == "to_relay"
    assert resident.name not in message.body and resident.name not in message.subject
    assert AuditEntry.objects.filter(action="alert.raised", object_id=str(alert.pk)).exists()


@pytest.mark.parametrize(
    ("answers", "level", "hours"),
    [(PHQ9_ITEM9_1, "orange", 4), (PHQ9_MODERATELY_SEVERE, "yellow", None)],
)
@time_machine.travel(TUESDAY, tick=False)
def test_orange_and_yellow_alerts_get_their_own_deadlines(people, tree, answers, level, hours):
    _signal, alert = raise_assessment(resident_in(people, tree.grid), answers)
    assert alert.level == level
    expected = TUESDAY + timedelta(hours=hours) if hours else TUESDAY + timedelta(days=3)
    assert alert.respond_by == expected


@time_machine.travel(datetime(2026, 11, 27, 16, 0, tzinfo=timezone.get_fixed_timezone(8 * 60)), tick=False)
def test_a_yellow_deadline_counts_working_days_only(people, tree):
    _signal, alert = raise_assessment(resident_in(people, tree.grid), PHQ9_MODERATELY_SEVERE)  # a Friday
    assert timezone.localtime(alert.respond_by).strftime("%a %H:%M") == "Wed 16:00"


def test_a_signal_no_rule_matches_opens_no_alert_and_stays_for_the_clinical_team(people, tree):
    signal, alert = signal_raise(
        source="assessment", resident=resident_in(people, tree.grid), band="positive"
    )
    assert alert is None and not Alert.objects.exists()
    signal.refresh_from_db()
    assert signal.handled_at is None


def test_a_switched_off_rule_raises_nothing(people, tree):
    AlertRule.objects.filter(source="concern").update(is_active=False)
    _signal, alert = signal_raise(
        source="concern", resident=resident_in(people, tree.grid), reported_by=people.worker
    )
    assert alert is None


def test_an_unknown_source_is_refused_clearly(people, tree):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        signal_raise(source="rumour", resident=resident_in(people, tree.grid))
    assert not RiskSignal.objects.exists()


# ---------------------------------------------------------------------------------------------
# One open alert per person


def test_a_second_signal_for_the_same_person_raises_the_open_alert_instead_of_another(people, tree):
    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    with time_machine.travel(TUESDAY, tick=False):
        _first, alert = raise_assessment(resident, PHQ9_MODERATELY_SEVERE)
    assert alert.level == "yellow"
    later = TUESDAY + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        second, same = raise_assessment(resident, PHQ9_ITEM9_2)
    assert same.pk == alert.pk and Alert.objects.count() == 1
    alert.refresh_from_db()
    assert alert.level == "red" and alert.rule.code == "phq9-item9-min2"
    assert alert.respond_by == later + timedelta(minutes=15)  # the red clock, from now
    kinds = list(alert.events.values_list("kind", "from_level", "to_level"))
    assert kinds == [("raised", "", "yellow"), ("signal", "", ""), ("level_raised", "yellow", "red")]
    assert alert.events.get(kind="level_raised").signal == second
    assert outbox_for(people.counsellor).count() == 2  # raised, then raised to red


def test_a_lower_signal_joins_without_lowering_the_level_or_the_deadline(people, tree):
    resident = resident_in(people, tree.grid)
    with time_machine.travel(TUESDAY, tick=False):
        _signal, alert = raise_assessment(resident, PHQ9_ITEM9_2)
    with time_machine.travel(TUESDAY + timedelta(minutes=5), tick=False):
        signal_raise(source="concern", resident=resident, reported_by=people.worker)
    alert.refresh_from_db()
    assert (alert.level, alert.respond_by) == ("red", TUESDAY + timedelta(minutes=15))
    assert list(alert.events.values_list("kind", flat=True)) == ["raised", "signal"]


def test_a_higher_signal_on_an_acknowledged_alert_keeps_its_deadline(people, tree):
    from crisis.services.alerts import alert_acknowledge

    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    _signal, alert = raise_assessment(resident, PHQ9_MODERATELY_SEVERE)
    alert_acknowledge(actor=people.counsellor, alert=alert)
    deadline = alert.respond_by
    raise_assessment(resident, PHQ9_ITEM9_2)
    alert.refresh_from_db()
    assert (alert.level, alert.state, alert.respond_by) == ("red", "acknowledged", deadline)


def test_after_an_alert_is_closed_a_new_signal_opens_a_new_alert(people, tree):
    resident = resident_in(people, tree.grid)
    _signal, first = raise_assessment(resident, PHQ9_ITEM9_1)
    Alert.objects.filter(pk=first.pk).update(state="closed", outcome="stabilised")
    _signal, second = raise_assessment(resident, PHQ9_ITEM9_1)
    assert second.pk != first.pk and second.state == "new"


def test_a_concurrent_alert_for_the_same_person_is_joined_not_duplicated(people, tree, monkeypatch):
    resident = resident_in(people, tree.grid)
    _signal, existing = raise_assessment(resident, PHQ9_ITEM9_1)
    from crisis.services import intake as module

    # As if another request had opened the alert between our look and our insert.
    looks = iter([None])
    real = module._open_alert_of
    monkeypatch.setattr(module, "_open_alert_of", lambda rid: next(looks, None) or real(rid))
    signal = RiskSignal.objects.create(source="assessment", resident=resident, flags=["suicidal_ideation"])
    signal.assessment = scored("phq9", PHQ9_ITEM9_2, resident=resident, save=True)
    signal.save(update_fields=["assessment"])
    joined = alert_from_signal(signal)
    assert joined.pk == existing.pk and Alert.objects.count() == 1 and joined.level == "red"


def test_anonymous_signals_never_merge_and_say_who_they_are_about(people, tree):
    _s1, first = signal_raise(
        source="concern", subject_note="桥下的男子", reported_by=people.worker, urgent=True
    )
    _s2, second = signal_raise(source="concern", subject_note="桥下的男子", reported_by=people.worker)
    assert first.pk != second.pk and first.resident is None
    assert (first.subject_note, first.org_unit, first.level) == ("桥下的男子", tree.grid, "orange")


# ---------------------------------------------------------------------------------------------
# The archive's risk level follows


def test_the_archive_risk_level_rises_with_the_alert_and_names_it(people, tree):
    resident = resident_in(people, tree.grid)
    _signal, alert = raise_assessment(resident, PHQ9_MODERATELY_SEVERE)
    raise_assessment(resident, PHQ9_ITEM9_2)
    changes = list(RiskLevelChange.objects.filter(archive=resident.archive).order_by("pk"))
    assert [(c.from_level, c.to_level, c.source) for c in changes] == [
        ("none", "yellow", "alert"),
        ("yellow", "red", "alert"),
    ]
    assert all(f"#{alert.pk}" in c.reason and c.changed_by is None for c in changes)
    resident.archive.refresh_from_db()
    assert resident.archive.risk_level == "red"


def test_the_archive_risk_level_is_never_lowered_by_an_alert(people, tree):
    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    risk_level_set(actor=people.counsellor, archive=resident.archive, level="red", reason="既往自杀未遂")
    raise_assessment(resident, PHQ9_MODERATELY_SEVERE)
    resident.archive.refresh_from_db()
    assert resident.archive.risk_level == "red"
    assert not RiskLevelChange.objects.filter(source="alert").exists()


# ---------------------------------------------------------------------------------------------
# Routing: who owns the alert


def test_the_open_case_counsellor_comes_before_the_responsible_staff(people, tree):
    from workflow.models import Case

    resident = resident_in(people, tree.grid, responsible=[people.colleague])
    Case.objects.create(
        number="C-1",
        resident=resident,
        counsellor=people.therapist,
        presenting_problem="…",
        opened_at=timezone.now(),
        opened_by=people.director,
    )
    assert routing.alert_owner(resident=resident, unit=tree.grid) == people.therapist


def test_responsible_staff_who_have_left_are_skipped(people, tree):
    resident = resident_in(people, tree.grid, responsible=[people.counsellor, people.colleague])
    people.counsellor.is_active = False
    people.counsellor.save(update_fields=["is_active"])
    assert routing.alert_owner(resident=resident, unit=tree.grid) == people.colleague


@time_machine.travel(TUESDAY, tick=False)
def test_without_a_team_the_counsellor_on_duty_nearest_the_person_owns_it(people, tree):
    on_duty(people.outsider, tree.pine, TUESDAY, name="松林站")
    on_duty(people.colleague, tree.district, TUESDAY, name="区中心")
    on_duty(people.counsellor, tree.willow, TUESDAY, name="柳岸站")
    resident = resident_in(people, tree.grid)
    assert routing.alert_owner(resident=resident, unit=tree.grid, now=TUESDAY) == people.counsellor
    # Nobody on duty in the person's branch: anyone on duty at all.
    assert routing.alert_owner(resident=None, unit=tree.klass, now=TUESDAY) == people.colleague


@time_machine.travel(TUESDAY, tick=False)
def test_a_counsellor_on_duty_elsewhere_is_better_than_nobody(people, tree):
    on_duty(people.outsider, tree.pine, TUESDAY)
    assert routing.alert_owner(resident=None, unit=tree.grid, now=TUESDAY) == people.outsider
    # Off duty at night: the shift has ended.
    night = TUESDAY.replace(hour=23, minute=59, second=30)
    assert routing.alert_owner(resident=None, unit=tree.grid, now=night) == people.supervisor


def test_with_nobody_on_duty_a_supervisor_then_a_director_in_scope_owns_it(people, tree):
    assert routing.alert_owner(resident=None, unit=tree.grid) == people.supervisor
    people.supervisor.is_active = False
    people.supervisor.save(update_fields=["is_active"])
    assert routing.alert_owner(resident=None, unit=tree.grid) == people.east_director  # the nearer one


# ---------------------------------------------------------------------------------------------
# Every writer of signals is wired in


def test_a_self_test_with_phq9_item_9_at_2_leaves_a_red_alert_within_the_same_request(client, people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="柳岸社区筛查",
        instruments=["phq9"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=14),
        identification="id_number",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    resident = resident_in(people, tree.grid, n=7, name="赵七", responsible=[people.counsellor])
    start = client.post(
        reverse("portal:selftest_start", args=[campaign.token]),
        {"consent": "on", "name": "赵七", "id_number": id_number(7)},
    )
    assert start.status_code == 302
    client.post(
        reverse("portal:selftest_step", args=[campaign.token]),
        {f"item_{n}": str(v) for n, v in enumerate(PHQ9_ITEM9_2, 1)},
    )
    assert not Alert.objects.exists()
    finish = client.post(
        reverse("portal:selftest_finish", args=[campaign.token]), {"key": client.session["selftest"]["key"]}
    )
    assert finish.status_code == 302
    alert = Alert.objects.get()
    assert (alert.level, alert.resident, alert.owner) == ("red", resident, people.counsellor)
    assert outbox_for(people.counsellor).exists()


def test_an_anonymous_self_test_alert_goes_to_the_campaign_unit(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="匿名筛查",
        instruments=["phq9"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=14),
        identification="anonymous",
    )
    campaign_set_status(actor=people.director, campaign=campaign, status="running")
    result = selftest_submit(
        campaign=campaign,
        resident=None,
        answers={"phq9": PHQ9_ITEM9_2},
        idempotency_key="a",
        consent=SelfTestConsent.now(agreed=True),
    )
    alert = Alert.objects.get()
    assert (alert.level, alert.resident, alert.org_unit) == ("red", None, tree.willow)
    assert "匿名筛查" in alert.subject_note and str(result.response.pk) in alert.subject_note


def test_a_staff_assessment_with_a_moderately_severe_band_now_raises_a_yellow_alert(people, tree):
    from assessments.services import assessment_record
    from confidentiality.models import ConsentKind
    from confidentiality.services import consent_record, consent_text_publish

    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    for kind in (ConsentKind.INFORMED, ConsentKind.SENSITIVE_INFO):
        text = consent_text_publish(actor=people.admin, kind=kind, version="1", title=str(kind), body="…")
        consent_record(
            actor=people.worker,
            resident=resident,
            text=text,
            signed_on=timezone.localdate(),
            signer="self",
            signer_name=resident.name,
            channel="paper",
        )
    assessment_record(actor=people.counsellor, resident=resident, instrument_code="phq9", answers=PHQ9_NONE)
    assert not RiskSignal.objects.exists()  # nothing to warn about
    assessment_record(
        actor=people.counsellor, resident=resident, instrument_code="phq9", answers=PHQ9_MODERATELY_SEVERE
    )
    signal = RiskSignal.objects.get()
    assert (signal.band, signal.reported_by, signal.flags) == ("moderately_severe", people.counsellor, [])
    assert Alert.objects.get().level == "yellow"


def test_a_hotline_risk_check_raises_an_alert_at_once(people, tree):
    resident = resident_in(people, tree.grid, responsible=[people.counsellor])
    common = {
        "actor": people.counsellor,
        "channel": "phone",
        "started_at": timezone.now() - timedelta(minutes=20),
        "duration_minutes": 15,
        "topic": "emotion",
        "action": "support",
    }
    entry = hotline_entry_record(
        **common, resident=resident, anonymous=False, caller_name="王五", risk_plan=True
    )
    alert = Alert.objects.get()
    assert (alert.level, alert.source, entry.signal.reported_by) == ("orange", "hotline", people.counsellor)
    anonymous = hotline_entry_record(**common, risk_immediate_danger=True)
    red = Alert.objects.get(resident=None)
    assert anonymous.signal.immediate_danger and red.level == "red"
    assert red.org_unit == people.counsellor.org_unit and red.subject_note


def _paper_campaign(people, tree):
    today = timezone.localdate()
    campaign = campaign_create(
        actor=people.director,
        name="纸质筛查",
        instruments=["phq9"],
        target_units=[tree.willow],
        target_tags=[],
        starts_on=today - timedelta(days=30),
        ends_on=today + timedelta(days=14),
        identification="id_number",
    )
    return campaign_set_status(actor=people.director, campaign=campaign, status="running")


def _import(people, campaign, rows):
    from screening.tests.test_import import HEADER, as_csv

    return import_validate_and_store(
        actor=people.director,
        campaign=campaign,
        instrument_code="phq9",
        file=io.BytesIO(as_csv(rows, header=HEADER)),
        file_format="csv",
    )


def test_a_bulk_import_raises_alerts_for_the_few_rows_that_need_one(people, tree):
    campaign = _paper_campaign(people, tree)
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    rows = []
    for n, answers in enumerate([PHQ9_NONE, PHQ9_ITEM9_2, PHQ9_MODERATELY_SEVERE, PHQ9_NONE], start=1):
        resident_in(people, tree.willow, n=n, name=f"居民{n}")
        rows.append([f"居民{n}", id_number(n), day, *answers])
    summary = _import(people, campaign, rows)
    assert summary.signals_raised == 2
    levels = sorted(Alert.objects.values_list("resident__name", "level"))
    assert levels == [("居民2", "red"), ("居民3", "yellow")]
    assert not RiskSignal.objects.filter(handled_at=None).exists()


def test_an_import_joins_a_persons_signals_into_one_alert_at_the_highest_level(people, tree):
    campaign = _paper_campaign(people, tree)
    first = resident_in(people, tree.willow, n=1, name="居民1")
    second = resident_in(people, tree.willow, n=2, name="居民2")
    _signal, existing = signal_raise(source="counsellor", resident=second, reported_by=people.counsellor)
    assert existing.level == "orange"
    today = timezone.localdate()
    rows = [
        ["居民1", id_number(1), (today - timedelta(days=3)).isoformat(), *PHQ9_MODERATELY_SEVERE],  # yellow
        ["居民1", id_number(1), (today - timedelta(days=2)).isoformat(), *PHQ9_ITEM9_2],  # red
        ["居民1", id_number(1), (today - timedelta(days=1)).isoformat(), *PHQ9_MODERATELY_SEVERE],  # yellow
        ["居民2", id_number(2), (today - timedelta(days=1)).isoformat(), *PHQ9_MODERATELY_SEVERE],  # yellow
    ]
    summary = _import(people, campaign, rows)
    assert summary.signals_raised == 4
    alert = Alert.objects.get(resident=first)
    assert alert.level == "red"
    kinds = list(alert.events.order_by("pk").values_list("kind", "from_level", "to_level"))
    assert kinds == [
        ("raised", "", "yellow"),
        ("signal", "", ""),
        ("level_raised", "yellow", "red"),
        ("signal", "", ""),
    ]
    first.archive.refresh_from_db()
    assert first.archive.risk_level == "red"
    existing.refresh_from_db()
    assert existing.level == "orange" and Alert.objects.filter(resident=second).count() == 1
    assert existing.events.filter(kind="signal").count() == 1
    assert not RiskSignal.objects.filter(handled_at=None).exists()


def test_an_imports_queries_grow_with_the_people_not_with_their_signals(people, tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    campaign = _paper_campaign(people, tree)
    for n in (1, 2):
        resident_in(people, tree.willow, n=n, name=f"居民{n}")
    today = timezone.localdate()

    def rows(days):
        return [
            [f"居民{n}", id_number(n), (today - timedelta(days=day)).isoformat(), *PHQ9_MODERATELY_SEVERE]
            for n in (1, 2)
            for day in days
        ]

    _import(people, campaign, rows([1]))  # opens each person's alert
    with CaptureQueriesContext(connection) as few:
        _import(people, campaign, rows([2]))  # one more signal each
    with CaptureQueriesContext(connection) as many:
        _import(people, campaign, rows([3, 4, 5, 6, 7]))  # five more each
    assert Alert.objects.count() == 2
    assert len(many) <= len(few) + 4, (len(few), len(many))


def test_callers_get_the_signal_and_the_alert_back(people, tree):
    resident = resident_in(people, tree.grid)
    signal, alert = signal_raise(
        source="counsellor",
        resident=resident,
        immediate_danger=True,
        note="说要跳楼",
        reported_by=people.counsellor,
    )
    assert signal.pk and signal.note == "说要跳楼" and alert.level == "red"
    assert AuditEntry.objects.filter(action="signal.raised", object_id=str(signal.pk)).exists()
    logged = [json.dumps(entry.details, ensure_ascii=False) for entry in AuditEntry.objects.all()]
    assert not any("跳楼" in details for details in logged)  # notes stay out of the log


def test_nothing_is_half_written_when_the_alert_cannot_be_made(people, tree, monkeypatch):
    from crisis.services import intake as module

    def broken(*args, **kwargs):
        raise RuntimeError("routing failed")

    monkeypatch.setattr(module.routing, "alert_owner", broken)
    with pytest.raises(RuntimeError):
        raise_assessment(resident_in(people, tree.grid), PHQ9_ITEM9_2)
    assert not RiskSignal.objects.exists() and not Alert.objects.exists()
