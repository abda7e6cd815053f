"""Staff pages: allowed, forbidden, wrong method, IDOR, query counts, and what a lead sees."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import login_fully
from groupcounselling.models import Attendance, GroupMember, GroupProgramme

from .conftest import enrol, phq9_answers, register


def url(name, *args):
    return reverse(f"groupcounselling:{name}", args=args)


@pytest.fixture
def counsellor(client, people):
    return login_fully(client, people.counsellor)


def test_the_list_shows_the_leaders_groups(counsellor, programme):
    response = counsellor.get(url("list"))
    assert response.status_code == 200 and "情绪调适成长小组" in response.content.decode()


def test_another_counsellor_does_not_see_the_group(client, people, programme):
    other = login_fully(client, people.colleague)
    assert "情绪调适成长小组" not in other.get(url("list")).content.decode()
    assert other.get(url("detail", programme.pk)).status_code == 404
    assert other.get(url("report", programme.pk)).status_code == 404


def test_the_list_refuses_post(counsellor):
    assert counsellor.post(url("list")).status_code == 405


def test_a_counsellor_creates_a_group_with_its_sessions(counsellor, tree):
    response = counsellor.post(
        url("create"),
        {
            "name": "人际关系成长小组",
            "kind": "open",
            "org_unit": tree.willow.pk,
            "capacity": 10,
            "first_session_at": (timezone.localtime() + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
            "session_count": 6,
            "interval_days": 7,
            "session_minutes": 90,
            "instruments": ["phq9", "gad7"],
            "primary_instrument": "gad7",
            "pre_window_days": 14,
            "post_window_days": 14,
        },
    )
    programme = GroupProgramme.objects.get(name="人际关系成长小组")
    assert response.status_code == 302 and programme.sessions.count() == 6


def test_bad_input_on_create_is_shown_in_chinese_and_nothing_is_written(counsellor, tree):
    response = counsellor.post(
        url("create"),
        {"name": "x", "kind": "open", "org_unit": tree.willow.pk, "capacity": 10,
         "first_session_at": "2026-01-01T10:00", "session_count": 6, "interval_days": 7,
         "session_minutes": 90, "instruments": ["gad7"], "primary_instrument": "phq9",
         "pre_window_days": 14, "post_window_days": 14},
    )  # fmt: skip
    assert response.status_code == 400
    assert "主要量表必须是本团体使用的量表之一" in response.content.decode()
    assert not GroupProgramme.objects.exists()


def test_a_project_lead_may_not_create_a_group(client, people):
    lead = login_fully(client, people.lead)
    assert lead.get(url("create")).status_code == 403


def test_the_create_page_refuses_put(counsellor):
    assert counsellor.put(url("create")).status_code == 405


def test_a_leader_adds_screens_and_enrols_a_member(counsellor, people, tree, programme):
    resident = register(people, tree, 20)
    page = counsellor.get(url("detail", programme.pk), {"q": resident.name})
    assert resident.name in page.content.decode()
    counsellor.post(url("member_add", programme.pk), {"q": resident.name, "resident": resident.pk})
    member = GroupMember.objects.get(resident=resident)
    counsellor.post(url("member_screen", programme.pk, member.pk), {"note": "符合入组标准"})
    assert counsellor.get(url("member_enrol", programme.pk, member.pk)).status_code == 200
    response = counsellor.post(
        url("member_enrol", programme.pk, member.pk),
        {
            "signed_on": timezone.localdate().isoformat(),
            "signer": "self",
            "signer_name": resident.name,
            "channel": "paper",
        },
    )
    member.refresh_from_db()
    assert response.status_code == 302 and member.status == "enrolled" and member.consent_id


def test_member_pages_refuse_get_where_only_post_is_meant(counsellor, programme, members):
    member = members.list[0]
    assert counsellor.get(url("member_drop", programme.pk, member.pk)).status_code == 405
    assert counsellor.get(url("member_screen", programme.pk, member.pk)).status_code == 405
    assert counsellor.get(url("member_add", programme.pk)).status_code == 405


def test_a_member_of_another_group_is_a_404_and_nothing_changes(counsellor, people, tree, programme, members):
    other = enrol(
        people.colleague,
        __import__("groupcounselling.services", fromlist=["x"]).programme_create(
            actor=people.colleague, name="别组", kind="open", org_unit=tree.willow, leaders=[],
            first_session_at=timezone.now(),
        ),
        register(people, tree, 30),
    )  # fmt: skip
    response = counsellor.post(url("member_drop", programme.pk, other.pk), {"reason": "x"})
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.status == "enrolled"
    # And the other group's own pages are 404 for a leader of this one.
    assert (
        counsellor.post(url("member_drop", other.programme_id, other.pk), {"reason": "x"}).status_code == 404
    )


def test_dropping_out_without_a_reason_changes_nothing(counsellor, programme, members):
    member = members.list[0]
    counsellor.post(url("member_drop", programme.pk, member.pk), {"reason": ""})
    member.refresh_from_db()
    assert member.status == "enrolled"


def test_attendance_is_saved_from_the_session_page(counsellor, programme, members):
    marks = {f"mark_{m.pk}": "attended" for m in members.list}
    response = counsellor.post(url("session", programme.pk, 1), marks)
    assert response.status_code == 302
    assert Attendance.objects.filter(mark="attended").count() == 3


def test_attendance_for_a_future_session_is_refused_on_the_page(counsellor, programme, members):
    response = counsellor.post(url("session", programme.pk, 2), {f"mark_{members.list[0].pk}": "attended"})
    assert response.status_code == 400 and "活动开始后才能记录出勤" in response.content.decode()
    assert not Attendance.objects.exists()


def test_attendance_for_a_bad_member_key_is_refused(counsellor, programme, members):
    response = counsellor.post(url("session", programme.pk, 1), {"mark_abc": "attended"})
    assert response.status_code == 400 and not Attendance.objects.exists()


def test_the_session_page_refuses_delete(counsellor, programme):
    assert counsellor.delete(url("session", programme.pk, 1)).status_code == 405


def test_the_group_note_is_saved_encrypted_for_leaders(counsellor, programme):
    counsellor.post(
        url("session", programme.pk, 1),
        {"save_session": "1", "topic": "相识", "plan": "破冰", "group_note": "成员A很沉默"},
    )
    session = programme.sessions.get(number=1)
    assert session.group_note == "成员A很沉默"
    with connection.cursor() as cursor:
        cursor.execute("SELECT group_note FROM groupcounselling_groupsession WHERE id = %s", [session.pk])
        assert "沉默" not in cursor.fetchone()[0]


def test_a_pre_score_is_entered_as_an_assessment(counsellor, programme, members):
    member = members.list[0]
    data = {f"item_{n}": str(a) for n, a in enumerate(phq9_answers(12), start=1)}
    data["administered_at"] = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = counsellor.post(url("member_score", programme.pk, member.pk) + "?instrument=phq9", data)
    assert response.status_code == 302
    assert member.resident.assessments.get().total == 12


def test_the_member_list_takes_a_fixed_number_of_queries(client, people, tree, programme):
    page = login_fully(client, people.counsellor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page.get(url("detail", programme.pk)).status_code == 200
        return len(queries)

    enrol(people.counsellor, programme, register(people, tree, 40))
    few = count()
    for n in range(41, 47):
        enrol(people.counsellor, programme, register(people, tree, n))
    assert count() == few


def test_the_report_shows_the_reference_figures_to_the_leader(counsellor, finished):
    html = counsellor.get(url("report", finished.pk)).content.decode()
    for figure in (
        "3.300",
        "2.359",
        "0.629",
        "1.399",
        "1.279",
        "t(9) = 4.423",
        "0.0017",
        "[0.49, 2.27]",
        "0.0020",
    ):
        assert figure in html
    assert 'id="member-scores"' in html and "组员100" in html


def test_a_lead_sees_aggregates_only(client, people, finished):
    lead = login_fully(client, people.lead)
    html = lead.get(url("report", finished.pk)).content.decode()
    assert "1.399" in html and 'id="aggregates-only"' in html
    assert "组员100" not in html and 'id="member-scores"' not in html
    # Four were reliably improved, one recovered: both under 5, suppressed.
    assert "&lt;5" in html
    # The group's members and sessions stay with the leaders.
    assert lead.get(url("session", finished.pk, 1)).status_code == 404
    detail = lead.get(url("detail", finished.pk)).content.decode()
    assert "组员100" not in detail


def test_the_report_takes_a_fixed_number_of_queries(client, people, tree, finished):
    page = login_fully(client, people.counsellor)
    with CaptureQueriesContext(connection) as queries:
        page.get(url("report", finished.pk))
    many = len(queries)
    GroupMember.objects.filter(programme=finished).order_by("-pk").first().delete()
    for member in GroupMember.objects.filter(programme=finished)[:5]:
        member.delete()
    with CaptureQueriesContext(connection) as queries:
        page.get(url("report", finished.pk))
    assert len(queries) == many


def test_the_report_refuses_post(counsellor, finished):
    assert counsellor.post(url("report", finished.pk)).status_code == 405


def test_the_report_of_an_instrument_not_in_the_group_is_a_404(counsellor, finished):
    assert counsellor.get(url("report", finished.pk) + "?instrument=who5").status_code == 404


def test_the_report_exports_as_xlsx_and_pdf(counsellor, finished):
    xlsx = counsellor.get(url("report_xlsx", finished.pk))
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(xlsx.content)).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
    assert "1.399" in values
    pdf = counsellor.get(url("report_pdf", finished.pk))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_exports_are_404_for_someone_outside(client, people, finished):
    other = login_fully(client, people.outsider)
    assert other.get(url("report_xlsx", finished.pk)).status_code == 404
    assert other.get(url("report_pdf", finished.pk)).status_code == 404


def test_a_leader_has_the_group_on_the_home_page_and_in_the_navigation(counsellor, programme):
    html = counsellor.get(reverse("dashboard:home")).content.decode()
    assert 'id="my-groups"' in html and "情绪调适成长小组" in html
    assert reverse("groupcounselling:list") in html


def test_a_lead_has_the_navigation_entry_but_no_leaders_card(client, people, programme):
    html = login_fully(client, people.lead).get(reverse("dashboard:home")).content.decode()
    assert reverse("groupcounselling:list") in html and 'id="my-groups"' not in html


def test_a_volunteer_has_no_group_entry(client, people):
    html = login_fully(client, people.volunteer).get(reverse("dashboard:home")).content.decode()
    assert reverse("groupcounselling:list") not in html


def test_leader_pages_are_404_for_a_colleague_and_write_nothing(client, people, programme, members):
    other = login_fully(client, people.colleague)
    member = members.list[0]
    assert other.get(url("member_enrol", programme.pk, member.pk)).status_code == 404
    assert other.get(url("member_score", programme.pk, member.pk)).status_code == 404
    assert other.post(url("finish", programme.pk)).status_code == 404
    assert other.post(url("session", programme.pk, 1), {f"mark_{member.pk}": "attended"}).status_code == 404
    assert not Attendance.objects.exists()
    programme.refresh_from_db()
    assert programme.status == "recruiting"


def test_leader_pages_refuse_wrong_methods(counsellor, programme, members):
    member = members.list[0]
    assert counsellor.delete(url("member_enrol", programme.pk, member.pk)).status_code == 405
    assert counsellor.put(url("member_score", programme.pk, member.pk)).status_code == 405
    assert counsellor.get(url("finish", programme.pk)).status_code == 405
    assert counsellor.post(url("report_xlsx", programme.pk)).status_code == 405
    assert counsellor.post(url("report_pdf", programme.pk)).status_code == 405


def test_a_running_group_is_finished_from_its_page(counsellor, programme, members):
    counsellor.post(url("session", programme.pk, 1), {f"mark_{m.pk}": "attended" for m in members.list})
    assert counsellor.post(url("finish", programme.pk)).status_code == 302
    programme.refresh_from_db()
    assert programme.status == "finished"


def test_a_lead_cannot_reach_the_session_pages_of_a_group_in_scope(client, people, programme):
    lead = login_fully(client, people.lead)
    assert lead.get(url("detail", programme.pk)).status_code == 200
    assert lead.get(url("session", programme.pk, 1)).status_code == 404


def test_a_first_session_in_the_year_0001_is_refused_in_chinese(counsellor, tree):
    response = counsellor.post(
        url("create"),
        {"name": "x", "kind": "open", "org_unit": tree.willow.pk, "capacity": 10,
         "first_session_at": "0001-01-01T00:00", "session_count": 6, "interval_days": 7,
         "session_minutes": 90, "instruments": ["phq9"], "primary_instrument": "phq9",
         "pre_window_days": 14, "post_window_days": 14},
    )  # fmt: skip
    assert response.status_code == 400 and "2000" in response.content.decode()
    assert not GroupProgramme.objects.exists()


def test_a_score_given_in_the_year_0001_is_refused_and_not_stored(counsellor, programme, members):
    member = members.list[0]
    data = {f"item_{n}": str(a) for n, a in enumerate(phq9_answers(12), start=1)}
    data["administered_at"] = "0001-01-01T00:00"
    response = counsellor.post(url("member_score", programme.pk, member.pk) + "?instrument=phq9", data)
    assert response.status_code == 400 and "2000" in response.content.decode()
    assert not member.resident.assessments.exists()


def test_the_group_list_takes_a_fixed_number_of_queries(client, people, tree, programme):
    from groupcounselling.services import programme_create

    page = login_fully(client, people.counsellor)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert page.get(url("list")).status_code == 200
        return len(queries)

    few = count()
    for n in range(5):
        programme_create(
            actor=people.counsellor, name=f"小组{n}", kind="open", org_unit=tree.willow, leaders=[],
            first_session_at=timezone.now() + timedelta(days=3), session_count=4,
        )  # fmt: skip
    assert count() == few
