"""The crisis-case pages (CRI-3): the list, one case and each of its actions, the client's printed
safety plan and its PDF, and the "open a crisis case" button on the alert's page.

The counsellor (柳岸社区) handles 张三's alerts; the outsider (松林社区) cannot see them, so every
case of 张三 is a 404 for them, for reading and for every action alike, and nothing is written. A
grid worker may not open the list at all (403).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from confidentiality.models import AuditEntry, Disclosure, DisclosureBasis
from conftest import login_fully
from crisis.models import Alert, CrisisAction, CrisisCase, CrisisCheck, SafetyPlan
from crisis.services import cases as services
from crisis.tests.alert_support import client_of, make_alert
from crisis.tests.case_fixtures import settle_checks

pytestmark = pytest.mark.django_db
pytest_plugins = ["crisis.tests.case_fixtures"]

LIST = reverse("crisis:case_list")
PLAN = {
    "warning_signs": "睡不着，反复想到离开",
    "coping_steps": "散步，听音乐",
    "people_places": "姐姐 13800000000",
    "professionals": "全国心理援助热线 12356",
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
GUARDIAN = {
    "kind": "guardian",
    "recipient": "母亲 王芳",
    "disclosed": ["name", "situation"],
    "at": "",
    "text": "电话告知母亲，请她陪同",
}
CLOSE = {
    "outcome": "stabilised",
    "summary": "情绪稳定，已转介门诊",
    "risk_level": "yellow",
    "risk_reason": "仍需两周后复查",
}


def client_for(user) -> Client:
    # Pages in English, so that the assertions hold before and after the lead's translations.
    return login_fully(Client(HTTP_ACCEPT_LANGUAGE="en"), user)


def url(name: str, crisis_case, *extra) -> str:
    return reverse(f"crisis:{name}", args=[crisis_case.pk, *extra])


def check_of(crisis_case, kind=CrisisCheck.Kind.H24) -> CrisisCheck:
    return crisis_case.checks.get(kind=kind)


def snapshot(crisis_case) -> tuple:
    """What an action could change: the case's row, its children, disclosures and audited writes."""
    row = CrisisCase.objects.get(pk=crisis_case.pk)
    writes = AuditEntry.objects.filter(
        action__regex=r"^(crisis_case|safety_plan|crisis_action|crisis_check|disclosure|alert)\."
    ).exclude(action__in=["crisis_case.viewed", "alert.viewed"])
    return (
        (row.status, row.outcome, row.closing_summary, row.assessed_at, row.reviewed_at, row.risk_summary),
        SafetyPlan.objects.count(),
        CrisisAction.objects.count(),
        CrisisCheck.objects.filter(done_at__isnull=False).count(),
        CrisisCheck.objects.filter(waived_at__isnull=False).count(),
        Disclosure.objects.count(),
        writes.count(),
    )


# One POST per action: (url name, data, whether the check's pk is in the address too).
ACTIONS = [
    ("case_risk_assessment", ASSESSMENT, False),
    ("case_safety_plan", PLAN, False),
    ("case_action", GUARDIAN, False),
    ("case_check_complete", {"note": "电话回访，情绪平稳"}, True),
    ("case_check_waive", {"reason": "已住院，由医院随访"}, True),
    ("case_request_close", CLOSE, False),
]


def action_url(name: str, crisis_case, with_check: bool) -> str:
    return url(name, crisis_case, check_of(crisis_case).pk) if with_check else url(name, crisis_case)


# ---------------------------------------------------------------------------------------------
# The list


def test_the_list_shows_cases_waiting_for_review_first_then_open_then_closed(people, tree, crisis):
    closed = services.crisis_case_open(actor=people.counsellor, alert=crisis.orange)
    settle_checks(closed)
    services.crisis_case_request_close(actor=people.counsellor, crisis_case=closed, **CLOSE)
    services.crisis_case_review(actor=people.supervisor, crisis_case=closed, approve=True, note="")
    waiting = services.crisis_case_open(actor=people.counsellor, alert=crisis.anonymous)
    settle_checks(waiting)
    services.crisis_case_request_close(actor=people.counsellor, crisis_case=waiting, **CLOSE)
    open_case = services.crisis_case_open(actor=people.counsellor, alert=crisis.red)
    response = client_for(people.supervisor).get(LIST)
    assert response.status_code == 200
    assert [c.pk for c in response.context["page"]] == [waiting.pk, open_case.pk, closed.pk]
    html = response.content.decode()
    assert f'id="case-{waiting.pk}" class="status-awaiting_review needs-review"' in html
    assert "Waiting for review" in html and "Crisis-intervention success rate" in html
    listed = AuditEntry.objects.filter(action="list.viewed", object_type="crisis.crisiscase").get()
    assert listed.details["ids"] == [str(waiting.pk), str(open_case.pk), str(closed.pk)]


