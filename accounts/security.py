"""Login-security rules (PLT-6) that more than one place needs."""

from __future__ import annotations

from django.conf import settings
from django_otp import devices_for_user


def two_factor_required(user) -> bool:
    """TOTP is required for every role in TWO_FACTOR_ROLES.

    The demo accounts are exempt while demo mode is on, so a visitor can try the demo without a
    phone; the flag is ignored the moment demo mode is off.
    """
    if not getattr(user, "is_authenticated", False):
        return False
    if not settings.XINQIAO_TWO_FACTOR_ENFORCED:
        return False
    if settings.DEMO_MODE and user.is_demo_account:
        return False
    return user.role_requires_two_factor


def has_confirmed_device(user) -> bool:
    return any(True for _ in devices_for_user(user, confirmed=True))


def two_factor_pending(request) -> bool:
    user = request.user
    return two_factor_required(user) and not user.is_verified()
