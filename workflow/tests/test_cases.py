"""SVC-2 / SVC-3 / SVC-4: cases open with consent and a number, are transferred with their history
and closed with an outcome; one intake per case; plans are versioned and agreed to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from archives.services import archive_set_responsible
from confidentiality import policy
from confidentiality.models import AuditEntry
from workflow.models import Case, CaseTransfer, FollowUpTask, Intake, SatisfactionSurvey, ServicePlan
from workflow.selectors.cases import archive_workflow_entries
from workflow.services import cases as services
from workflow.services.cases import (
    case_close,
    case_open,
    case_reopen,
    case_transfer,
    intake_record,
    service_plan_create,
    service_plan_record_agreement,
)

from .case_support import PROBLEM, checked_in_appointment, consent_everything, plan_values

# The fixtures (clients, case, site) live beside the helpers.
pytest_plugins = ["workflow.tests.case_fixtures"]

pytestmark = pytest.mark.django_db


# ---------------------------------------------------------------------------------------------
# Opening


def test_a_case_opens_with_the_next_number_of_the_year_and_its_counsellor_joins_the_team(people, clients):
    archive = clients.zhang.archive
    assert not policy.can_see_clinical(people.counsellor, archive)
    first = case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem=PROBLEM,
    )
    year = timezone.localdate().year
    assert first.number == f"C{year}-0001"
    assert first.status == Case.Status.OPEN and first.opened_by == people.counsellor
    assert policy.can_see_clinical(people.counsellor, archive)
    assert policy.can_see_clinical(people.supervisor, archive)  # the counsellor's supervisor
    second = case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem="复诊",
    )
    assert second.number == f"C{year}-0002"
    assert AuditEntry.objects.filter(action="case.opened", object_id=str(first.pk)).exists()


def test_the_presenting_problem_is_encrypted_at_rest(people, case):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT presenting_problem FROM workflow_case WHERE id = %s", [case.pk])
        raw = cursor.fetchone()[0]
    assert PROBLEM not in raw
    assert Case.objects.get(pk=case.pk).presenting_problem == PROBLEM


def test_numbers_past_9999_keep_counting(people, clients, case):
    year = timezone.localdate().year
    Case.objects.filter(pk=case.pk).update(number=f"C{year}-9999")
    later = case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem="再次",
    )
    assert later.number == f"C{year}-10000"


def test_two_openings_racing_for_one_number_both_succeed_with_different_numbers(
    people, clients, case, monkeypatch
):
    """The second opening computed the number the first one already took: the unique constraint
    refuses it and it takes the next one."""
    real = services._next_case_number
    calls = []

    def stale_then_real(year):
        calls.append(year)
        return case.number if len(calls) == 1 else real(year)

    monkeypatch.setattr(services, "_next_case_number", stale_then_real)
    other = case_open(
        actor=people.counsellor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem="并发",
    )
    assert len(calls) == 2
    assert other.number != case.number
    assert Case.objects.count() == 2


def test_without_consent_no_case_is_opened(people, clients):
    with pytest.raises(ValidationError, match=r"consent|同意"):
        case_open(
            actor=people.outsider, resident=clients.li, counsellor=people.outsider, presenting_problem=PROBLEM
        )
    assert not Case.objects.exists()


def test_a_presenting_problem_is_required(people, clients):
    with pytest.raises(ValidationError) as error:
        case_open(
            actor=people.counsellor,
            resident=clients.zhang,
            counsellor=people.counsellor,
            presenting_problem=" ",
        )
    assert "presenting_problem" in error.value.message_dict


def test_a_counsellor_opens_cases_for_themself_only(people, clients):
    with pytest.raises(ValidationError) as error:
        case_open(
            actor=people.counsellor,
            resident=clients.zhang,
            counsellor=people.colleague,
            presenting_problem=PROBLEM,
        )
    assert "counsellor" in error.value.message_dict
    assert not Case.objects.exists()


def test_a_supervisor_opens_a_case_for_someone_they_supervise(people, clients):
    archive_set_responsible(actor=people.archivist, archive=clients.zhang.archive, staff=[people.counsellor])
    case = case_open(
        actor=people.supervisor,
        resident=clients.zhang,
        counsellor=people.counsellor,
        presenting_problem=PROBLEM,
    )
    assert case.counsellor == people.counsellor and case.opened_by == people.supervisor


def test_a_client_in_someone_elses_care_is_not_taken_by_a_colleague_from_the_archive(people, clients, case):
    assert not policy.can_open_case_for(people.colleague, clients.zhang)
    with pytest.raises(PermissionDenied):
        case_open(
            actor=people.colleague,
            resident=clients.zhang,
            counsellor=people.colleague,
            presenting_problem=PROBLEM,
        )
    assert Case.objects.count() == 1


def test_roles_without_case_work_open_nothing(people, clients):
    for role in ("worker", "archivist", "admin", "volunteer"):
        with pytest.raises(PermissionDenied):
            case_open(
                actor=getattr(people, role),
                resident=clients.zhang,
                counsellor=people.counsellor,
                presenting_problem=PROBLEM,
            )
    assert not Case.objects.exists()


def test_a_case_opened_from_a_checked_in_appointment_takes_its_resident_and_links_it(people, clients, site):
    appointment = checked_in_appointment(people, site, clients.zhang)
    case = case_open(
        actor=people.counsellor,
        resident=None,
        counsellor=people.counsellor,
        presenting_problem=PROBLEM,
        source_appointment=appointment,
    )
    appointment.refresh_from_db()
    assert case.resident == clients.zhang and case.source_appointment == appointment
    assert appointment.case == case
    with pytest.raises(ValidationError, match="已从该预约开案"):
        case_open(
            actor=people.counsellor,
            resident=None,
            counsellor=people.counsellor,
            presenting_problem=PROBLEM,
            source_appointment=appointment,
        )
    assert Case.objects.count() == 1


@pytest.mark.parametrize(
    ("status", "resident", "message"),
    [
        ("confirmed", True, "签到后"),
        ("checked_in", False, "关联到居民"),
    ],
)
def test_an_appointment_must_be_checked_in_with_its_resident_known(
    people, clients, site, status, resident, message
):
    appointment = checked_in_appointment(people, site, clients.zhang if resident else None, status=status)
    with pytest.raises(ValidationError, match=message):
        case_open(
            actor=people.counsellor,
            resident=None,
            counsellor=people.counsellor,
            presenting_problem=PROBLEM,
            source_appointment=appointment,
        )
    assert not Case.objects.exists()


def test_the_appointment_and_the_resident_given_must_agree(people, clients, site, tree):
    consent_everything(people, clients.li)
    appointment = checked_in_appointment(people, site, clients.zhang)
    with pytest.raises(ValidationError, match="另一位居民"):
        case_open(
            actor=people.counsellor,
            resident=clients.li,
            counsellor=people.counsellor,
            presenting_problem=PROBLEM,
            source_appointment=appointment,
        )


def test_a_case_cannot_open_in_the_future(people, clients):
    with pytest.raises(ValidationError) as error:
        case_open(
            actor=people.counsellor,
            resident=clients.zhang,
            counsellor=people.counsellor,
            presenting_problem=PROBLEM,
            opened_at=timezone.now() + timedelta(days=1),
        )
    assert "opened_at" in error.value.message_dict


# ---------------------------------------------------------------------------------------------
# Transfer, closing, reopening


def test_a_transfer_keeps_the_history_and_moves_the_team(people, clients, case):
    archive = clients.zhang.archive
    transfer = case_transfer(
        actor=people.counsellor, case=case, to_counsellor=people.colleague, reason="工作调整"
    )
    case.refresh_from_db()
    assert case.counsellor == people.colleague
    assert (transfer.from_counsellor, transfer.to_counsellor, transfer.by) == (
        people.counsellor,
        people.colleague,
        people.counsellor,
    )
    assert policy.can_see_clinical(people.colleague, archive)
    assert not policy.can_see_clinical(people.counsellor, archive)
    # The reason stays on the transfer; the audit log (read by the administrator too) has only ids.
    entry = AuditEntry.objects.get(action="case.transferred")
    assert entry.reason == "" and entry.details == {"from": people.counsellor.pk, "to": people.colleague.pk}


@pytest.mark.parametrize(
    ("to", "reason", "field"),
    [
        ("colleague", "", "reason"),
        ("counsellor", "换人", "to_counsellor"),
        ("outsider", "换人", "to_counsellor"),
    ],
)
def test_a_transfer_needs_a_reason_and_another_counsellor_in_scope(people, case, to, reason, field):
    with pytest.raises(ValidationError) as error:
        case_transfer(actor=people.counsellor, case=case, to_counsellor=getattr(people, to), reason=reason)
    assert field in error.value.message_dict
    assert not CaseTransfer.objects.exists()


def test_closing_needs_an_outcome_and_a_summary(people, case):
    for outcome, summary, field in (
        ("", "总结", "outcome"),
        ("bogus", "总结", "outcome"),
        ("resolved", " ", "summary"),
    ):
        with pytest.raises(ValidationError) as error:
            case_close(actor=people.counsellor, case=case, outcome=outcome, summary=summary)
        assert field in error.value.message_dict
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN


def test_closing_plans_the_follow_ups_and_issues_the_satisfaction_link(people, case, settings):
    settings.XINQIAO_FOLLOW_UP_MONTHS = [1, 3]
    case_close(actor=people.counsellor, case=case, outcome="resolved", summary="睡眠恢复正常")
    case.refresh_from_db()
    assert (case.status, case.outcome, case.closed_by) == ("closed", "resolved", people.counsellor)
    assert case.closing_summary == "睡眠恢复正常"
    assert FollowUpTask.objects.filter(case=case, source="case_closure").count() == 2
    assert SatisfactionSurvey.objects.filter(case=case).count() == 1
    with pytest.raises(ValidationError):
        case_close(actor=people.counsellor, case=case, outcome="resolved", summary="again")


def test_a_reopened_case_closes_again_without_doubling_its_follow_ups(people, case, settings):
    settings.XINQIAO_FOLLOW_UP_MONTHS = [1, 3]
    case_close(actor=people.counsellor, case=case, outcome="improved", summary="好转")
    with pytest.raises(ValidationError):
        case_reopen(actor=people.counsellor, case=case, reason="")
    case_reopen(actor=people.counsellor, case=case, reason="症状反复")
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.outcome == ""
    case_close(actor=people.counsellor, case=case, outcome="resolved", summary="解决")
    assert FollowUpTask.objects.filter(case=case).count() == 2


def test_the_reason_for_reopening_is_kept_encrypted_on_the_case_and_never_in_the_audit_log(people, case):
    case_transfer(
        actor=people.counsellor,
        case=case,
        to_counsellor=people.colleague,
        reason="来访者希望换咨询师，回访时提出",
    )
    case.refresh_from_db()
    case_close(actor=people.colleague, case=case, outcome="improved", summary="好转")
    case_reopen(actor=people.colleague, case=case, reason="再次出现自伤念头")
    reopening = case.reopenings.get()
    assert (reopening.reason, reopening.previous_outcome, reopening.by) == (
        "再次出现自伤念头",
        "improved",
        people.colleague,
    )
    entry = AuditEntry.objects.get(action="case.reopened")
    assert entry.details == {"reopening": reopening.pk} and "自伤" not in entry.reason
    for table, column in (
        ("workflow_casereopening", "reason"),
        ("workflow_casetransfer", "reason"),
        ("workflow_followuptask", "reason"),
    ):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {column} FROM {table}")
            stored = " ".join(str(value) for (value,) in cursor.fetchall())
        assert "自伤" not in stored and "回访" not in stored
    timeline = " ".join(f"{e.title} {e.detail}" for e in archive_workflow_entries(resident=case.resident))
    assert "再次出现自伤念头" in timeline


def test_only_the_case_team_closes_it(people, case):
    for role in ("colleague", "outsider", "worker"):
        with pytest.raises(PermissionDenied):
            case_close(actor=getattr(people, role), case=case, outcome="resolved", summary="x")
    case_close(actor=people.supervisor, case=case, outcome="referred", summary="转介至专科医院")


# ---------------------------------------------------------------------------------------------
# Intake


def test_one_intake_per_case_and_each_edit_is_audited(people, case):
    today = timezone.localdate()
    intake = intake_record(actor=people.counsellor, case=case, held_on=today, chief_complaint="入睡困难")
    again = intake_record(
        actor=people.supervisor, case=case, held_on=today, chief_complaint="入睡困难", risk_notes="无自伤意念"
    )
    assert intake.pk == again.pk and Intake.objects.count() == 1
    assert again.risk_notes == "无自伤意念"
    edit = AuditEntry.objects.get(action="intake.updated")
    assert edit.details["fields"] == ["risk_notes"] and edit.actor == people.supervisor
    intake_record(
        actor=people.supervisor, case=case, held_on=today, chief_complaint="入睡困难", risk_notes="无自伤意念"
    )
    assert AuditEntry.objects.filter(action="intake.updated").count() == 1  # no change, no entry


def test_an_intake_needs_a_chief_complaint_and_an_open_case(people, case):
    with pytest.raises(ValidationError):
        intake_record(actor=people.counsellor, case=case, held_on=timezone.localdate(), chief_complaint="")
    case_close(actor=people.counsellor, case=case, outcome="dropped", summary="失联")
    with pytest.raises(ValidationError, match="已结案"):
        intake_record(actor=people.counsellor, case=case, held_on=timezone.localdate(), chief_complaint="x")
    assert not Intake.objects.exists()


# ---------------------------------------------------------------------------------------------
# Service plans


def test_each_plan_save_is_a_new_version_and_revisions_need_a_reason(people, case):
    first = service_plan_create(actor=people.counsellor, case=case, **plan_values())
    assert first.version == 1 and first.revision_reason == ""
    with pytest.raises(ValidationError) as error:
        service_plan_create(actor=people.counsellor, case=case, **plan_values(goals="新目标"))
    assert "revision_reason" in error.value.message_dict
    second = service_plan_create(
        actor=people.counsellor, case=case, **plan_values(goals="新目标"), revision_reason="睡眠已改善"
    )
    assert second.version == 2
    first.refresh_from_db()
    assert first.goals == "改善睡眠，学会放松"  # earlier versions stay as written
    assert AuditEntry.objects.filter(action="service_plan.revised").exists()
    assert not AuditEntry.objects.filter(reason__contains="睡眠已改善").exists()


def test_the_clients_agreement_is_recorded_on_the_current_version_only(people, case):
    first = service_plan_create(actor=people.counsellor, case=case, **plan_values())
    second = service_plan_create(
        actor=people.counsellor, case=case, **plan_values(), revision_reason="调整频率"
    )
    with pytest.raises(ValidationError, match="当前版本"):
        service_plan_record_agreement(
            actor=people.counsellor, plan=first, agreed_on=timezone.localdate(), agreement="verbal"
        )
    service_plan_record_agreement(
        actor=people.counsellor, plan=second, agreed_on=timezone.localdate(), agreement="written"
    )
    second.refresh_from_db()
    assert (second.agreed_on, second.agreement) == (timezone.localdate(), "written")
    with pytest.raises(ValidationError, match="已记录来访者对此版本的同意"):
        service_plan_record_agreement(
            actor=people.counsellor, plan=second, agreed_on=timezone.localdate(), agreement="verbal"
        )


def test_a_plan_with_half_an_agreement_or_a_backwards_period_is_refused(people, case):
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        service_plan_create(actor=people.counsellor, case=case, **plan_values(agreed_on=today))
    with pytest.raises(ValidationError):
        service_plan_create(
            actor=people.counsellor, case=case, **plan_values(period_end=today - timedelta(days=1))
        )
    assert not ServicePlan.objects.exists()


def test_booking_an_appointment_is_no_way_onto_another_counsellors_clients_team(people, clients, case):
    """A colleague who books, confirms and checks in the counsellor's client themselves still
    cannot open a case for them: the client is in someone's care (security review, issue 5)."""
    from datetime import timedelta

    from django.utils import timezone

    from orgs.services import room_create, service_site_create
    from workflow.services.appointments import appointment_check_in, appointment_confirm, appointment_register

    resident = case.resident
    site = service_site_create(actor=None, name="柳岸服务站", org_unit=resident.org_unit)
    room = room_create(actor=None, site=site, name="咨询室", kind="individual", capacity=2)
    start = timezone.localtime().replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)
    appointment = appointment_register(
        actor=people.colleague,
        site=site,
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        service="counselling",
        channel="phone",
        resident=resident,
        counsellor=people.colleague,
        room=room,
        acknowledged=True,  # no duty roster in this test
    )
    appointment_confirm(
        actor=people.colleague, appointment=appointment, counsellor=people.colleague, room=room
    )
    appointment_check_in(actor=people.colleague, appointment=appointment, now=appointment.starts_at)
    with pytest.raises(ValidationError, match="其他工作人员"):
        case_open(
            actor=people.colleague,
            resident=None,
            counsellor=people.colleague,
            presenting_problem="想换个咨询师",
            source_appointment=appointment,
        )
    assert Case.objects.filter(resident=resident).count() == 1


@pytest.mark.parametrize("who", ["counsellor", "supervisor", "director", "east_director", "therapist"])
def test_the_counsellors_offered_for_a_case_are_exactly_those_it_may_be_given_to(people, clients, who):
    from django.contrib.auth import get_user_model

    actor = getattr(people, who)
    for resident in (clients.zhang, clients.li):
        offered = set(policy.filter_case_assignees(actor, get_user_model().objects.all(), resident=resident))
        for user in get_user_model().objects.all():
            expected = policy.can_hold_cases(user) and policy.can_assign_case_to(actor, user, resident)
            assert (user in offered) == expected, (who, resident.name, user.username)
