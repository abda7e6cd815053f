"""The public side: the portal's list, search and article page, and the API's articles/, all
deciding visibility when they are read."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from articles import services
from articles.checklist import safe_messaging_checklist
from articles.models import Article
from core.models import CentreProfile

ALL_ITEMS = sorted(safe_messaging_checklist().keys)


@pytest.fixture
def centre(db):
    return CentreProfile.objects.create(
        name="测试心理服务中心", hotline="400-161-9995", hotline_hours="24小时"
    )


def _api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


def test_the_portal_lists_and_searches_published_articles(client, published, in_review):
    page = client.get(reverse("portal:articles"))
    assert page.status_code == 200 and "好好睡一觉" in page.content.decode()
    assert "好好睡一觉" in client.get(reverse("portal:articles"), {"q": "手机"}).content.decode()
    assert "好好睡一觉" not in client.get(reverse("portal:articles"), {"q": "考试"}).content.decode()


def test_an_article_not_yet_published_is_not_found_on_the_portal(client, in_review):
    assert client.get(reverse("portal:article", args=[in_review.pk])).status_code == 404
    assert client.get(reverse("portal:article", args=[999999])).status_code == 404


def test_reading_an_article_adds_one_to_its_total(client, published):
    client.get(reverse("portal:article", args=[published.pk]))
    client.get(reverse("portal:article", args=[published.pk]))
    published.refresh_from_db()
    assert published.read_count == 2


def test_the_portal_pages_refuse_the_wrong_method(client, published):
    assert client.post(reverse("portal:articles")).status_code == 405
    assert client.post(reverse("portal:article", args=[published.pk])).status_code == 405
    published.refresh_from_db()
    assert published.read_count == 0


def test_a_crisis_article_carries_the_hotline_box_and_an_ordinary_one_does_not(
    client, people, centre, published, crisis_in_review
):
    crisis = services.article_approve(actor=people.supervisor, article=crisis_in_review, checklist=ALL_ITEMS)
    html = client.get(reverse("portal:article", args=[crisis.pk])).content.decode()
    assert 'id="hotline-box"' in html and "400-161-9995" in html and "12356" in html
    assert (
        'id="hotline-box"' not in client.get(reverse("portal:article", args=[published.pk])).content.decode()
    )


def test_a_future_article_appears_on_the_portal_and_in_the_api_when_its_time_comes(client, people, in_review):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = services.article_approve(
            actor=people.supervisor, article=in_review, publish_at=start + timedelta(hours=6)
        )
        assert "好好睡一觉" not in client.get(reverse("portal:articles")).content.decode()
        assert client.get(reverse("portal:article", args=[article.pk])).status_code == 404
        assert _api().get("/api/v1/articles/").data["count"] == 0
        assert _api().get(f"/api/v1/articles/{article.pk}/").status_code == 404
    with time_machine.travel(start + timedelta(hours=6, seconds=1), tick=False):
        # No job has run in between: the read itself decides.
        assert "好好睡一觉" in client.get(reverse("portal:articles")).content.decode()
        assert client.get(reverse("portal:article", args=[article.pk])).status_code == 200
        assert [row["id"] for row in _api().get("/api/v1/articles/").data["results"]] == [article.pk]
        assert _api().get(f"/api/v1/articles/{article.pk}/").status_code == 200


def test_the_portal_list_query_count_does_not_grow(
    client, people, sleep_topic, django_assert_max_num_queries
):
    for number in range(15):
        article = services.article_create(
            actor=people.counsellor, title=f"文章{number}", body="正文", topics=[sleep_topic]
        )
        services.article_submit(actor=people.counsellor, article=article)
        services.article_approve(actor=people.supervisor, article=article)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:articles")).status_code == 200
    with django_assert_max_num_queries(6):
        assert _api().get("/api/v1/articles/").status_code == 200


# -- API ---------------------------------------------------------------------------------------


def test_the_api_reads_a_published_article_without_login_as_sanitised_html(people, in_review):
    Article.objects.filter(pk=in_review.pk).update(body="好好睡<script>alert(1)</script>**觉**")
    in_review.refresh_from_db()
    services.article_approve(actor=people.supervisor, article=in_review)
    response = _api().get(f"/api/v1/articles/{in_review.pk}/")
    assert response.status_code == 200
    assert "<strong>觉</strong>" in response.data["body_html"] and "<script" not in response.data["body_html"]
    assert response.data["on_crisis"] is False


def test_the_api_search(published):
    assert _api().get("/api/v1/articles/", {"q": "手机"}).data["count"] == 1
    assert _api().get("/api/v1/articles/", {"q": "考试"}).data["count"] == 0


def test_a_writer_creates_a_draft_through_the_api(people, sleep_topic):
    response = _api(people.counsellor).post(
        "/api/v1/articles/",
        {"title": "接口文章", "body": "正文", "topics": [sleep_topic.name]},
        format="json",
    )
    assert response.status_code == 201 and response.data["status"] == "draft"


def test_an_expiry_before_the_publish_time_is_refused_by_the_api_and_nothing_is_written(people):
    later = timezone.now() + timedelta(days=3)
    response = _api(people.counsellor).post(
        "/api/v1/articles/",
        {
            "title": "颠倒",
            "body": "正文",
            "publish_at": later.isoformat(),
            "expires_at": (later - timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400 and "过期时间必须晚于发布时间" in str(response.data)
    assert not Article.objects.exists()


@pytest.mark.parametrize("field", ["publish_at", "expires_at"])
def test_a_time_in_year_one_is_refused_by_the_api_in_chinese_and_nothing_is_written(people, field):
    response = _api(people.counsellor).post(
        "/api/v1/articles/", {"title": "笔误", "body": "正文", field: "0001-01-01T00:00:00Z"}, format="json"
    )
    assert response.status_code == 400 and "2000" in str(response.data[field])
    assert not Article.objects.exists()


def test_a_review_time_in_year_one_is_refused_by_the_api(people, in_review):
    response = _api(people.supervisor).post(
        f"/api/v1/articles/{in_review.pk}/review/",
        {"decision": "approve", "publish_at": "0001-01-01T00:00:00Z"},
        format="json",
    )
    assert response.status_code == 400
    in_review.refresh_from_db()
    assert in_review.status == Article.Status.IN_REVIEW


def test_an_anonymous_post_is_a_401_and_a_role_without_writing_a_403(people):
    assert _api().post("/api/v1/articles/", {"title": "x", "body": "y"}, format="json").status_code == 401
    assert (
        _api(people.worker).post("/api/v1/articles/", {"title": "x", "body": "y"}, format="json").status_code
        == 403
    )
    assert not Article.objects.exists()


def test_review_through_the_api_needs_the_checklist_for_a_crisis_article(people, crisis_in_review):
    url = f"/api/v1/articles/{crisis_in_review.pk}/review/"
    assert _api(people.colleague).post(url, {"decision": "approve"}, format="json").status_code == 404
    response = _api(people.supervisor).post(url, {"decision": "approve"}, format="json")
    assert response.status_code == 400
    crisis_in_review.refresh_from_db()
    assert crisis_in_review.status == Article.Status.IN_REVIEW
    response = _api(people.supervisor).post(
        url, {"decision": "approve", "checklist": ALL_ITEMS}, format="json"
    )
    assert response.status_code == 200 and response.data["status"] == "published"


def test_submitting_someone_elses_draft_through_the_api_is_a_404(people, draft):
    assert _api(people.colleague).post(f"/api/v1/articles/{draft.pk}/submit/").status_code == 404
    assert _api(people.counsellor).post(f"/api/v1/articles/{draft.pk}/submit/").status_code == 200


def test_the_api_refuses_the_wrong_method(people, published):
    assert _api(people.counsellor).delete("/api/v1/articles/").status_code == 405
    assert _api(people.counsellor).put(f"/api/v1/articles/{published.pk}/").status_code == 405
    assert _api(people.counsellor).get(f"/api/v1/articles/{published.pk}/review/").status_code == 405


def test_with_mine_a_writer_lists_their_own_drafts_and_what_is_published(people):
    own = services.article_create(actor=people.colleague, title="同事的草稿", body="正文")
    others = services.article_create(actor=people.counsellor, title="别人的草稿", body="正文")
    rows = _api(people.colleague).get("/api/v1/articles/", {"mine": 1}).data["results"]
    assert [row["id"] for row in rows] == [own.pk]
    assert _api(people.colleague).get(f"/api/v1/articles/{others.pk}/", {"mine": 1}).status_code == 404
    assert _api(people.worker).get("/api/v1/articles/", {"mine": 1}).status_code == 403


def test_the_api_list_of_mine_query_count_does_not_grow(people, sleep_topic, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def write(count):
        for number in range(count):
            article = services.article_create(
                actor=people.counsellor, title=f"文章{number}", body="正文", topics=[sleep_topic]
            )
            services.article_submit(actor=people.counsellor, article=article)
            services.article_send_back(actor=people.supervisor, article=article, comment="再改改")

    client = _api(people.supervisor)
    write(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/articles/", {"mine": 1}).status_code == 200
    write(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/api/v1/articles/", {"mine": 1})
    assert response.status_code == 200 and response.data["count"] == 12
    assert {row["reviewer"] for row in response.data["results"]} == {people.supervisor.username}
