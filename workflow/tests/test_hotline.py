"""SVC-9: one log of hotline calls and online consultations; anonymous callers leave no name; a
positive risk check leaves a risk signal for the crisis team; immediate danger shows what to do now."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from confidentiality.models import AuditEntry
from conftest import login_fully
from core.models import CentreProfile
from crisis.models import RiskSignal
from workflow.models import HotlineEntry
from workflow.services.hotline import hotline_entry_record
from workflow.tests.followup_hotline_support import client_of, make_case

pytestmark = pytest.mark.django_db


def local(*parts) -> datetime:
    """A time on the centre's clock."""
    return datetime(*parts, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def team(people, tree):
    people.counsellor.supervisor = people.supervisor
    people.counsellor.save(update_fields=["supervisor"])
    zhang = client_of(people, tree.grid, "张三", responsible=[people.counsellor])
    li = client_of(people, tree.pine, "李四", responsible=[people.outsider])
    return type("Team", (), {"zhang": zhang, "li": li})


def record(actor, **changes) -> HotlineEntry:
    values = {
        "channel": HotlineEntry.Channel.PHONE,
        "started_at": timezone.now() - timedelta(minutes=30),
        "duration_minutes": 25,
        "topic": HotlineEntry.Topic.EMOTION,
        "action": HotlineEntry.Action.SUPPORT,
    }
    values.update(changes)
    return hotline_entry_record(actor=actor, **values)


def form_data(**changes) -> dict:
    data = {
        "channel": "phone",
        "started_at": (timezone.localtime() - timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "15",
        "topic": "emotion",
        "action": "support",
        "summary": "",
        "action_note": "",
        "anonymous": "on",
        "caller_name": "",
        "caller_contact": "",
        "case_number": "",
        "resident": "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def page(user, name, *args, query: str = ""):
    return login_fully(Client(), user), reverse(f"workflow:{name}", args=args) + query


# ---------------------------------------------------------------------------------------------
# Recording


def test_a_positive_risk_check_leaves_a_signal_in_the_same_breath(people, team):
    entry = record(people.counsellor, risk_suicidal_thoughts=True, risk_plan=True, resident=team.zhang)
    signal = RiskSignal.objects.get()
    assert entry.signal == signal
    assert (signal.source, signal.resident, signal.flags, signal.band) == (
        "hotline",
        team.zhang,
        ["suicidal_thoughts", "plan"],
        "",
    )


def test_an_anonymous_positive_check_leaves_a_signal_about_nobody(people):
    entry = record(people.counsellor, channel="wechat", risk_immediate_danger=True)
    assert entry.signal.resident is None and entry.signal.flags == ["immediate_danger"]


def test_a_negative_risk_check_leaves_no_signal(people):
    entry = record(people.counsellor)
    assert entry.signal is None and not RiskSignal.objects.exists()
    assert AuditEntry.objects.get(action="hotline_entry.recorded").details == {
        "channel": "phone",
        "risk_positive": False,
        "signal": None,
    }


def test_an_anonymous_caller_leaves_no_name_or_contact(people):
    entry = record(people.counsellor, anonymous=True)
    entry.refresh_from_db()
    assert (entry.anonymous, entry.caller_name, entry.caller_contact) == (True, "", "")


@pytest.mark.parametrize("typed", [{"caller_name": "王五"}, {"caller_contact": "13800001111"}])
def test_a_name_or_number_typed_for_an_anonymous_caller_is_refused_not_dropped(people, typed):
    """Issue 18 #5: a typed callback number was dropped without a word."""
    with pytest.raises(ValidationError) as error:
        record(people.counsellor, anonymous=True, **typed)
    assert list(error.value.message_dict) == ["anonymous"]
    assert not HotlineEntry.objects.exists()


def test_a_named_caller_needs_a_name_or_a_contact(people):
    with pytest.raises(ValidationError) as error:
        record(people.counsellor, anonymous=False)
    assert "caller_name" in error.value.message_dict
    entry = record(people.counsellor, anonymous=False, caller_contact="wxid_abc")
    assert entry.caller_contact == "wxid_abc"


def test_a_case_links_its_client_and_must_be_one_the_person_sees(people, team):
    case = make_case(team.zhang, people.counsellor, "C2025-0101")
    entry = record(people.counsellor, case=case)
    assert entry.resident == team.zhang
    with pytest.raises(ValidationError) as error:
        record(people.outsider, case=case)
    assert "case" in error.value.message_dict
    with pytest.raises(ValidationError):
        record(people.counsellor, case=case, resident=team.li)


def test_a_resident_out_of_reach_cannot_be_linked_and_nothing_is_written(people, team):
    with pytest.raises(ValidationError) as error:
        record(people.counsellor, resident=team.li, risk_plan=True)
    assert "resident" in error.value.message_dict
    assert not HotlineEntry.objects.exists() and not RiskSignal.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"started_at": "tomorrow"}, "started_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"topic": "gossip"}, "topic"),
        ({"channel": "fax"}, "channel"),
    ],
)
def test_bad_input_is_refused_with_its_field(people, changes, field):
    if changes.get("started_at") == "tomorrow":
        changes["started_at"] = timezone.now() + timedelta(days=1)
    with pytest.raises(ValidationError) as error:
        record(people.counsellor, risk_plan=True, **changes)
    assert field in error.value.message_dict
    assert not RiskSignal.objects.exists()