def test_a_counsellor_sees_no_review_highlight_and_no_success_rate(people, crisis, red_case):
    settle_checks(red_case)
    services.crisis_case_request_close(actor=people.counsellor, crisis_case=red_case, **CLOSE)
    html = client_for(people.colleague).get(LIST).content.decode()
    assert "needs-review" not in html and "success-rate" not in html and "张三" in html


def test_the_list_holds_only_the_cases_one_can_reach(people, red_case, far_case):
    response = client_for(people.outsider).get(LIST)
    assert [c.pk for c in response.context["page"]] == [far_case.pk]


def test_the_list_is_forbidden_to_those_who_do_not_handle_alerts(people, red_case):
    for user in (people.worker, people.archivist, people.teacher):
        assert client_for(user).get(LIST).status_code == 403


def test_the_list_answers_get_only(people):
    assert client_for(people.counsellor).post(LIST).status_code == 405


def test_the_list_takes_the_same_number_of_queries_for_many_cases(
    people, tree, crisis, django_assert_max_num_queries
):
    for index in range(8):
        resident = client_of(people, tree.grid, f"居民{index}")
        alert = make_alert(level="orange", org_unit=tree.grid, resident=resident, owner=people.counsellor)
        services.crisis_case_open(actor=people.counsellor, alert=alert)
    client = client_for(people.supervisor)
    with django_assert_max_num_queries(18):
        response = client.get(LIST)
    assert len(response.context["page"]) == 8


# ---------------------------------------------------------------------------------------------
# Opening from the alert's page


def test_the_alert_page_offers_to_open_a_crisis_case_then_links_to_it(people, crisis):
    client = client_for(people.counsellor)
    html = client.get(reverse("crisis:alert_detail", args=[crisis.red.pk])).content.decode()
    assert reverse("crisis:case_open", args=[crisis.red.pk]) in html and "Open a crisis case" in html
    response = client.post(reverse("crisis:case_open", args=[crisis.red.pk]))
    crisis_case = CrisisCase.objects.get(alert=crisis.red)
    assert response.status_code == 302 and response["Location"] == url("case_detail", crisis_case)
    html = client.get(reverse("crisis:alert_detail", args=[crisis.red.pk])).content.decode()
    assert url("case_detail", crisis_case) in html and "Open a crisis case" not in html


def test_opening_a_case_twice_shows_the_existing_case(people, crisis, red_case):
    response = client_for(people.colleague).post(reverse("crisis:case_open", args=[crisis.red.pk]))
    assert response["Location"] == url("case_detail", red_case)
    assert CrisisCase.objects.count() == 1


def test_opening_a_case_without_consent_says_so_and_creates_the_inform_task(people, crisis):
    response = client_for(people.counsellor).post(
        reverse("crisis:case_open", args=[crisis.red.pk]), follow=True
    )
    html = response.content.decode()
    assert "No consent is on file" in html and "Opened without consent on file" in html
    assert "Inform the person of what was disclosed without consent" in html
    assert CrisisCase.objects.get(alert=crisis.red).consent_bypassed is True


def test_a_closed_alert_gets_no_case_and_the_reason_is_shown(people, tree, crisis):
    closed = make_alert(level="red", org_unit=tree.grid, state=Alert.State.CLOSED, owner=people.counsellor)
    response = client_for(people.counsellor).post(reverse("crisis:case_open", args=[closed.pk]), follow=True)
    assert "only for an open alert" in response.content.decode()
    assert not CrisisCase.objects.exists()


def test_opening_a_case_on_an_alert_out_of_reach_is_a_404_and_writes_nothing(people, crisis):
    response = client_for(people.outsider).post(reverse("crisis:case_open", args=[crisis.red.pk]))
    assert response.status_code == 404
    assert not CrisisCase.objects.exists()
    assert Alert.objects.get(pk=crisis.red.pk).state == Alert.State.NEW


def test_opening_a_case_answers_post_only(people, crisis):
    assert (
        client_for(people.counsellor).get(reverse("crisis:case_open", args=[crisis.red.pk])).status_code
        == 405
    )


# ---------------------------------------------------------------------------------------------
# One case


