"""The rules of group programmes: members' states, the agreement, attendance, session records."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from archives.timeline import provided_entries
from assessments.models import Assessment
from confidentiality.models import Consent, ConsentKind
from groupcounselling.models import Attendance, GroupMember, GroupProgramme, GroupSession
from groupcounselling.services import (
    attendance_record,
    member_add,
    member_drop,
    member_enrol,
    member_score_enter,
    member_screen,
    programme_create,
    programme_finish,
)
from workflow.models import Modality, SessionRecord
from workflow.services.cases import case_open

from .conftest import enrol, phq9_answers, register


def first(programme):
    return programme.sessions.get(number=1)


def test_a_new_programme_plans_its_sessions_by_the_recurrence(programme, people):
    sessions = list(programme.sessions.order_by("number"))
    assert len(sessions) == 8
    assert sessions[1].starts_at - sessions[0].starts_at == timedelta(days=7)
    assert programme.capacity == 12 and programme.pre_window_days == 14 and programme.post_window_days == 14
    assert list(programme.leaders.all()) == [people.counsellor]


def test_the_completer_rule_is_two_thirds_of_sessions_held_rounded_up(programme):
    assert programme.completer_threshold(8) == 6  # ⌈16/3⌉
    assert programme.completer_threshold(9) == 6
    assert programme.completer_threshold(10) == 7


def test_the_primary_instrument_must_be_one_of_the_groups(people, tree):
    with pytest.raises(ValidationError) as error:
        programme_create(
            actor=people.counsellor,
            name="小组",
            kind="closed",
            org_unit=tree.willow,
            leaders=[],
            first_session_at=timezone.now(),
            instruments=["gad7"],
            primary_instrument="phq9",
        )
    assert "primary_instrument" in error.value.message_dict
    assert not GroupProgramme.objects.exists()


def test_a_project_lead_cannot_create_a_group(people, tree):
    with pytest.raises(PermissionDenied):
        programme_create(
            actor=people.lead, name="小组", kind="closed", org_unit=tree.willow, leaders=[],
            first_session_at=timezone.now(),
        )  # fmt: skip


def test_enrolment_records_the_group_agreement_as_a_consent(people, tree, programme):
    resident = register(people, tree, 7)
    member = enrol(people.counsellor, programme, resident)
    assert member.status == GroupMember.Status.ENROLLED
    assert member.consent.text.kind == ConsentKind.GROUP
    assert "保密" in member.consent.text.body


def test_enrolment_follows_the_states_candidate_screened_enrolled(people, tree, programme):
    member = member_add(actor=people.counsellor, programme=programme, resident=register(people, tree, 8))
    with pytest.raises(ValidationError):
        member_enrol(
            actor=people.counsellor, member=member, signed_on=timezone.localdate(), signer="self",
            signer_name="x", channel="paper",
        )  # fmt: skip
    assert not Consent.objects.filter(text__kind=ConsentKind.GROUP).exists()
    member_screen(actor=people.counsellor, member=member, note="符合")
    assert member.status == GroupMember.Status.SCREENED


def test_enrolment_needs_the_clinical_consents_and_writes_nothing_without(people, tree, programme):
    member = member_add(
        actor=people.counsellor, programme=programme, resident=register(people, tree, 9, consent=False)
    )
    member_screen(actor=people.counsellor, member=member, note="符合")
    with pytest.raises(ValidationError):
        member_enrol(
            actor=people.counsellor, member=member, signed_on=timezone.localdate(), signer="self",
            signer_name="x", channel="paper",
        )  # fmt: skip
    member.refresh_from_db()
    assert member.status == GroupMember.Status.SCREENED
    assert not Consent.objects.filter(resident=member.resident, text__kind=ConsentKind.GROUP).exists()


def test_the_capacity_is_kept(people, tree, programme):
    programme.capacity = 2
    programme.save()
    enrol(people.counsellor, programme, register(people, tree, 1))
    enrol(people.counsellor, programme, register(people, tree, 2))
    with pytest.raises(ValidationError, match="团体已满"):
        enrol(people.counsellor, programme, register(people, tree, 3))


def test_dropping_out_needs_a_reason(people, members):
    member = members.list[0]
    with pytest.raises(ValidationError):
        member_drop(actor=people.counsellor, member=member, reason=" ")
    member_drop(actor=people.counsellor, member=member, reason="工作调动")
    assert member.status == GroupMember.Status.DROPPED and member.drop_reason == "工作调动"


def test_only_the_groups_leaders_add_members(people, tree, programme):
    with pytest.raises(PermissionDenied):
        member_add(actor=people.colleague, programme=programme, resident=register(people, tree, 4))
    assert not programme.members.exists()


def test_attendance_makes_members_attending_and_the_group_running(people, programme, members):
    attendance_record(
        actor=people.counsellor,
        session=first(programme),
        marks={members.list[0].pk: "attended", members.list[1].pk: "late", members.list[2].pk: "absent"},
    )
    statuses = [m.status for m in GroupMember.objects.filter(programme=programme).order_by("pk")]
    assert statuses == ["active", "active", "enrolled"]
    programme.refresh_from_db()
    assert programme.status == GroupProgramme.Status.RUNNING
    assert first(programme).status == GroupSession.Status.HELD


def test_attendance_for_a_future_session_is_refused_in_chinese_and_nothing_is_written(
    people, programme, members
):
    future = programme.sessions.get(number=2)
    with pytest.raises(ValidationError) as error:
        attendance_record(actor=people.counsellor, session=future, marks={members.list[0].pk: "attended"})
    assert "开始" in error.value.messages[0]
    assert not Attendance.objects.exists()


def test_attendance_for_a_non_member_is_refused_and_nothing_is_written(people, tree, programme, members):
    other = programme_create(
        actor=people.counsellor, name="另一组", kind="open", org_unit=tree.willow, leaders=[],
        first_session_at=timezone.now() - timedelta(days=1),
    )  # fmt: skip
    stranger = enrol(people.counsellor, other, register(people, tree, 5))
    with pytest.raises(ValidationError) as error:
        attendance_record(
            actor=people.counsellor,
            session=first(programme),
            marks={members.list[0].pk: "attended", stranger.pk: "attended"},
        )
    assert "已入组的成员" in error.value.messages[0]
    assert not Attendance.objects.exists()
    assert first(programme).status == GroupSession.Status.PLANNED


def test_a_candidate_cannot_be_marked(people, tree, programme):
    candidate = member_add(actor=people.counsellor, programme=programme, resident=register(people, tree, 6))
    with pytest.raises(ValidationError):
        attendance_record(actor=people.counsellor, session=first(programme), marks={candidate.pk: "attended"})
    assert not Attendance.objects.exists()


def test_an_attended_session_writes_one_group_session_record_into_the_case_however_often_saved(
    people, programme, members
):
    resident = members.residents[0]
    case = case_open(
        actor=people.counsellor,
        resident=resident,
        counsellor=people.counsellor,
        presenting_problem="情绪低落",
        opened_at=timezone.now() - timedelta(days=10),
    )
    marks = {members.list[0].pk: "attended"}
    attendance_record(actor=people.counsellor, session=first(programme), marks=marks)
    attendance_record(actor=people.counsellor, session=first(programme), marks=marks)
    attendance_record(actor=people.counsellor, session=first(programme), marks={members.list[0].pk: "late"})
    records = SessionRecord.objects.filter(case=case)
    assert records.count() == 1
    assert records.get().modality == Modality.GROUP
    assert Attendance.objects.get().session_record == records.get()


def test_without_a_case_the_attendance_is_a_clinical_timeline_entry(people, programme, members):
    resident = members.residents[1]
    attendance_record(
        actor=people.counsellor, session=first(programme), marks={members.list[1].pk: "attended"}
    )
    attendance_record(
        actor=people.counsellor, session=first(programme), marks={members.list[1].pk: "attended"}
    )
    entries = [e for e in provided_entries(resident=resident, clinical=True) if e.kind == "group_session"]
    assert len(entries) == 1 and "情绪调适成长小组" in entries[0].title and entries[0].clinical
    assert not [e for e in provided_entries(resident=resident, clinical=False) if e.kind == "group_session"]


def test_a_leader_is_on_a_members_care_team_and_enters_real_assessments(people, programme, members):
    member = members.list[0]
    assessment = member_score_enter(
        actor=people.counsellor, member=member, instrument_code="phq9", answers=phq9_answers(14)
    )
    assert isinstance(assessment, Assessment) and assessment.total == 14
    with pytest.raises(ValidationError):
        member_score_enter(actor=people.counsellor, member=member, instrument_code="who5", answers=[3] * 5)


def test_someone_else_cannot_enter_scores(people, programme, members):
    with pytest.raises(PermissionDenied):
        member_score_enter(
            actor=people.colleague, member=members.list[0], instrument_code="phq9", answers=phq9_answers(5)
        )
    assert not Assessment.objects.exists()


def test_finishing_completes_those_meeting_the_rule_and_drops_the_others(people, programme, members):
    attendance_record(
        actor=people.counsellor,
        session=first(programme),
        marks={members.list[0].pk: "attended", members.list[1].pk: "excused", members.list[2].pk: "late"},
    )
    programme_finish(actor=people.counsellor, programme=programme)
    statuses = [m.status for m in GroupMember.objects.filter(programme=programme).order_by("pk")]
    assert statuses == ["completed", "dropped", "completed"]
    assert programme.sessions.filter(status="cancelled").count() == 7


def test_a_closed_group_takes_no_new_members_once_started(people, tree, programme, members):
    attendance_record(
        actor=people.counsellor, session=first(programme), marks={members.list[0].pk: "attended"}
    )
    with pytest.raises(ValidationError):
        member_add(actor=people.counsellor, programme=programme, resident=register(people, tree, 11))
    assert programme.members.count() == 3
