"""/api/v1/supervision-sessions/ and its recommendations/: the same policy and services as the
pages; the discussed case gives its client only to the case's team."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from supervision import services
from supervision.models import Recommendation, SupervisionSession

pytestmark = pytest.mark.django_db

SESSIONS = "/api/v1/supervision-sessions/"


def body(people, team, **overrides):
    data = {
        "kind": "group",
        "held_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "duration_minutes": 90,
        "supervisor": people.supervisor.pk,
        "attendees": [team.counsellor.pk, team.counsellor2.pk],
        "cases": [team.case.pk],
        "summary": "讨论来访者的睡眠问题",
    }
    data.update(overrides)
    return data


def test_the_supervisor_records_a_session_and_the_outsider_attendee_reads_the_number_only(api, people, team):
    response = api(people.supervisor).post(SESSIONS, body(people, team), format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["cases"] == [{"id": team.case.pk, "number": team.case.number, "client": "张三"}]
    seen = api(team.counsellor2).get(f"{SESSIONS}{pk}/")
    assert seen.status_code == 200
    assert seen.json()["cases"] == [{"id": None, "number": team.case.number, "client": None}]
    assert "张三" not in seen.content.decode()
    listed = api(team.counsellor2).get(SESSIONS)
    assert listed.status_code == 200 and "张三" not in listed.content.decode()
    assert team.case.number in listed.content.decode()


def test_bad_input_is_a_400_in_chinese_and_writes_nothing(api, people, team):
    client = api(people.supervisor)
    client.credentials(HTTP_ACCEPT_LANGUAGE="zh-hans")
    response = client.post(SESSIONS, body(people, team, kind="individual"), format="json")
    assert response.status_code == 400 and "个体督导只有一名参加者" in response.content.decode()
    response = client.post(SESSIONS, body(people, team, cases=[999999]), format="json")
    assert response.status_code == 400 and "无权查看" in response.content.decode()
    response = client.post(SESSIONS, body(people, team, held_on="0001-01-01"), format="json")
    assert response.status_code == 400
    assert SupervisionSession.objects.count() == 0


def test_roles_outside_supervision_are_refused_and_a_stranger_gets_a_404(api, people, team, group_session):
    assert api(people.finance).get(SESSIONS).status_code == 403
    assert api(people.finance).post(SESSIONS, body(people, team), format="json").status_code == 403
    assert api(people.outsider).get(f"{SESSIONS}{group_session.pk}/").status_code == 404
    assert api(people.supervisor).delete(f"{SESSIONS}{group_session.pk}/").status_code == 405
    assert api(people.supervisor).put(SESSIONS, {}).status_code == 405
    assert SupervisionSession.objects.count() == 1


def test_recommendations_are_listed_created_retrieved_and_decided(api, people, team, group_session):
    url = f"{SESSIONS}{group_session.pk}/recommendations/"
    client = api(people.supervisor)
    created = client.post(
        url, {"text": "补做风险评估", "owner": team.counsellor.pk, "due_on": timezone.localdate().isoformat()}
    )
    assert created.status_code == 201
    pk = created.json()["id"]
    assert client.get(url).json()["results"][0]["id"] == pk
    assert client.get(f"{url}{pk}/").json()["status"] == "open"
    done = api(team.counsellor).post(f"{url}{pk}/done/")
    assert done.status_code == 200 and done.json()["status"] == "done"
    again = api(team.counsellor).post(
        f"{url}{pk}/not-adopted/", {"reason": "不适用"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert again.status_code == 400 and "不能再更改" in again.content.decode()
    assert Recommendation.objects.get().status == "done"


def test_a_due_date_before_the_session_is_a_400_and_writes_nothing(api, people, team, group_session):
    url = f"{SESSIONS}{group_session.pk}/recommendations/"
    response = api(people.supervisor).post(
        url,
        {
            "text": "x",
            "owner": team.counsellor.pk,
            "due_on": (group_session.held_on - timedelta(days=1)).isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400 and "完成期限不能早于督导日期" in response.content.decode()
    assert Recommendation.objects.count() == 0


def test_recommendation_writes_out_of_reach_are_404s_and_write_nothing(api, people, team, group_session):
    url = f"{SESSIONS}{group_session.pk}/recommendations/"
    new = {"text": "x", "owner": team.counsellor.pk, "due_on": timezone.localdate().isoformat()}
    assert api(team.counsellor2).post(url, new).status_code == 404
    assert api(people.outsider).post(url, new).status_code == 404
    assert Recommendation.objects.count() == 0
    recommendation = services.recommendation_add(
        actor=people.supervisor,
        session=group_session,
        text="x",
        owner=team.counsellor,
        due_on=timezone.localdate(),
    )
    assert api(team.counsellor2).post(f"{url}{recommendation.pk}/done/").status_code == 404
    assert api(people.outsider).get(f"{url}{recommendation.pk}/").status_code == 404
    assert api(people.supervisor).get(f"{url}{recommendation.pk}/done/").status_code == 405
    recommendation.refresh_from_db()
    assert recommendation.status == "open"


def test_the_list_reads_a_bounded_number_of_queries(api, people, team, django_assert_max_num_queries):
    from .conftest import record_group

    for days in range(1, 8):
        record_group(people, team, days_ago=days)
    client = api(people.supervisor)
    client.get(SESSIONS)
    with django_assert_max_num_queries(25) as few:
        response = client.get(SESSIONS)
    assert len(response.json()["results"]) == 7
    for days in range(8, 15):
        record_group(people, team, days_ago=days)
    # Twice the sessions, the same number of queries.
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(SESSIONS)
    assert len(response.json()["results"]) == 14
