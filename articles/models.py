"""Articles and the 心语报 newsletter (PRG-4).

An article is written in Markdown by its author, reviewed by someone else, and published at a
time that may lie in the future, until an optional expiry. Whether the portal shows it is decided
when it is read (``selectors.visible_articles``), so nothing depends on a job having run.
Articles on a crisis topic (suicide, self-harm, crisis) publish only once their reviewer has
ticked the safe-messaging checklist, and the portal adds the hotline box to them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.states import StateTable


class Topic(models.Model):
    """A subject articles are filed under; ``is_crisis`` marks suicide, self-harm and crisis."""

    name = models.CharField(_("name"), max_length=40, unique=True)
    is_crisis = models.BooleanField(
        _("crisis topic"),
        default=False,
        help_text=_("Suicide, self-harm or crisis: articles need the safe-messaging checklist."),
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    STUDENTS = "students", _("Students")
    PARENTS = "parents", _("Parents")
    TEACHERS = "teachers", _("Teachers")
    ELDERLY = "elderly", _("Older people")
    WORKERS = "workers", _("Community workers")


def cover_path(instance, filename: str) -> str:
    # The original name is not kept: it may say something about the person who made the picture.
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"articles/covers/{timezone.now():%Y/%m}/{instance.pk or 'new'}-{timezone.now():%H%M%S%f}.{suffix}"


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "in_review", _("In review")
        NEEDS_CHANGES = "needs_changes", _("Needs changes")
        PUBLISHED = "published", _("Published")

    ACTIONS = StateTable(
        field="status",
        table={
            Status.DRAFT: ("edit", "submit", "schedule"),
            Status.IN_REVIEW: ("approve", "send_back", "schedule"),
            Status.NEEDS_CHANGES: ("edit", "submit", "schedule"),
            Status.PUBLISHED: ("schedule", "withdraw"),
        },
    )

    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    body = models.TextField(_("body (Markdown)"))
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="articles", blank=True)
    audience = models.CharField(
        _("audience"), max_length=20, choices=Audience.choices, default=Audience.EVERYONE
    )
    cover = models.ImageField(_("cover image"), upload_to=cover_path, blank=True)
    cover_alt = models.CharField(
        _("cover description (alt text)"),
        max_length=200,
        blank=True,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles_written",
        verbose_name=_("author"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="articles_reviewed",
        verbose_name=_("reviewer"),
        null=True,
        blank=True,
    )
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    # The safe-messaging checklist the reviewer ticked, with the version of the checklist file.
    checklist_version = models.CharField(_("checklist version"), max_length=20, blank=True)
    checklist_ticked = models.JSONField(_("checklist items ticked"), default=list, blank=True)
    publish_at = models.DateTimeField(_("publish at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    # Totals only: who read what is never recorded.
    read_count = models.PositiveIntegerField(_("reads"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-publish_at", "-created_at"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [models.Index(fields=["status", "publish_at"], name="article_visible_idx")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__isnull=True)
                | models.Q(publish_at__isnull=True)
                | models.Q(expires_at__gt=models.F("publish_at")),
                name="article_expires_after_publish",
            ),
            models.CheckConstraint(
                condition=models.Q(reviewer__isnull=True) | ~models.Q(reviewer=models.F("author")),
                name="article_reviewer_not_author",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.cover and not self.cover_alt.strip():
            errors["cover_alt"] = gettext("Describe the cover picture for readers who cannot see it.")
        if self.publish_at and self.expires_at and self.expires_at <= self.publish_at:
            errors["expires_at"] = gettext("The expiry must come after the publish time.")
        if self.reviewer_id and self.reviewer_id == self.author_id:
            errors["reviewer"] = gettext("An article is reviewed by someone other than its author.")
        if errors:
            raise ValidationError(errors)


class Newsletter(models.Model):
    """One issue of the 心语报: its articles in order, how many were printed, where it went."""

    title = models.CharField(_("title"), max_length=120, default="心语报")
    issue_number = models.PositiveIntegerField(_("issue number"), unique=True)
    semester = models.CharField(_("semester"), max_length=40, help_text=_("For example 2026年春季学期."))
    print_run = models.PositiveIntegerField(_("print run"), default=0)
    sent_to = models.ManyToManyField(
        "orgs.OrgUnit", verbose_name=_("sent to"), related_name="newsletters", blank=True
    )
    articles = models.ManyToManyField(
        Article, through="NewsletterItem", related_name="newsletters", verbose_name=_("articles")
    )
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("editor")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-issue_number"]
        verbose_name = _("newsletter")
        verbose_name_plural = _("newsletters")

    def __str__(self) -> str:
        return gettext("%(title)s, issue %(number)s") % {"title": self.title, "number": self.issue_number}


class NewsletterItem(models.Model):
    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="items")
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField(_("order"))

    class Meta:
        ordering = ["position"]
        verbose_name = _("newsletter article")
        verbose_name_plural = _("newsletter articles")
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "article"], name="newsletter_article_once"),
            models.UniqueConstraint(fields=["newsletter", "position"], name="newsletter_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter_id}#{self.position}"
