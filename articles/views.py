"""Staff pages of articles and the newsletter (PRG-4): write, preview, review, schedule, print.

Private to this app (only its urls.py imports them). The rules are in services and access; the
pages offer an action when the state table and the policy both allow it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from confidentiality import policy
from lib.forms import apply_validation_error
from orgs.models import OrgUnit

from . import printing, selectors, services
from .forms import ArticleForm, NewsletterForm, ReviewForm, ScheduleForm, WithdrawForm
from .models import Article, Newsletter
from .rendering import render_markdown

# What a preview renders at most: the body field's own limit is the database's.
PREVIEW_MAX = 100_000


def _require_articles(request) -> None:
    if not policy.can_work_on_articles(request.user):
        raise PermissionDenied


def _article(request, pk: int) -> Article:
    _require_articles(request)
    return policy.fetch_or_404(request.user, Article, pk=pk)


def _article_data(data: dict) -> dict:
    return {
        "title": data["title"],
        "summary": data.get("summary", ""),
        "body": data["body"],
        "topics": data.get("topics") or [],
        "audience": data["audience"],
        "cover_alt": data.get("cover_alt", ""),
        "publish_at": data.get("publish_at"),
        "expires_at": data.get("expires_at"),
    }


@login_required
@require_http_methods(["GET"])
def article_list(request):
    _require_articles(request)
    status = request.GET.get("status", "")
    context = {
        "articles": selectors.staff_articles(request.user, status=status)[:200],
        "status": status,
        "statuses": Article.Status.choices,
        "may_write": policy.can_write_article(request.user),
        "awaiting": selectors.articles_awaiting_review(request.user)
        if policy.can_review_articles(request.user)
        else [],
    }
    return render(request, "articles/article_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def article_new(request):
    _require_articles(request)
    if not policy.can_write_article(request.user):
        raise PermissionDenied
    form = ArticleForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            article = services.article_create(
                actor=request.user, cover=form.cleaned_data.get("cover"), **_article_data(form.cleaned_data)
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(
                request, _("The article is saved as a draft. Submit it for review when it is ready.")
            )
            return redirect("articles:article", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/article_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_edit(request, pk: int):
    article = _article(request, pk)
    if not (policy.can_edit_article(request.user, article) and Article.ACTIONS.allows(article, "edit")):
        raise Http404
    initial = {
        "title": article.title,
        "summary": article.summary,
        "body": article.body,
        "topics": list(article.topics.all()),
        "audience": article.audience,
        "cover_alt": article.cover_alt,
        "publish_at": article.publish_at,
        "expires_at": article.expires_at,
    }
    form = ArticleForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.article_update(
                actor=request.user,
                article=article,
                cover=form.cleaned_data.get("cover"),
                **_article_data(form.cleaned_data),
            )
        except ValidationError as exc:
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The article is saved."))
            return redirect("articles:article", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/article_form.html", {"form": form, "article": article}, status=status)


@login_required
@require_POST
def article_preview(request):
    """The body as readers will see it (rendered and sanitised), for the editor's preview."""
    _require_articles(request)
    html = render_markdown(request.POST.get("body", "")[:PREVIEW_MAX])
    return render(request, "articles/_preview.html", {"html": html})


@login_required
@require_http_methods(["GET"])
def article_detail(request, pk: int):
    article = _article(request, pk)
    on_crisis = services.needs_checklist(article)
    context = {
        "article": article,
        "html": selectors.article_html(article),
        "on_crisis": on_crisis,
        "checklist": selectors.checklist_for(article) if on_crisis else [],
        "may_edit": policy.can_edit_article(request.user, article),
        "may_review": policy.can_review_article(request.user, article),
        "withdraw_form": WithdrawForm(),
        "visible": selectors.visible_articles().filter(pk=article.pk).exists(),
    }
    return render(request, "articles/article_detail.html", context)


@login_required
@require_POST
def article_submit(request, pk: int):
    article = _article(request, pk)
    if not policy.can_edit_article(request.user, article):
        raise Http404
    try:
        services.article_submit(actor=request.user, article=article)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The article is submitted for review."))
    return redirect("articles:article", pk=article.pk)