def test_the_case_page_shows_everything_and_its_opening_is_audited(people, crisis, red_case):
    services.crisis_risk_assessment_record(actor=people.counsellor, crisis_case=red_case, **ASSESSMENT)
    services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    services.crisis_action_record(actor=people.counsellor, crisis_case=red_case, **{**GUARDIAN, "at": None})
    response = client_for(people.colleague).get(url("case_detail", red_case))
    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        "张三",
        "家中有大量安眠药",
        "药物交给姐姐保管",
        "母亲 王芳",
        "Disclosure recorded",
        "Check after 24 hours",
    ):
        assert text in html
    assert AuditEntry.objects.filter(
        action="crisis_case.viewed", object_id=str(red_case.pk), actor=people.colleague
    ).exists()


def test_a_new_safety_plan_is_pre_filled_with_the_hotlines(people, red_case):
    form = client_for(people.counsellor).get(url("case_detail", red_case)).context["plan_form"]
    assert "12356" in form.initial["professionals"] and "120" in form.initial["professionals"]


def test_an_anonymous_case_says_that_contacts_are_not_in_the_disclosure_log(people, anonymous_case):
    response = client_for(people.counsellor).get(url("case_detail", anonymous_case))
    html = response.content.decode()
    assert "no disclosure can be recorded in the disclosure log" in html
    assert "disclosed" not in response.context["action_form"].fields


def test_a_case_out_of_reach_is_a_404_and_the_refusal_is_audited(people, red_case):
    response = client_for(people.outsider).get(url("case_detail", red_case))
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="crisis_case.viewed", actor=people.outsider).exists()
    assert AuditEntry.objects.filter(actor=people.outsider, object_id=str(red_case.pk)).exists()


def test_the_case_page_answers_get_only(people, red_case):
    assert client_for(people.counsellor).post(url("case_detail", red_case)).status_code == 405


# ---------------------------------------------------------------------------------------------
# The actions: allowed, out of reach, wrong method


@pytest.mark.parametrize(("name", "data", "with_check"), ACTIONS)
def test_each_action_works_for_who_handles_the_alert(people, red_case, name, data, with_check):
    if name == "case_request_close":
        settle_checks(red_case)
    before = snapshot(red_case)
    response = client_for(people.colleague).post(action_url(name, red_case, with_check), data)
    assert response.status_code == 302 and response["Location"] == url("case_detail", red_case)
    assert snapshot(red_case) != before


@pytest.mark.parametrize(("name", "data", "with_check"), ACTIONS)
def test_each_action_on_a_case_out_of_reach_is_a_404_and_writes_nothing(
    people, red_case, name, data, with_check
):
    before = snapshot(red_case)
    response = client_for(people.outsider).post(action_url(name, red_case, with_check), data)
    assert response.status_code == 404
    assert snapshot(red_case) == before


@pytest.mark.parametrize(("name", "data", "with_check"), ACTIONS)
def test_each_action_answers_post_only(people, red_case, name, data, with_check):
    assert client_for(people.counsellor).get(action_url(name, red_case, with_check)).status_code == 405


def test_a_check_of_another_case_is_a_404(people, red_case, far_case):
    address = url("case_check_complete", red_case, check_of(far_case).pk)
    assert client_for(people.counsellor).post(address, {"note": "x"}).status_code == 404
    assert not CrisisCheck.objects.filter(done_at__isnull=False).exists()


def test_bad_input_comes_back_on_its_form_and_writes_nothing(people, red_case):
    client = client_for(people.counsellor)
    settle_checks(red_case)
    before = snapshot(red_case)
    response = client.post(url("case_risk_assessment", red_case), {**ASSESSMENT, "means": ""})
    assert response.status_code == 400 and response.context["risk_form"].errors["means"]
    response = client.post(url("case_action", red_case), {**GUARDIAN, "recipient": ""})
    assert response.status_code == 400
    assert "Say whom you contacted" in str(response.context["action_form"].errors["recipient"])
    response = client.post(url("case_request_close", red_case), {"outcome": "cured", "summary": "x"})
    assert response.status_code == 400 and response.context["close_form"].errors["outcome"]
    response = client.post(url("case_check_complete", red_case, check_of(red_case).pk), {"note": ""})
    assert response.status_code == 400
    assert snapshot(red_case) == before