@pytest.mark.parametrize("who", ["worker", "teacher", "volunteer", "archivist", "admin"])
def test_only_counselling_staff_keep_the_log(people, who):
    with pytest.raises(PermissionDenied):
        record(getattr(people, who), risk_plan=True)
    assert not HotlineEntry.objects.exists() and not RiskSignal.objects.exists()


# ---------------------------------------------------------------------------------------------
# The log


def test_the_log_shows_what_the_person_may_see(people, team):
    mine = record(people.counsellor)
    record(people.outsider)
    client, url = page(people.counsellor, "hotline_list")
    response = client.get(url)
    assert response.status_code == 200 and list(response.context["page"]) == [mine]
    # The counsellor's supervisor sees it; the colleague does not.
    assert list(page(people.supervisor, "hotline_list")[0].get(url).context["page"]) == [mine]
    assert list(page(people.colleague, "hotline_list")[0].get(url).context["page"]) == []


def test_the_log_filters_by_channel_topic_risk_and_date(people):
    phone = record(people.counsellor, started_at=local(2025, 3, 1, 21, 0))
    wechat = record(
        people.counsellor,
        channel="wechat",
        topic="family",
        risk_means=True,
        started_at=local(2025, 3, 3, 9, 0),
    )
    client, url = page(people.counsellor, "hotline_list")

    def shown(query: str) -> list:
        return list(client.get(url + query).context["page"])

    assert shown("?channel=wechat") == [wechat]
    assert shown("?topic=emotion") == [phone]
    assert shown("?risk=on") == [wechat]
    assert shown("?date_from=2025-03-01&date_to=2025-03-01") == [phone]
    assert shown("?date_from=2025-03-02") == [wechat]
    bad = client.get(url + "?date_from=2025-03-05&date_to=2025-03-01")
    assert bad.status_code == 200 and list(bad.context["page"]) == [] and bad.context["form"].errors


