"""SVC-7 on the portal: the public one-time satisfaction page (no login) — asked, answered,
used, expired, refused; every other method refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from workflow.models import SatisfactionSurvey
from workflow.services.satisfaction import (
    satisfaction_paper_entry,
    satisfaction_submit,
    satisfaction_survey_issue,
)
from workflow.tests.satisfaction_support import make_served, public_url

pytestmark = pytest.mark.django_db


@pytest.fixture
def served(people, tree):
    return make_served(people, tree)


@pytest.fixture
def survey(people, served):
    return satisfaction_survey_issue(actor=people.counsellor, case=served.case)


def stored(survey) -> tuple:
    survey = SatisfactionSurvey.objects.get(pk=survey.pk)
    return survey.rating, survey.comment, survey.answered_at


def test_the_public_page_asks_for_one_to_five_stars_and_a_comment_without_a_login(survey):
    response = Client().get(public_url(survey))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count('type="radio"') == 5
    assert 'name="comment"' in body
    assert "★★★★★" in body


def test_answering_on_the_page_stores_the_answer_and_thanks_the_client(survey):
    client = Client()
    response = client.post(public_url(survey), {"rating": "5", "comment": "谢谢老师"})
    assert response.status_code == 302
    assert stored(survey)[:2] == (5, "谢谢老师")
    thanks = client.get(public_url(survey))
    assert thanks.status_code == 200
    assert thanks.templates[0].name == "portal/satisfaction/thanks.html"


def test_a_used_link_says_so_clearly_to_anyone_else(survey):
    satisfaction_submit(token=survey.token, rating=4)
    response = Client().get(public_url(survey))
    assert response.status_code == 410
    assert "已被使用" in response.content.decode()
    assert 'type="radio"' not in response.content.decode()


def test_a_second_submit_of_the_page_is_refused_and_the_first_answer_kept(survey):
    Client().post(public_url(survey), {"rating": "2", "comment": "第一份"})
    before = stored(survey)
    response = Client().post(public_url(survey), {"rating": "5", "comment": "第二份"})
    assert response.status_code == 410
    assert "已被使用" in response.content.decode()
    assert stored(survey) == before


def test_an_expired_link_says_so_and_takes_no_answer(survey):
    SatisfactionSurvey.objects.filter(pk=survey.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    assert "已过期" in Client().get(public_url(survey)).content.decode()
    response = Client().post(public_url(survey), {"rating": "5"})
    assert response.status_code == 410
    assert stored(survey) == (None, "", None)


def test_a_missing_rating_is_asked_for_again_and_nothing_is_stored(survey):
    response = Client().post(public_url(survey), {"comment": "忘了打分"})
    assert response.status_code == 200
    assert "请选择 1 至 5 星的评分。" in response.content.decode()
    assert stored(survey) == (None, "", None)


def test_an_unknown_token_is_a_404(served):
    assert Client().get(reverse("portal:satisfaction", args=["nope"])).status_code == 404


def test_the_token_of_paper_feedback_is_no_public_page(people, served):
    paper = satisfaction_paper_entry(actor=people.counsellor, case=served.case, rating=3)
    assert Client().get(public_url(paper)).status_code == 404


@pytest.mark.parametrize("method", ["put", "delete"])
def test_the_public_page_refuses_other_methods(survey, method):
    assert getattr(Client(), method)(public_url(survey)).status_code == 405
    assert stored(survey) == (None, "", None)
