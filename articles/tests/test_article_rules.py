"""The rules of an article's life: states, who reviews, the crisis checklist, times, read counts."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from articles import selectors, services
from articles.checklist import safe_messaging_checklist
from articles.models import Article
from confidentiality.models import AuditEntry

ALL_ITEMS = sorted(safe_messaging_checklist().keys)


def test_a_new_article_is_a_draft_of_its_author(draft, people):
    assert draft.status == Article.Status.DRAFT
    assert draft.author == people.counsellor
    assert AuditEntry.objects.filter(action="article.created", object_id=str(draft.pk)).exists()


def test_a_role_that_does_not_write_cannot_create_an_article(people):
    with pytest.raises(PermissionDenied):
        services.article_create(actor=people.worker, title="x", body="y")
    assert not Article.objects.exists()


def test_a_cover_needs_its_alt_text(people):
    from django.core.files.uploadedfile import SimpleUploadedFile

    picture = SimpleUploadedFile("c.png", b"\x89PNG\r\n\x1a\n", content_type="image/png")
    with pytest.raises(ValidationError) as exc:
        services.article_create(actor=people.counsellor, title="有封面", body="正文", cover=picture)
    assert "cover_alt" in exc.value.message_dict or "cover" in exc.value.message_dict
    assert not Article.objects.exists()


def test_an_expiry_before_the_publish_time_is_refused_in_chinese_and_nothing_is_written(people):
    later = timezone.now() + timedelta(days=10)
    with pytest.raises(ValidationError) as exc:
        services.article_create(
            actor=people.counsellor,
            title="过期在前",
            body="正文",
            publish_at=later,
            expires_at=later - timedelta(days=2),
        )
    assert "过期时间必须晚于发布时间" in exc.value.message_dict["expires_at"][0]
    assert not Article.objects.exists()


def test_rescheduling_to_an_expiry_before_publish_changes_nothing(people, published):
    before = (published.publish_at, published.expires_at)
    with pytest.raises(ValidationError):
        services.article_schedule(
            actor=people.supervisor,
            article=published,
            publish_at=timezone.now() + timedelta(days=5),
            expires_at=timezone.now() + timedelta(days=1),
        )
    published.refresh_from_db()
    assert (published.publish_at, published.expires_at) == before


def test_the_author_cannot_review_their_own_article(people, supervisor_article):
    with pytest.raises(PermissionDenied):
        services.article_approve(actor=people.supervisor, article=supervisor_article)
    supervisor_article.refresh_from_db()
    assert supervisor_article.status == Article.Status.IN_REVIEW
    assert supervisor_article.reviewer is None


@pytest.fixture
def supervisor_article(people):
    article = services.article_create(actor=people.supervisor, title="督导写的", body="正文")
    return services.article_submit(actor=people.supervisor, article=article)


def test_the_database_refuses_a_reviewer_who_is_the_author(people, draft):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=draft.pk).update(reviewer=people.counsellor)


def test_another_reviewer_publishes_it(people, supervisor_article):
    article = services.article_approve(actor=people.director, article=supervisor_article)
    assert article.status == Article.Status.PUBLISHED and article.reviewer == people.director


def test_a_draft_cannot_be_approved_before_it_is_submitted(people, draft):
    with pytest.raises(ValidationError):
        services.article_approve(actor=people.supervisor, article=draft)
    draft.refresh_from_db()
    assert draft.status == Article.Status.DRAFT


def test_sent_back_with_a_comment_then_edited_and_submitted_again(people, in_review):
    with pytest.raises(ValidationError):
        services.article_send_back(actor=people.supervisor, article=in_review, comment=" ")
    article = services.article_send_back(actor=people.supervisor, article=in_review, comment="标题再温和些")
    assert article.status == Article.Status.NEEDS_CHANGES and article.review_comment == "标题再温和些"
    services.article_update(actor=people.counsellor, article=article, title="睡个好觉", body="改过的正文")
    article = services.article_submit(actor=people.counsellor, article=article)
    assert article.status == Article.Status.IN_REVIEW


def test_an_article_in_review_cannot_be_edited(people, in_review):
    with pytest.raises(ValidationError):
        services.article_update(actor=people.counsellor, article=in_review, title="偷偷改", body="x")
    in_review.refresh_from_db()
    assert in_review.title == "好好睡一觉"


def test_only_the_author_edits(people, draft):
    with pytest.raises(PermissionDenied):
        services.article_update(actor=people.colleague, article=draft, title="别人改", body="x")


def test_a_crisis_article_does_not_publish_without_every_checklist_item(people, crisis_in_review):
    with pytest.raises(ValidationError) as exc:
        services.article_approve(actor=people.supervisor, article=crisis_in_review, checklist=ALL_ITEMS[:-1])
    assert "安全报道核查清单" in exc.value.message_dict["checklist"][0]
    crisis_in_review.refresh_from_db()
    assert crisis_in_review.status == Article.Status.IN_REVIEW
    assert not selectors.visible_articles().filter(pk=crisis_in_review.pk).exists()


def test_a_crisis_article_publishes_with_the_checklist_and_keeps_its_version(people, crisis_in_review):
    article = services.article_approve(actor=people.supervisor, article=crisis_in_review, checklist=ALL_ITEMS)
    assert article.status == Article.Status.PUBLISHED
    assert article.checklist_version == safe_messaging_checklist().version
    assert article.checklist_ticked == ALL_ITEMS
    assert selectors.visible_articles().get(pk=article.pk).on_crisis


def test_an_ordinary_article_needs_no_checklist(people, in_review):
    article = services.article_approve(actor=people.supervisor, article=in_review)
    assert article.status == Article.Status.PUBLISHED and not article.checklist_ticked


def test_a_future_article_shows_once_its_time_passes_with_no_job(people, in_review):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = services.article_approve(
            actor=people.supervisor, article=in_review, publish_at=start + timedelta(days=2)
        )
        assert not selectors.visible_articles().filter(pk=article.pk).exists()
    with time_machine.travel(start + timedelta(days=2, minutes=1), tick=False):
        assert selectors.visible_articles().filter(pk=article.pk).exists()


def test_an_expired_article_is_no_longer_visible(people, in_review):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        article = services.article_approve(
            actor=people.supervisor, article=in_review, expires_at=start + timedelta(days=1)
        )
        assert selectors.visible_articles().filter(pk=article.pk).exists()
    with time_machine.travel(start + timedelta(days=1, seconds=1), tick=False):
        assert not selectors.visible_articles().filter(pk=article.pk).exists()


def test_a_withdrawn_article_leaves_the_portal_and_goes_back_to_draft(people, published):
    with pytest.raises(ValidationError):
        services.article_withdraw(actor=people.supervisor, article=published, reason="")
    article = services.article_withdraw(actor=people.supervisor, article=published, reason="信息过时")
    assert article.status == Article.Status.DRAFT
    assert not selectors.visible_articles().filter(pk=article.pk).exists()


def test_reads_are_counted_as_a_total(published):
    services.article_count_read(article=published)
    services.article_count_read(article=published)
    published.refresh_from_db()
    assert published.read_count == 2


def test_every_state_of_an_article_is_in_its_table():
    assert Article.ACTIONS.unlisted_states() == ()


def test_the_portal_search_finds_chinese_words_in_title_and_body(published):
    assert list(selectors.portal_articles(query="睡一觉")) == [published]
    assert list(selectors.portal_articles(query="手机")) == [published]
    assert list(selectors.portal_articles(query="考试焦虑")) == []
