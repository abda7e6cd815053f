"""Red alerts are unmissable (CRI-2): every staff page knows how many red alerts the person sees
that nobody has acknowledged yet, and base.html shows a red banner linking to the queue."""

from __future__ import annotations

from functools import cached_property

from accounts.security import two_factor_pending
from confidentiality import policy
from crisis.permissions import HANDLE_ALERTS


class RedAlerts:
    """Counted on first use only (one query), so pages that never show the banner, such as HTMX
    partials, cost nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def count(self) -> int:
        from crisis.selectors.alerts import red_alerts_waiting

        return red_alerts_waiting(user=self.user)


class _NoRedAlerts:
    count = 0


NO_RED_ALERTS = _NoRedAlerts()


def red_alerts(request) -> dict:
    user = getattr(request, "user", None)
    # As in dashboard.context_processors.layout: nothing before the second factor and a new password.
    if (
        not policy.has_permission(user, HANDLE_ALERTS)
        or two_factor_pending(request)
        or user.must_change_password
    ):
        return {"red_alerts": NO_RED_ALERTS}
    return {"red_alerts": RedAlerts(user)}
