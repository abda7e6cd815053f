"""The group counselling API: same policy as the pages; allowed, forbidden, wrong method, IDOR."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from groupcounselling.models import Attendance, GroupMember, GroupProgramme
from workflow.models import SessionRecord

from .conftest import register

FIGURES = [
    "n_paired",
    "mean_change",
    "sd_change",
    "r",
    "d_z",
    "g_z",
    "d_av",
    "ci_low",
    "ci_high",
    "t",
    "p_t",
    "p_wilcoxon",
]


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_the_outcome_gives_the_reference_figures_by_their_names(people, finished):
    body = api(people.counsellor).get(f"/api/v1/groups/{finished.pk}/outcome/?instrument=phq9").json()
    assert all(name in body for name in FIGURES)
    assert body["n_paired"] == 10
    assert round(body["mean_change"], 3) == 3.300 and round(body["sd_change"], 3) == 2.359
    assert round(body["r"], 3) == 0.629 and round(body["d_z"], 3) == 1.399 and round(body["g_z"], 3) == 1.279
    assert round(body["t"], 3) == 4.423 and round(body["p_t"], 4) == 0.0017
    assert (round(body["ci_low"], 2), round(body["ci_high"], 2)) == (0.49, 2.27)
    assert round(body["p_wilcoxon"], 4) == 0.0020
    assert body["completers"]["n_paired"] == 10
    assert len(body["members"]) == 10 and {"pre", "post", "rci_class"} <= set(body["members"][0])


def test_a_lead_gets_the_figures_without_members_and_with_small_cells_suppressed(people, finished):
    body = api(people.lead).get(f"/api/v1/groups/{finished.pk}/outcome/").json()
    assert round(body["d_z"], 3) == 1.399
    assert "members" not in body and body["aggregates_only"] is True
    assert body["improved"] == "<5" and body["recovered"] == "<5"
    assert api(people.lead).get(f"/api/v1/groups/{finished.pk}/members/").status_code == 404


def test_an_unknown_instrument_is_a_400(people, finished):
    response = api(people.counsellor).get(f"/api/v1/groups/{finished.pk}/outcome/?instrument=who5")
    assert response.status_code == 400


def test_someone_outside_gets_404_everywhere(people, finished):
    client = api(people.outsider)
    for path in ("", "members/", "sessions/", "outcome/"):
        assert client.get(f"/api/v1/groups/{finished.pk}/{path}").status_code == 404
    session = finished.sessions.first()
    assert (
        client.put(
            f"/api/v1/group-sessions/{session.pk}/attendance/", {"marks": []}, format="json"
        ).status_code
        == 404
    )


def test_the_list_shows_only_visible_groups(people, programme):
    assert [g["id"] for g in api(people.counsellor).get("/api/v1/groups/").json()["results"]] == [
        programme.pk
    ]
    assert api(people.colleague).get("/api/v1/groups/").json()["results"] == []


def test_a_group_is_created_with_its_sessions(people, tree):
    response = api(people.counsellor).post(
        "/api/v1/groups/",
        {"name": "正念减压小组", "kind": "closed", "org_unit": tree.willow.pk,
         "first_session_at": (timezone.now() + timedelta(days=3)).isoformat(), "session_count": 4},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201
    assert GroupProgramme.objects.get(pk=response.json()["id"]).sessions.count() == 4


def test_a_lead_cannot_create_a_group(people, tree):
    response = api(people.lead).post(
        "/api/v1/groups/",
        {
            "name": "x",
            "kind": "closed",
            "org_unit": tree.willow.pk,
            "first_session_at": timezone.now().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 403 and not GroupProgramme.objects.exists()


def test_wrong_methods_are_405(people, programme):
    client = api(people.counsellor)
    assert client.delete(f"/api/v1/groups/{programme.pk}/").status_code == 405
    assert client.post(f"/api/v1/groups/{programme.pk}/sessions/").status_code == 405
    assert client.post(f"/api/v1/groups/{programme.pk}/outcome/").status_code == 405


def test_members_are_listed_and_added(people, tree, programme, members):
    client = api(people.counsellor)
    assert len(client.get(f"/api/v1/groups/{programme.pk}/members/").json()) == 3
    resident = register(people, tree, 60)
    assert (
        client.post(f"/api/v1/groups/{programme.pk}/members/", {"resident": resident.pk}).status_code == 201
    )
    assert GroupMember.objects.filter(resident=resident, status="candidate").exists()


def test_a_resident_out_of_sight_is_a_404_and_not_added(people, tree, programme):
    from archives.services import resident_register

    hidden = resident_register(actor=people.outsider, name="远方", org_unit=tree.pine)
    response = api(people.counsellor).post(f"/api/v1/groups/{programme.pk}/members/", {"resident": hidden.pk})
    assert response.status_code == 404 and not GroupMember.objects.exists()


def test_attendance_is_created_then_updated_with_one_session_record(people, programme, members):
    from workflow.services.cases import case_open

    case = case_open(
        actor=people.counsellor, resident=members.residents[0], counsellor=people.counsellor,
        presenting_problem="焦虑", opened_at=timezone.now() - timedelta(days=10),
    )  # fmt: skip
    session = programme.sessions.get(number=1)
    client = api(people.counsellor)
    path = f"/api/v1/group-sessions/{session.pk}/attendance/"
    body = {"marks": [{"member": members.list[0].pk, "mark": "attended"}]}
    assert client.post(path, body, format="json").status_code == 201
    body["marks"][0]["mark"] = "late"
    assert client.put(path, body, format="json").status_code == 200
    assert Attendance.objects.get().mark == "late"
    assert SessionRecord.objects.filter(case=case).count() == 1


@pytest.mark.parametrize("number", [2])
def test_attendance_for_a_future_session_is_a_400_in_chinese(people, programme, members, number):
    session = programme.sessions.get(number=number)
    response = api(people.counsellor).post(
        f"/api/v1/group-sessions/{session.pk}/attendance/",
        {"marks": [{"member": members.list[0].pk, "mark": "attended"}]},
        format="json",
    )
    assert response.status_code == 400 and "活动开始后才能记录出勤" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_for_a_non_member_is_a_400_and_nothing_is_written(people, programme, members):
    session = programme.sessions.get(number=1)
    response = api(people.counsellor).post(
        f"/api/v1/group-sessions/{session.pk}/attendance/",
        {
            "marks": [
                {"member": members.list[0].pk, "mark": "attended"},
                {"member": 999999, "mark": "attended"},
            ]
        },
        format="json",
    )
    assert response.status_code == 400 and "已入组的成员" in response.content.decode()
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("kind", ["weird", "CLOSED", "半开放"])
def test_an_unknown_kind_of_group_is_a_400_in_chinese_and_nothing_is_created(people, tree, kind):
    response = api(people.counsellor).post(
        "/api/v1/groups/",
        {"name": "正念减压小组", "kind": kind, "org_unit": tree.willow.pk,
         "first_session_at": (timezone.now() + timedelta(days=3)).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert response.json()["kind"] == ["请选择团体类型：封闭式（closed）或开放式（open）。"]
    assert not GroupProgramme.objects.exists()


@pytest.mark.parametrize("when", ["0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z"])
def test_a_first_session_in_an_impossible_year_is_a_400_and_nothing_is_created(people, tree, when):
    response = api(people.counsellor).post(
        "/api/v1/groups/",
        {"name": "正念减压小组", "kind": "open", "org_unit": tree.willow.pk, "first_session_at": when},
        format="json",
    )
    assert response.status_code == 400
    assert "2000" in response.json()["first_session_at"][0]
    assert not GroupProgramme.objects.exists()


def test_an_unknown_co_leader_is_a_400_and_no_group_is_created(people, tree):
    response = api(people.counsellor).post(
        "/api/v1/groups/",
        {"name": "正念减压小组", "kind": "open", "org_unit": tree.willow.pk, "leaders": [999999],
         "first_session_at": (timezone.now() + timedelta(days=3)).isoformat()},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "咨询" in response.json()["leaders"][0]
    assert not GroupProgramme.objects.exists()


def _new_group(people, tree, name):
    from groupcounselling.services import programme_create

    return programme_create(
        actor=people.counsellor, name=name, kind="open", org_unit=tree.willow, leaders=[people.therapist],
        first_session_at=timezone.now() + timedelta(days=3), session_count=4,
    )  # fmt: skip


def _queries(client, path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


def test_the_group_list_takes_a_fixed_number_of_queries(people, tree):
    client = api(people.counsellor)
    _new_group(people, tree, "小组0")
    few = _queries(client, "/api/v1/groups/")
    for n in range(1, 6):
        _new_group(people, tree, f"小组{n}")
    assert _queries(client, "/api/v1/groups/") == few


def test_the_member_list_takes_a_fixed_number_of_queries(people, tree, programme, members):
    client = api(people.counsellor)
    path = f"/api/v1/groups/{programme.pk}/members/"
    few = _queries(client, path)
    from .conftest import enrol

    for n in range(70, 75):
        enrol(people.counsellor, programme, register(people, tree, n))
    assert _queries(client, path) == few


def test_the_detail_counts_the_sessions_held(people, finished):
    body = api(people.counsellor).get(f"/api/v1/groups/{finished.pk}/").json()
    assert body["sessions_held"] == 8


def test_reading_a_sessions_attendance_through_the_api_is_audited_like_the_member_list(
    people, programme, members
):
    from confidentiality.models import AuditEntry
    from groupcounselling.services import attendance_record

    session = programme.sessions.get(number=1)
    attendance_record(
        actor=people.counsellor, session=session, marks={m.pk: "attended" for m in members.list}
    )
    client = APIClient()
    client.force_authenticate(user=people.counsellor)
    assert client.get(f"/api/v1/group-sessions/{session.pk}/attendance/").status_code == 200
    entry = AuditEntry.objects.filter(
        action="list.viewed", object_type="groupcounselling.groupmember"
    ).latest("seq")
    assert entry.details["page"] == "api_group_session"
    assert sorted(entry.details["ids"]) == sorted(str(m.pk) for m in members.list)
