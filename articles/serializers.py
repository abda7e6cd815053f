"""API shapes of articles: collect and check input; no rules (those are in the services)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from lib.dates import BoundedDateTimeSerializerField

from .models import Article, Audience, Newsletter, Topic
from .selectors import SEARCH_MAX, article_html


class PublicArticleSerializer(serializers.ModelSerializer):
    """An article as the public reads it: the body as sanitised HTML, and whether the hotline
    box belongs with it."""

    topics = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    body_html = serializers.SerializerMethodField()
    on_crisis = serializers.BooleanField(read_only=True)

    class Meta:
        model = Article
        fields = [
            "id",
            "title",
            "summary",
            "topics",
            "audience",
            "publish_at",
            "body_html",
            "on_crisis",
            "cover_alt",
        ]

    def get_body_html(self, article) -> str:
        return article_html(article)


class PublicArticleListSerializer(PublicArticleSerializer):
    class Meta(PublicArticleSerializer.Meta):
        fields = ["id", "title", "summary", "topics", "audience", "publish_at", "on_crisis"]


class ArticleSearchSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True, max_length=SEARCH_MAX)


class StaffArticleSerializer(serializers.ModelSerializer):
    topics = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    author = serializers.CharField(source="author.username", read_only=True)
    reviewer = serializers.CharField(source="reviewer.username", read_only=True, default=None)

    class Meta:
        model = Article
        fields = [
            "id", "title", "summary", "body", "topics", "audience", "status", "author", "reviewer",
            "review_comment", "publish_at", "expires_at", "read_count", "checklist_version",
        ]  # fmt: skip


class ArticleCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120)
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField()
    topics = serializers.SlugRelatedField(
        slug_field="name", many=True, queryset=Topic.objects.all(), required=False
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    publish_at = BoundedDateTimeSerializerField(required=False, allow_null=True)
    expires_at = BoundedDateTimeSerializerField(required=False, allow_null=True)


class ArticleReviewSerializer(serializers.Serializer):
    decision = serializers.ChoiceField(choices=["approve", "send_back"])
    checklist = serializers.ListField(child=serializers.CharField(max_length=40), required=False)
    publish_at = BoundedDateTimeSerializerField(required=False, allow_null=True)
    expires_at = BoundedDateTimeSerializerField(required=False, allow_null=True)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class ArticleUpdateSerializer(serializers.Serializer):
    """PATCH of a draft by its author: only the fields given change. An explicit null clears a
    publish time or an expiry; a field left out keeps its value."""

    title = serializers.CharField(max_length=120, required=False)
    summary = serializers.CharField(max_length=200, required=False, allow_blank=True)
    body = serializers.CharField(required=False)
    topics = serializers.SlugRelatedField(
        slug_field="name", many=True, queryset=Topic.objects.all(), required=False
    )
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)
    cover_alt = serializers.CharField(max_length=200, required=False, allow_blank=True)
    publish_at = BoundedDateTimeSerializerField(required=False, allow_null=True)
    expires_at = BoundedDateTimeSerializerField(required=False, allow_null=True)


class ArticleScheduleSerializer(serializers.Serializer):
    """A new publish time and expiry; a field left out keeps its value, null clears it."""

    publish_at = BoundedDateTimeSerializerField(required=False, allow_null=True)
    expires_at = BoundedDateTimeSerializerField(required=False, allow_null=True)


class ArticleWithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500,
        error_messages={
            "required": _("Say why the article is withdrawn."),
            "blank": _("Say why the article is withdrawn."),
        },
    )


# -- the 心语报 newsletter ---------------------------------------------------------------------


class NewsletterSerializer(serializers.ModelSerializer):
    """An issue: its articles' ids in print order, the units it was sent to."""

    editor = serializers.CharField(source="editor.username", read_only=True)
    sent_to = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    articles = serializers.SerializerMethodField()

    class Meta:
        model = Newsletter
        fields = [
            "id", "title", "issue_number", "semester", "print_run", "sent_to", "articles", "editor",
            "created_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_articles(self, newsletter) -> list[int]:
        # ``items`` come prefetched, in their model order (position).
        return [item.article_id for item in newsletter.items.all()]


ID = {"min_value": 1, "max_value": 2**31 - 1}


class NewsletterCreateSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=120, default="心语报")
    issue_number = serializers.IntegerField(min_value=1, max_value=9999)
    semester = serializers.CharField(max_length=40)
    print_run = serializers.IntegerField(min_value=0, max_value=1_000_000, default=0)
    sent_to = serializers.ListField(child=serializers.IntegerField(**ID), required=False, default=list)
    articles = serializers.ListField(
        child=serializers.IntegerField(**ID),
        max_length=99,
        help_text="Article ids in the order they are printed.",
    )


class NewsletterArticleSerializer(serializers.ModelSerializer):
    """One article of an issue as it is printed: its place, its body as sanitised HTML."""

    position = serializers.IntegerField(read_only=True)
    author = serializers.CharField(source="author.full_name", read_only=True)
    body_html = serializers.SerializerMethodField()

    class Meta:
        model = Article
        fields = ["position", "id", "title", "summary", "author", "publish_at", "body_html"]
        read_only_fields = fields

    def get_body_html(self, article) -> str:
        return article_html(article)
