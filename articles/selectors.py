"""Every read of the articles domain a page, the API or the PDF shows (PRG-4)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from confidentiality import policy

from .checklist import safe_messaging_checklist
from .models import Article, Newsletter, NewsletterItem, Topic
from .rendering import render_markdown

# The longest search the portal takes: a sentence, not a document.
SEARCH_MAX = 50


def with_crisis_flag(queryset: QuerySet[Article]) -> QuerySet[Article]:
    """Each article with ``on_crisis``: whether one of its topics is a crisis topic."""
    crisis = Topic.objects.filter(articles=OuterRef("pk"), is_crisis=True)
    return queryset.annotate(on_crisis=Exists(crisis))


def visible_articles(*, now: datetime | None = None) -> QuerySet[Article]:
    """THE rule of what the public sees, decided when it is read: published, its publish time
    passed, not expired. Nothing depends on a job having run."""
    now = now or timezone.now()
    return with_crisis_flag(
        Article.objects.filter(status=Article.Status.PUBLISHED, publish_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
    ).order_by("-publish_at", "-pk")


def portal_articles(*, query: str = "", topic: Topic | None = None) -> QuerySet[Article]:
    """Visible articles for the portal's list, searched in title, summary and body."""
    articles = visible_articles().prefetch_related("topics")
    query = (query or "").strip()[:SEARCH_MAX]
    if query:
        articles = articles.filter(
            Q(title__icontains=query) | Q(summary__icontains=query) | Q(body__icontains=query)
        )
    if topic is not None:
        articles = articles.filter(topics=topic)
    return articles


def visible_article(pk: int) -> Article | None:
    return visible_articles().prefetch_related("topics").filter(pk=pk).first()


def article_html(article: Article) -> str:
    """The article's body as safe HTML (rendered and sanitised on every read: the sanitiser's
    current allow-list applies to old articles too)."""
    return render_markdown(article.body)


def staff_articles(user, *, status: str = "") -> QuerySet[Article]:
    """The articles a writer or reviewer works on, newest first."""
    articles = policy.filter_articles(user, Article.objects.all())
    if status in Article.Status.values:
        articles = articles.filter(status=status)
    return (
        with_crisis_flag(articles)
        .select_related("author", "reviewer")
        .prefetch_related("topics")
        .order_by("-updated_at", "-pk")
    )


def articles_awaiting_review(user) -> QuerySet[Article]:
    """What waits for this reviewer: in review, written by someone else."""
    return (
        policy.filter_articles(user, Article.objects.all())
        .filter(status=Article.Status.IN_REVIEW)
        .exclude(author=user)
        .order_by("updated_at")
    )


def checklist_for(article: Article) -> list[dict]:
    """The checklist's items, each with whether this article's review ticked it."""
    ticked = set(article.checklist_ticked or [])
    return [
        {"key": item.key, "label": item.label, "ticked": item.key in ticked}
        for item in safe_messaging_checklist().items
    ]


def newsletters(user) -> QuerySet[Newsletter]:
    return (
        policy.filter_newsletters(user, Newsletter.objects.all())
        .prefetch_related("sent_to")
        .select_related("editor")
    )


def newsletter_articles(newsletter: Newsletter) -> list[Article]:
    items = (
        NewsletterItem.objects.filter(newsletter=newsletter)
        .select_related("article__author")
        .order_by("position")
    )
    return [item.article for item in items]


def publishable_articles() -> QuerySet[Article]:
    """Articles a newsletter can print: published ones (whether or not on the portal now)."""
    return Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-publish_at", "-pk")


def article_work(user) -> dict:
    """The home page's card: what waits for this person in articles, in one query."""
    from django.db.models import Count

    counts = policy.filter_articles(user, Article.objects.all()).aggregate(
        drafts=Count("pk", filter=Q(author=user, status=Article.Status.DRAFT)),
        needs_changes=Count("pk", filter=Q(author=user, status=Article.Status.NEEDS_CHANGES)),
        to_review=Count("pk", filter=Q(status=Article.Status.IN_REVIEW) & ~Q(author=user)),
    )
    if not policy.can_review_articles(user):
        counts["to_review"] = None
    return counts