@login_required
@require_http_methods(["GET", "POST"])
def article_review(request, pk: int):
    article = _article(request, pk)
    if not (policy.can_review_article(request.user, article) and Article.ACTIONS.allows(article, "approve")):
        raise Http404
    on_crisis = services.needs_checklist(article)
    form = ReviewForm(
        request.POST or None,
        needs_checklist=on_crisis,
        initial={"publish_at": article.publish_at, "expires_at": article.expires_at},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "approve":
                services.article_approve(
                    actor=request.user,
                    article=article,
                    checklist=data.get("checklist") or [],
                    publish_at=data.get("publish_at"),
                    expires_at=data.get("expires_at"),
                    comment=data.get("comment", ""),
                )
                done = _("The article is approved and published at its publish time.")
            else:
                services.article_send_back(
                    actor=request.user, article=article, comment=data.get("comment", "")
                )
                done = _("The article is sent back to its author.")
        except ValidationError as exc:
            article.refresh_from_db()
            apply_validation_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("articles:article", pk=article.pk)
    context = {
        "article": article,
        "form": form,
        "html": selectors.article_html(article),
        "on_crisis": on_crisis,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/article_review.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def article_schedule(request, pk: int):
    article = _article(request, pk)
    if not (policy.can_review_article(request.user, article) and Article.ACTIONS.allows(article, "schedule")):
        raise Http404
    form = ScheduleForm(
        request.POST or None, initial={"publish_at": article.publish_at, "expires_at": article.expires_at}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.article_schedule(
                actor=request.user,
                article=article,
                publish_at=form.cleaned_data.get("publish_at"),
                expires_at=form.cleaned_data.get("expires_at"),
            )
        except ValidationError as exc:
            article.refresh_from_db()
            apply_validation_error(form, exc)
        else:
            messages.success(request, _("The publish time is saved."))
            return redirect("articles:article", pk=article.pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, "articles/article_schedule.html", {"article": article, "form": form}, status=status
    )


@login_required
@require_POST
def article_withdraw(request, pk: int):
    article = _article(request, pk)
    if not policy.can_review_article(request.user, article):
        raise Http404
    form = WithdrawForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("Say why the article is withdrawn."))
        services.article_withdraw(actor=request.user, article=article, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The article is withdrawn from the portal."))
    return redirect("articles:article", pk=article.pk)


@login_required
@require_http_methods(["GET"])
def article_cover(request, pk: int):
    article = _article(request, pk)
    if not article.cover:
        raise Http404
    return FileResponse(article.cover.open("rb"))


# ---------------------------------------------------------------------------------------------
# The 心语报 newsletter


def _require_newsletters(request) -> None:
    if not policy.can_edit_newsletters(request.user):
        raise PermissionDenied


def _newsletter_form(request, newsletter: Newsletter | None = None) -> NewsletterForm:
    units = policy.filter_org_units(request.user, OrgUnit.objects.filter(is_active=True)).order_by("path")
    initial, positions = {}, {}
    if newsletter is not None:
        initial = {
            "title": newsletter.title,
            "issue_number": newsletter.issue_number,
            "semester": newsletter.semester,
            "print_run": newsletter.print_run,
            "sent_to": list(newsletter.sent_to.all()),
        }
        positions = {item.article_id: item.position for item in newsletter.items.all()}
    return NewsletterForm(
        request.POST or None,
        units=units,
        articles=selectors.publishable_articles(),
        positions=positions,
        initial=initial,
    )


def _newsletter_save(request, form: NewsletterForm, newsletter: Newsletter | None):
    data = form.cleaned_data
    try:
        saved = services.newsletter_save(
            actor=request.user,
            newsletter=newsletter,
            title=data["title"],
            issue_number=data["issue_number"],
            semester=data["semester"],
            print_run=data["print_run"],
            sent_to=data.get("sent_to") or [],
            articles=form.ordered_articles(),
        )
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None
    messages.success(request, _("The newsletter issue is saved."))
    return redirect("articles:newsletter", pk=saved.pk)


@login_required
@require_http_methods(["GET"])
def newsletter_list(request):
    _require_newsletters(request)
    return render(
        request, "articles/newsletter_list.html", {"newsletters": selectors.newsletters(request.user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_new(request):
    _require_newsletters(request)
    form = _newsletter_form(request)
    if request.method == "POST" and form.is_valid():
        response = _newsletter_save(request, form, None)
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return render(request, "articles/newsletter_form.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def newsletter_edit(request, pk: int):
    _require_newsletters(request)
    newsletter = policy.fetch_or_404(request.user, Newsletter, pk=pk)
    form = _newsletter_form(request, newsletter)
    if request.method == "POST" and form.is_valid():
        response = _newsletter_save(request, form, newsletter)
        if response is not None:
            return response
    status = 400 if request.method == "POST" else 200
    return render(
        request, "articles/newsletter_form.html", {"form": form, "newsletter": newsletter}, status=status
    )


@login_required
@require_http_methods(["GET"])
def newsletter_detail(request, pk: int):
    _require_newsletters(request)
    newsletter = policy.fetch_or_404(request.user, Newsletter, pk=pk)
    context = {"newsletter": newsletter, "articles": selectors.newsletter_articles(newsletter)}
    return render(request, "articles/newsletter_detail.html", context)


@login_required
@require_http_methods(["GET"])
def newsletter_pdf(request, pk: int):
    """The issue as a printable A4 PDF in Chinese: its articles in order, bodies sanitised."""
    _require_newsletters(request)
    newsletter = policy.fetch_or_404(request.user, Newsletter, pk=pk)
    response = HttpResponse(printing.newsletter_pdf(newsletter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{printing.newsletter_pdf_name(newsletter)}"'
    return response
