"""The current request's client address, for code far from the view (the audit helper).

Set by ``confidentiality.middleware.RequestContextMiddleware`` for each request; empty in
management commands and background tasks, whose entries then carry no client address.
"""

from __future__ import annotations

import ipaddress
from contextvars import ContextVar

from django.conf import settings

_client_ip: ContextVar[str | None] = ContextVar("xinqiao_client_ip", default=None)


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
