"""The current request's client address (for the audit helper) and the address it was made to
(for links that leave the site), for code far from the view.

Set by ``confidentiality.middleware.RequestContextMiddleware`` for each request; empty in
management commands and background tasks, whose entries then carry no client address.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost

_client_ip: ContextVar[str | None] = ContextVar("xinqiao_client_ip", default=None)
_base_url: ContextVar[str | None] = ContextVar("xinqiao_base_url", default=None)


def client_ip_from_request(request) -> str | None:
    """The client's address: REMOTE_ADDR, or the proxy-reported one when behind known proxies.

    X-Forwarded-For is trusted only for as many hops as XINQIAO_PROXY_COUNT says, so a client
    cannot write its own address into the audit log.
    """
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0)
    candidate = request.META.get("REMOTE_ADDR")
    if proxies:
        forwarded = [
            part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= proxies:
            candidate = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(candidate)) if candidate else None
    except ValueError:
        return None


def set_client_ip(value: str | None):
    return _client_ip.set(value)


def reset_client_ip(token) -> None:
    _client_ip.reset(token)


def current_client_ip() -> str | None:
    return _client_ip.get()


def base_url_from_request(request) -> str | None:
    """Scheme and host the request was made to ("https://xinqiao.example.org"), or None when the
    host is not one ALLOWED_HOSTS admits (Django raises; a link is then built another way)."""
    try:
        return request.build_absolute_uri("/").rstrip("/")
    except (DisallowedHost, KeyError):  # a host Django refuses, or a request without one at all
        return None


def set_base_url(value: str | None):
    return _base_url.set(value)


def reset_base_url(token) -> None:
    _base_url.reset(token)


def current_base_url() -> str | None:
    return _base_url.get()
