"""Links that leave the site: in messages (e-mail, SMS, WeChat) and QR codes, a path is useless;
they need the address the centre is reached at (XINQIAO_PUBLIC_BASE_URL)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    return settings.XINQIAO_PUBLIC_BASE_URL.rstrip("/") + path


def absolute_reverse(name: str, *args) -> str:
    return absolute_url(reverse(name, args=args))