def test_a_guardian_notification_through_the_page_is_a_disclosure_with_basis_danger(people, crisis, red_case):
    data = {**GUARDIAN, "disclosed": ["name", "situation", "location"]}
    client_for(people.counsellor).post(url("case_action", red_case), data)
    disclosure = Disclosure.objects.get(resident=crisis.zhang)
    assert disclosure.basis == DisclosureBasis.DANGER and disclosure.recipient == "母亲 王芳"
    assert len(disclosure.fields) == 3
    assert CrisisAction.objects.get().disclosure == disclosure


# ---------------------------------------------------------------------------------------------
# Review


def test_the_review_form_shows_only_to_a_reviewer_other_than_the_owner(people, red_case):
    settle_checks(red_case)
    services.crisis_case_request_close(actor=people.counsellor, crisis_case=red_case, **CLOSE)
    assert "review_form" not in client_for(people.counsellor).get(url("case_detail", red_case)).context
    assert "review_form" in client_for(people.supervisor).get(url("case_detail", red_case)).context


def test_a_closing_needs_a_review_by_someone_else(people, crisis, red_case):
    settle_checks(red_case)
    client_for(people.counsellor).post(url("case_request_close", red_case), CLOSE)
    assert CrisisCase.objects.get(pk=red_case.pk).status == CrisisCase.Status.AWAITING_REVIEW
    before = snapshot(red_case)
    response = client_for(people.counsellor).post(url("case_review", red_case), {"decision": "approve"})
    assert response.status_code == 403
    assert (
        client_for(people.outsider).post(url("case_review", red_case), {"decision": "approve"}).status_code
        == 404
    )
    assert snapshot(red_case) == before
    response = client_for(people.supervisor).post(
        url("case_review", red_case), {"decision": "approve", "note": ""}
    )
    assert response.status_code == 302
    assert CrisisCase.objects.get(pk=red_case.pk).status == CrisisCase.Status.CLOSED
    assert Alert.objects.get(pk=crisis.red.pk).state == Alert.State.CLOSED


def test_returning_a_closing_needs_a_note(people, red_case):
    settle_checks(red_case)
    services.crisis_case_request_close(actor=people.counsellor, crisis_case=red_case, **CLOSE)
    client = client_for(people.supervisor)
    response = client.post(url("case_review", red_case), {"decision": "return", "note": ""})
    assert response.status_code == 400 and response.context["review_form"].errors["note"]
    response = client.post(
        url("case_review", red_case), {"decision": "return", "note": "请先告知本人"}, follow=True
    )
    assert "The case is returned to its owner." in response.content.decode()
    assert CrisisCase.objects.get(pk=red_case.pk).status == CrisisCase.Status.OPEN


def test_a_closed_case_shows_its_outcome_and_review_and_offers_only_its_checks(people, red_case):
    settle_checks(red_case)
    services.crisis_case_request_close(actor=people.counsellor, crisis_case=red_case, **CLOSE)
    services.crisis_case_review(actor=people.supervisor, crisis_case=red_case, approve=True, note="同意结案")
    response = client_for(people.counsellor).get(url("case_detail", red_case))
    html = response.content.decode()
    assert response.status_code == 200 and "同意结案" in html and "Stabilised" in html
    for form in ("risk_form", "plan_form", "action_form", "close_form", "review_form"):
        assert form not in response.context
    inform = check_of(red_case, CrisisCheck.Kind.INFORM_PERSON)
    assert url("case_check_complete", red_case, inform.pk) in html
    # Nothing is waived on a closed case: the task to inform the person is owed whatever happens.
    assert url("case_check_waive", red_case, inform.pk) not in html


def test_the_review_answers_post_only(people, red_case):
    assert client_for(people.supervisor).get(url("case_review", red_case)).status_code == 405


# ---------------------------------------------------------------------------------------------
# The client's safety plan


