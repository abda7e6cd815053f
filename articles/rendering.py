"""Article bodies: Markdown rendered to HTML, then sanitised (PRG-4).

``render_markdown`` is the only way an article's body becomes HTML. Markdown itself lets raw HTML
through, and a body is written by staff whose account may be stolen or who paste from the web, so
the rendered HTML always goes through nh3 (the Rust ``ammonia`` sanitiser) with a short allow-list
of tags and attributes: ``<script>``, ``<style>``, event handlers (``on*``), ``style`` attributes
and ``javascript:``/``data:`` URLs never survive. Links get ``rel="noopener noreferrer nofollow"``.
"""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
        "hr", "i", "img", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table", "tbody", "td",
        "th", "thead", "tr", "ul",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "abbr": {"title"},
    "th": {"align"},
    "td": {"align"},
}
# Only web links, mail and telephone: no javascript:, data: or vbscript:.
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
# Dropped with their content (not only their tags): their text is code, not prose.
DROPPED_WITH_CONTENT = frozenset({"script", "style", "iframe", "object", "embed", "template", "noscript"})

# CommonMark with tables and strikethrough; "linkify" is off (no extra dependency).
_MARKDOWN = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def sanitise_html(html: str) -> str:
    """The allow-listed subset of ``html``; anything that could run script is removed."""
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        clean_content_tags=set(DROPPED_WITH_CONTENT),
        attributes={tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def render_markdown(source: str) -> str:
    """Markdown ``source`` as safe HTML: rendered, then always sanitised."""
    return sanitise_html(_MARKDOWN.render(source or ""))
