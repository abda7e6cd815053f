"""The staff side of the articles API: editing a draft, review, scheduling, withdrawing, and the
心语报 newsletter — each allowed, forbidden and with the wrong method, bad input refused in
Chinese with nothing written, under the same policy and services as the pages."""

from datetime import timedelta
from io import BytesIO

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from articles import services
from articles.checklist import safe_messaging_checklist
from articles.models import Article, Newsletter
from confidentiality.models import AuditEntry

ALL_ITEMS = sorted(safe_messaging_checklist().keys)


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def _publish(people, title: str, *, author=None) -> Article:
    author = author or people.counsellor
    article = services.article_create(actor=author, title=title, body=f"{title}的正文。")
    services.article_submit(actor=author, article=article)
    return services.article_approve(actor=people.supervisor, article=article)


def _issue(people, *articles, number: int = 1) -> Newsletter:
    return services.newsletter_save(
        actor=people.lead,
        title="心语报",
        issue_number=number,
        semester="2026年春季学期",
        print_run=300,
        sent_to=[people.counsellor.org_unit],
        articles=list(articles),
    )


# -- editing a draft (PATCH articles/{id}/) ---------------------------------------------------


def test_the_author_edits_their_draft_through_the_api(people, draft, crisis_topic):
    response = _api(people.counsellor).patch(
        f"/api/v1/articles/{draft.pk}/",
        {"title": "睡个好觉", "topics": [crisis_topic.name]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert response.data["title"] == "睡个好觉" and response.data["topics"] == [crisis_topic.name]
    draft.refresh_from_db()
    assert draft.title == "睡个好觉" and draft.body == "睡前放下手机。"  # left out: unchanged
    assert AuditEntry.objects.filter(action="article.edited", object_id=str(draft.pk)).exists()


def test_someone_elses_draft_cannot_be_edited_and_stays_as_it_was(people, draft):
    for user in (people.colleague, people.supervisor):
        response = _api(user).patch(f"/api/v1/articles/{draft.pk}/", {"title": "改掉"}, format="json")
        assert response.status_code == 404
    assert _api(people.worker).patch(f"/api/v1/articles/{draft.pk}/", {"title": "改掉"}).status_code == 403
    assert _api().patch(f"/api/v1/articles/{draft.pk}/", {"title": "改掉"}).status_code == 401
    draft.refresh_from_db()
    assert draft.title == "好好睡一觉"


def test_an_article_in_review_cannot_be_edited_and_is_told_why_in_chinese(people, in_review):
    response = _api(people.counsellor).patch(
        f"/api/v1/articles/{in_review.pk}/", {"title": "改掉"}, format="json"
    )
    assert response.status_code == 400 and "状态" in str(response.data)
    in_review.refresh_from_db()
    assert in_review.title == "好好睡一觉"


def test_an_edit_with_the_expiry_before_the_publish_time_is_refused_and_nothing_changes(people, draft):
    later = timezone.now() + timedelta(days=3)
    response = _api(people.counsellor).patch(
        f"/api/v1/articles/{draft.pk}/",
        {
            "title": "改掉",
            "publish_at": later.isoformat(),
            "expires_at": (later - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400 and "过期时间必须晚于发布时间" in str(response.data)
    draft.refresh_from_db()
    assert draft.title == "好好睡一觉" and draft.publish_at is None


def test_a_blank_title_is_refused_in_chinese(people, draft):
    response = _api(people.counsellor).patch(f"/api/v1/articles/{draft.pk}/", {"title": ""}, format="json")
    assert response.status_code == 400 and "不能为空" in str(response.data["title"])


# -- review: approve / send back ---------------------------------------------------------------


def test_a_reviewer_sends_back_with_a_comment_and_not_without(people, in_review):
    url = f"/api/v1/articles/{in_review.pk}/review/"
    response = _api(people.supervisor).post(url, {"decision": "send_back"}, format="json")
    assert response.status_code == 400 and "请写明需要修改的地方" in str(response.data)
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW
    response = _api(people.supervisor).post(
        url, {"decision": "send_back", "comment": "标题再短些"}, format="json"
    )
    assert response.status_code == 200 and response.data["status"] == "needs_changes"
    assert response.data["review_comment"] == "标题再短些"


def test_the_author_cannot_review_their_own_article_through_the_api(people):
    article = services.article_create(actor=people.supervisor, title="督导自己写的", body="正文")
    services.article_submit(actor=people.supervisor, article=article)
    response = _api(people.supervisor).post(
        f"/api/v1/articles/{article.pk}/review/", {"decision": "approve"}, format="json"
    )
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_an_unknown_decision_is_a_400(people, in_review):
    response = _api(people.supervisor).post(
        f"/api/v1/articles/{in_review.pk}/review/", {"decision": "maybe"}, format="json"
    )
    assert response.status_code == 400
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW


def test_a_partial_checklist_does_not_publish_a_crisis_article(people, crisis_in_review):
    response = _api(people.supervisor).post(
        f"/api/v1/articles/{crisis_in_review.pk}/review/",
        {"decision": "approve", "checklist": ALL_ITEMS[:-1]},
        format="json",
    )
    assert response.status_code == 400 and "安全报道核查清单" in str(response.data["checklist"])
    crisis_in_review.refresh_from_db()
    assert crisis_in_review.status == Article.Status.IN_REVIEW and not crisis_in_review.checklist_ticked


# -- schedule ------------------------------------------------------------------------------


def test_a_reviewer_moves_the_publish_time_and_the_article_leaves_the_portal_until_then(people, published):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        response = _api(people.supervisor).post(
            f"/api/v1/articles/{published.pk}/schedule/",
            {"publish_at": (start + timedelta(hours=2)).isoformat()},
            format="json",
        )
        assert response.status_code == 200, response.data
        assert _api().get(f"/api/v1/articles/{published.pk}/").status_code == 404
    with time_machine.travel(start + timedelta(hours=2, seconds=1), tick=False):
        assert _api().get(f"/api/v1/articles/{published.pk}/").status_code == 200
    assert AuditEntry.objects.filter(action="article.scheduled", object_id=str(published.pk)).exists()


def test_scheduling_keeps_what_is_left_out_and_clears_what_is_null(people, published):
    expiry = timezone.now() + timedelta(days=30)
    url = f"/api/v1/articles/{published.pk}/schedule/"
    assert (
        _api(people.supervisor).post(url, {"expires_at": expiry.isoformat()}, format="json").status_code
        == 200
    )
    published.refresh_from_db()
    publish_at = published.publish_at
    assert published.expires_at == expiry
    assert _api(people.supervisor).post(url, {"expires_at": None}, format="json").status_code == 200
    published.refresh_from_db()
    assert published.expires_at is None and published.publish_at == publish_at


def test_a_bad_schedule_is_refused_in_chinese_and_nothing_changes(people, published):
    url = f"/api/v1/articles/{published.pk}/schedule/"
    before = published.publish_at
    response = _api(people.supervisor).post(
        url, {"expires_at": (before - timedelta(minutes=1)).isoformat()}, format="json"
    )
    assert response.status_code == 400 and "过期时间必须晚于发布时间" in str(response.data)
    response = _api(people.supervisor).post(url, {"publish_at": None}, format="json")
    assert response.status_code == 400 and "发布时间" in str(response.data)
    response = _api(people.supervisor).post(url, {"publish_at": "0001-01-01T00:00:00Z"}, format="json")
    assert response.status_code == 400 and "2000" in str(response.data)
    published.refresh_from_db()
    assert published.publish_at == before and published.expires_at is None


def test_only_a_reviewer_who_is_not_the_author_schedules(people, published):
    url = f"/api/v1/articles/{published.pk}/schedule/"
    later = {"publish_at": (timezone.now() + timedelta(days=1)).isoformat()}
    assert _api(people.counsellor).post(url, later, format="json").status_code == 404  # the author
    assert _api(people.worker).post(url, later, format="json").status_code == 403
    assert _api().post(url, later, format="json").status_code == 401
    before = published.publish_at
    published.refresh_from_db()
    assert published.publish_at == before


# -- withdraw ------------------------------------------------------------------------------


def test_a_reviewer_withdraws_an_article_with_a_reason(people, published):
    url = f"/api/v1/articles/{published.pk}/withdraw/"
    response = _api(people.supervisor).post(url, {"reason": "数据已过时"}, format="json")
    assert response.status_code == 200 and response.data["status"] == "draft"
    assert _api().get(f"/api/v1/articles/{published.pk}/").status_code == 404
    entry = AuditEntry.objects.get(action="article.withdrawn", object_id=str(published.pk))
    assert entry.reason == "数据已过时"


@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}])
def test_withdrawing_without_a_reason_is_refused_in_chinese(people, published, body):
    response = _api(people.supervisor).post(f"/api/v1/articles/{published.pk}/withdraw/", body, format="json")
    assert response.status_code == 400 and "请写明撤下文章的原因" in str(response.data)
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED


def test_a_draft_cannot_be_withdrawn_and_others_may_not_withdraw(people, published):
    draft = services.article_create(actor=people.colleague, title="草稿", body="正文")
    response = _api(people.supervisor).post(f"/api/v1/articles/{draft.pk}/withdraw/", {"reason": "x"})
    assert response.status_code == 400 and "状态" in str(response.data)
    url = f"/api/v1/articles/{published.pk}/withdraw/"
    assert _api(people.counsellor).post(url, {"reason": "x"}).status_code == 404
    assert _api(people.colleague).post(url, {"reason": "x"}).status_code == 404
    assert _api(people.worker).post(url, {"reason": "x"}).status_code == 403
    assert _api().post(url, {"reason": "x"}).status_code == 401
    published.refresh_from_db()
    assert published.status == Article.Status.PUBLISHED
    assert not AuditEntry.objects.filter(action="article.withdrawn").exists()


def test_the_staff_actions_refuse_the_wrong_method(people, published):
    draft = services.article_create(actor=people.counsellor, title="草稿", body="正文")
    c = _api(people.supervisor)
    for action in ("submit", "review", "schedule", "withdraw"):
        assert c.get(f"/api/v1/articles/{published.pk}/{action}/").status_code == 405
        assert c.put(f"/api/v1/articles/{published.pk}/{action}/", {}).status_code == 405
    assert _api(people.counsellor).delete(f"/api/v1/articles/{draft.pk}/").status_code == 405
    assert Article.objects.filter(pk=draft.pk).exists()


# -- newsletters -------------------------------------------------------------------------------


def test_an_editor_puts_an_issue_together_through_the_api_in_the_order_given(people, published):
    second = _publish(people, "第二篇", author=people.colleague)
    response = _api(people.lead).post(
        "/api/v1/newsletters/",
        {
            "issue_number": 5,
            "semester": "2026年秋季学期",
            "print_run": 200,
            "sent_to": [people.counsellor.org_unit_id],
            "articles": [second.pk, published.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.data
    assert response.data["articles"] == [second.pk, published.pk] and response.data["title"] == "心语报"
    issue = Newsletter.objects.get()
    assert [item.article_id for item in issue.items.all()] == [second.pk, published.pk]
    assert list(issue.sent_to.all()) == [people.counsellor.org_unit]
    assert AuditEntry.objects.filter(action="newsletter.created").count() == 1


@pytest.mark.parametrize(
    "change, words",
    [
        ({"articles": []}, "请选择本期的文章"),
        ({"articles": ["in_review"]}, "只能收录已发布的文章"),
        ({"articles": ["published", "published"]}, "同一篇文章在一期中只能出现一次"),
        ({"articles": [2**31 - 1]}, "只能收录已发布的文章"),
        ({"sent_to": [2**31 - 1]}, "范围内"),
        ({"issue_number": 0}, "1"),
        ({"semester": ""}, "不能为空"),
    ],
)
def test_a_bad_issue_is_refused_in_chinese_and_nothing_is_written(people, published, change, words):
    waiting = services.article_create(actor=people.colleague, title="待审", body="正文")
    services.article_submit(actor=people.colleague, article=waiting)
    ids = {"published": published.pk, "in_review": waiting.pk}
    body = {"issue_number": 5, "semester": "2026年秋季学期", "articles": [published.pk]}
    body |= {
        key: [ids.get(v, v) for v in value] if key == "articles" else value for key, value in change.items()
    }
    response = _api(people.lead).post("/api/v1/newsletters/", body, format="json")
    assert response.status_code == 400 and words in str(response.data), response.data
    assert not Newsletter.objects.exists()


def test_an_issue_number_taken_is_refused_and_the_first_issue_stays(people, published):
    _issue(people, published, number=5)
    response = _api(people.lead).post(
        "/api/v1/newsletters/",
        {"issue_number": 5, "semester": "又一期", "articles": [published.pk]},
        format="json",
    )
    assert response.status_code == 400 and "issue_number" in response.data
    assert Newsletter.objects.get().semester == "2026年春季学期"


def test_an_editor_lists_and_reads_an_issue_and_its_articles_in_order(people, published):
    second = _publish(people, "第二篇")
    issue = _issue(people, second, published)
    c = _api(people.lead)
    rows = c.get("/api/v1/newsletters/").data["results"]
    assert [row["id"] for row in rows] == [issue.pk] and rows[0]["articles"] == [second.pk, published.pk]
    detail = c.get(f"/api/v1/newsletters/{issue.pk}/")
    assert detail.status_code == 200 and detail.data["issue_number"] == 1
    articles = c.get(f"/api/v1/newsletters/{issue.pk}/articles/")
    assert articles.status_code == 200
    assert [(a["position"], a["id"]) for a in articles.data] == [(1, second.pk), (2, published.pk)]
    assert "<p>第二篇的正文。</p>" in articles.data[0]["body_html"]


def test_the_newsletter_pdf_through_the_api_is_the_issue_in_chinese(people, published):
    from pypdf import PdfReader

    issue = _issue(people, published)
    for accept in ("application/pdf", "*/*"):
        response = _api(people.lead).get(f"/api/v1/newsletters/{issue.pk}/pdf/", HTTP_ACCEPT=accept)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "心语报" in text and "2026年春季学期" in text and "好好睡一觉" in text


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "worker"])
def test_newsletters_through_the_api_are_for_their_editors_only(people, published, role):
    issue = _issue(people, published)
    c = _api(getattr(people, role))
    for url in ("", f"{issue.pk}/", f"{issue.pk}/articles/", f"{issue.pk}/pdf/"):
        assert c.get(f"/api/v1/newsletters/{url}").status_code == 403
    body = {"issue_number": 9, "semester": "春", "articles": [published.pk]}
    assert c.post("/api/v1/newsletters/", body, format="json").status_code == 403
    assert Newsletter.objects.count() == 1


def test_newsletters_need_a_login_and_a_missing_issue_is_a_404(people, published):
    issue = _issue(people, published)
    for url in ("", f"{issue.pk}/", f"{issue.pk}/articles/", f"{issue.pk}/pdf/"):
        assert _api().get(f"/api/v1/newsletters/{url}").status_code == 401
    for url in ("999999/", "999999/articles/", "999999/pdf/"):
        assert _api(people.lead).get(f"/api/v1/newsletters/{url}").status_code == 404
    assert (
        _api(people.lead).get("/api/v1/newsletters/999999/pdf/", HTTP_ACCEPT="application/pdf").status_code
        == 404
    )


def test_newsletter_endpoints_refuse_the_wrong_method(people, published):
    issue = _issue(people, published)
    c = _api(people.lead)
    assert c.delete("/api/v1/newsletters/").status_code == 405
    for url in (f"{issue.pk}/", f"{issue.pk}/articles/", f"{issue.pk}/pdf/"):
        assert c.post(f"/api/v1/newsletters/{url}", {}).status_code == 405
        assert c.delete(f"/api/v1/newsletters/{url}").status_code == 405
    assert Newsletter.objects.filter(pk=issue.pk).exists()


# -- query counts ------------------------------------------------------------------------------


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_newsletter_list_and_its_articles_keep_a_fixed_number_of_queries(people):
    articles = [_publish(people, f"文章{n}") for n in range(12)]
    first = _issue(people, *articles[:2], number=1)
    c = _api(people.lead)
    few_list = _queries(c, "/api/v1/newsletters/")
    few_articles = _queries(c, f"/api/v1/newsletters/{first.pk}/articles/")
    many = _issue(people, *articles, number=2)
    for number in range(3, 8):
        _issue(people, *articles[:3], number=number)
    assert _queries(c, "/api/v1/newsletters/") <= few_list
    assert _queries(c, f"/api/v1/newsletters/{many.pk}/articles/") <= few_articles


def test_the_public_list_and_the_staff_list_keep_a_fixed_number_of_queries(people, sleep_topic):
    for n in range(2):
        _publish(people, f"文章{n}")
    few_public = _queries(_api(), "/api/v1/articles/")
    few_mine = _queries(_api(people.supervisor), "/api/v1/articles/?mine=1")
    for n in range(2, 14):
        article = _publish(people, f"文章{n}")
        article.topics.add(sleep_topic)
    assert _queries(_api(), "/api/v1/articles/") <= few_public
    assert _queries(_api(people.supervisor), "/api/v1/articles/?mine=1") <= few_mine
