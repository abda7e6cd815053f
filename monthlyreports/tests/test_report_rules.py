"""The monthly report's state rules and every bad input of PRG-6 (issue 13 items 2 and 5): a
clear message and nothing written."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crisis.models import RiskSignal
from monthlyreports import services
from monthlyreports.calendar import due_on, last_working_day, locks_on, parse_period
from monthlyreports.models import ConcernReview, ConcernRow, MonthlyReport, ReportEvent
from notifications.models import Notification
from orgs.models import DutyException

from .conftest import ANSWERS, SHANGHAI

pytestmark = pytest.mark.django_db


def _submitted(people, assignment, period="2026-11"):
    report = services.report_start(actor=people.teacher, assignment=assignment, period=period)
    services.report_save(actor=people.teacher, report=report, answers=ANSWERS)
    return services.report_submit(actor=people.teacher, report=report)


def test_the_due_day_is_the_last_working_day_and_skips_a_centre_holiday(db):
    assert last_working_day(parse_period("2026-10")) == date(2026, 10, 30)  # 31st is a Saturday
    DutyException.objects.create(kind="holiday", starts_on=date(2026, 10, 30), ends_on=date(2026, 10, 30))
    assert due_on(parse_period("2026-10")) == date(2026, 10, 29)
    assert locks_on(parse_period("2026-11")) == date(2026, 12, 15)


@pytest.mark.parametrize("value", ["2026-13", "26-11", "", "2026/11", "1999-01", "0000-01", "2026-00"])
def test_a_period_that_is_not_a_month_is_refused_in_words(value):
    with pytest.raises(ValidationError) as caught:
        parse_period(value)
    assert "period" in caught.value.message_dict


def test_the_full_path_draft_submitted_accepted_approved(clock, people, assignment, homeroom):
    report = _submitted(people, assignment)
    assert (
        report.state == "submitted" and report.on_time is True and report.first_version["answers"] == ANSWERS
    )
    report = services.report_accept(actor=homeroom, report=report)
    report = services.report_approve(actor=people.counsellor, report=report)
    assert report.state == "approved"
    assert [e.action for e in ReportEvent.objects.filter(report=report)] == [
        "start",
        "submit",
        "accept",
        "approve",
    ]
    assert Notification.objects.filter(recipient_user=homeroom, dedupe_key__contains=":submitted:").exists()


def test_an_approved_report_cannot_be_changed(clock, people, assignment, homeroom):
    report = _submitted(people, assignment)
    services.report_accept(actor=homeroom, report=report)
    services.report_approve(actor=people.counsellor, report=report)
    with pytest.raises(services.ReportLocked) as caught:
        services.report_save(actor=people.teacher, report=report, answers={"climate": 1})
    assert caught.value.messages == ["已审核锁定，如需修改请先退回"]
    report.refresh_from_db()
    assert report.answers == ANSWERS


def test_a_zero_report_is_a_submission_without_the_fields(clock, people, assignment):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    services.report_save(actor=people.teacher, report=report, answers={}, is_zero=True)
    report = services.report_submit(actor=people.teacher, report=report)
    assert report.state == "submitted" and report.is_zero and report.first_submitted_at is not None


def test_a_report_without_its_required_fields_is_not_submitted(clock, people, assignment):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    with pytest.raises(ValidationError) as caught:
        services.report_submit(actor=people.teacher, report=report)
    assert "climate" in caught.value.message_dict
    report.refresh_from_db()
    assert report.state == "draft" and report.first_submitted_at is None


def test_a_report_for_a_month_off_is_refused_and_nothing_written(clock, people, assignment):
    with time_machine_at("2026-08-20"), pytest.raises(ValidationError) as caught:
        services.report_start(actor=people.teacher, assignment=assignment, period="2026-08")
    assert "月" in caught.value.messages[0] or "month" in caught.value.messages[0]
    assert not MonthlyReport.objects.exists()


def test_a_report_for_a_locked_month_is_refused_and_nothing_written(clock, people, assignment):
    with pytest.raises(services.ReportLocked):
        services.report_start(actor=people.teacher, assignment=assignment, period="2026-10")
    assert not MonthlyReport.objects.exists()


def test_a_draft_past_its_lock_day_is_refused_even_before_the_job_ran(clock, people, assignment):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    clock.move_to(datetime(2026, 12, 16, 9, 0, tzinfo=SHANGHAI))
    with pytest.raises(services.ReportLocked):
        services.report_save(actor=people.teacher, report=report, answers=ANSWERS)
    report.refresh_from_db()
    assert report.state == "draft" and report.answers == {}
    assert services.reports_lock_due() == 1
    report.refresh_from_db()
    assert report.state == "locked"


def test_a_future_month_is_refused(clock, people, assignment):
    with pytest.raises(ValidationError):
        services.report_start(actor=people.teacher, assignment=assignment, period="2027-01")
    assert not MonthlyReport.objects.exists()


def test_someone_else_than_the_reporter_cannot_write_the_report(clock, people, assignment, homeroom):
    with pytest.raises(PermissionDenied):
        services.report_start(actor=homeroom, assignment=assignment, period="2026-11")
    assert not MonthlyReport.objects.exists()


def test_approval_out_of_order_is_refused(clock, people, assignment):
    report = _submitted(people, assignment)
    with pytest.raises(ValidationError) as caught:
        services.report_approve(actor=people.counsellor, report=report)
    assert "第一级" in caught.value.messages[0]
    report.refresh_from_db()
    assert report.state == "submitted" and report.approved_by is None


def test_the_submitter_cannot_approve_their_own_report(clock, people, tree, homeroom, student):
    # The homeroom teacher reports for the class and is also its named first level elsewhere:
    # here the second approver submits, which the assignment forbids outright.
    from monthlyreports.services import assignment_save

    with pytest.raises(ValidationError):
        assignment_save(
            actor=people.director,
            org_unit=tree.klass,
            reporter=people.teacher,
            first_approver=people.teacher,
            second_approver=people.counsellor,
        )


def test_the_director_who_submitted_cannot_accept_it(clock, people, assignment):
    report = _submitted(people, assignment)
    MonthlyReport.objects.filter(pk=report.pk).update(submitted_by=people.director)
    with pytest.raises(ValidationError) as caught:
        services.report_accept(actor=people.director, report=report)
    assert "自己" in caught.value.messages[0]
    report.refresh_from_db()
    assert report.state == "submitted"


def test_the_first_level_cannot_approve(clock, people, assignment, homeroom):
    report = _submitted(people, assignment)
    services.report_accept(actor=homeroom, report=report)
    with pytest.raises(ValidationError):
        services.report_approve(actor=homeroom, report=report)
    report.refresh_from_db()
    assert report.state == "accepted"


def test_unapproval_by_a_lower_level_is_refused_and_by_the_approver_tells_the_submitter(
    clock, people, assignment, homeroom
):
    report = _submitted(people, assignment)
    services.report_accept(actor=homeroom, report=report)
    services.report_approve(actor=people.counsellor, report=report)
    with pytest.raises(ValidationError) as caught:
        services.report_unapprove(actor=homeroom, report=report, reason="数字有误")
    assert "审核人" in caught.value.messages[0]
    report.refresh_from_db()
    assert report.state == "approved"
    with pytest.raises(ValidationError):
        services.report_unapprove(actor=people.counsellor, report=report, reason="  ")
    report = services.report_unapprove(actor=people.counsellor, report=report, reason="谈话人次需核对")
    assert report.state == "accepted"
    assert Notification.objects.filter(recipient_user=people.teacher, subject__contains="撤").exists() or (
        Notification.objects.filter(recipient_user=people.teacher).count() == 1
    )


def test_a_director_above_may_withdraw_the_second_levels_approval(clock, people, assignment, homeroom):
    report = _submitted(people, assignment)
    services.report_accept(actor=homeroom, report=report)
    services.report_approve(actor=people.counsellor, report=report)
    report = services.report_unapprove(actor=people.director, report=report, reason="抽查发现问题")
    assert report.state == "accepted"


def test_a_returned_report_keeps_its_first_version_and_shows_the_diff(clock, people, assignment, homeroom):
    from monthlyreports.selectors import report_diff

    report = _submitted(people, assignment)
    with pytest.raises(ValidationError):
        services.report_return(actor=homeroom, report=report, reason="")
    report = services.report_return(actor=homeroom, report=report, reason="活动次数不对")
    assert report.state == "returned"
    services.report_save(actor=people.teacher, report=report, answers={**ANSWERS, "activities_held": 3})
    report = services.report_submit(actor=people.teacher, report=report)
    assert report.first_version["answers"]["activities_held"] == 2
    diff = report_diff(report=report, user=homeroom)
    assert [(row["before"], row["after"]) for row in diff] == [(2, 3)]


def test_a_late_first_submission_is_not_on_time(clock, people, assignment):
    clock.move_to(datetime(2026, 12, 4, 9, 0, tzinfo=SHANGHAI))
    report = _submitted(people, assignment)
    assert report.on_time is False


def test_an_urgent_row_raises_a_signal_at_once_even_on_a_draft(clock, people, assignment, student):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    row = services.concern_add(
        actor=people.teacher,
        report=report,
        resident=student,
        category="emotion",
        signs="多次说不想活了",
        days=5,
        urgency="urgent",
    )
    row.refresh_from_db()
    assert row.signal is not None and row.signal.urgent and row.signal.resident == student
    assert RiskSignal.objects.count() == 1


def test_a_row_needing_attention_raises_its_signal_on_submission(clock, people, assignment, student):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    services.report_save(actor=people.teacher, report=report, answers=ANSWERS)
    services.concern_add(
        actor=people.teacher,
        report=report,
        resident=student,
        category="study",
        signs="成绩下滑",
        days=20,
        urgency="attention",
    )
    services.concern_add(
        actor=people.teacher,
        report=report,
        person_description="隔壁班男生",
        category="other",
        signs="常独处",
        days=10,
        urgency="routine",
    )
    assert RiskSignal.objects.count() == 0
    services.report_submit(actor=people.teacher, report=report)
    assert RiskSignal.objects.count() == 1


@pytest.mark.parametrize(
    "bad",
    [
        {"signs": ""},
        {"days": -1},
        {"days": 400},
        {"resident": None, "person_description": ""},
        {"signs": "字" * 1001},
    ],
)
def test_a_bad_concern_row_is_refused_and_nothing_written(clock, people, assignment, student, bad):
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    values = dict(resident=student, category="emotion", signs="情绪低落", days=3, urgency="urgent", **{})
    values.update(bad)
    with pytest.raises(ValidationError):
        services.concern_add(actor=people.teacher, report=report, **values)
    assert not ConcernRow.objects.exists() and not RiskSignal.objects.exists()


def test_a_resident_outside_the_reporters_area_cannot_be_named(clock, people, assignment, tree):
    from archives.services import resident_register

    stranger = resident_register(actor=people.director, name="王某", org_unit=tree.pine)
    report = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    with pytest.raises(ValidationError):
        services.concern_add(
            actor=people.teacher,
            report=report,
            resident=stranger,
            category="emotion",
            signs="x",
            days=1,
            urgency="urgent",
        )
    assert not ConcernRow.objects.exists() and not RiskSignal.objects.exists()


def test_the_same_person_three_months_running_makes_a_review_for_a_counsellor(
    clock, people, assignment, student
):
    from archives.services import archive_set_responsible

    archive_set_responsible(actor=people.archivist, archive=student.archive, staff=[people.counsellor])
    for month, day in (
        ("2026-09", datetime(2026, 9, 28, 9, 0, tzinfo=SHANGHAI)),
        ("2026-10", datetime(2026, 10, 28, 9, 0, tzinfo=SHANGHAI)),
        ("2026-11", datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)),
    ):
        clock.move_to(day)
        report = services.report_start(actor=people.teacher, assignment=assignment, period=month)
        services.report_save(actor=people.teacher, report=report, answers=ANSWERS)
        services.concern_add(
            actor=people.teacher,
            report=report,
            resident=student,
            category="family",
            signs="父母离异",
            days=30,
            urgency="routine",
        )
        services.report_submit(actor=people.teacher, report=report)
    review = ConcernReview.objects.get()
    assert review.resident == student and review.counsellor == people.counsellor
    assert Notification.objects.filter(
        recipient_user=people.counsellor, dedupe_key__startswith="concern_review:"
    ).exists()


def time_machine_at(day: str):
    import time_machine

    return time_machine.travel(datetime.fromisoformat(day + "T10:00").replace(tzinfo=SHANGHAI), tick=False)


def test_reminders_go_to_the_reporter_then_the_first_level_then_the_head(clock, people, assignment, homeroom):
    from monthlyreports.reminders import reminders_queue

    with time_machine_at("2026-12-28"):
        reminders_queue()
    assert list(
        Notification.objects.filter(
            dedupe_key__startswith="monthly_report:", dedupe_key__regex=r":(reporter|first_level|head)$"
        ).values_list("recipient_user", flat=True)
    ) == [people.teacher.pk]
    with time_machine_at("2027-01-01"):
        reminders_queue()
    with time_machine_at("2027-01-05"):
        reminders_queue()
        reminders_queue()  # twice: sent once
    recipients = list(
        Notification.objects.filter(
            dedupe_key__startswith="monthly_report:", dedupe_key__regex=r":(reporter|first_level|head)$"
        )
        .order_by("pk")
        .values_list("recipient_user", flat=True)
    )
    assert recipients == [people.teacher.pk, homeroom.pk, people.counsellor.pk]
    assert timedelta(days=0) == timedelta(0)


@pytest.mark.parametrize("months", [[0], [13], ["x"]])
def test_an_assignment_with_a_month_that_does_not_exist_is_refused(people, tree, homeroom, months):
    from monthlyreports.models import ReportingAssignment

    with pytest.raises(ValidationError) as caught:
        services.assignment_save(
            actor=people.director,
            org_unit=tree.klass,
            reporter=people.teacher,
            first_approver=homeroom,
            second_approver=people.counsellor,
            months_off=months,
        )
    assert "months_off" in caught.value.message_dict
    assert not ReportingAssignment.objects.exists()


def test_an_assignment_is_for_a_class_or_a_grid_and_by_a_manager_in_scope(people, tree, homeroom):
    values = dict(reporter=people.teacher, first_approver=homeroom, second_approver=people.counsellor)
    with pytest.raises(ValidationError):
        services.assignment_save(actor=people.director, org_unit=tree.school, **values)
    with pytest.raises(PermissionDenied):
        services.assignment_save(actor=people.outsider, org_unit=tree.klass, **values)
    with pytest.raises(PermissionDenied):
        services.assignment_save(actor=people.teacher, org_unit=tree.klass, **values)


def test_a_resident_to_name_is_one_the_person_sees_never_an_anonymised_one_nor_a_bad_id(
    people, tree, student
):
    from archives.models import Resident
    from monthlyreports.selectors import nameable_resident

    assert nameable_resident(user=people.teacher, pk=student.pk) == student
    assert nameable_resident(user=people.teacher, pk=str(student.pk)) == student
    assert nameable_resident(user=people.outsider, pk=student.pk) is None
    assert nameable_resident(user=people.teacher, pk="abc") is None
    assert nameable_resident(user=people.teacher, pk=None) is None
    Resident.objects.filter(pk=student.pk).update(is_anonymised=True)
    assert nameable_resident(user=people.teacher, pk=student.pk) is None


def test_a_manager_is_offered_the_classes_and_staff_of_their_own_scope_only(people, tree):
    from monthlyreports.selectors import assignable_staff, assignment_units

    units = list(assignment_units(user=people.director))
    assert tree.klass in units and all(u.kind in ("class", "grid") for u in units)
    assert people.teacher in list(assignable_staff(user=people.director))
    assert tree.klass not in list(assignment_units(user=people.east_director))
    assert people.teacher not in list(assignable_staff(user=people.east_director))


def test_the_page_offers_editing_to_the_reporter_and_review_to_the_approvers(
    clock, people, assignment, homeroom
):
    from monthlyreports.selectors import report_offers

    draft = services.report_start(actor=people.teacher, assignment=assignment, period="2026-11")
    mine = report_offers(user=people.teacher, report=draft)
    assert mine["editable"] and mine["is_reporter"] and not mine["may_review"] and not mine["may_register"]
    report = _submitted(people, assignment)
    first = report_offers(user=homeroom, report=report)
    assert first["may_review"] and not first["editable"] and not first["may_unapprove"]
    assert report_offers(user=people.counsellor, report=report)["may_unapprove"]
    assert not report_offers(user=people.teacher, report=report)["editable"]
