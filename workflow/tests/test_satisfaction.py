"""SVC-7: the one-time feedback link and paper feedback, through the services.

The link goes to the client through the outbox (PRT-2); it can be answered once, never after it
expires, and two submissions store one answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from confidentiality.models import AuditEntry
from core.selectors import centre_profile
from notifications.models import Notification
from orgs.services import service_site_create
from workflow.models import Appointment, SatisfactionSurvey
from workflow.services import satisfaction as service
from workflow.services.satisfaction import (
    satisfaction_paper_entry,
    satisfaction_submit,
    satisfaction_survey_issue,
)
from workflow.tests.satisfaction_support import ZHANG_PHONE, make_case, make_served

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(people, tree):
    return make_served(people, tree)


@pytest.fixture
def public_base(settings):
    settings.XINQIAO_PUBLIC_BASE_URL = "https://xinqiao.example.org/"
    return "https://xinqiao.example.org"


def answered_values(survey) -> tuple:
    survey = SatisfactionSurvey.objects.get(pk=survey.pk)
    return survey.rating, survey.comment, survey.answered_at


# ----------------------------------------------------------------------------- issuing the link


def test_closing_the_service_queues_the_link_to_the_clients_phone_in_the_outbox(
    people, served, public_base, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        survey = satisfaction_survey_issue(actor=people.counsellor, case=served.case)
    assert survey.channel == SatisfactionSurvey.Channel.LINK
    assert survey.resident == served.zhang and survey.counsellor == people.counsellor
    assert survey.expires_at > timezone.now() + timedelta(days=29)
    message = Notification.objects.get(kind=Notification.Kind.SATISFACTION_LINK)
    assert message.recipient_name == "张三"
    assert message.recipient_address == "+86" + ZHANG_PHONE  # as the archive stores it
    assert f"{public_base}/feedback/{survey.token}/" in message.body
    assert (message.related_type, message.related_id) == ("workflow.satisfactionsurvey", str(survey.pk))
    assert message.status == Notification.Status.TO_RELAY  # the default outbox reaches nobody by itself
    assert AuditEntry.objects.filter(action="satisfaction.issued", object_id=str(survey.pk)).exists()


def test_the_link_message_is_in_the_centres_language_whatever_the_staff_member_uses(people, served, settings):
    with translation.override("en"):
        satisfaction_survey_issue(actor=people.counsellor, case=served.case)
    message = Notification.objects.get(kind=Notification.Kind.SATISFACTION_LINK)
    with translation.override(settings.LANGUAGE_CODE):
        expected = translation.gettext("How was your visit to %(centre)s?") % {
            "centre": centre_profile().name
        }
    assert message.subject == expected


def test_a_client_without_a_phone_gets_a_link_but_no_message(people, served):
    survey = satisfaction_survey_issue(actor=people.outsider, case=served.other_case)
    assert survey.token
    assert not Notification.objects.exists()


def test_issuing_again_while_the_link_is_open_returns_the_same_link_and_one_message(people, served):
    first = satisfaction_survey_issue(actor=people.counsellor, case=served.case)
    second = satisfaction_survey_issue(actor=people.counsellor, case=served.case)
    assert first.pk == second.pk
    assert SatisfactionSurvey.objects.count() == 1
    assert Notification.objects.count() == 1


def test_an_expired_link_is_replaced_by_a_new_one(people, served):
    first = satisfaction_survey_issue(actor=people.counsellor, case=served.case)
    SatisfactionSurvey.objects.filter(pk=first.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    second = satisfaction_survey_issue(actor=people.counsellor, case=served.case)
    assert second.pk != first.pk and second.token != first.token
    assert Notification.objects.filter(kind=Notification.Kind.SATISFACTION_LINK).count() == 2


def test_a_link_is_only_issued_after_the_service(people, served):
    open_case = make_case(people, served.zhang, number="C2026-0009", closed=False)
    with pytest.raises(ValidationError, match="请先结案或完成预约"):
        satisfaction_survey_issue(actor=people.counsellor, case=open_case)
    assert not SatisfactionSurvey.objects.exists() and not Notification.objects.exists()


def test_a_link_needs_a_case_or_an_appointment(people):
    with pytest.raises(ValidationError, match="哪个个案或预约"):
        satisfaction_survey_issue(actor=people.counsellor)


def test_someone_who_may_not_work_on_the_case_cannot_issue_its_link(people, served):
    with pytest.raises(PermissionDenied):
        satisfaction_survey_issue(actor=people.colleague, case=served.case)
    assert not SatisfactionSurvey.objects.exists() and not Notification.objects.exists()


def test_a_completed_appointment_gets_a_link_too(people, tree):
    site = service_site_create(actor=None, name="柳岸服务站", org_unit=tree.willow)
    starts = timezone.now() - timedelta(hours=2)
    appointment = Appointment.objects.create(
        site=site,
        counsellor=people.counsellor,
        starts_at=starts,
        ends_at=starts + timedelta(minutes=50),
        service=Appointment.Service.CONSULTATION,
        channel=Appointment.Channel.ON_SITE,
        status=Appointment.Status.COMPLETED,
        contact_name="王五",
    )
    survey = satisfaction_survey_issue(actor=people.counsellor, appointment=appointment)
    assert survey.appointment == appointment and survey.resident is None


# ----------------------------------------------------------------------------- answering it


@pytest.fixture
def survey(people, served):
    return satisfaction_survey_issue(actor=people.counsellor, case=served.case)


def test_the_link_is_answered_once_with_a_rating_and_a_comment(survey):
    answered = satisfaction_submit(token=survey.token, rating=5, comment="  咨询师很耐心  ")
    assert answered.rating == 5 and answered.comment == "咨询师很耐心"
    assert answered.answered_at is not None
    entry = AuditEntry.objects.get(action="satisfaction.answered")
    assert entry.actor is None and entry.object_id == str(survey.pk)


def test_the_second_use_is_refused_with_a_clear_message_and_changes_nothing(survey):
    satisfaction_submit(token=survey.token, rating=4, comment="很好")
    before = answered_values(survey)
    with pytest.raises(ValidationError, match="已被使用"):
        satisfaction_submit(token=survey.token, rating=1, comment="改主意了")
    assert answered_values(survey) == before
    assert AuditEntry.objects.filter(action="satisfaction.answered").count() == 1


def test_an_expired_link_is_refused_and_stores_nothing(survey):
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ValidationError, match="已过期"):
        satisfaction_submit(token=survey.token, rating=5)
    assert answered_values(survey) == (None, "", None)


def test_a_double_submit_stores_one_answer(survey):
    satisfaction_submit(token=survey.token, rating=3, comment="第一次")
    with pytest.raises(ValidationError):
        satisfaction_submit(token=survey.token, rating=3, comment="第一次")
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (3, "第一次")


def test_a_submit_that_read_the_link_before_another_answered_is_refused_by_the_conditional_update(
    survey, monkeypatch
):
    # Two requests racing: both read the link unanswered; the first one's UPDATE wins.
    satisfaction_submit(token=survey.token, rating=2, comment="先到")
    original = service.satisfaction_link_problem
    calls = []

    def stale_read(found, **kwargs):
        calls.append(found)
        return "" if len(calls) == 1 else original(found, **kwargs)

    monkeypatch.setattr(service, "satisfaction_link_problem", stale_read)
    with pytest.raises(ValidationError, match="已被使用"):
        satisfaction_submit(token=survey.token, rating=5, comment="后到")
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (2, "先到")


@pytest.mark.parametrize("rating", [0, 6, "", None, "five"])
def test_a_rating_outside_one_to_five_is_refused(survey, rating):
    with pytest.raises(ValidationError) as refused:
        satisfaction_submit(token=survey.token, rating=rating)
    assert "rating" in refused.value.error_dict
    assert answered_values(survey) == (None, "", None)


def test_a_very_long_comment_is_refused(survey):
    with pytest.raises(ValidationError) as refused:
        satisfaction_submit(token=survey.token, rating=5, comment="好" * 2001)
    assert "comment" in refused.value.error_dict


def test_an_unknown_token_is_refused(served):
    with pytest.raises(ValidationError, match="无效"):
        satisfaction_submit(token="no-such-token", rating=5)


# ----------------------------------------------------------------------------- paper feedback


def test_the_counsellor_enters_paper_feedback_in_their_name(people, served):
    survey = satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=4, comment="纸质")
    assert survey.channel == SatisfactionSurvey.Channel.PAPER
    assert survey.entered_by == people.counsellor
    assert (survey.rating, survey.comment, survey.resident) == (4, "纸质", served.zhang)
    assert survey.answered_at is not None
    assert AuditEntry.objects.filter(action="satisfaction.paper_entered", actor=people.counsellor).exists()
    assert not Notification.objects.exists()


def test_the_supervisor_may_enter_paper_feedback_for_the_case(people, served):
    survey = satisfaction_paper_entry(actor=people.supervisor, case=served.case, rating=5)
    assert survey.entered_by == people.supervisor


def test_someone_who_may_not_work_on_the_case_cannot_enter_paper_feedback(people, served):
    with pytest.raises(PermissionDenied):
        satisfaction_paper_entry(actor=people.colleague, case=served.case, rating=5)
    assert not SatisfactionSurvey.objects.exists()


def test_paper_feedback_needs_a_rating_from_one_to_five(people, served):
    with pytest.raises(ValidationError):
        satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=9)
    assert not SatisfactionSurvey.objects.exists()


def test_the_token_of_a_paper_entry_cannot_be_used_as_a_link(people, served):
    paper = satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=4)
    with pytest.raises(ValidationError, match="已被使用"):
        satisfaction_submit(token=paper.token, rating=1)
    paper.refresh_from_db()
    assert paper.rating == 4
