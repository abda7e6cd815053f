"""Who sees and does what with articles and newsletters (PRG-4).

Staff: an author sees their own articles and every published one; a reviewer sees all of them.
Only the author edits and submits (and only while the state allows it); a reviewer who is not
the author approves, sends back, schedules and withdraws. The public sees what
``selectors.visible_articles`` says, decided at read time — no rule here for them.
"""

from __future__ import annotations

from django.db.models import Q

from confidentiality import policy
from confidentiality.policy import has_permission, register_filters

from .models import Article, Newsletter
from .permissions import EDIT_NEWSLETTERS, REVIEW_ARTICLES, WRITE_ARTICLES


@policy.rule
def can_work_on_articles(user) -> bool:
    """The staff pages of articles at all: writers and reviewers."""
    return has_permission(user, WRITE_ARTICLES) or has_permission(user, REVIEW_ARTICLES)


@policy.rule
def filter_articles(user, queryset):
    if has_permission(user, REVIEW_ARTICLES):
        return queryset
    if has_permission(user, WRITE_ARTICLES):
        return queryset.filter(Q(author=user) | Q(status=Article.Status.PUBLISHED))
    return queryset.none()


@policy.rule
def can_write_article(user) -> bool:
    return has_permission(user, WRITE_ARTICLES)


@policy.rule
def can_edit_article(user, article: Article) -> bool:
    """The author edits and submits their own article."""
    return has_permission(user, WRITE_ARTICLES) and article.author_id == user.pk


@policy.rule
def can_review_articles(user) -> bool:
    """Reviewing at all (the list of what waits for review)."""
    return has_permission(user, REVIEW_ARTICLES)


@policy.rule
def can_review_article(user, article: Article) -> bool:
    """Approve, send back, schedule, withdraw: a reviewer, never on their own article."""
    return has_permission(user, REVIEW_ARTICLES) and article.author_id != user.pk


@policy.rule
def can_edit_newsletters(user) -> bool:
    return has_permission(user, EDIT_NEWSLETTERS)


@policy.rule
def filter_newsletters(user, queryset):
    return queryset if has_permission(user, EDIT_NEWSLETTERS) else queryset.none()


register_filters({Article: filter_articles, Newsletter: filter_newsletters})
