from django.conf import settings

from accounts.security import two_factor_pending
from confidentiality import policy

from .navigation import Navigation


def layout(request):
    user = getattr(request, "user", None)
    # Until two-factor and any temporary password are done, the layout offers nothing to click.
    staff = policy.is_active_staff(user) and not two_factor_pending(request) and not user.must_change_password
    navigation = Navigation(user, request.path) if staff else None
    return {
        # The flat list costs no query; the grouped menu's counts are read when it is drawn.
        "nav_items": [
            {"label": entry["label"], "url": entry["url"], "active": entry["active"]}
            for entry in navigation.flat
        ]
        if navigation
        else [],
        "navigation": navigation,
        "demo_mode": settings.DEMO_MODE,
        "is_staff_user": staff,
    }
