"""Crisis cases (CRI-3) through their services: opening from an alert (also without consent on
file), the risk assessment, the safety plan, the action log and its disclosures (CONF-5), the
checks and their reminders, closing with a review, the success rate and the archive timeline."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from archives.selectors import archive_timeline
from confidentiality.models import AuditEntry, Disclosure, DisclosureBasis
from core.jobs import run_due_jobs
from crisis.models import Alert, AlertEvent, CrisisAction, CrisisCase, CrisisCheck, SafetyPlan, WatchListEntry
from crisis.selectors.cases import crisis_success_rate
from crisis.services import cases as services
from crisis.services.alerts import alert_close, alert_resolve
from crisis.services.intake import archive_follow_alert
from crisis.tests.case_fixtures import settle_checks
from notifications.models import Notification

pytestmark = pytest.mark.django_db
pytest_plugins = ["crisis.tests.case_fixtures"]

PLAN = {
    "warning_signs": "睡不着，反复想到离开",
    "coping_steps": "散步，听音乐",
    "people_places": "姐姐 13800000000",
    "professionals": "12356",
    "means_restriction": "药物交给姐姐保管",
}
ASSESSMENT = {
    "ideation": "近两周每天出现自杀念头",
    "plan": "有具体方法",
    "means": "家中有大量安眠药",
    "history": "2019年服药自杀未遂",
    "protective_factors": "女儿，愿意接受帮助",
    "risk_summary": "高风险，需要紧急干预",
}


@pytest.fixture(autouse=True)
def _in_english():
    # Labels stored on disclosures and timeline titles in English, before and after the translations.
    with translation.override("en"):
        yield


def audit_actions(**lookup) -> list[str]:
    return list(AuditEntry.objects.filter(**lookup).order_by("seq").values_list("action", flat=True))


def check(crisis_case, kind) -> CrisisCheck:
    return CrisisCheck.objects.get(crisis_case=crisis_case, kind=kind)


def request_close(people, crisis_case, outcome=CrisisCase.Outcome.STABILISED, actor=None, settle=True):
    if settle:
        settle_checks(crisis_case)
    return services.crisis_case_request_close(
        actor=actor or people.counsellor,
        crisis_case=crisis_case,
        outcome=outcome,
        summary="情绪稳定，已转介",
        risk_level="yellow",
        risk_reason="仍有睡眠问题，两周后复查",
    )


# ---------------------------------------------------------------------------------------------
# Opening


def test_opening_a_case_on_a_new_alert_acknowledges_it_and_starts_the_intervention(people, crisis):
    crisis_case = services.crisis_case_open(actor=people.counsellor, alert=crisis.red)
    alert = Alert.objects.get(pk=crisis.red.pk)
    assert alert.state == Alert.State.INTERVENING
    assert alert.acknowledged_by == people.counsellor
    assert crisis_case.owner == people.counsellor and crisis_case.opened_by == people.counsellor
    assert crisis_case.resident == crisis.zhang and crisis_case.status == CrisisCase.Status.OPEN
    kinds = list(alert.events.values_list("kind", flat=True))
    assert kinds[-2:] == [AlertEvent.Kind.ACKNOWLEDGED, AlertEvent.Kind.INTERVENING]
    assert "crisis_case.opened" in audit_actions(object_type="crisis.crisiscase")


def test_opening_creates_checks_at_24_hours_72_hours_and_7_days_for_the_owner(people, crisis):
    before = timezone.now()
    crisis_case = services.crisis_case_open(actor=people.colleague, alert=crisis.orange)
    checks = {check.kind: check for check in crisis_case.checks.all()}
    assert set(checks) == {CrisisCheck.Kind.H24, CrisisCheck.Kind.H72, CrisisCheck.Kind.D7}
    for kind, delay in services.CHECK_DELAYS.items():
        assert before + delay <= checks[kind].due_at <= timezone.now() + delay
        assert checks[kind].assignee == people.colleague


def test_a_crisis_is_handled_for_a_resident_with_no_consent_on_file(people, crisis):
    crisis_case = services.crisis_case_open(actor=people.counsellor, alert=crisis.red)
    assert crisis_case.consent_bypassed is True
    inform = crisis_case.checks.get(kind=CrisisCheck.Kind.INFORM_PERSON)
    assert inform.assignee == people.counsellor
    assert inform.due_at - crisis_case.opened_at == services.INFORM_PERSON_DELAY
    entry = AuditEntry.objects.get(action="crisis_case.opened", object_id=str(crisis_case.pk))
    assert entry.details["consent_bypassed"] is True and entry.details["basis"] == DisclosureBasis.DANGER


def test_with_consent_on_file_nothing_is_bypassed_and_nobody_needs_informing(people, crisis):
    crisis_case = services.crisis_case_open(actor=people.counsellor, alert=crisis.orange)
    assert crisis_case.consent_bypassed is False
    assert not crisis_case.checks.filter(kind=CrisisCheck.Kind.INFORM_PERSON).exists()
    assert Alert.objects.get(pk=crisis.orange.pk).state == Alert.State.INTERVENING


def test_an_intervening_alert_gets_a_note_instead_of_a_second_state_change(people, crisis):
    crisis.orange.state = Alert.State.INTERVENING
    crisis.orange.save(update_fields=["state"])
    services.crisis_case_open(actor=people.counsellor, alert=crisis.orange)
    assert crisis.orange.events.filter(kind=AlertEvent.Kind.NOTE).count() == 1
    assert not crisis.orange.events.filter(kind=AlertEvent.Kind.INTERVENING).exists()


def test_an_alert_has_one_crisis_case_at_most(people, crisis, red_case):
    with pytest.raises(ValidationError):
        services.crisis_case_open(actor=people.colleague, alert=crisis.red)
    assert CrisisCase.objects.count() == 1


def test_someone_who_cannot_handle_the_alert_cannot_open_a_case_and_nothing_is_written(people, crisis):
    for intruder in (people.outsider, people.worker, people.archivist):
        with pytest.raises(PermissionDenied):
            services.crisis_case_open(actor=intruder, alert=crisis.red)
    assert not CrisisCase.objects.exists() and not CrisisCheck.objects.exists()
    assert Alert.objects.get(pk=crisis.red.pk).state == Alert.State.NEW


def test_a_resolved_alert_cannot_get_a_case(people, crisis):
    alert_resolve(actor=people.counsellor, alert=crisis.orange, outcome=Alert.Outcome.FALSE_ALARM)
    with pytest.raises(ValidationError):
        services.crisis_case_open(actor=people.counsellor, alert=crisis.orange)
    assert not CrisisCase.objects.exists()


def test_opening_a_case_puts_a_known_resident_on_the_watch_list(people, crisis, red_case):
    entry = WatchListEntry.objects.get(resident=crisis.zhang, removed_at__isnull=True)
    assert entry.crisis_case == red_case and entry.added_by == people.counsellor


def test_an_anonymous_person_is_neither_on_the_watch_list_nor_a_consent_bypass(
    people, crisis, anonymous_case
):
    assert anonymous_case.resident is None and anonymous_case.consent_bypassed is False
    assert not anonymous_case.checks.filter(kind=CrisisCheck.Kind.INFORM_PERSON).exists()
    assert not WatchListEntry.objects.exists()


# ---------------------------------------------------------------------------------------------
# Risk assessment and safety plan


def test_the_risk_assessment_records_every_domain_and_who_assessed(people, red_case):
    services.crisis_risk_assessment_record(actor=people.counsellor, crisis_case=red_case, **ASSESSMENT)
    red_case.refresh_from_db()
    assert red_case.means == "家中有大量安眠药" and red_case.assessed_by == people.counsellor
    entry = AuditEntry.objects.filter(action="crisis_case.risk_assessed").get()
    assert "安眠药" not in str(entry.details)


def test_every_domain_of_the_risk_assessment_must_be_answered(people, red_case):
    with pytest.raises(ValidationError) as error:
        services.crisis_risk_assessment_record(
            actor=people.counsellor, crisis_case=red_case, **{**ASSESSMENT, "plan": " ", "means": ""}
        )
    assert set(error.value.message_dict) == {"plan", "means"}
    red_case.refresh_from_db()
    assert red_case.assessed_at is None and red_case.ideation == ""


def test_each_save_of_the_safety_plan_is_a_new_version(people, red_case):
    first = services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    second = services.safety_plan_save(
        actor=people.colleague, crisis_case=red_case, **{**PLAN, "coping_steps": "给姐姐打电话"}
    )
    assert (first.version, second.version) == (1, 2)
    assert SafetyPlan.objects.get(pk=first.pk).coping_steps == "散步，听音乐"
    assert audit_actions(action="safety_plan.saved") == ["safety_plan.saved"] * 2


def test_a_safety_plan_needs_warning_signs_coping_steps_and_professionals(people, red_case):
    with pytest.raises(ValidationError) as error:
        services.safety_plan_save(
            actor=people.counsellor,
            crisis_case=red_case,
            **{**PLAN, "warning_signs": "", "coping_steps": "", "professionals": ""},
        )
    assert {"warning_signs", "coping_steps", "professionals"} <= set(error.value.message_dict)
    assert not SafetyPlan.objects.exists()


def test_the_safety_plan_offers_the_centre_hotline_and_the_national_numbers(db):
    from core.models import CentreProfile
    from crisis.selectors.cases import safety_plan_professionals_default

    CentreProfile.objects.create(name="心桥中心", hotline="010-12345678", hotline_hours="8:00-22:00")
    text = safety_plan_professionals_default()
    assert "010-12345678" in text and "8:00-22:00" in text
    assert "12356" in text and "110" in text and "120" in text


def test_the_safety_plan_pdf_is_audited(people, red_case):
    from crisis.selectors.cases import safety_plan_context

    plan = services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    context = safety_plan_context(crisis_case=red_case, plan=plan)
    content = services.safety_plan_pdf(
        actor=people.counsellor, crisis_case=red_case, plan=plan, context=context
    )
    assert content.startswith(b"%PDF")
    assert audit_actions(action="safety_plan.pdf_downloaded") == ["safety_plan.pdf_downloaded"]
    with pytest.raises(PermissionDenied):
        services.safety_plan_pdf(actor=people.outsider, crisis_case=red_case, plan=plan, context=context)


# ---------------------------------------------------------------------------------------------
# Action log and disclosures


def test_a_guardian_notification_creates_a_disclosure_with_basis_danger(people, crisis, red_case):
    action = services.crisis_action_record(
        actor=people.counsellor,
        crisis_case=red_case,
        kind=CrisisAction.Kind.GUARDIAN,
        recipient="母亲 王芳",
        text="电话告知母亲，请她陪同",
    )
    disclosure = action.disclosure
    assert disclosure.resident == crisis.zhang and disclosure.basis == DisclosureBasis.DANGER
    assert disclosure.recipient == "母亲 王芳" and disclosure.disclosed_by == people.counsellor
    assert disclosure.fields == ["The person's name", "Current situation and risk"]
    assert f"#{red_case.pk}" in disclosure.purpose
    assert audit_actions(action="disclosure.recorded") == ["disclosure.recorded"]


def test_the_disclosure_lists_only_the_items_ticked(people, red_case):
    action = services.crisis_action_record(
        actor=people.counsellor,
        crisis_case=red_case,
        kind=CrisisAction.Kind.POLICE,
        recipient="柳岸派出所",
        text="报警，请求上门",
        disclosed=["location", "name"],
    )
    assert action.disclosure.fields == ["The person's name", "Where the person is"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"recipient": ""}, "recipient"),
        ({"disclosed": []}, "disclosed"),
        ({"disclosed": ["id_number"]}, "disclosed"),
        ({"text": " "}, "text"),
        ({"kind": "telepathy"}, "kind"),
    ],
)
def test_a_contact_outside_the_team_needs_who_what_was_told_and_what_was_done(
    people, red_case, change, field
):
    data = {"kind": CrisisAction.Kind.HOSPITAL, "recipient": "市精神卫生中心急诊", "text": "联系急诊"}
    with pytest.raises(ValidationError) as error:
        services.crisis_action_record(actor=people.counsellor, crisis_case=red_case, **{**data, **change})
    assert field in error.value.message_dict
    assert not CrisisAction.objects.exists() and not Disclosure.objects.exists()


def test_an_action_inside_the_team_is_no_disclosure(people, red_case):
    action = services.crisis_action_record(
        actor=people.counsellor, crisis_case=red_case, kind=CrisisAction.Kind.CALL, text="电话沟通30分钟"
    )
    assert action.disclosure is None and not Disclosure.objects.exists()


def test_an_anonymous_persons_contacts_are_logged_without_a_disclosure(people, anonymous_case):
    action = services.crisis_action_record(
        actor=people.counsellor,
        crisis_case=anonymous_case,
        kind=CrisisAction.Kind.POLICE,
        recipient="公园派出所",
        text="请民警到场",
    )
    assert action.pk and action.disclosure is None and not Disclosure.objects.exists()


def test_an_action_may_be_written_up_afterwards_but_not_in_the_future(people, red_case):
    earlier = timezone.now() - timedelta(hours=2)
    action = services.crisis_action_record(
        actor=people.counsellor, crisis_case=red_case, kind=CrisisAction.Kind.VISIT, text="上门", at=earlier
    )
    assert action.at == earlier
    with pytest.raises(ValidationError):
        services.crisis_action_record(
            actor=people.counsellor,
            crisis_case=red_case,
            kind=CrisisAction.Kind.VISIT,
            text="上门",
            at=timezone.now() + timedelta(hours=1),
        )


def test_nobody_out_of_reach_writes_in_the_action_log(people, red_case):
    with pytest.raises(PermissionDenied):
        services.crisis_action_record(
            actor=people.outsider, crisis_case=red_case, kind=CrisisAction.Kind.NOTE, text="x"
        )
    assert not CrisisAction.objects.exists()


# ---------------------------------------------------------------------------------------------
# Checks and their reminders


def test_a_check_is_done_once_with_its_result(people, red_case):
    check = red_case.checks.get(kind=CrisisCheck.Kind.H24)
    with pytest.raises(ValidationError):
        services.crisis_check_complete(actor=people.colleague, check=check, note=" ")
    services.crisis_check_complete(actor=people.colleague, check=check, note="电话回访，情绪平稳")
    check.refresh_from_db()
    assert check.done_by == people.colleague and check.note == "电话回访，情绪平稳"
    with pytest.raises(ValidationError):
        services.crisis_check_complete(actor=people.counsellor, check=check, note="again")


def test_the_job_reminds_the_assignee_of_a_check_due_within_the_hour_once(people, red_case):
    check = red_case.checks.get(kind=CrisisCheck.Kind.H24)
    with time_machine.travel(check.due_at - timedelta(hours=2), tick=False):
        assert run_due_jobs(now=timezone.now(), only="crisis.checks_due")[0][1] is True
    assert not Notification.objects.filter(dedupe_key__startswith="crisis_check:").exists()
    for minutes in (45, 20, -10):
        with time_machine.travel(check.due_at - timedelta(minutes=minutes), tick=False):
            assert run_due_jobs(now=timezone.now(), only="crisis.checks_due")[0][1] is True
    message = Notification.objects.get(dedupe_key__startswith="crisis_check:")
    assert message.dedupe_key == f"crisis_check:{check.pk}:due"
    assert message.recipient_user == people.counsellor
    assert "张三" not in message.subject + message.body
    assert f"/staff/crisis/cases/{red_case.pk}/" in message.body


def test_done_checks_and_checks_of_closed_cases_are_not_reminded(people, red_case):
    late = timezone.now() + timedelta(days=8)
    for check in red_case.checks.exclude(kind=CrisisCheck.Kind.H24):
        services.crisis_check_complete(actor=people.counsellor, check=check, note="做了")
    assert services.crisis_checks_remind_due(now=late) == 1
    Notification.objects.all().delete()
    CrisisCase.objects.filter(pk=red_case.pk).update(status=CrisisCase.Status.CLOSED)
    assert services.crisis_checks_remind_due(now=late) == 0


def test_the_task_to_inform_the_person_is_still_reminded_after_the_case_closed(people, crisis):
    crisis_case = services.crisis_case_open(actor=people.counsellor, alert=crisis.red)
    inform = crisis_case.checks.get(kind=CrisisCheck.Kind.INFORM_PERSON)
    for check in crisis_case.checks.exclude(pk=inform.pk):
        services.crisis_check_complete(actor=people.counsellor, check=check, note="做了")
    CrisisCase.objects.filter(pk=crisis_case.pk).update(status=CrisisCase.Status.CLOSED)
    assert services.crisis_checks_remind_due(now=inform.due_at) == 1
    assert Notification.objects.get().dedupe_key == f"crisis_check:{inform.pk}:due"


# ---------------------------------------------------------------------------------------------
# Closing and its review


def test_asking_to_close_needs_an_outcome_and_notifies_the_owners_supervisor(people, red_case):
    settle_checks(red_case)
    with pytest.raises(ValidationError) as error:
        services.crisis_case_request_close(
            actor=people.counsellor, crisis_case=red_case, outcome="", summary=""
        )
    assert set(error.value.message_dict) == {"outcome", "summary", "risk_level", "risk_reason"}
    request_close(people, red_case)
    red_case.refresh_from_db()
    assert red_case.status == CrisisCase.Status.AWAITING_REVIEW
    assert red_case.outcome == CrisisCase.Outcome.STABILISED
    message = Notification.objects.get(dedupe_key__startswith=f"crisis_case:{red_case.pk}:review:")
    assert message.recipient_user == people.supervisor
    assert "张三" not in message.subject + message.body


def test_a_case_does_not_close_while_its_follow_up_checks_are_open_and_says_which(people, red_case):
    with pytest.raises(ValidationError) as refused:
        request_close(people, red_case, settle=False)
    words = " ".join(refused.value.messages)
    for kind in ("Check after 24 hours", "Check after 72 hours", "Check after 7 days"):
        assert kind in words
    # The task to inform the person may be done after the closing: it does not hold the case open.
    assert "Inform the person" not in words
    red_case.refresh_from_db()
    assert red_case.status == CrisisCase.Status.OPEN
    assert "crisis_case.close_requested" not in audit_actions()
    services.crisis_check_complete(actor=people.counsellor, check=check(red_case, "24h"), note="电话回访")
    services.crisis_check_complete(actor=people.counsellor, check=check(red_case, "72h"), note="家访")
    with pytest.raises(ValidationError) as refused:
        request_close(people, red_case, settle=False)
    assert "Check after 7 days" in " ".join(refused.value.messages)
    assert "Check after 24 hours" not in " ".join(refused.value.messages)


def test_a_follow_up_check_waived_with_its_reason_lets_the_case_close_and_is_audited(people, red_case):
    seven = check(red_case, "7d")
    with pytest.raises(ValidationError) as missing:
        services.crisis_check_waive(actor=people.counsellor, check=seven, reason=" ")
    assert "reason" in missing.value.message_dict
    for kind in ("24h", "72h"):
        services.crisis_check_complete(actor=people.counsellor, check=check(red_case, kind), note="平稳")
    services.crisis_check_waive(actor=people.colleague, check=seven, reason="已住院，由医院随访")
    seven.refresh_from_db()
    assert seven.waived_by == people.colleague and seven.waive_reason == "已住院，由医院随访"
    assert seven.done_at is None and not seven.is_open
    entry = AuditEntry.objects.get(action="crisis_check.waived")
    assert entry.details == {"check": seven.pk, "kind": "7d"} and "医院" not in entry.reason
    with pytest.raises(ValidationError):
        services.crisis_check_complete(actor=people.counsellor, check=seven, note="x")
    request_close(people, red_case, settle=False)
    assert CrisisCase.objects.get(pk=red_case.pk).status == CrisisCase.Status.AWAITING_REVIEW


def test_the_task_to_inform_the_person_cannot_be_waived_nor_a_check_out_of_reach(people, red_case, far_case):
    with pytest.raises(ValidationError):
        services.crisis_check_waive(
            actor=people.counsellor, check=check(red_case, "inform_person"), reason="x"
        )
    with pytest.raises(PermissionDenied):
        services.crisis_check_waive(actor=people.counsellor, check=check(far_case, "24h"), reason="x")
    assert not CrisisCheck.objects.filter(waived_at__isnull=False).exists()


def test_a_waived_check_is_not_reminded(people, red_case):
    services.crisis_check_waive(actor=people.counsellor, check=check(red_case, "24h"), reason="已住院")
    with time_machine.travel(timezone.now() + timedelta(hours=24), tick=False):
        services.crisis_checks_remind_due()
    keys = set(Notification.objects.values_list("dedupe_key", flat=True))
    assert f"crisis_check:{check(red_case, '24h').pk}:due" not in keys


def test_a_closing_that_waits_with_a_check_open_is_not_confirmed(people, red_case):
    # A closing asked before the rule existed: waiting for review with the 7-day check open.
    request_close(people, red_case)
    CrisisCheck.objects.filter(crisis_case=red_case, kind="7d").update(done_at=None)
    with pytest.raises(ValidationError) as refused:
        services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    assert "Check after 7 days" in " ".join(refused.value.messages)
    assert CrisisCase.objects.get(pk=red_case.pk).status == CrisisCase.Status.AWAITING_REVIEW


def test_the_archive_takes_the_risk_level_set_on_closing_once_the_review_confirms_it(
    people, crisis, red_case
):
    from archives.models import RiskLevelChange
    from archives.selectors import risk_level_basis

    archive = crisis.zhang.archive
    archive_follow_alert(crisis.red)  # the alert (made with the ORM) raises the level as intake does
    archive.refresh_from_db()
    assert archive.risk_level == "red"
    request_close(people, red_case)
    archive.refresh_from_db()
    assert archive.risk_level == "red"  # not before the review
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    archive.refresh_from_db()
    assert archive.risk_level == "yellow"
    basis = risk_level_basis(archive=archive)
    assert basis.source == RiskLevelChange.Source.CRISIS_CASE and basis.from_level == "red"
    assert basis.changed_by == people.supervisor
    assert f"#{red_case.pk}" in basis.reason and "两周后复查" not in basis.reason
    assert "两周后复查" not in " ".join(AuditEntry.objects.values_list("reason", flat=True))


def test_keeping_the_level_on_closing_is_recorded_too(people, crisis, red_case):
    from archives.selectors import risk_level_basis

    archive_follow_alert(crisis.red)
    settle_checks(red_case)
    services.crisis_case_request_close(
        actor=people.counsellor,
        crisis_case=red_case,
        outcome="stabilised",
        summary="仍有风险",
        risk_level="red",
        risk_reason="仍有自杀念头，每周复查",
    )
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    basis = risk_level_basis(archive=crisis.zhang.archive)
    assert (basis.from_level, basis.to_level, basis.source) == ("red", "red", "crisis_case")


def test_an_anonymous_case_closes_without_a_risk_level(people, anonymous_case):
    settle_checks(anonymous_case)
    services.crisis_case_request_close(
        actor=people.counsellor, crisis_case=anonymous_case, outcome="other", summary="未能确认身份"
    )
    assert CrisisCase.objects.get(pk=anonymous_case.pk).closing_risk_level == ""


def test_without_a_supervisor_of_their_own_the_supervisors_in_scope_are_asked(people, red_case):
    people.counsellor.supervisor = None
    people.counsellor.save(update_fields=["supervisor"])
    red_case.refresh_from_db()
    request_close(people, red_case)
    recipients = set(Notification.objects.values_list("recipient_user", flat=True))
    assert recipients == {people.supervisor.pk}


def test_the_owner_cannot_review_their_own_case(people, crisis):
    crisis_case = services.crisis_case_open(actor=people.supervisor, alert=crisis.red)
    request_close(people, crisis_case, actor=people.supervisor)
    with pytest.raises(PermissionDenied):
        services.crisis_case_review(actor=people.supervisor, crisis_case=crisis_case, approve=True, note="")
    assert CrisisCase.objects.get(pk=crisis_case.pk).status == CrisisCase.Status.AWAITING_REVIEW
    services.crisis_case_review(actor=people.director, crisis_case=crisis_case, approve=True, note="同意")
    assert CrisisCase.objects.get(pk=crisis_case.pk).status == CrisisCase.Status.CLOSED


def test_who_asked_to_close_cannot_confirm_it_either(people, crisis, red_case):
    request_close(people, red_case, actor=people.supervisor)
    with pytest.raises(ValidationError):
        services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    services.crisis_case_review(actor=people.director, crisis_case=red_case, approve=True, note="")
    assert CrisisCase.objects.get(pk=red_case.pk).status == CrisisCase.Status.CLOSED


def test_a_counsellor_cannot_review_a_closing(people, red_case):
    request_close(people, red_case)
    with pytest.raises(PermissionDenied):
        services.crisis_case_review(actor=people.colleague, crisis_case=red_case, approve=True, note="")


def test_a_confirmed_closing_closes_the_case_and_resolves_and_closes_its_alert(people, crisis, red_case):
    request_close(people, red_case, outcome=CrisisCase.Outcome.HOSPITALISED)
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="同意结案")
    red_case.refresh_from_db()
    assert red_case.status == CrisisCase.Status.CLOSED and red_case.closed_at is not None
    assert red_case.reviewed_by == people.supervisor and red_case.review_note == "同意结案"
    alert = Alert.objects.get(pk=crisis.red.pk)
    assert alert.state == Alert.State.CLOSED and alert.outcome == Alert.Outcome.HOSPITALISED
    assert "crisis_case.closed" in audit_actions(object_type="crisis.crisiscase")


def test_a_case_whose_alert_was_resolved_meanwhile_only_closes_the_alert(people, crisis, red_case):
    alert_resolve(actor=people.counsellor, alert=crisis.red, outcome=Alert.Outcome.REFERRED)
    request_close(people, red_case, outcome=CrisisCase.Outcome.STABILISED)
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    alert = Alert.objects.get(pk=crisis.red.pk)
    assert alert.state == Alert.State.CLOSED and alert.outcome == Alert.Outcome.REFERRED


def test_an_alert_with_an_open_crisis_case_cannot_be_closed_around_the_review(people, crisis, red_case):
    alert_resolve(actor=people.counsellor, alert=crisis.red, outcome=Alert.Outcome.STABILISED)
    with pytest.raises(ValidationError):
        alert_close(actor=people.counsellor, alert=crisis.red)
    assert Alert.objects.get(pk=crisis.red.pk).state == Alert.State.RESOLVED
    request_close(people, red_case)
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    assert Alert.objects.get(pk=crisis.red.pk).state == Alert.State.CLOSED


def test_a_returned_closing_reopens_the_case_with_the_note_and_tells_the_owner(people, red_case):
    request_close(people, red_case)
    with pytest.raises(ValidationError):
        services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=False, note="")
    services.crisis_case_review(
        actor=people.supervisor, crisis_case=red_case, approve=False, note="尚未通知本人，请先完成"
    )
    red_case.refresh_from_db()
    assert red_case.status == CrisisCase.Status.OPEN and red_case.review_note == "尚未通知本人，请先完成"
    assert Notification.objects.filter(
        recipient_user=people.counsellor, dedupe_key__startswith=f"crisis_case:{red_case.pk}:returned:"
    ).exists()
    assert Alert.objects.get(pk=red_case.alert_id).state == Alert.State.INTERVENING


def test_a_closed_case_is_read_only_but_its_checks_can_still_be_done(people, red_case):
    request_close(people, red_case)
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    with pytest.raises(ValidationError):
        services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    with pytest.raises(ValidationError):
        services.crisis_action_record(
            actor=people.counsellor, crisis_case=red_case, kind=CrisisAction.Kind.NOTE, text="x"
        )
    inform = red_case.checks.get(kind=CrisisCheck.Kind.INFORM_PERSON)
    services.crisis_check_complete(actor=people.counsellor, check=inform, note="已当面告知本人")
    assert CrisisCheck.objects.get(pk=inform.pk).done_at is not None


# ---------------------------------------------------------------------------------------------
# Success rate and the archive's timeline


def test_the_success_rate_counts_stabilised_referred_and_hospitalised_of_all_closed(people, tree, crisis):
    from crisis.tests.alert_support import client_of, make_alert

    outcomes = ["stabilised", "referred", "hospitalised", "lost_to_contact", "other"]
    for index, outcome in enumerate(outcomes):
        resident = client_of(people, tree.grid, f"居民{index}")
        alert = make_alert(level="orange", org_unit=tree.grid, resident=resident, owner=people.counsellor)
        crisis_case = services.crisis_case_open(actor=people.counsellor, alert=alert)
        request_close(people, crisis_case, outcome=outcome)
        services.crisis_case_review(actor=people.supervisor, crisis_case=crisis_case, approve=True, note="")
    services.crisis_case_open(actor=people.counsellor, alert=crisis.red)  # still open: not counted
    today = timezone.localdate()
    rate = crisis_success_rate(user=people.supervisor, start=today, end=today)
    assert (rate["successful"], rate["closed"], rate["rate"]) == (3, 5, 0.6)
    assert dict((value, count) for value, _label, count in rate["by_outcome"])["lost_to_contact"] == 1
    assert crisis_success_rate(user=people.outsider, start=today, end=today)["rate"] is None
    yesterday = today - timedelta(days=1)
    assert crisis_success_rate(user=people.supervisor, start=yesterday, end=yesterday)["closed"] == 0


def test_the_archive_timeline_shows_the_crisis_case_opened_and_closed_to_clinical_staff(
    people, crisis, red_case
):
    request_close(people, red_case, outcome=CrisisCase.Outcome.REFERRED)
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="")
    archive = crisis.zhang.archive
    titles = [
        entry.title for entry in archive_timeline(user=people.counsellor, archive=archive, clinical=True)
    ]
    assert f"Crisis case #{red_case.pk} opened (Red alert)" in titles
    assert f"Crisis case #{red_case.pk} closed: Referred" in titles
    hidden = archive_timeline(user=people.worker, archive=archive, clinical=False)
    assert not [entry for entry in hidden if entry.kind == "crisis"]
