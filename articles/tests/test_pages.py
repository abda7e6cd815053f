"""Staff pages of articles and newsletters: allowed, forbidden, wrong method, IDOR, bounded lists."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from articles import services
from articles.checklist import safe_messaging_checklist
from articles.models import Article, Newsletter
from conftest import login_fully

ALL_ITEMS = sorted(safe_messaging_checklist().keys)


def _staff(client, user):
    return login_fully(client, user)


def test_a_writer_opens_the_list_and_the_form(client, people, draft):
    c = _staff(client, people.counsellor)
    page = c.get(reverse("articles:articles"))
    assert page.status_code == 200 and "好好睡一觉" in page.content.decode()
    assert c.get(reverse("articles:article_new")).status_code == 200
    assert c.get(reverse("articles:article", args=[draft.pk])).status_code == 200


@pytest.mark.parametrize("role", ["worker", "teacher", "finance", "archivist", "volunteer"])
def test_roles_that_do_not_write_are_refused_the_pages(client, people, role, draft):
    c = _staff(client, getattr(people, role))
    assert c.get(reverse("articles:articles")).status_code == 403
    assert c.get(reverse("articles:article_new")).status_code == 403
    assert (
        c.post(
            reverse("articles:article_new"), {"title": "x", "body": "y", "audience": "everyone"}
        ).status_code
        == 403
    )
    assert Article.objects.count() == 1


def test_an_anonymous_visitor_is_sent_to_log_in(client, draft):
    response = client.get(reverse("articles:article", args=[draft.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_pages_refuse_the_wrong_method(client, people, draft):
    c = _staff(client, people.counsellor)
    assert c.post(reverse("articles:articles")).status_code == 405
    assert c.get(reverse("articles:article_submit", args=[draft.pk])).status_code == 405
    assert c.get(reverse("articles:article_withdraw", args=[draft.pk])).status_code == 405
    assert c.get(reverse("articles:article_preview")).status_code == 405
    assert c.delete(reverse("articles:article_edit", args=[draft.pk])).status_code == 405


def test_writing_an_article_through_the_form(client, people, sleep_topic):
    c = _staff(client, people.counsellor)
    response = c.post(
        reverse("articles:article_new"),
        {"title": "放松练习", "body": "**深呼吸**", "audience": "students", "topics": [sleep_topic.pk]},
    )
    article = Article.objects.get()
    assert response.status_code == 302 and article.author == people.counsellor
    assert "<strong>深呼吸</strong>" in c.get(reverse("articles:article", args=[article.pk])).content.decode()


def test_an_expiry_before_the_publish_time_is_refused_on_the_form(client, people):
    c = _staff(client, people.counsellor)
    later = timezone.localtime() + timedelta(days=5)
    response = c.post(
        reverse("articles:article_new"),
        {
            "title": "时间颠倒",
            "body": "正文",
            "audience": "everyone",
            "publish_at": later.strftime("%Y-%m-%dT%H:%M"),
            "expires_at": (later - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 400
    assert "过期时间必须晚于发布时间" in response.content.decode()
    assert not Article.objects.exists()


def test_the_preview_renders_and_sanitises(client, people):
    c = _staff(client, people.counsellor)
    response = c.post(reverse("articles:article_preview"), {"body": "# 标题\n\n<script>alert(1)</script>"})
    html = response.content.decode()
    assert response.status_code == 200 and "<h1>标题</h1>" in html and "<script" not in html


def test_someone_elses_draft_is_not_found(client, people, draft):
    c = _staff(client, people.colleague)
    assert c.get(reverse("articles:article", args=[draft.pk])).status_code == 404
    assert c.get(reverse("articles:article_edit", args=[draft.pk])).status_code == 404
    response = c.post(reverse("articles:article_submit", args=[draft.pk]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_the_author_cannot_open_the_review_of_their_own_article(client, people):
    article = services.article_create(actor=people.supervisor, title="我自己的", body="正文")
    services.article_submit(actor=people.supervisor, article=article)
    c = _staff(client, people.supervisor)
    assert c.get(reverse("articles:article_review", args=[article.pk])).status_code == 404
    response = c.post(reverse("articles:article_review", args=[article.pk]), {"decision": "approve"})
    assert response.status_code == 404
    article.refresh_from_db()
    assert article.status == Article.Status.IN_REVIEW


def test_a_writer_cannot_review(client, people, in_review):
    c = _staff(client, people.colleague)
    response = c.post(reverse("articles:article_review", args=[in_review.pk]), {"decision": "approve"})
    assert response.status_code == 404
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW


def test_the_review_page_refuses_a_crisis_article_without_its_checklist(client, people, crisis_in_review):
    c = _staff(client, people.supervisor)
    page = c.get(reverse("articles:article_review", args=[crisis_in_review.pk]))
    assert "不提及任何方式和地点" in page.content.decode()
    response = c.post(reverse("articles:article_review", args=[crisis_in_review.pk]), {"decision": "approve"})
    assert response.status_code == 400 and "安全报道核查清单" in response.content.decode()
    crisis_in_review.refresh_from_db()
    assert crisis_in_review.status == Article.Status.IN_REVIEW
    response = c.post(
        reverse("articles:article_review", args=[crisis_in_review.pk]),
        {"decision": "approve", "checklist": ALL_ITEMS},
    )
    assert response.status_code == 302
    crisis_in_review.refresh_from_db()
    assert crisis_in_review.status == Article.Status.PUBLISHED


def test_sending_back_through_the_review_page(client, people, in_review):
    c = _staff(client, people.lead)
    response = c.post(
        reverse("articles:article_review", args=[in_review.pk]),
        {"decision": "send_back", "comment": "补充求助信息"},
    )
    assert response.status_code == 302
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.NEEDS_CHANGES


def test_scheduling_and_withdrawing(client, people, published):
    c = _staff(client, people.supervisor)
    later = timezone.localtime() + timedelta(days=3)
    response = c.post(
        reverse("articles:article_schedule", args=[published.pk]),
        {"publish_at": later.strftime("%Y-%m-%dT%H:%M")},
    )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.publish_at > timezone.now()
    assert (
        c.post(reverse("articles:article_withdraw", args=[published.pk]), {"reason": "更新"}).status_code
        == 302
    )
    published.refresh_from_db()
    assert published.status == Article.Status.DRAFT


def test_the_list_query_count_does_not_grow_with_articles(
    client, people, sleep_topic, django_assert_max_num_queries
):
    for number in range(15):
        services.article_create(
            actor=people.counsellor, title=f"文章{number}", body="正文", topics=[sleep_topic]
        )
    c = _staff(client, people.supervisor)
    with django_assert_max_num_queries(14):
        assert c.get(reverse("articles:articles")).status_code == 200


# -- newsletters -----------------------------------------------------------------------------


def _issue(people, published):
    return services.newsletter_save(
        actor=people.lead,
        title="心语报",
        issue_number=7,
        semester="2026年春季学期",
        print_run=300,
        sent_to=[people.counsellor.org_unit],
        articles=[published],
    )


def test_the_newsletter_pdf_carries_its_articles_in_chinese(client, people, published):
    from io import BytesIO

    from pypdf import PdfReader

    issue = _issue(people, published)
    response = _staff(client, people.lead).get(reverse("articles:newsletter_pdf", args=[issue.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "心语报" in text and "2026年春季学期" in text and "好好睡一觉" in text and "睡前放下手机" in text


def test_a_newsletter_through_the_form_in_the_order_given(client, people, published, in_review):
    second = services.article_create(actor=people.colleague, title="第二篇", body="正文")
    services.article_submit(actor=people.colleague, article=second)
    services.article_approve(actor=people.supervisor, article=second)
    c = _staff(client, people.lead)
    response = c.post(
        reverse("articles:newsletter_new"),
        {
            "title": "心语报",
            "issue_number": 3,
            "semester": "2026年秋季学期",
            "print_run": 200,
            f"position_{second.pk}": 1,
            f"position_{published.pk}": 2,
        },
    )
    assert response.status_code == 302
    issue = Newsletter.objects.get()
    assert [i.article_id for i in issue.items.all()] == [second.pk, published.pk]


def test_a_newsletter_needs_articles_and_writes_nothing_without(client, people):
    c = _staff(client, people.lead)
    response = c.post(
        reverse("articles:newsletter_new"),
        {"title": "心语报", "issue_number": 3, "semester": "春", "print_run": 1},
    )
    assert response.status_code == 400 and not Newsletter.objects.exists()


@pytest.mark.parametrize("role", ["counsellor", "supervisor", "worker"])
def test_newsletters_are_for_their_editors_only(client, people, published, role):
    issue = _issue(people, published)
    c = _staff(client, getattr(people, role))
    assert c.get(reverse("articles:newsletters")).status_code == 403
    assert c.get(reverse("articles:newsletter_pdf", args=[issue.pk])).status_code == 403


def test_newsletter_pages_refuse_the_wrong_method(client, people, published):
    issue = _issue(people, published)
    c = _staff(client, people.lead)
    assert c.post(reverse("articles:newsletter_pdf", args=[issue.pk])).status_code == 405
    assert c.post(reverse("articles:newsletters")).status_code == 405
    assert c.get(reverse("articles:newsletter", args=[issue.pk])).status_code == 200
    assert c.get(reverse("articles:newsletter_edit", args=[issue.pk])).status_code == 200


def test_the_home_card_and_the_navigation_show_what_waits_for_a_reviewer(client, people, in_review):
    c = _staff(client, people.supervisor)
    html = c.get(reverse("dashboard:home")).content.decode()
    assert 'id="article-work"' in html and "1 篇文章等待您审核" in html
    assert reverse("articles:articles") in html


def test_roles_without_articles_see_neither_card_nor_entry(client, people, in_review):
    html = _staff(client, people.worker).get(reverse("dashboard:home")).content.decode()
    assert 'id="article-work"' not in html and reverse("articles:articles") not in html


def test_the_newsletter_list_query_count_does_not_grow_with_issues(
    client, people, published, django_assert_max_num_queries
):
    def issues(first, count):
        for number in range(first, first + count):
            services.newsletter_save(
                actor=people.lead,
                title="心语报",
                issue_number=number,
                semester="2026年春季学期",
                print_run=100,
                sent_to=[people.counsellor.org_unit, people.outsider.org_unit],
                articles=[published],
            )

    c = _staff(client, people.lead)
    issues(1, 2)
    with CaptureQueriesContext(connection) as few:
        assert c.get(reverse("articles:newsletters")).status_code == 200
    issues(3, 10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = c.get(reverse("articles:newsletters"))
    assert response.status_code == 200 and response.content.decode().count("/pdf/") == 12


def test_a_newsletter_page_query_count_does_not_grow_with_its_articles(
    client, people, sleep_topic, django_assert_max_num_queries
):
    articles = []
    for number in range(8):
        article = services.article_create(actor=people.counsellor, title=f"文章{number}", body="正文")
        services.article_submit(actor=people.counsellor, article=article)
        articles.append(services.article_approve(actor=people.supervisor, article=article))
    c = _staff(client, people.lead)

    def issue(number, chosen):
        return services.newsletter_save(
            actor=people.lead,
            title="心语报",
            issue_number=number,
            semester="2026年春季学期",
            print_run=100,
            sent_to=[people.counsellor.org_unit],
            articles=chosen,
        )

    small, large = issue(1, articles[:1]), issue(2, articles)
    with CaptureQueriesContext(connection) as few:
        assert c.get(reverse("articles:newsletter", args=[small.pk])).status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert c.get(reverse("articles:newsletter", args=[large.pk])).status_code == 200
