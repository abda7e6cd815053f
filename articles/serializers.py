"""API shapes of articles: collect and check input; no rules (those are in the services)."""

from __future__ import annotations

from rest_framework import serializers

from lib.dates import BoundedDateTimeSerializerField

from .models import Article, Audience, Topic
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
