"""Keeps a logged-in person on the security pages until their login is complete.

A login is complete when the person has no temporary password left to change and, where their
role requires it, has passed the TOTP check. Until then every other page, including HTMX
partials and session-authenticated API calls, is refused.
"""

from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .security import has_confirmed_device, two_factor_pending

OPEN_PREFIXES = ("/static/", "/i18n/", "/accounts/logout/", "/favicon.ico")


class SecurityGateMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(OPEN_PREFIXES):
            target = self._required_step(request)
            if target and request.path != target:
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "login incomplete"}, status=403)
                return redirect(target)
        return self.get_response(request)

    def _required_step(self, request) -> str | None:
        user = request.user
        if two_factor_pending(request):
            if has_confirmed_device(user):
                return reverse("accounts:two_factor_verify")
            return reverse("accounts:two_factor_setup")
        if user.must_change_password:
            return reverse("accounts:password_change")
        return None
