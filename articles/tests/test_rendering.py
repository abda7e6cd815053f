"""The one function that turns an article's Markdown into HTML: nothing that runs script survives."""

import re

import pytest

from articles.rendering import render_markdown

# The payloads of bench/security_xss.py, and the usual ways around a weak sanitiser.
PAYLOADS = [
    '<img src=x onerror=window.__xss="f1">',
    '"><script>window.__xss="f2"</script>',
    '\'><svg onload=window.__xss="f3">',
    '=1+<img src=x onerror=window.__xss="f4">',
    "<script>alert(1)</script>",
    "<div><script>alert(1)</script></div>",
    '<p onclick="alert(1)" style="background:url(javascript:alert(1))">text</p>',
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    "[link](javascript:alert(1))",
    "![pic](javascript:alert(1))",
    '<img src="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">',
    '<iframe src="https://example.com"></iframe>',
    "<svg><script>alert(1)</script></svg>",
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=x></form>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
    '<body onload="alert(1)">',
    "<object data=x></object><embed src=x>",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_the_renderer_as_markup(payload):
    html = render_markdown(f"段落\n\n{payload}\n\n{payload}")
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<svg" not in lowered and "<iframe" not in lowered and "<style" not in lowered
    assert "<form" not in lowered and "<object" not in lowered and "<embed" not in lowered
    assert not re.search(r"(href|src)\s*=\s*[\"']?\s*(javascript|data|vbscript|&#)", lowered)
    for attribute in ("onerror=", "onload=", "onclick=", "style="):
        assert f"<img {attribute}" not in lowered
        assert f' {attribute}"' not in lowered
    assert 'onerror="' not in lowered and 'onload="' not in lowered and 'onclick="' not in lowered


def test_markdown_becomes_the_allowed_html():
    html = render_markdown("# 标题\n\n**重点** 与 *强调*\n\n- 一\n- 二\n\n[中心](https://example.com)\n")
    assert "<h1>标题</h1>" in html
    assert "<strong>重点</strong>" in html and "<em>强调</em>" in html
    assert "<li>一</li>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">中心</a>' in html


def test_a_link_to_a_script_keeps_its_text_and_loses_its_target():
    html = render_markdown('<a href="javascript:alert(1)">链接</a>')
    assert "链接" in html and "href" not in html


def test_tables_and_strikethrough_are_rendered():
    html = render_markdown("| 项 | 值 |\n|---|---|\n| 睡眠 | 8 |\n\n~~旧~~")
    assert "<table>" in html and "<td>睡眠</td>" in html and "<s>旧</s>" in html


def test_empty_body_renders_nothing():
    assert render_markdown("") == ""
