"""Links that leave the site: in messages (e-mail, SMS, WeChat) and QR codes, a path is useless;
they need the address the centre is reached at.

That address is XINQIAO_PUBLIC_BASE_URL when it is set (production: the one name residents
reach). Left empty, a link made while serving a request uses the address that request came to, so
a centre served on another port or host gets working links and QR codes without configuring
anything; a link made outside any request (a background job) falls back to LOCAL_BASE_URL, the
address `make run` serves on. `manage.py check --deploy` warns when the setting is empty.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from lib.request_context import base_url_from_request, current_base_url

LOCAL_BASE_URL = "http://127.0.0.1:8000"


def base_url(request=None) -> str:
    configured = (settings.XINQIAO_PUBLIC_BASE_URL or "").strip().rstrip("/")
    if configured:
        return configured
    from_request = base_url_from_request(request) if request is not None else current_base_url()
    return from_request or LOCAL_BASE_URL


def absolute_url(path: str, *, request=None) -> str:
    return base_url(request) + path


def absolute_reverse(name: str, *args, request=None) -> str:
    return absolute_url(reverse(name, args=args), request=request)
