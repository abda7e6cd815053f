"""Every write of the articles domain (PRG-4): articles through review to the portal, the
newsletter, and the portal's read counter."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from confidentiality import policy
from confidentiality.services import audit_record
from lib.dates import AHEAD_DAYS_LONG, require_not_too_far_ahead

from .checklist import safe_messaging_checklist
from .models import Article, Newsletter, NewsletterItem, Topic

EDITABLE = ("title", "summary", "body", "audience", "cover", "cover_alt")


def needs_checklist(article: Article) -> bool:
    """Whether the article is on suicide, self-harm or crisis (one of its topics says so)."""
    return article.topics.filter(is_crisis=True).exists()


def _check_times(publish_at: datetime | None, expires_at: datetime | None) -> None:
    """An expiry comes after the publish time (and after now: an expired article never shows)."""
    require_not_too_far_ahead(publish_at, field="publish_at", days=AHEAD_DAYS_LONG)
    require_not_too_far_ahead(expires_at, field="expires_at", days=AHEAD_DAYS_LONG)
    if expires_at is None:
        return
    if expires_at <= (publish_at or timezone.now()):
        raise ValidationError(
            {"expires_at": _("The expiry must come after the publish time; the article was not saved.")}
        )


def _save(article: Article) -> None:
    article.full_clean(exclude=["author", "reviewer"])
    article.save()


@transaction.atomic
def article_create(
    *,
    actor,
    title: str,
    body: str,
    topics: Iterable[Topic] = (),
    audience: str = "",
    summary: str = "",
    cover=None,
    cover_alt: str = "",
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
) -> Article:
    """A new article, a draft of its author (a writer). An expiry comes after the publish time."""
    if not policy.can_write_article(actor):
        raise PermissionDenied
    _check_times(publish_at, expires_at)
    article = Article(
        title=title.strip(),
        summary=summary.strip(),
        body=body,
        audience=audience or Article._meta.get_field("audience").default,
        cover=cover or "",
        cover_alt=cover_alt.strip(),
        publish_at=publish_at,
        expires_at=expires_at,
        author=actor,
    )
    _save(article)
    article.topics.set(list(topics))
    audit_record(actor=actor, action="article.created", obj=article)
    return article


@transaction.atomic
def article_update(
    *,
    actor,
    article: Article,
    topics: Iterable[Topic] | None = None,
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    **fields,
) -> Article:
    """The author changes their draft (or an article sent back); a published article is withdrawn
    first, so that what readers see has always been reviewed."""
    if not policy.can_edit_article(actor, article):
        raise PermissionDenied
    Article.ACTIONS.require(article, "edit")
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"article_update() does not change {sorted(unknown)}")
    _check_times(publish_at, expires_at)
    for name, value in fields.items():
        if name == "cover" and value is None:
            continue  # no new file chosen: the cover stays
        if name == "cover" and value is False:
            value = ""  # the form's "clear" box
        setattr(article, name, value.strip() if name in ("title", "summary", "cover_alt") else value)
    article.publish_at, article.expires_at = publish_at, expires_at
    _save(article)
    if topics is not None:
        article.topics.set(list(topics))
    audit_record(actor=actor, action="article.edited", obj=article)
    return article


@transaction.atomic
def article_submit(*, actor, article: Article) -> Article:
    """The author hands the article to review."""
    if not policy.can_edit_article(actor, article):
        raise PermissionDenied
    Article.ACTIONS.require(article, "submit")
    article.status = Article.Status.IN_REVIEW
    _save(article)
    audit_record(actor=actor, action="article.submitted", obj=article)
    return article


@transaction.atomic
def article_approve(
    *,
    actor,
    article: Article,
    checklist: Iterable[str] = (),
    publish_at: datetime | None = None,
    expires_at: datetime | None = None,
    comment: str = "",
) -> Article:
    """A reviewer who is not the author publishes the article, now or at ``publish_at``.

    An article on suicide, self-harm or crisis publishes only with every item of the current
    safe-messaging checklist ticked; the version ticked is kept with it.
    """
    if not policy.can_review_article(actor, article):
        raise PermissionDenied
    Article.ACTIONS.require(article, "approve")
    if article.author_id == actor.pk:  # also the rule's, said in words for the form
        raise ValidationError(_("An article is reviewed by someone other than its author."))
    publish_at = publish_at or article.publish_at or timezone.now()
    expires_at = expires_at if expires_at is not None else article.expires_at
    _check_times(publish_at, expires_at)
    ticked = sorted(set(checklist))
    if needs_checklist(article):
        current = safe_messaging_checklist()
        missing = current.keys - set(ticked)
        if missing:
            raise ValidationError(
                {
                    "checklist": _(
                        "This article is on suicide, self-harm or crisis: tick every item of the "
                        "safe-messaging checklist before publishing it."
                    )
                }
            )
        article.checklist_version = current.version
        article.checklist_ticked = sorted(current.keys)
    else:
        article.checklist_version, article.checklist_ticked = "", []
    article.status = Article.Status.PUBLISHED
    article.reviewer = actor
    article.reviewed_at = timezone.now()
    article.review_comment = comment.strip()
    article.publish_at, article.expires_at = publish_at, expires_at
    _save(article)
    audit_record(
        actor=actor,
        action="article.approved",
        obj=article,
        details={"publish_at": publish_at.isoformat(), "checklist_version": article.checklist_version},
    )
    return article


@transaction.atomic
def article_send_back(*, actor, article: Article, comment: str) -> Article:
    """A reviewer who is not the author sends the article back, saying what to change."""
    if not policy.can_review_article(actor, article):
        raise PermissionDenied
    Article.ACTIONS.require(article, "send_back")
    if not comment.strip():
        raise ValidationError({"comment": _("Say what should change.")})
    article.status = Article.Status.NEEDS_CHANGES
    article.reviewer = actor
    article.reviewed_at = timezone.now()
    article.review_comment = comment.strip()
    _save(article)
    audit_record(actor=actor, action="article.sent_back", obj=article)
    return article


@transaction.atomic
def article_schedule(
    *, actor, article: Article, publish_at: datetime | None, expires_at: datetime | None
) -> Article:
    """A reviewer moves the publish time or the expiry (the expiry after the publish time)."""
    if not policy.can_review_article(actor, article):
        raise PermissionDenied
    Article.ACTIONS.require(article, "schedule")
    if publish_at is None and article.status == Article.Status.PUBLISHED:
        raise ValidationError({"publish_at": _("A published article needs a publish time.")})
    _check_times(publish_at, expires_at)
    article.publish_at, article.expires_at = publish_at, expires_at
    _save(article)
    audit_record(
        actor=actor,
        action="article.scheduled",
        obj=article,
        details={
            "publish_at": publish_at.isoformat() if publish_at else None,
            "expires_at": expires_at.isoformat() if expires_at else None,
        },
    )
    return article


@transaction.atomic
def article_withdraw(*, actor, article: Article, reason: str) -> Article:
    """A reviewer takes a published article off the portal; it goes back to its author as a
    draft, and must be reviewed again before it shows."""
    if not policy.can_review_article(actor, article):
        raise PermissionDenied
    Article.ACTIONS.require(article, "withdraw")
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the article is withdrawn.")})
    article.status = Article.Status.DRAFT
    article.review_comment = reason.strip()
    article.checklist_version, article.checklist_ticked = "", []
    _save(article)
    audit_record(actor=actor, action="article.withdrawn", obj=article, reason=reason.strip())
    return article


def article_count_read(*, article: Article) -> None:
    """One more read of a visible article: a total only (nobody's reading is recorded), added
    in the database so that two readers at once are both counted."""
    Article.objects.filter(pk=article.pk).update(read_count=F("read_count") + 1)


# ---------------------------------------------------------------------------------------------
# The 心语报 newsletter


def _set_items(newsletter: Newsletter, articles: Sequence[Article]) -> None:
    if len({a.pk for a in articles}) != len(articles):
        raise ValidationError({"articles": _("An article appears once in an issue.")})
    if any(a.status != Article.Status.PUBLISHED for a in articles):
        raise ValidationError({"articles": _("A newsletter prints published articles only.")})
    newsletter.items.all().delete()
    NewsletterItem.objects.bulk_create(
        NewsletterItem(newsletter=newsletter, article=article, position=index + 1)
        for index, article in enumerate(articles)
    )


@transaction.atomic
def newsletter_save(
    *,
    actor,
    newsletter: Newsletter | None = None,
    title: str,
    issue_number: int,
    semester: str,
    print_run: int,
    sent_to: Iterable,
    articles: Sequence[Article],
) -> Newsletter:
    """Create or change an issue of the newsletter: published articles in the order given, each
    once; the units it was sent to."""
    if not policy.can_edit_newsletters(actor):
        raise PermissionDenied
    if not articles:
        raise ValidationError({"articles": _("Choose the articles of this issue.")})
    created = newsletter is None
    newsletter = newsletter or Newsletter(editor=actor)
    newsletter.title = title.strip()
    newsletter.issue_number = issue_number
    newsletter.semester = semester.strip()
    newsletter.print_run = print_run
    newsletter.full_clean(exclude=["editor"])
    newsletter.save()
    _set_items(newsletter, list(articles))
    newsletter.sent_to.set(list(sent_to))
    audit_record(actor=actor, action="newsletter.created" if created else "newsletter.edited", obj=newsletter)
    return newsletter