def test_the_log_answers_htmx_with_its_rows_only(people):
    record(people.counsellor)
    client, url = page(people.counsellor, "hotline_list")
    response = client.get(url + "?channel=phone", headers={"HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.content.decode()


@pytest.mark.parametrize("who", ["worker", "teacher", "archivist", "admin"])
def test_the_log_is_forbidden_to_other_roles(people, who):
    client, url = page(getattr(people, who), "hotline_list")
    assert client.get(url).status_code == 403


def test_the_log_refuses_post(people):
    client, url = page(people.counsellor, "hotline_list")
    assert client.post(url).status_code == 405


def test_the_log_costs_a_fixed_number_of_queries(people, team, django_assert_max_num_queries):
    for n in range(30):
        record(people.counsellor, resident=team.zhang if n % 2 else None, risk_plan=bool(n % 3))
    client, url = page(people.director, "hotline_list")
    with django_assert_max_num_queries(
        17
    ):  # the listing audit: 5 queries, 6 on PostgreSQL; the navigation's counts: 1
        response = client.get(url)
    assert response.status_code == 200 and len(response.context["page"]) == 25


# ---------------------------------------------------------------------------------------------
# Logging a call


def test_the_form_puts_the_risk_check_near_the_top(people):
    client, url = page(people.counsellor, "hotline_create")
    html = client.get(url).content.decode()
    assert html.index('name="risk_suicidal_thoughts"') < html.index('name="topic"')
    assert html.count('type="checkbox" name="risk_') == 5


def test_logging_a_call_from_the_form(people):
    client, url = page(people.counsellor, "hotline_create")
    response = client.post(url, form_data())
    entry = HotlineEntry.objects.get()
    assert response.status_code == 302 and response.url == reverse("workflow:hotline_detail", args=[entry.pk])
    assert (entry.anonymous, entry.caller_name, entry.recorded_by) == (True, "", people.counsellor)


def test_a_callback_number_typed_with_anonymous_ticked_comes_back_with_a_message(people):
    client, url = page(people.counsellor, "hotline_create")
    response = client.post(url, form_data(caller_contact="13800001111"))
    assert response.status_code == 200 and not HotlineEntry.objects.exists()
    assert response.context["form"].errors["anonymous"]
    html = response.content.decode()
    assert 'value="13800001111"' in html and "匿名" in html
    named = client.post(url, form_data(anonymous=None, caller_contact="13800001111"))
    assert named.status_code == 302 and HotlineEntry.objects.get().caller_contact == "13800001111"


def test_the_form_unticks_anonymous_when_a_name_or_number_is_typed(people):
    client, url = page(people.counsellor, "hotline_create")
    html = client.get(url).content.decode()
    assert 'addEventListener("input"' in html and "anonymous.checked = false" in html


def test_an_anonymous_entry_linked_to_a_resident_says_both_on_list_and_entry(people, team):
    entry = record(people.counsellor, resident=team.zhang)
    client = login_fully(Client(), people.counsellor)
    for url in (reverse("workflow:hotline_list"), reverse("workflow:hotline_detail", args=[entry.pk])):
        text = re.sub(r"<[^>]+>", "", client.get(url).content.decode())
        assert "匿名 · 已关联 张三" in text, url


def test_immediate_danger_shows_the_crisis_resources_at_once(people):
    CentreProfile.objects.create(hotline="0571-96525", hotline_hours="24小时")
    client, url = page(people.counsellor, "hotline_create")
    response = client.post(
        url, form_data(risk_suicidal_thoughts="on", risk_immediate_danger="on", action="crisis"), follow=True
    )
    html = response.content.decode()
    assert 'class="card crisis"' in html and "0571-96525" in html and 'href="tel:110"' in html
    assert HotlineEntry.objects.get().signal.flags == ["suicidal_thoughts", "immediate_danger"]


def test_without_immediate_danger_the_detail_shows_no_crisis_card(people):
    client, url = page(people.counsellor, "hotline_create")
    html = client.post(url, form_data(risk_plan="on"), follow=True).content.decode()
    assert 'class="card crisis"' not in html
    assert RiskSignal.objects.get().flags == ["plan"]


def test_a_call_linked_to_a_case_by_its_number(people, team):
    case = make_case(team.zhang, people.counsellor, "C2025-0200")
    client, url = page(people.counsellor, "hotline_create")
    client.post(url, form_data(case_number="C2025-0200"))
    entry = HotlineEntry.objects.get()
    assert (entry.case, entry.resident) == (case, team.zhang)


def test_a_case_number_out_of_reach_reads_like_a_missing_one_and_nothing_is_written(people, team):
    make_case(team.li, people.outsider, "C2025-0300")
    client, url = page(people.counsellor, "hotline_create")
    hidden = client.post(url, form_data(case_number="C2025-0300", risk_plan="on"))
    missing = client.post(url, form_data(case_number="C2025-9999", risk_plan="on"))
    assert hidden.status_code == missing.status_code == 200
    assert hidden.context["form"].errors["case_number"] == missing.context["form"].errors["case_number"]
    assert not HotlineEntry.objects.exists() and not RiskSignal.objects.exists()


def test_the_form_opened_from_an_archive_links_the_resident(people, team):
    client, url = page(people.counsellor, "hotline_create", query=f"?resident={team.zhang.pk}")
    assert client.get(url).context["linked_resident"] == team.zhang
    client.post(url, form_data(resident=str(team.zhang.pk)))
    assert HotlineEntry.objects.get().resident == team.zhang


def test_a_resident_smuggled_into_the_form_is_refused(people, team):
    client, url = page(people.counsellor, "hotline_create")
    response = client.post(url, form_data(resident=str(team.li.pk), risk_plan="on"))
    assert response.status_code == 200 and response.context["form"].non_field_errors()
    assert response.context["linked_resident"] is None  # the name is not shown either
    assert "李四" not in response.content.decode()
    assert not HotlineEntry.objects.exists() and not RiskSignal.objects.exists()
    client, url = page(people.counsellor, "hotline_create", query=f"?resident={team.li.pk}")
    assert client.get(url).status_code == 404


def test_a_time_in_the_future_is_refused_on_the_form(people):
    client, url = page(people.counsellor, "hotline_create")
    later = (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(url, form_data(started_at=later))
    assert response.status_code == 200 and response.context["form"].errors["started_at"]
    assert not HotlineEntry.objects.exists()


@pytest.mark.parametrize("who", ["worker", "volunteer", "archivist"])
def test_other_roles_cannot_log_and_nothing_is_written(people, who):
    client, url = page(getattr(people, who), "hotline_create")
    assert client.get(url).status_code == 403
    assert client.post(url, form_data(risk_plan="on")).status_code == 403
    assert not HotlineEntry.objects.exists() and not RiskSignal.objects.exists()


def test_the_form_refuses_other_methods(people):
    client, url = page(people.counsellor, "hotline_create")
    assert client.put(url).status_code == 405


# ---------------------------------------------------------------------------------------------
# One entry


def test_opening_an_entry_is_audited(people, team):
    entry = record(people.counsellor, anonymous=False, caller_name="王五", summary="与家人争吵")
    client, url = page(people.supervisor, "hotline_detail", entry.pk)
    response = client.get(url)
    assert response.status_code == 200 and "与家人争吵" in response.content.decode()
    viewed = AuditEntry.objects.get(action="hotline_entry.viewed")
    assert (viewed.actor, viewed.object_id) == (people.supervisor, str(entry.pk))


@pytest.mark.parametrize("who", ["colleague", "outsider", "worker"])
def test_an_entry_out_of_reach_is_not_found(people, who):
    entry = record(people.counsellor, summary="与家人争吵")
    client, url = page(getattr(people, who), "hotline_detail", entry.pk)
    response = client.get(url)
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="hotline_entry.viewed").exists()


def test_the_team_of_a_linked_client_sees_the_entry(people, team):
    entry = record(people.supervisor, resident=team.zhang)
    client, url = page(people.counsellor, "hotline_detail", entry.pk)
    assert client.get(url).status_code == 200


def test_an_entry_page_refuses_post(people):
    entry = record(people.counsellor)
    client, url = page(people.counsellor, "hotline_detail", entry.pk)
    assert client.post(url).status_code == 405


def test_dates_of_the_log_are_local_days(people):
    late_evening = local(2025, 6, 1, 23, 30)
    entry = record(people.counsellor, started_at=late_evening)
    client, url = page(people.counsellor, "hotline_list")
    assert list(client.get(url + "?date_from=2025-06-01&date_to=2025-06-01").context["page"]) == [entry]
    assert date(2025, 6, 1) == timezone.localtime(entry.started_at).date()


def test_a_linked_person_is_named_only_to_those_who_may_see_them(people, team, tree):
    """The recorder's director may see an entry without being allowed to see the person it is
    linked to (review of issue 5): the page then names nobody and links to no case."""
    from conftest import make_user

    east_counsellor = make_user("east_counsellor_t", "counsellor", tree.east)
    entry = HotlineEntry.objects.create(
        channel="phone",
        started_at=timezone.now() - timedelta(hours=1),
        duration_minutes=10,
        anonymous=False,
        caller_name="来电人",
        topic="emotion",
        action="support",
        resident=team.li,
        recorded_by=east_counsellor,
    )
    director = login_fully(Client(), people.east_director)
    detail = director.get(reverse("workflow:hotline_detail", args=[entry.pk]))
    assert detail.status_code == 200
    assert "李四" not in detail.content.decode()
    assert "李四" not in director.get(reverse("workflow:hotline_list")).content.decode()
    outsider = login_fully(Client(), people.outsider)
    assert "李四" in outsider.get(reverse("workflow:hotline_detail", args=[entry.pk])).content.decode()
