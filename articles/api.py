"""REST endpoints of articles under /api/v1/ (listed in api/urls.py), under the same policy and
services as the pages.

``articles/`` and ``articles/{id}/`` read published, visible articles without login (the portal's
rule, decided at read time); with ``?mine=1`` a writer or reviewer lists the articles they work
on instead. POST ``articles/`` writes a draft, PATCH ``articles/{id}/`` changes it (its author,
while the state allows editing); ``submit/``, ``review/``, ``schedule/`` and ``withdraw/`` move it
the way the staff pages do, through the same services. ``newsletters/`` are the 心语报 issues:
list, create, one issue, its articles in print order, and its PDF.

Refusals look like the pages': no articles permission is a 403, an article the person may not see
or act on is a 404, an action the state does not allow or bad input is a 400 in words.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from confidentiality import policy
from orgs.models import OrgUnit

from . import printing, selectors, services
from .models import Article, Newsletter
from .serializers import (
    ArticleCreateSerializer,
    ArticleReviewSerializer,
    ArticleScheduleSerializer,
    ArticleSearchSerializer,
    ArticleUpdateSerializer,
    ArticleWithdrawSerializer,
    NewsletterArticleSerializer,
    NewsletterCreateSerializer,
    NewsletterSerializer,
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


def _staff_view(article: Article) -> Article:
    """The article again as the staff serializer reads it (author, reviewer, topics in one go)."""
    return Article.objects.select_related("author", "reviewer").prefetch_related("topics").get(pk=article.pk)


class ArticleDetail(APIView):
    """One visible article, for anyone; staff who work on articles read theirs with ``?mine=1``.
    PATCH: the author changes their draft (or an article sent back)."""

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

    @extend_schema(request=ArticleUpdateSerializer, responses=StaffArticleSerializer)
    def patch(self, request, pk: int):
        if not request.user.is_authenticated:
            raise NotAuthenticated
        article = _staff_article(request, pk)
        if not policy.can_edit_article(request.user, article):
            raise Http404
        data = ArticleUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # Left out = unchanged; the service takes the times whole, so the current ones stand in.
        publish_at = values.pop("publish_at", article.publish_at)
        expires_at = values.pop("expires_at", article.expires_at)
        topics = values.pop("topics", None)
        article = services.article_update(
            actor=request.user,
            article=article,
            topics=topics,
            publish_at=publish_at,
            expires_at=expires_at,
            **values,
        )
        return Response(StaffArticleSerializer(_staff_view(article)).data)


class ArticleSubmit(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=StaffArticleSerializer)
    def post(self, request, pk: int):
        article = _staff_article(request, pk)
        if not policy.can_edit_article(request.user, article):
            raise Http404
        article = services.article_submit(actor=request.user, article=article)
        return Response(StaffArticleSerializer(_staff_view(article)).data)


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
        return Response(StaffArticleSerializer(_staff_view(article)).data)


class ArticleSchedule(APIView):
    """A reviewer (not the author) moves the publish time or the expiry; a field left out keeps
    its value, null clears it."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ArticleScheduleSerializer, responses=StaffArticleSerializer)
    def post(self, request, pk: int):
        article = _staff_article(request, pk)
        if not policy.can_review_article(request.user, article):
            raise Http404
        data = ArticleScheduleSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_schedule(
            actor=request.user,
            article=article,
            publish_at=data.validated_data.get("publish_at", article.publish_at),
            expires_at=data.validated_data.get("expires_at", article.expires_at),
        )
        return Response(StaffArticleSerializer(_staff_view(article)).data)


class ArticleWithdraw(APIView):
    """A reviewer (not the author) takes a published article off the portal, saying why."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=ArticleWithdrawSerializer, responses=StaffArticleSerializer)
    def post(self, request, pk: int):
        article = _staff_article(request, pk)
        if not policy.can_review_article(request.user, article):
            raise Http404
        data = ArticleWithdrawSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        article = services.article_withdraw(
            actor=request.user, article=article, reason=data.validated_data["reason"]
        )
        return Response(StaffArticleSerializer(_staff_view(article)).data)


# ---------------------------------------------------------------------------------------------
# The 心语报 newsletter


def _require_newsletters(request) -> None:
    if not policy.can_edit_newsletters(request.user):
        raise PermissionDenied


def _newsletter(request, pk: int) -> Newsletter:
    _require_newsletters(request)
    return policy.fetch_or_404(request.user, Newsletter, queryset=_newsletters(request.user), pk=pk)


def _newsletters(user):
    return selectors.newsletters(user).prefetch_related("items")


class NewsletterListCreate(generics.GenericAPIView):
    """The issues, newest first; POST puts a new one together from published articles."""

    permission_classes = [IsAuthenticated]
    serializer_class = NewsletterSerializer

    @extend_schema(responses=NewsletterSerializer(many=True))
    def get(self, request):
        _require_newsletters(request)
        page = self.paginate_queryset(_newsletters(request.user))
        return self.get_paginated_response(NewsletterSerializer(page, many=True).data)

    @extend_schema(request=NewsletterCreateSerializer, responses={201: NewsletterSerializer})
    def post(self, request):
        _require_newsletters(request)
        data = NewsletterCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        unit_ids = set(values["sent_to"])
        units = list(
            policy.filter_org_units(request.user, OrgUnit.objects.filter(is_active=True, pk__in=unit_ids))
        )
        if len(units) != len(unit_ids):
            # Refused, not dropped: the issue would say it went to fewer places than it did.
            return Response(
                {"sent_to": [_("Choose the units it was sent to from those in your scope.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        published = {a.pk: a for a in selectors.publishable_articles().filter(pk__in=values["articles"])}
        if any(pk not in published for pk in values["articles"]):
            return Response(
                {"articles": [_("A newsletter prints published articles only.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        newsletter = services.newsletter_save(
            actor=request.user,
            title=values["title"],
            issue_number=values["issue_number"],
            semester=values["semester"],
            print_run=values["print_run"],
            sent_to=units,
            # Repeats are kept, so that the service refuses them rather than silently merging.
            articles=[published[pk] for pk in values["articles"]],
        )
        return Response(
            NewsletterSerializer(_newsletters(request.user).get(pk=newsletter.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class NewsletterDetail(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(responses=NewsletterSerializer)
    def get(self, request, pk: int):
        return Response(NewsletterSerializer(_newsletter(request, pk)).data)


class NewsletterArticles(APIView):
    """The issue's articles in print order, each body as sanitised HTML."""

    permission_classes = [IsAuthenticated]

    @extend_schema(responses=NewsletterArticleSerializer(many=True))
    def get(self, request, pk: int):
        articles = selectors.newsletter_articles(_newsletter(request, pk))
        for position, article in enumerate(articles, start=1):
            article.position = position
        return Response(NewsletterArticleSerializer(articles, many=True).data)


class PDFRenderer(BaseRenderer):
    """Lets a client ask for ``Accept: application/pdf``; a refusal still reads as JSON text."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return json.dumps(data, ensure_ascii=False, default=str).encode()


class NewsletterPDF(APIView):
    """The issue as the printable A4 PDF in Chinese, the same file as the staff page's."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer, PDFRenderer]

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
        }
    )
    def get(self, request, pk: int):
        newsletter = _newsletter(request, pk)
        response = HttpResponse(printing.newsletter_pdf(newsletter), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="{printing.newsletter_pdf_name(newsletter)}"'
        return response
