"""REST endpoints of articles under /api/v1/ (listed in api/urls.py), under the same policy and
services as the pages.

``articles/`` and ``articles/{id}/`` read published, visible articles without login (the portal's
rule, decided at read time); with ``?mine=1`` a writer or reviewer lists the articles they work
on instead. POST ``articles/`` writes a draft; ``articles/{id}/submit/`` and
``articles/{id}/review/`` move it through review.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy

from . import selectors, services
from .models import Article
from .serializers import (
    ArticleCreateSerializer,
    ArticleReviewSerializer,
    ArticleSearchSerializer,
    PublicArticleListSerializer,
    PublicArticleSerializer,
    StaffArticleSerializer,
)


def _staff_article(request, pk: int) -> Article:
    if not policy.can_work_on_articles(request.user):
        raise PermissionDenied
    return policy.fetch_or_404(request.user, Article, pk=pk)


class ArticleListCreate(generics.GenericAPIView):
    """Published articles for anyone (search with ``q``); staff write drafts with POST."""

    permission_classes = [AllowAny]
    serializer_class = PublicArticleListSerializer

    @extend_schema(parameters=[ArticleSearchSerializer], responses=PublicArticleListSerializer(many=True))
    def get(self, request):
        if request.query_params.get("mine") and request.user.is_authenticated:
            if not policy.can_work_on_articles(request.user):
                raise PermissionDenied
            page = self.paginate_queryset(selectors.staff_articles(request.user))
            return self.get_paginated_response(StaffArticleSerializer(page, many=True).data)
        filters = ArticleSearchSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        page = self.paginate_queryset(selectors.portal_articles(query=filters.validated_data.get("q", "")))
        return self.get_paginated_response(PublicArticleListSerializer(page, many=True).data)

    @extend_schema(request=ArticleCreateSerializer, responses={201: StaffArticleSerializer})
    def post(self, request):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        if not policy.can_write_article(request.user):
            raise PermissionDenied
        data = ArticleCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_create(actor=request.user, **data.validated_data)
        return Response(StaffArticleSerializer(article).data, status=status.HTTP_201_CREATED)


class ArticleDetail(APIView):
    """One visible article, for anyone; staff who work on articles read theirs with ``?mine=1``."""

    permission_classes = [AllowAny]

    @extend_schema(responses=PublicArticleSerializer)
    def get(self, request, pk: int):
        if request.query_params.get("mine") and request.user.is_authenticated:
            return Response(StaffArticleSerializer(_staff_article(request, pk)).data)
        article = selectors.visible_article(pk)
        if article is None:
            raise Http404
        services.article_count_read(article=article)
        return Response(PublicArticleSerializer(article).data)


class ArticleSubmit(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=StaffArticleSerializer)
    def post(self, request, pk: int):
        article = _staff_article(request, pk)
        if not policy.can_edit_article(request.user, article):
            raise Http404
        article = services.article_submit(actor=request.user, article=article)
        return Response(StaffArticleSerializer(article).data)


class ArticleReview(APIView):
    """Approve (with the safe-messaging checklist where the topic needs it) or send back."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ArticleReviewSerializer, responses=StaffArticleSerializer)
    def post(self, request, pk: int):
        article = _staff_article(request, pk)
        if not policy.can_review_article(request.user, article):
            raise Http404
        data = ArticleReviewSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if values["decision"] == "approve":
            article = services.article_approve(
                actor=request.user,
                article=article,
                checklist=values.get("checklist") or [],
                publish_at=values.get("publish_at"),
                expires_at=values.get("expires_at"),
                comment=values.get("comment", ""),
            )
        else:
            article = services.article_send_back(
                actor=request.user, article=article, comment=values.get("comment", "")
            )
        return Response(StaffArticleSerializer(article).data)
