"""STF-3 writes: a session's supervisor, attendees and cases; recommendations followed through;
every refusal in words, with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import override

from supervision import selectors, services
from supervision.models import Recommendation, SupervisionSession
from workflow.services.cases import case_open
from workflow.tests.case_support import consent_everything

from .conftest import record_group

pytestmark = pytest.mark.django_db


def message_of(exc_info) -> str:
    return " ".join(exc_info.value.messages)


def test_a_group_supervision_is_recorded_with_its_attendees_and_cases(people, team, group_session):
    assert group_session.supervisor == people.supervisor
    assert set(group_session.attendees.all()) == {team.counsellor, team.counsellor2}
    assert list(group_session.cases.all()) == [team.case]


def test_an_attendee_outside_the_case_team_sees_the_case_number_only(people, team, group_session):
    outside = selectors.discussed_cases(user=team.counsellor2, session=group_session)
    assert outside == [{"pk": team.case.pk, "number": team.case.number, "visible": False, "name": ""}]
    inside = selectors.discussed_cases(user=team.counsellor, session=group_session)
    assert inside[0]["visible"] and inside[0]["name"] == "张三"


def test_a_case_the_supervisor_may_not_see_is_refused_in_chinese_and_nothing_is_written(
    people, team, clients
):
    # The outsider's own case: the supervisor is not on its team.
    consent_everything(people, clients.li)
    li_case = case_open(
        actor=people.outsider, resident=clients.li, counsellor=people.outsider, presenting_problem="焦虑"
    )
    with override("zh-hans"), pytest.raises(ValidationError) as exc_info:
        record_group(people, team, cases=[li_case])
    assert "不能" in message_of(exc_info) or "无权" in message_of(exc_info)
    assert SupervisionSession.objects.count() == 0


def test_the_supervisor_is_one_of_the_staff_or_external_with_a_qualification(people, team):
    with pytest.raises(ValidationError) as exc_info:
        record_group(people, team, supervisor=None, external_supervisor="王教授", actor=team.counsellor)
    assert "external_qualification" in exc_info.value.message_dict
    with pytest.raises(ValidationError):
        record_group(people, team, supervisor=None, actor=team.counsellor)
    session = record_group(
        people,
        team,
        supervisor=None,
        external_supervisor="王教授",
        external_qualification="中国心理学会注册督导师",
        actor=team.counsellor,
    )
    assert session.supervisor_name == "王教授"
    assert SupervisionSession.objects.count() == 1


def test_an_individual_supervision_has_one_attendee(people, team):
    with pytest.raises(ValidationError) as exc_info:
        record_group(people, team, kind="individual")
    assert "attendees" in exc_info.value.message_dict
    assert SupervisionSession.objects.count() == 0


def test_a_session_is_not_recorded_before_it_is_held(people, team):
    with pytest.raises(ValidationError) as exc_info:
        record_group(people, team, days_ago=-1)
    assert "held_on" in exc_info.value.message_dict
    assert SupervisionSession.objects.count() == 0


def test_someone_neither_supervising_nor_attending_cannot_record_it(people, team):
    with pytest.raises(ValidationError):
        record_group(people, team, actor=people.therapist, cases=[])
    with pytest.raises(PermissionDenied):
        record_group(people, team, actor=people.finance, cases=[])
    assert SupervisionSession.objects.count() == 0


def test_a_due_date_before_the_session_is_refused_in_chinese_and_nothing_is_written(
    people, team, group_session
):
    with override("zh-hans"), pytest.raises(ValidationError) as exc_info:
        services.recommendation_add(
            actor=people.supervisor,
            session=group_session,
            text="补做风险评估",
            owner=team.counsellor,
            due_on=group_session.held_on - timedelta(days=1),
        )
    assert "due_on" in exc_info.value.message_dict
    assert "督导" in message_of(exc_info) or "之前" in message_of(exc_info)
    assert Recommendation.objects.count() == 0


def test_the_owner_is_an_attendee(people, team, group_session):
    with pytest.raises(ValidationError):
        services.recommendation_add(
            actor=people.supervisor,
            session=group_session,
            text="补做风险评估",
            owner=people.therapist,
            due_on=timezone.localdate(),
        )
    assert Recommendation.objects.count() == 0


def test_only_the_supervisor_or_recorder_adds_recommendations(people, team, group_session):
    with pytest.raises(PermissionDenied):
        services.recommendation_add(
            actor=team.counsellor2,
            session=group_session,
            text="x",
            owner=team.counsellor,
            due_on=timezone.localdate(),
        )


def recommend(people, team, session, *, due_in=7):
    return services.recommendation_add(
        actor=people.supervisor,
        session=session,
        text="与来访者讨论睡眠日记",
        owner=team.counsellor,
        due_on=timezone.localdate() + timedelta(days=due_in),
    )


def test_a_recommendation_goes_open_to_done_and_then_stays(people, team, group_session):
    recommendation = recommend(people, team, group_session)
    done = services.recommendation_complete(actor=team.counsellor, recommendation=recommendation)
    assert done.status == Recommendation.Status.DONE and done.decided_by == team.counsellor
    with override("zh-hans"), pytest.raises(ValidationError) as exc_info:
        services.recommendation_decline(actor=people.supervisor, recommendation=done, reason="不适用")
    assert "已" in message_of(exc_info)
    done.refresh_from_db()
    assert done.status == Recommendation.Status.DONE and done.reason == ""


def test_not_adopted_needs_a_reason(people, team, group_session):
    recommendation = recommend(people, team, group_session)
    with pytest.raises(ValidationError):
        services.recommendation_decline(actor=team.counsellor, recommendation=recommendation, reason="  ")
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.OPEN
    declined = services.recommendation_decline(
        actor=team.counsellor, recommendation=recommendation, reason="来访者已结案"
    )
    assert declined.status == Recommendation.Status.NOT_ADOPTED


def test_an_attendee_who_does_not_own_it_cannot_decide_it(people, team, group_session):
    recommendation = recommend(people, team, group_session)
    with pytest.raises(PermissionDenied):
        services.recommendation_complete(actor=team.counsellor2, recommendation=recommendation)
    recommendation.refresh_from_db()
    assert recommendation.status == Recommendation.Status.OPEN


def test_overdue_recommendations_are_the_supervisors_and_the_supervisees(people, team, group_session):
    overdue = services.recommendation_add(
        actor=people.supervisor,
        session=group_session,
        text="补做风险评估",
        owner=team.counsellor,
        due_on=group_session.held_on,
    )
    recommend(people, team, group_session)  # not yet due
    assert list(selectors.overdue_recommendations_for(user=people.supervisor)) == [overdue]
    assert list(selectors.overdue_recommendations_for(user=team.counsellor)) == [overdue]
    assert list(selectors.overdue_recommendations_for(user=team.counsellor2)) == []


def test_open_recommendations_are_listed_at_the_next_session_of_the_same_supervisee(
    people, team, group_session
):
    earlier = recommend(people, team, group_session)
    services.recommendation_complete(
        actor=team.counsellor, recommendation=recommend(people, team, group_session, due_in=3)
    )
    later = services.supervision_session_record(
        actor=people.supervisor,
        kind="individual",
        held_on=timezone.localdate(),
        duration_minutes=60,
        supervisor=people.supervisor,
        attendees=[team.counsellor],
        summary="个体督导",
    )
    assert list(selectors.open_for_review(user=people.supervisor, session=later)) == [earlier]
    other = services.supervision_session_record(
        actor=people.supervisor,
        kind="individual",
        held_on=timezone.localdate(),
        duration_minutes=60,
        supervisor=people.supervisor,
        attendees=[team.counsellor2],
        summary="个体督导",
    )
    assert list(selectors.open_for_review(user=people.supervisor, session=other)) == []


def test_supervisees_of_the_supervisor_are_the_counsellors_assigned_to_them(people, team):
    assert set(selectors.supervisees_of(people.supervisor)) == {team.counsellor, team.counsellor2}
    assert list(selectors.supervisees_of(team.counsellor)) == []
    team.counsellor2.is_active = False
    team.counsellor2.save(update_fields=["is_active"])
    assert list(selectors.supervisees_of(people.supervisor)) == [team.counsellor]
