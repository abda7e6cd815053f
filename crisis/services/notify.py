"""Messages about alerts, through the outbox (PRT-2).

A message says only the level, what happened and where to look: no name, no clinical detail.
Whoever opens the link is checked by the policy like anyone else.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from crisis.models import Alert
from lib.urls import absolute_reverse
from notifications.models import Notification
from notifications.services import notification_queue


def alert_path(alert: Alert) -> str:
    """The alert page's address as a message reader opens it."""
    return absolute_reverse("crisis:alert_detail", alert.pk)


def _when(moment) -> str:
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def alert_message(*, alert: Alert, recipient, key: str, subject: str, lead: str) -> Notification | None:
    """Queue one message about ``alert`` for ``recipient``; ``key`` makes a repeat harmless."""
    if recipient is None:
        return None
    body = "\n".join(
        [
            lead,
            _("Respond by: %(time)s") % {"time": _when(alert.respond_by)},
            _("Open the alert: %(path)s") % {"path": alert_path(alert)},
        ]
    )
    return notification_queue(
        kind=Notification.Kind.OTHER,
        dedupe_key=f"alert:{alert.pk}:{key}:{recipient.pk}"[:120],
        subject=subject,
        body=body,
        recipient_user=recipient,
        related=alert,
    )


def message_raised(alert: Alert, recipient) -> Notification | None:
    level = alert.get_level_display()
    return alert_message(
        alert=alert,
        recipient=recipient,
        key="raised",
        subject=_("%(level)s alert: please respond") % {"level": level},
        lead=_("A new alert (level: %(level)s) has been raised and you are its owner.") % {"level": level},
    )


def message_level_raised(alert: Alert, recipient) -> Notification | None:
    level = alert.get_level_display()
    return alert_message(
        alert=alert,
        recipient=recipient,
        key=f"level:{alert.level}",
        subject=_("Alert raised to %(level)s") % {"level": level},
        lead=_("A further signal raised your alert to level %(level)s.") % {"level": level},
    )


def message_assigned(alert: Alert, recipient) -> Notification | None:
    level = alert.get_level_display()
    stamp = timezone.now().strftime("%Y%m%d%H%M%S%f")
    return alert_message(
        alert=alert,
        recipient=recipient,
        key=f"assigned:{stamp}",
        subject=_("%(level)s alert assigned to you") % {"level": level},
        lead=_("An alert (level: %(level)s) has been assigned to you.") % {"level": level},
    )


def message_escalated(alert: Alert, recipient) -> Notification | None:
    level = alert.get_level_display()
    return alert_message(
        alert=alert,
        recipient=recipient,
        key=f"escalated:{alert.escalation_stage}",
        subject=_("Escalated: %(level)s alert not acknowledged") % {"level": level},
        lead=_("An alert (level: %(level)s) was not acknowledged in time and has been escalated to you.")
        % {"level": level},
    )