def test_the_printed_plan_holds_the_plan_and_nothing_of_the_staffs_work(people, red_case):
    services.crisis_risk_assessment_record(actor=people.counsellor, crisis_case=red_case, **ASSESSMENT)
    services.crisis_action_record(actor=people.counsellor, crisis_case=red_case, **{**GUARDIAN, "at": None})
    plan = services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    response = client_for(people.counsellor).get(url("safety_plan_print", red_case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "睡不着，反复想到离开" in html and "12356" in html and "张三" in html and "My safety plan" in html
    for staff_only in ("安眠药", "高风险", "母亲 王芳", "电话告知母亲"):
        assert staff_only not in html
    entry = AuditEntry.objects.get(action="safety_plan.printed")
    assert entry.details == {"safety_plan": plan.pk, "version": 1}


def test_the_plan_pdf_downloads_and_is_audited(people, red_case):
    services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    response = client_for(people.counsellor).get(url("safety_plan_pdf", red_case))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert AuditEntry.objects.filter(action="safety_plan.pdf_downloaded").count() == 1


def test_without_a_plan_the_print_page_sends_back_to_the_case(people, red_case):
    for name in ("safety_plan_print", "safety_plan_pdf"):
        response = client_for(people.counsellor).get(url(name, red_case))
        assert response.status_code == 302 and response["Location"] == url("case_detail", red_case)


@pytest.mark.parametrize("name", ["safety_plan_print", "safety_plan_pdf"])
def test_the_plan_of_a_case_out_of_reach_is_a_404_and_wrong_methods_a_405(people, red_case, name):
    services.safety_plan_save(actor=people.counsellor, crisis_case=red_case, **PLAN)
    assert client_for(people.outsider).get(url(name, red_case)).status_code == 404
    assert client_for(people.counsellor).post(url(name, red_case)).status_code == 405
    assert not AuditEntry.objects.filter(action__startswith="safety_plan.p").exists()


# ---------------------------------------------------------------------------------------------
# The whole story, as the supervisor lives it


def test_the_supervisor_acknowledges_opens_plans_notifies_the_guardian_and_closes_after_review(
    people, crisis
):
    supervisor = client_for(people.supervisor)
    supervisor.post(reverse("crisis:alert_acknowledge", args=[crisis.red.pk]))
    supervisor.post(reverse("crisis:case_open", args=[crisis.red.pk]))
    crisis_case = CrisisCase.objects.get(alert=crisis.red, owner=people.supervisor)
    assert supervisor.post(url("case_safety_plan", crisis_case), PLAN).status_code == 302
    assert supervisor.post(url("case_action", crisis_case), GUARDIAN).status_code == 302
    assert Disclosure.objects.get(resident=crisis.zhang).basis == DisclosureBasis.DANGER
    # The closing is not offered, and refused, while the follow-up checks are open.
    page = supervisor.get(url("case_detail", crisis_case))
    assert "close_form" not in page.context
    assert "Check after 24 hours" in page.context["close_refusal"]
    refused = supervisor.post(url("case_request_close", crisis_case), CLOSE)
    assert refused.status_code == 400 and "Check after 7 days" in refused.content.decode()
    for kind in (CrisisCheck.Kind.H24, CrisisCheck.Kind.H72):
        done = supervisor.post(
            url("case_check_complete", crisis_case, check_of(crisis_case, kind).pk), {"note": "回访：平稳"}
        )
        assert done.status_code == 302
    page = supervisor.get(url("case_detail", crisis_case))
    assert "Check after 7 days" in page.context["close_refusal"]
    assert "Check after 24 hours" not in page.context["close_refusal"]
    seven = check_of(crisis_case, CrisisCheck.Kind.D7)
    assert (
        supervisor.post(url("case_check_waive", crisis_case, seven.pk), {"reason": "已住院"}).status_code
        == 302
    )
    page = supervisor.get(url("case_detail", crisis_case))
    assert "close_form" in page.context and "已住院" in page.content.decode()
    assert supervisor.post(url("case_request_close", crisis_case), CLOSE).status_code == 302
    assert supervisor.post(url("case_review", crisis_case), {"decision": "approve"}).status_code == 403
    director = client_for(people.director)
    assert director.post(url("case_review", crisis_case), {"decision": "approve"}).status_code == 302
    crisis_case.refresh_from_db()
    assert crisis_case.status == CrisisCase.Status.CLOSED and crisis_case.reviewed_by == people.director
    alert = Alert.objects.get(pk=crisis.red.pk)
    assert alert.state == Alert.State.CLOSED and alert.outcome == Alert.Outcome.STABILISED


def test_the_menu_has_crisis_cases_for_those_who_handle_alerts(people):
    assert LIST in client_for(people.counsellor).get(reverse("dashboard:home")).content.decode()
    assert LIST not in client_for(people.worker).get(reverse("dashboard:home")).content.decode()


def test_the_alert_page_offers_no_closing_while_its_crisis_case_is_open(people, crisis, red_case):
    from django.test import Client
    from django.urls import reverse

    from conftest import login_fully
    from crisis.services.alerts import alert_resolve

    alert_resolve(actor=people.counsellor, alert=crisis.red, outcome="stabilised")
    page = login_fully(Client(), people.counsellor).get(reverse("crisis:alert_detail", args=[crisis.red.pk]))
    assert page.status_code == 200 and "close_form" not in page.context and "note_form" in page.context
