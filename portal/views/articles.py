"""Articles on the portal (PRG-4, PRT-1): the list with a search, and the article page, with no
login. What shows is decided when it is read (articles.selectors.visible_articles); an article on
suicide, self-harm or crisis carries the hotline box."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from articles.models import Topic
from articles.selectors import SEARCH_MAX, article_html, portal_articles, visible_article
from articles.services import article_count_read
from core.selectors import centre_profile

PER_PAGE = 12


@require_http_methods(["GET"])
def article_list(request):
    query = request.GET.get("q", "").strip()[:SEARCH_MAX]
    topic = None
    raw_topic = request.GET.get("topic", "")
    if raw_topic.isdigit():
        topic = Topic.objects.filter(pk=int(raw_topic)).first()
    page = Paginator(portal_articles(query=query, topic=topic), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "centre": centre_profile(),
        "page": page,
        "articles": page.object_list,
        "query": query,
        "topic": topic,
        "topics": Topic.objects.all(),
        "search_max": SEARCH_MAX,
    }
    return render(request, "portal/articles/list.html", context)


@require_http_methods(["GET"])
def article_page(request, pk: int):
    article = visible_article(pk)
    if article is None:
        raise Http404
    article_count_read(article=article)
    context = {"centre": centre_profile(), "article": article, "html": article_html(article)}
    return render(request, "portal/articles/article.html", context)


@require_http_methods(["GET"])
def article_cover(request, pk: int):
    """The cover of a visible article (covers are not in a public media folder: an article that
    is not yet published, or withdrawn, shows nothing)."""
    article = visible_article(pk)
    if article is None or not article.cover:
        raise Http404
    response = FileResponse(article.cover.open("rb"))
    response["Cache-Control"] = "public, max-age=3600"
    return response
