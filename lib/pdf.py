"""PDF rendering with WeasyPrint and a Chinese font from npm (@fontsource/noto-sans-sc).

The font package splits Noto Sans SC into about a hundred subsets, each declared with a
``unicode-range``. WeasyPrint would load every one of them; only the subsets that cover the
characters actually in the document are handed to it, which keeps a one-page export fast.

Each subset gets a family name of its own (listed in order in ``font-family``): under one shared
name WeasyPrint embeds the subsets as one font, and the PDF's text layer then maps characters to
the wrong glyph names, so the text could not be copied or searched.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings

FONT_DIR = Path(settings.BASE_DIR) / "node_modules" / "@fontsource" / "noto-sans-sc"
FONT_FAMILY = "Noto Sans SC"
_BLOCK = re.compile(r"@font-face\s*{[^}]*}", re.S)
_RANGE = re.compile(r"unicode-range:\s*([^;]+);")


class FontMissing(RuntimeError):
    """The Chinese font package is not installed (run `make install`)."""


@cache
def _font_faces(weight: int) -> list[tuple[str, list[tuple[int, int]]]]:
    css_file = FONT_DIR / f"{weight}.css"
    if not css_file.exists():
        raise FontMissing(f"{css_file} is missing; `make install` installs the font from npm")
    faces = []
    for block in _BLOCK.findall(css_file.read_text(encoding="utf-8")):
        match = _RANGE.search(block)
        if not match:
            continue
        ranges = []
        for part in match.group(1).split(","):
            part = part.strip().removeprefix("U+").removeprefix("u+")
            start, _, end = part.partition("-")
            ranges.append((int(start, 16), int(end or start, 16)))
        faces.append((block.replace("url(./files/", f"url({(FONT_DIR / 'files').as_uri()}/"), ranges))
    return faces


def font_css_for(text: str) -> tuple[str, list[str]]:
    """@font-face rules for just the subsets that cover ``text``, and their family names."""
    points = {ord(ch) for ch in text}
    rules, families = [], []
    for index, (block, ranges) in enumerate(_font_faces(400)):
        if any(start <= point <= end for point in points for start, end in ranges):
            family = f"XinqiaoSC{index}"
            rules.append(block.replace(f"font-family: '{FONT_FAMILY}'", f"font-family: '{family}'"))
            families.append(family)
    return "\n".join(rules), families


def render_pdf(html: str) -> bytes:
    # WeasyPrint loads Pango when imported: only pay for it when a PDF is made.
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    fonts = FontConfiguration()
    text = re.sub(r"<[^>]+>", "", html)
    faces, families = font_css_for(text)
    family_list = ", ".join(f"'{family}'" for family in families)
    rules = faces + f"\nbody {{ font-family: {family_list}, sans-serif; }}"
    stylesheet = CSS(string=rules, font_config=fonts)
    document = HTML(string=html, base_url=str(settings.BASE_DIR))
    return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)
