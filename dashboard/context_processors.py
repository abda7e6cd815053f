from django.conf import settings

from accounts.security import two_factor_pending
from confidentiality import policy

from .navigation import nav_for


def layout(request):
    user = getattr(request, "user", None)
    # Until two-factor and any temporary password are done, the layout offers nothing to click.
    staff = policy.is_active_staff(user) and not two_factor_pending(request) and not user.must_change_password
    return {
        "nav_items": nav_for(user, request.path) if staff else [],
        "demo_mode": settings.DEMO_MODE,
        "is_staff_user": staff,
    }
