"""The 心语报 newsletter as print (PRG-4): one HTML rendering, turned into the A4 PDF that the
staff page and the API both hand out."""

from __future__ import annotations

from django.template.loader import render_to_string

from core.selectors import centre_profile
from lib.pdf import render_pdf

from . import selectors
from .models import Newsletter


def newsletter_html(newsletter: Newsletter) -> str:
    """The issue's articles in order, each body rendered and sanitised on the way."""
    articles = [
        {"article": article, "html": selectors.article_html(article)}
        for article in selectors.newsletter_articles(newsletter)
    ]
    return render_to_string(
        "articles/newsletter_pdf.html",
        {"newsletter": newsletter, "articles": articles, "centre": centre_profile()},
    )


def newsletter_pdf(newsletter: Newsletter) -> bytes:
    return render_pdf(newsletter_html(newsletter))


def newsletter_pdf_name(newsletter: Newsletter) -> str:
    return f"newsletter-{newsletter.issue_number}.pdf"
